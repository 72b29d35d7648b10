"""Share links: a whole assessment in readable query parameters, and back.

Format version 1 (``v=1``). Keys are the question ids, the checklist item ids, the cost input
names, and ``profile``, ``title``, ``notes`` (or ``notes_z``), ``revisit``, ``cd`` (the catalog's
version date the assessment was made with, ``20261201``; absent in older links: not known); the
app adds ``step``.
Values are option ids, ``yes``/``no``/``unsure``, numbers, model ids and text. What equals the
default is left out: answers equal to the starting profile's, checklist answers that follow the
suggestion, cost inputs left at their defaults. An empty value for a question means "cleared"
(the profile answered it, the user took the answer back).

Notes travel as plain text, or compressed (``notes_z``: zlib, then URL-safe base64) when that is
shorter. A query over ``MAX_QUERY_BYTES`` is refused whole; otherwise every valid parameter loads,
unknown keys are ignored and listed, invalid values are dropped and named, whatever the number of
parameters (the byte limit bounds it). A link with more than ``MANY_PARAMS`` parameters also says
how many it had: Streamlit drops such a query before the app sees it, so the app reads it from the
raw query (see ``app_pages/link_guard.py``). ``read_link`` never raises.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional
from urllib.parse import parse_qsl, quote, urlencode

from pydantic import ValidationError

from grid.answers import NOTES_MAX, TITLE_MAX, AnswerFile, clean_text
from grid.catalog import Catalog
from grid.cost import CostData, CostInputs
from grid.questionnaire import CHECKLIST_ANSWERS, Questionnaire

LINK_VERSION = 1
MAX_QUERY_BYTES = 8192
MAX_NOTES_BYTES = 16 * 1024  # a compressed notes value may not expand beyond this
MANY_PARAMS = 1000  # Streamlit passes at most this many query parameters to an app
IGNORED_SHOWN = 10  # unknown keys named in the message; the rest are counted
COST_FIELDS = tuple(CostInputs.model_fields)
RESERVED = ("v", "profile", "title", "notes", "notes_z", "revisit", "cd", "step")
CATALOG_DATE_KEY = "cd"  # the catalog's version date the assessment was made with, YYYYMMDD; absent: not known


def catalog_date_text(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_catalog_date(value: str) -> Optional[date]:
    """``20261201`` (or ``2026-12-01``) as a date; None when it is not one."""
    text = value.strip()
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def encode_query(params: Mapping[str, str]) -> str:
    """Percent-encode parameters the way a browser's address bar shows them."""
    return urlencode(list(params.items()), quote_via=quote, safe="")


def query_bytes(params: Mapping[str, str]) -> int:
    return len(encode_query(params).encode("ascii"))


def compress_text(text: str) -> str:
    """Text as a link value: zlib, then URL-safe base64 without padding (``notes_z``, ``compare_z``)."""
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii").rstrip("=")


def decompress_text(value: str, limit: int = MAX_NOTES_BYTES) -> str:
    """The inverse of ``compress_text``; refuses a value that would expand beyond ``limit`` bytes."""
    raw = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    d = zlib.decompressobj()
    out = d.decompress(raw, limit)
    if d.unconsumed_tail:
        raise ValueError("expands beyond the limit")
    if not d.eof:
        raise ValueError("incomplete")
    return out.decode("utf-8")


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class LinkWrite:
    params: dict[str, str]
    query: str
    notes_left_out: bool = False


def to_params(
    state: AnswerFile,
    q: Questionnaire,
    profiles: Mapping[str, Any],
    *,
    step: Optional[str] = None,
) -> LinkWrite:
    """The query parameters of an assessment, leaving out what equals the default."""
    params: dict[str, str] = {"v": str(LINK_VERSION)}
    base_answers: Mapping[str, str] = {}
    base_checklist: Mapping[str, str] = {}
    if state.profile and state.profile in profiles:
        params["profile"] = state.profile
        base_answers = profiles[state.profile].answers
        base_checklist = profiles[state.profile].checklist
    for question in q.questions:
        mine, theirs = state.answers.get(question.id), base_answers.get(question.id)
        if mine != theirs:
            params[question.id] = mine or ""
    for item in q.checklist:
        mine, theirs = state.checklist.get(item.id), base_checklist.get(item.id)
        if mine != theirs:
            params[item.id] = mine or ""
    for name in COST_FIELDS:
        value = state.costs.get(name)
        if value is not None:
            params[name] = _number(value)
    if state.title:
        params["title"] = state.title
    if state.revisit:
        params["revisit"] = state.revisit.isoformat()
    if state.catalog_date:
        params[CATALOG_DATE_KEY] = catalog_date_text(state.catalog_date)
    if step:
        params["step"] = step
    notes_left_out = False
    if state.notes:
        plain = {**params, "notes": state.notes}
        packed = {**params, "notes_z": compress_text(state.notes)}
        best = min((plain, packed), key=query_bytes)
        if query_bytes(best) <= MAX_QUERY_BYTES:
            params = best
        else:
            notes_left_out = True
    return LinkWrite(params=params, query=encode_query(params), notes_left_out=notes_left_out)


