"""Answer sets and answer files: validation that names the offending key and value.

An answer set is ``answers`` (question id -> option id) plus ``checklist`` (item id -> yes / no /
unsure). Any subset is valid; unknown ids and options are problems. ``check_answer_set`` keeps
what is valid and lists the rest, so a lenient shell (a link) can load what it can, while a strict
shell (the CLI) refuses the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from grid.cost import InvalidCostInput, parse_cost_inputs
from grid.yamlio import show
from grid.errors import InvalidAnswers, Problem
from grid.questionnaire import CHECKLIST_ANSWERS, Questionnaire

#: Top-level keys an answers file (a saved assessment) may have.
ANSWER_FILE_KEYS = ("title", "profile", "answers", "checklist", "costs", "notes", "revisit", "catalog_date", "figures")
TITLE_MAX = 120
NOTES_MAX = 2000
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def clean_text(value: str) -> str:
    """Text from a file or a link, without control characters (tabs and line breaks kept)."""
    return value.translate(_CONTROL).replace("\r\n", "\n").replace("\r", "\n")


def normalise_value(value: Any) -> Optional[str]:
    """YAML reads a bare ``yes``/``no`` as a boolean; turn it back into the option id."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _show(value: Any) -> str:
    return show(value)


def check_answer_set(
    answers: Mapping[Any, Any],
    checklist: Mapping[Any, Any],
    q: Questionnaire,
) -> tuple[dict[str, str], dict[str, str], list[Problem]]:
    """Return (valid answers, valid checklist answers, problems) in questionnaire order."""
    problems: list[Problem] = []
    clean: dict[str, str] = {}
    for raw_key, raw_value in answers.items():
        key = normalise_value(raw_key)
        where = f"answers.{key if key is not None else _show(raw_key)}"
        if key is None or (q.renamed.get(key, key) not in q.question_by_id):
            problems.append(Problem(where, raw_key, f"{where}: unknown question {_show(raw_key)}"))
            continue
        key = q.renamed.get(key, key)
        question = q.question_by_id[key]
        value = normalise_value(raw_value)
        options = [o.id for o in question.options]
        if value not in options:
            problems.append(
                Problem(
                    where,
                    raw_value,
                    f"{where}: {_show(raw_value)} is not an option of {key} (options: {', '.join(options)})",
                )
            )
            continue
        clean[key] = value
    items = {c.id for c in q.checklist}
    clean_checklist: dict[str, str] = {}
    for raw_key, raw_value in checklist.items():
        key = normalise_value(raw_key)
        where = f"checklist.{key if key is not None else _show(raw_key)}"
        if key not in items:
            problems.append(
                Problem(where, raw_key, f"{where}: unknown checklist item {_show(raw_key)} (items: {', '.join(c.id for c in q.checklist)})")
            )
            continue
        value = normalise_value(raw_value)
        if value not in CHECKLIST_ANSWERS:
            problems.append(Problem(where, raw_value, f"{where}: {_show(raw_value)} is not one of yes, no, unsure"))
            continue
        clean_checklist[key] = value
    order = {qq.id: i for i, qq in enumerate(q.questions)}
    corder = {c.id: i for i, c in enumerate(q.checklist)}
    return (
        dict(sorted(clean.items(), key=lambda kv: order[kv[0]])),
        dict(sorted(clean_checklist.items(), key=lambda kv: corder[kv[0]])),
        problems,
    )


class Figures(BaseModel):
    """What an assessment gave when it was saved, so that a later look can say what changed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    recommendation: Literal["open", "closed", "hybrid"] = Field(description="The call.")
    deployment: str = Field(description="self_hosted, rented_open_weights, managed_api or router.")
    deployment_option: Optional[str] = Field(None, description="The costed option chosen: closed_api, closed_cloud, rented_open, self_hosted or hybrid.")
    deployment_seller: Optional[str] = Field(None, description="A seller id, self, or two joined by ' + '.")
    monthly_usd: Optional[float] = Field(None, ge=0, description="The chosen option's monthly cost.")
    lead_models: dict[str, str] = Field(default_factory=dict, description="The first model of each shortlist role (primary, volume, frontier).")


class AnswerFile(BaseModel):
    """A validated answers file, with the profile's answers merged under the file's own."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    profile: Optional[str] = None
    answers: dict[str, str]
    checklist: dict[str, str]
    costs: dict[str, Any] = {}
    title: str = ""
    notes: str = ""
    revisit: Optional[date] = None
    catalog_date: Optional[date] = None  # the catalog's version date when the assessment was made; None: not known
    figures: Optional[Figures] = None  # what it gave then (saved files only; links do not carry them)


