"""Reports of one assessment: the share link, the PDF summary and the decision record (MADR).

The app and ``python -m grid report`` call the same functions with the same state.
"""

from __future__ import annotations

import calendar
import re
import os
from datetime import date
from typing import Optional

from grid.answers import AnswerFile
from grid.assessment import Assessment, assess, lifecycle_warnings
from grid.catalog import Catalog, load_catalog
from grid.changes import catalog_version
from grid.cost import CostInputs
from grid.engine import REC_LABEL
from grid.options import money
from grid.prose import answer_words, points_words
from grid.links import to_params
from grid.profiles import load_profiles
from grid.questionnaire import Questionnaire, load_questionnaire

DEFAULT_BASE_URL = "http://localhost:8501/"
REVISIT_MONTHS = 6


def base_url() -> str:
    return os.environ.get("GRID_BASE_URL", DEFAULT_BASE_URL)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def revisit_date(state: AnswerFile, today: date) -> date:
    """The state's own revisit date, or six months on: the seeds advise re-running the grid every few months."""
    return state.revisit or add_months(today, REVISIT_MONTHS)


def _day(day: Optional[date]) -> str:
    return day.isoformat() if day else "unknown"


def catalog_words(state: AnswerFile) -> str:
    """The catalog a report's figures come from (today's, by its version date), and the one the
    assessment was first made with when that was older or is not known."""
    version = catalog_version()
    words = f"dated {_day(version)} (the date of its newest changelog line)"
    if state.catalog_date is None:
        return words + "; the catalog this assessment was first made with is not recorded"
    if version is not None and state.catalog_date != version:
        return words + f"; this assessment was first made with the catalog of {state.catalog_date.isoformat()}"
    return words


def share_link(state: AnswerFile, base: Optional[str] = None, q: Optional[Questionnaire] = None) -> str:
    q = q or load_questionnaire()
    query = to_params(state, q, load_profiles(), step="result").query
    root = (base or base_url()).split("?", 1)[0]
    return f"{root}?{query}"


def assessment_of(state: AnswerFile, today: date) -> Assessment:
    return assess(state.answers, state.checklist, CostInputs(**state.costs), today=today, revisit=revisit_date(state, today))


def pdf_report(
    state: AnswerFile,
    *,
    today: Optional[date] = None,
    base: Optional[str] = None,
    q: Optional[Questionnaire] = None,
    catalog: Optional[Catalog] = None,
    assessment: Optional[Assessment] = None,
) -> bytes:
    from grid.pdf import build_pdf  # reportlab loads only when a PDF is asked for

    today = today or date.today()
    q = q or load_questionnaire()
    a = assessment or assessment_of(state, today)
    return build_pdf(a, title=state.title, notes=state.notes, link=share_link(state, base, q), catalog=catalog, catalog_date=catalog_version())