@dataclass
class LinkReading:
    """What a link held: the state it restores, and what was wrong with it."""

    state: AnswerFile
    step: Optional[str] = None
    ignored: list[str] = field(default_factory=list)  # unknown keys
    invalid: list[tuple[str, str, str]] = field(default_factory=list)  # (key, value, why)
    refused: Optional[str] = None  # the whole link was refused
    note: Optional[str] = None  # e.g. made by another format version
    valid: int = 0  # how many parameters loaded
    params: int = 0  # how many parameters the link had
    most: int = 0  # how many parameters a link made by this app can have

    def messages(self) -> list[str]:
        out = []
        if self.refused:
            out.append(self.refused)
        elif self.params > MANY_PARAMS:
            out.append(
                f"This link has {self.params:,} parameters, far more than a link made by this app ({self.most} at most); "
                "its valid parameters were loaded and the others ignored."
            )
        if self.note:
            out.append(self.note)
        if self.ignored:
            shown = ", ".join(_short(k) for k in self.ignored[:IGNORED_SHOWN])
            more = len(self.ignored) - IGNORED_SHOWN
            out.append(f"Ignored unknown parameters: {shown}" + (f" and {more:,} more." if more > 0 else "."))
        for key, value, why in self.invalid:
            out.append(f"Dropped {_short(key)}={_short(value)}: {why}")
        return out


def _short(text: str, limit: int = 40) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def count_params(query: str) -> int:
    """The parameters of a raw query string, counted as Streamlit counts them (one more than its '&')."""
    text = query[1:] if query.startswith("?") else query
    return text.count("&") + 1 if text else 0


def too_long(size: int, params: int) -> LinkReading:
    """The reading of a link over ``MAX_QUERY_BYTES``: nothing loads, and the message says why."""
    many = f"has {params:,} parameters and " if params > MANY_PARAMS else ""
    return LinkReading(
        state=AnswerFile(answers={}, checklist={}),
        refused=f"This link {many}is {size:,} bytes long, over the {MAX_QUERY_BYTES:,}-byte limit; nothing was loaded from it.",
        params=params,
    )


def _pairs(query: str | Mapping[str, Any]) -> tuple[list[tuple[str, str]], int, int]:
    """The (key, value) pairs of a query, its size in bytes and its number of parameters. A raw
    query is measured before it is parsed, so an oversized one is never parsed."""
    if isinstance(query, str):
        text = query[1:] if query.startswith("?") else query
        size = len(text.encode("utf-8", "replace"))
        if size > MAX_QUERY_BYTES:
            return [], size, count_params(text)
        return parse_qsl(text, keep_blank_values=True), size, count_params(text)
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        values: Iterable[Any] = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            pairs.append((str(key), "" if v is None else str(v)))
    return pairs, query_bytes(dict(pairs)), len(pairs)


def read_link(
    query: str | Mapping[str, Any],
    q: Questionnaire,
    profiles: Mapping[str, Any],
    catalog: Optional[Catalog] = None,
    cost_data: Optional[CostData] = None,
    *,
    steps: Iterable[str] = (),
) -> LinkReading:
    """Read a link's query (a string, or a mapping such as Streamlit's query parameters)."""
    empty = AnswerFile(answers={}, checklist={})
    try:
        pairs, size, params = _pairs(query)
    except Exception as e:  # never let a link take the page down; say what happened instead
        return LinkReading(state=empty, refused=f"This link could not be read ({type(e).__name__}); nothing was loaded from it.")
    if size > MAX_QUERY_BYTES:
        return too_long(size, params)
    try:
        reading = _read(pairs, q, profiles, catalog, cost_data, set(steps))
    except Exception as e:  # never let a link take the page down; say what happened instead
        return LinkReading(state=empty, refused=f"This link could not be read ({type(e).__name__}); nothing was loaded from it.")
    reading.params = params
    reading.most = len(RESERVED) - 1 + len(q.questions) + len(q.checklist) + len(COST_FIELDS)  # notes or notes_z, not both
    return reading