def parse_answer_file(data: Any, q: Questionnaire, profiles: Mapping[str, Any]) -> AnswerFile:
    """Validate the raw content of an answers file. Raises ``InvalidAnswers``.

    ``profiles`` maps profile ids to objects with ``answers`` and ``checklist`` mappings.
    """
    if data is None:
        raise InvalidAnswers([Problem("(file)", None, "the file is empty")])
    if not isinstance(data, dict):
        raise InvalidAnswers(
            [Problem("(file)", data, f"the top level must be a mapping with the keys {', '.join(ANSWER_FILE_KEYS)}")]
        )
    problems: list[Problem] = []
    for key in data:
        if key not in ANSWER_FILE_KEYS:
            problems.append(
                Problem(str(key), data[key], f"unknown top-level key {_show(key)} (allowed: {', '.join(ANSWER_FILE_KEYS)})")
            )
    profile_id = data.get("profile")
    base_answers: Mapping[str, str] = {}
    base_checklist: Mapping[str, str] = {}
    if profile_id is not None:
        if not isinstance(profile_id, str) or profile_id not in profiles:
            problems.append(
                Problem("profile", profile_id, f"profile: unknown profile {_show(profile_id)} (profiles: {', '.join(profiles)})")
            )
        else:
            base_answers = profiles[profile_id].answers
            base_checklist = profiles[profile_id].checklist
    sections: dict[str, Mapping[Any, Any]] = {}
    for section in ("answers", "checklist"):
        value = data.get(section)
        if value is None:
            sections[section] = {}
        elif not isinstance(value, dict):
            problems.append(Problem(section, value, f"{section}: must be a mapping of id: value, not {_show(value)}"))
            sections[section] = {}
        else:
            sections[section] = value
    answers, checklist, more = check_answer_set(sections["answers"], sections["checklist"], q)
    problems.extend(more)
    costs: dict[str, Any] = {}
    try:
        costs = parse_cost_inputs(data.get("costs")).nonempty()
    except InvalidCostInput as e:
        problems.append(Problem(f"costs.{e.field}", e.value, f"costs.{e.field}: {e.message}"))
    texts: dict[str, str] = {}
    for key, limit in (("title", TITLE_MAX), ("notes", NOTES_MAX)):
        value = data.get(key)
        if value is None:
            texts[key] = ""
        elif not isinstance(value, str):
            problems.append(Problem(key, value, f"{key}: must be text, not {_show(value)}"))
        elif len(value) > limit:
            problems.append(Problem(key, value, f"{key}: {len(value)} characters; at most {limit} are allowed"))
        else:
            # a title is one line: line breaks could forge headings in a Markdown export
            texts[key] = " ".join(clean_text(value).split()) if key == "title" else clean_text(value)
    revisit = parse_revisit(data.get("revisit"), problems)
    catalog_date = parse_date_key("catalog_date", data.get("catalog_date"), problems)
    figures = parse_figures(data.get("figures"), problems)
    if problems:
        raise InvalidAnswers(problems)
    merged_answers = {**base_answers, **answers}
    merged_checklist = {**base_checklist, **checklist}
    merged_answers, merged_checklist, _ = check_answer_set(merged_answers, merged_checklist, q)
    return AnswerFile(
        profile=profile_id if isinstance(profile_id, str) else None,
        answers=merged_answers,
        checklist=merged_checklist,
        costs=costs,
        title=texts.get("title", ""),
        notes=texts.get("notes", ""),
        revisit=revisit,
        catalog_date=catalog_date,
        figures=figures,
    )


def parse_date_key(key: str, value: Any, problems: list[Problem]) -> Optional[date]:
    """An optional date (YYYY-MM-DD); a problem naming ``key`` when it is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(Problem(key, value, f"{key}: {_show(value)} is not a date (YYYY-MM-DD)"))
    return None


def parse_figures(value: Any, problems: list[Problem]) -> Optional[Figures]:
    """The figures a saved assessment recorded (optional); each problem names its key."""
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append(Problem("figures", value, f"figures: must be a mapping, not {_show(value)}"))
        return None
    try:
        return Figures.model_validate(value)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            where = "figures." + ".".join(str(x) for x in err["loc"])
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(Problem(where, err.get("input"), f"{where}: {msg}"))
        return None


def parse_revisit(value: Any, problems: list[Problem]) -> Optional[date]:
    return parse_date_key("revisit", value, problems)


def answer_file_dict(state: AnswerFile) -> dict[str, Any]:
    """The saved-assessment form of a state: what ``python -m grid recommend`` reads back."""
    out: dict[str, Any] = {}
    if state.title:
        out["title"] = state.title
    if state.profile:
        out["profile"] = state.profile
    out["answers"] = dict(state.answers)
    if state.checklist:
        out["checklist"] = dict(state.checklist)
    if state.costs:
        out["costs"] = dict(state.costs)
    if state.notes:
        out["notes"] = state.notes
    if state.revisit:
        out["revisit"] = state.revisit.isoformat()
    if state.catalog_date:
        out["catalog_date"] = state.catalog_date.isoformat()
    if state.figures is not None:
        out["figures"] = state.figures.model_dump(exclude_none=True)
    return out