def decision_record(
    state: AnswerFile,
    *,
    today: Optional[date] = None,
    base: Optional[str] = None,
    assessment: Optional[Assessment] = None,
) -> str:
    """The assessment as a Markdown architecture decision record in the MADR layout."""
    today = today or date.today()
    q = load_questionnaire()
    catalog = load_catalog()
    a = assessment or assessment_of(state, today)
    r = a.result
    link = share_link(state, base, q)
    revisit = a.revisit or revisit_date(state, today)
    answers = state.answers

    def label(qid: str) -> str:
        oid = answers.get(qid)
        return q.option(qid, oid).label if oid else "not answered"

    title = _md_text(state.title) if state.title else f"Open, closed or hybrid LLM for this workload: {REC_LABEL[r.recommendation].lower()}"
    lines = [f"# {title}", ""]
    lines += [
        "* Status: proposed",
        f"* Date: {today.isoformat()}",
        f"* Revisit by: {revisit.isoformat()}",
        f"* Catalog: {catalog_words(state)}",
        f"* Assessment link: <{link}>",
        "",
        "## Context and problem statement",
        "",
        "Should this workload run on an open-weight model (self-hosted or rented from an inference provider), "
        "on a closed model behind a vendor's API, or on a hybrid router between the two?",
        "",
        f"* Daily volume: {label('daily_tokens')}; traffic: {label('traffic_shape').lower()}.",
        f"* Most sensitive data: {label('data_sensitivity').lower()}; where it may go: {label('data_boundary').lower()}.",
        f"* ML platform team: {label('ml_platform_team').lower()}; in production: {label('time_to_production').lower()}.",
        f"* Tasks: {label('task_difficulty').lower()}; inputs: {label('modality').lower()}.",
        f"* Scale: {label('monthly_active_users').lower()} monthly users; annual revenue {label('annual_revenue_usd').lower()}.",
        "",
    ]
    if state.notes:  # the user's notes, fenced: shown as written, never read as Markdown or HTML
        longest = max((len(run) for run in re.findall(r"`+", state.notes)), default=0)
        fence = "`" * max(3, longest + 1)
        lines += ["Notes:", "", f"{fence}text", state.notes, fence, ""]
    lines += ["## Decision drivers", ""]
    for reason in [x for x in r.reasons if round(x.contribution, 1)][:6]:
        lines.append(f"* {reason.question_label} → {reason.answer_label} ({reason.contribution:+.1f} toward {reason.direction}): {reason.text}")
    for c in r.constraints:
        lines.append(f"* Hard constraint: {answer_words(q, c.question, c.answer)}. {c.text}")
    if r.checklist.stop:
        lines.append(f"* Checklist: we confirmed “{q.checklist_by_id[r.checklist.stop].question}” (yes → {r.checklist.verdict}).")
    for item, answer in r.checklist.suggested.items():
        if answer and item not in (r.checklist.stop,) and all(stp.item != item or stp.source != "yours" for stp in r.checklist.path):
            lines.append(f"* Checklist: “{q.checklist_by_id[item].question}” {answer}, suggested from our answers (not confirmed, so it decides nothing).")
    lines += ["", "## Considered options", ""]
    costs = a.costs
    def family_best(call: str, keys: tuple[str, ...]):
        """The option that stands for a family: the chosen one, else its cheapest allowed one, else the first."""
        if costs is None:
            return None
        if r.recommendation == call and r.deployment_option in keys:
            return getattr(costs, r.deployment_option)
        rows = [getattr(costs, k) for k in keys if getattr(costs, k) is not None]
        if costs.cheapest_allowed in keys:
            return getattr(costs, costs.cheapest_allowed)
        allowed = sorted((o for o in rows if o.allowed and o.monthly_usd is not None), key=lambda o: o.monthly_usd)
        return allowed[0] if allowed else rows[0]

    option_cost = {
        "open": family_best("open", ("rented_open", "self_hosted")),
        "closed": family_best("closed", ("closed_api", "closed_cloud")),
        "hybrid": costs and costs.hybrid,
    }
    names = {"open": "Open weights (self-hosted or rented)", "closed": "A closed model behind a managed API", "hybrid": "A hybrid router"}
    if costs is not None:
        lines.append("Each option is a model bought from a seller, priced at our volume; our answers rule some out.")
        lines.append("")
        for i, o in enumerate(costs.options(), 1):
            if o.allowed:
                cost = f"{money(o.monthly_usd)} a month" if o.monthly_usd is not None else "not priced"
                cheapest = f", the {costs.cheapest_words()}" if costs.cheapest_allowed == o.option else ""
                lines.append(f"{i}. {o.label}: {cost}{cheapest} ({_cell(o.detail)}).")
            else:
                why = "; ".join(_cell(f"{b.text} ({answer_words(q, b.question, b.answer)})") for b in o.blocked_by) or _cell(o.detail)
                lines.append(f"{i}. {o.label}: ruled out. {why}")
        if costs.capability_note:
            lines += ["", f"Capability: {_cell(costs.capability_note)}"]
    else:
        for i, key in enumerate(("open", "closed", "hybrid"), 1):
            lines.append(f"{i}. {names[key]}")
    lines += ["", "## Decision outcome", ""]
    lines.append(f"Chosen option: “{names[r.recommendation]}” ({r.headline[:1].lower() + r.headline[1:]}), because:")
    lines.append("")
    lines += [f"* {_cell(step)}" for step in r.path]
    lines.append("")
    lines.append(f"Confidence: {r.confidence}. {points_words(r.confidence_note)}")
    if r.disagreement:
        lines += ["", r.disagreement]
    if r.conflict:
        lines += ["", f"Conflict: {r.conflict}"]
    lines += ["", "### Consequences", ""]
    toward = [x for x in r.reasons if x.direction == _direction(r.recommendation)]
    against = [x for x in r.reasons if x.direction == _opposite(r.recommendation)]
    for x in toward[:4]:
        lines.append(f"* Good, because {_lower(x.text)}")
    for x in against[:4]:
        lines.append(f"* Bad, because {_lower(x.text)}")
    cost_reason = next((x for x in r.reasons if x.kind == "cost"), None)
    if cost_reason and cost_reason not in toward[:4] + against[:4]:
        lines.append(f"* Cost: {cost_reason.text}")
    lines += ["", "## Pros and cons of the options", ""]
    for key in ("open", "closed", "hybrid"):
        lines += [f"### {names[key]}", ""]
        if key == "hybrid":
            lines.append("* Good, because it sends the hard share to a closed frontier model and the volume to a cheaper model.")
            lines.append("* Good, because it keeps the team portable if prices or parity shift.")
            lines.append("* Bad, because a router is more to build and run than one model.")
        else:
            for x in [x for x in r.reasons if x.direction == key][:4]:
                lines.append(f"* Good, because {_lower(x.text)}")
            for x in [x for x in r.reasons if x.direction == ("closed" if key == "open" else "open")][:4]:
                lines.append(f"* Bad, because {_lower(x.text)}")
        oc = option_cost[key]
        if oc is not None and not oc.allowed:
            lines.append(f"* Bad, because our answers rule it out: {_cell('; '.join(b.text for b in oc.blocked_by) or oc.detail)}")
        elif oc is not None and oc.monthly_usd is not None:
            lines.append(f"* Cost at our volume: {money(oc.monthly_usd)} a month ({_cell(oc.detail)}).")
        lines.append("")
    shelf = lifecycle_warnings(a, catalog, revisit)
    if shelf:
        lines += ["### Model lifecycle", ""] + [f"* {_cell(x)}" for x in shelf] + [""]
    lines += ["## Shortlist", "", "| Role | Model | Licence or provider | What applies to us |", "|---|---|---|---|"]
    for c in a.shortlist.candidates:
        m = catalog.model_by_id[c.model]
        terms = catalog.license_by_id[c.license].name if c.license else catalog.provider_by_id[c.provider].name  # type: ignore[index]
        flags = "<br>".join(_cell(f) for f in c.flags) or "—"
        lines.append(f"| {c.role} | {_cell(m.name)} | {_cell(terms)} | {flags} |")
    if a.shortlist.excluded:
        lines += ["", "Excluded:", ""]
        lines += [f"* {catalog.model_by_id[e.model].name}: {e.reason}" for e in a.shortlist.excluded]
    lines += ["", "## What would change this decision", ""]
    if r.flips:
        lines += [f"* {f.question_label} → {f.to_label}: {_cell(f.text) if f.text else REC_LABEL[f.recommendation]}" for f in r.flips]
    else:
        lines.append("* No single answer change flips this recommendation.")
    newest = catalog.newest_checked
    lines += [
        "",
        "## More information",
        "",
        f"* Revisit this decision by {revisit.isoformat()}; parity and prices move.",
        f"* Assessment link: <{link}>",
        f"* Written by the open / closed LLM decision grid: questionnaire version {q.version}, catalog dated {_day(catalog_version())} (checked up to {newest.isoformat() if newest else 'unknown'}).",
        "",
    ]
    return "\n".join(lines)


def _direction(rec: str) -> str:
    return {"open": "open", "closed": "closed", "hybrid": "open"}[rec]


def _opposite(rec: str) -> str:
    return {"open": "closed", "closed": "open", "hybrid": "closed"}[rec]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def _md_text(text: str) -> str:
    """User text on one line, shown literally: no heading, link, image or HTML can come from it."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