def _read(
    pairs: list[tuple[str, str]],
    q: Questionnaire,
    profiles: Mapping[str, Any],
    catalog: Optional[Catalog],
    cost_data: Optional[CostData],
    steps: set[str],
) -> LinkReading:
    reading = LinkReading(state=AnswerFile(answers={}, checklist={}))
    values: dict[str, str] = {}
    for key, value in pairs:  # the last of a repeated key wins, as in a browser
        values[key] = value
    options = {question.id: {o.id for o in question.options} for question in q.questions}
    items = {c.id for c in q.checklist}
    version = values.pop("v", None)
    if version is not None and version != str(LINK_VERSION):
        reading.note = f"This link says format version {_short(version)}; it was read as version {LINK_VERSION}."
    if version is not None:
        reading.valid += 1

    profile = values.pop("profile", None)
    answers: dict[str, str] = {}
    checklist: dict[str, str] = {}
    if profile is not None:
        if profile in profiles:
            answers.update(profiles[profile].answers)
            checklist.update(profiles[profile].checklist)
            reading.valid += 1
        else:
            reading.invalid.append(("profile", profile, "no such profile"))
            profile = None

    costs: dict[str, Any] = {}
    texts = {"title": "", "notes": ""}
    revisit: Optional[date] = None
    catalog_date: Optional[date] = None
    step: Optional[str] = None
    for raw_key, value in values.items():
        key = q.renamed.get(raw_key, raw_key)
        if key in options:
            if value == "":
                answers.pop(key, None)
                reading.valid += 1
            elif value in options[key]:
                answers[key] = value
                reading.valid += 1
            else:
                reading.invalid.append((raw_key, value, f"not an option of {key}"))
        elif key in items:
            if value == "":  # cleared: the profile's answer no longer holds, the suggestion shows
                checklist.pop(key, None)
                reading.valid += 1
            elif value in CHECKLIST_ANSWERS:
                checklist[key] = value
                reading.valid += 1
            else:
                reading.invalid.append((key, value, "a checklist answer is yes, no or unsure"))
        elif key in COST_FIELDS:
            problem = _cost_problem(key, value, catalog, cost_data)
            if problem:
                reading.invalid.append((key, value, problem))
            else:
                costs[key] = CostInputs.model_validate({key: value}).model_dump()[key]
                reading.valid += 1
        elif key in ("title", "notes", "notes_z"):
            name = "notes" if key == "notes_z" else key
            limit = TITLE_MAX if name == "title" else NOTES_MAX
            text = value
            if key == "notes_z":
                try:
                    text = decompress_text(value)
                except (ValueError, binascii.Error, zlib.error, UnicodeDecodeError):
                    reading.invalid.append((key, value, "not valid compressed notes"))
                    continue
            text = clean_text(text)
            if name == "title":
                text = text.strip()
            if len(text) > limit:
                reading.invalid.append((name, text, f"longer than {limit:,} characters; cut to the first {limit:,}"))
                text = text[:limit]
            texts[name] = text
            reading.valid += 1
        elif key == CATALOG_DATE_KEY:
            day = parse_catalog_date(value)
            if day is None:
                reading.invalid.append((key, value, "not a catalog date (YYYYMMDD)"))
            else:
                catalog_date = day
                reading.valid += 1
        elif key == "revisit":
            try:
                day = date.fromisoformat(value)
            except ValueError:
                reading.invalid.append((key, value, "not a date (YYYY-MM-DD)"))
            else:
                if day < date.today():
                    reading.invalid.append((key, value, "a revisit date in the past; the default (six months on) is used"))
                else:
                    revisit = day
                    reading.valid += 1
        elif key == "step" and steps:
            if value in steps:
                step = value
                reading.valid += 1
            else:
                reading.invalid.append((key, value, "no such step"))
        else:
            reading.ignored.append(raw_key)
    order = {x.id: i for i, x in enumerate(q.questions)}
    corder = {x.id: i for i, x in enumerate(q.checklist)}
    reading.state = AnswerFile(
        profile=profile,
        answers=dict(sorted(answers.items(), key=lambda kv: order[kv[0]])),
        checklist=dict(sorted(checklist.items(), key=lambda kv: corder[kv[0]])),
        costs=costs,
        title=texts["title"],
        notes=texts["notes"],
        revisit=revisit,
        catalog_date=catalog_date,
    )
    reading.step = step
    return reading


def _cost_problem(key: str, value: str, catalog: Optional[Catalog], cost_data: Optional[CostData]) -> Optional[str]:
    try:
        CostInputs.model_validate({key: value})
    except ValidationError as e:
        return e.errors(include_url=False)[0]["msg"].lower()
    if catalog is not None and key in ("closed_model", "open_model"):
        m = catalog.model_by_id.get(value)
        wanted = "closed" if key == "closed_model" else "open"
        if m is None or m.weights != wanted:
            return f"not a {'closed' if wanted == 'closed' else 'open-weight'} model in the catalog"
        costable = m.best_price is not None or (wanted == "open" and cost_data is not None and cost_data.footprint(m.id) is not None)
        if not costable:
            return "the catalog has no price or serving footprint to cost it with"
    if cost_data is not None and key == "gpu" and cost_data.gpu(value) is None:
        return "not a GPU in the cost data"
    return None
