"""One whole assessment: the scored result, the shortlist and the costs, as the shells show them.

``assess`` adds one reason to the result that cites the cost comparison at the user's volume,
so that the page, the CLI and the reports all say what the options cost where the user is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Optional

from pydantic import BaseModel, ConfigDict

from grid.catalog import Catalog, load_catalog
from grid.cost import CostData, CostInputs, CostReport, InvalidCostInput, cost_report, load_cost_data, shortlist_models
from grid.engine import Reason, Result, score
from grid.questionnaire import Questionnaire, load_questionnaire
from grid.shortlist import Shortlist, build_shortlist


class Assessment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    result: Result
    shortlist: Shortlist
    costs: Optional[CostReport]
    cost_problem: Optional[str]
    suggested_models: dict[str, str] = {}


def _volume(tokens: float) -> str:
    for size, word in ((1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if tokens >= size:
            n = tokens / size
            return f"{n:.0f} {word}" if n >= 10 or n == int(n) else f"{n:.1f} {word}"
    return f"{tokens:.0f}"


def cost_reason(report: CostReport, answers: Mapping[str, str]) -> Reason:
    parts = []
    for opt in (report.closed_api, report.rented_open, report.self_hosted, report.hybrid):
        if opt.monthly_usd is not None:
            parts.append(f"{opt.label} ${opt.monthly_usd:,.0f}")
    text = f"At {_volume(report.tokens_per_day)} tokens a day, a month costs: " + "; ".join(parts) + "."
    if report.break_even_tokens_per_day is not None:
        text += f" Self-hosting breaks even with the closed API at {_volume(report.break_even_tokens_per_day)} tokens a day"
        text += " (you are above it)." if report.tokens_per_day >= report.break_even_tokens_per_day else " (you are below it)."
    else:
        text += " Self-hosting does not break even with the closed API between 100 thousand and 10 billion tokens a day."
    answer = answers.get("daily_tokens", "not answered")
    return Reason(
        question="daily_tokens",
        answer=answer,
        text=text,
        axis="cost",
        question_label="Cost at your volume",
        answer_label=f"{_volume(report.tokens_per_day)} tokens a day",
        contribution=0.0,
        direction="neutral",
        kind="cost",
    )


def assess(
    answers: Mapping[str, str],
    checklist: Optional[Mapping[str, str]] = None,
    costs: Optional[CostInputs] = None,
    *,
    today: Optional[date] = None,
    questionnaire: Optional[Questionnaire] = None,
    catalog: Optional[Catalog] = None,
    cost_data: Optional[CostData] = None,
) -> Assessment:
    q = questionnaire or load_questionnaire()
    catalog = catalog or load_catalog()
    result = score(answers, checklist, questionnaire=q)
    shortlist = build_shortlist(result, answers, catalog, q, today or date.today())
    report: Optional[CostReport] = None
    problem: Optional[str] = None
    suggested: dict[str, str] = {}
    data = cost_data or load_cost_data()
    try:
        suggested = shortlist_models(shortlist.candidates, catalog, data)
        report = cost_report(costs or CostInputs(), answers, catalog, data, suggested)
    except InvalidCostInput as e:
        problem = f"Costs not computed: {e.message}"
    if report is not None:
        driving = [r for r in result.reasons if r.contribution]
        rest = [r for r in result.reasons if not r.contribution]
        result = result.model_copy(update={"reasons": [*driving, cost_reason(report, answers), *rest]})
    return Assessment(result=result, shortlist=shortlist, costs=report, cost_problem=problem, suggested_models=suggested)


def lifecycle_warnings(a: Assessment, catalog: Catalog, revisit: date) -> list[str]:
    """Models this result recommends or prices that the vendor retires before the revisit date,
    or that are deprecated or in preview: a review board must know the decision has a shelf life."""
    used = [c.model for c in a.shortlist.candidates]
    if a.costs is not None:
        for opt in (a.costs.closed_api, a.costs.rented_open, a.costs.self_hosted, a.costs.hybrid):
            used += [x for x in (opt.model or "").split(" + ") if x]
    out = []
    for mid in dict.fromkeys(used):
        m = catalog.model_by_id.get(mid)
        if m is None:
            continue
        if m.retires_on and m.retires_on <= revisit:
            out.append(f"{m.name} retires on {m.retires_on.isoformat()}, before this decision's revisit date ({revisit.isoformat()}): plan its replacement now.")
        elif m.status == "deprecated":
            out.append(f"{m.name} is deprecated by {m.developer}; no retirement date is published yet.")
        elif m.status == "preview":
            out.append(f"{m.name} is a preview: {m.developer} may change or withdraw it without the notice given for GA models.")
    return out


def retired_in_outputs(catalog: Catalog, cost_data: Optional[CostData] = None, today: Optional[date] = None) -> list[str]:
    """Every place where a retired model would reach a user: the cost defaults, and each usage
    profile's shortlist, cost comparison and suggested models. Empty when there is none."""
    from grid.profiles import load_profiles

    q = load_questionnaire()
    data = cost_data or load_cost_data()
    problems = []
    for name in ("closed_model", "open_model"):
        mid = str(getattr(data.defaults, name).value)
        m = catalog.model_by_id.get(mid)
        if m is not None and m.retired:
            problems.append(f"costs.yaml defaults.{name}: {mid} is retired")
    for pid, prof in load_profiles().items():
        a = assess(prof.answers, prof.checklist, today=today, questionnaire=q, catalog=catalog, cost_data=data)
        used = {c.model for c in a.shortlist.candidates} | set(a.suggested_models.values())
        if a.costs is not None:
            for opt in (a.costs.closed_api, a.costs.rented_open, a.costs.self_hosted, a.costs.hybrid):
                used.update((opt.model or "").split(" + "))
        for mid in sorted(used):
            m = catalog.model_by_id.get(mid)
            if m is not None and m.retired:
                problems.append(f"profile {pid}: retired model {mid} appears in its result")
    return problems
