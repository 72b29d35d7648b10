"""One whole assessment: the allowed options, their costs, the call that follows from both, the
shortlist and the explanation, composed in one downward pass (see ``assess``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict

from grid.catalog import Catalog, load_catalog
from grid.cost import Assumption, CostData, CostInputs, CostReport, InvalidCostInput, OptionCost, break_even, load_cost_data, resolve, seller_name
from grid.engine import Result, score
from grid.options import CLOSED_OPTIONS, OPTION_LABEL, Facts, Option, World, volume_words
from grid.prose import option_phrase
from grid.questionnaire import Questionnaire, load_questionnaire
from grid.shortlist import Shortlist, build_shortlist


class Assessment(BaseModel):
    """One result object: the call, the options allowed and forbidden, the costs that compare them,
    the shortlist and the reasons. The page, the PDF, the decision record and the CLI render it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    result: Result
    shortlist: Shortlist
    costs: Optional[CostReport]
    cost_problem: Optional[str]
    suggested_models: dict[str, str] = {}
    revisit: Optional[date] = None
    today: Optional[date] = None
    answers: dict[str, str] = {}
    checklist: dict[str, str] = {}
    cost_inputs: CostInputs = CostInputs()


def _option_cost(key: str, o: Option, catalog: Catalog) -> OptionCost:
    p = o.pick
    detail = p.detail if p is not None else (o.note or (o.blocked_by[0].text if o.blocked_by else "not priced"))
    if p is not None and o.note:
        detail += f". {o.note}"
    seller = None
    seller_name = None
    if p is not None:
        if key == "self_hosted":
            seller, seller_name = "self", "your own GPUs"
        elif key == "hybrid":
            seller = " + ".join(x.seller.id if x.seller else "self" for x in o.parts)
            seller_name = " + ".join(x.seller.name if x.seller else "your own GPUs" for x in o.parts)
        elif p.seller is not None:
            seller, seller_name = p.seller.id, p.seller.name
    model = p.model.id if p else None
    if key == "hybrid" and len(o.parts) == 2:
        model = f"{o.parts[0].model.id} + {o.parts[1].model.id}"
    return OptionCost(
        option=key,
        label=OPTION_LABEL[key],
        monthly_usd=p.monthly if (p is not None and o.allowed) else None,
        model=model,
        gpu=p.footprint.gpu if (p is not None and p.footprint is not None and key in ("self_hosted", "hybrid")) else None,
        detail=detail,
        available=o.priced,
        allowed=o.allowed,
        blocked_by=list(o.blocked_by),
        seller=seller,
        seller_name=seller_name,
        tier=p.model.tier if p else None,
        monthly_usd_low=o.low if o.allowed else None,
        monthly_usd_high=o.high if o.allowed else None,
    )


def cost_report_of(facts: Facts, inputs: CostInputs, answers: Mapping[str, str], catalog: Catalog, data: CostData) -> CostReport:
    """The cost report of an assessment: the five options as the options step priced them, the
    break-evens of the self-hosted pick against the closed and the rented picks, and every assumption.
    The models and the GPU the options are priced with are suggestions, never "your input"; the
    closed and rented prices are the ones the options table uses (same model, seller and figures)."""
    opts = facts.options
    cl = opts["closed_api"] if opts["closed_api"].priced else opts["closed_cloud"]
    closed_key = facts.cheapest_closed or cl.key
    closed_pick = opts[closed_key].pick if facts.cheapest_closed else cl.pick
    sh = opts["self_hosted"].pick
    rented = opts["rented_open"].pick
    suggested: dict[str, str] = {}
    why: dict[str, str] = {}
    if closed_pick is not None:
        suggested["closed_model"] = closed_pick.model.id
        why["closed_model"] = f"the shortlist's lead closed model, which the cheapest allowed closed option ({option_phrase(closed_key)}) is priced with"
    if sh is not None:
        suggested["open_model"] = sh.model.id
        why["open_model"] = "the model the self-hosted option is priced with"
    elif rented is not None:
        suggested["open_model"] = rented.model.id
        why["open_model"] = "the model the rented option is priced with"
    if sh is not None and sh.footprint is not None:
        suggested["gpu"] = sh.footprint.gpu
        why["gpu"] = "the GPU the self-hosted option is priced on"
    be = be_r = None
    why_be = why_r = "Not computed: an option is missing."
    assumptions = []
    try:
        r = resolve(inputs, answers, catalog, data, suggested=suggested, suggested_why=why)
        assumptions = _priced_as_the_table(list(r.assumptions), closed_pick, rented, catalog)
        if closed_pick is not None and closed_pick.price is not None:
            be, why_be = break_even(r, closed_pick.price)
        if rented is not None and rented.price is not None and sh is not None:
            be_r, why_r = break_even(r, rented.price)
    except InvalidCostInput as e:
        why_be = why_r = f"Not computed: {e.message}"
    if facts.tokens_range:
        lo, hi = facts.tokens_range
        assumptions.insert(0, Assumption(name="tokens_per_day_range", value=f"{volume_words(lo)} to {volume_words(hi)} tokens a day", source="volume not known: every option is also priced at both ends of this range"))
    priced = {k: o.monthly for k, o in opts.items() if o.priced}
    return CostReport(
        tokens_per_day=facts.tokens_per_day,
        closed_api=_option_cost("closed_api", opts["closed_api"], catalog),
        closed_cloud=_option_cost("closed_cloud", opts["closed_cloud"], catalog),
        rented_open=_option_cost("rented_open", opts["rented_open"], catalog),
        self_hosted=_option_cost("self_hosted", opts["self_hosted"], catalog),
        hybrid=_option_cost("hybrid", opts["hybrid"], catalog),
        break_even_tokens_per_day=be,
        break_even_reason=why_be,
        break_even_vs_rented_tokens_per_day=be_r,
        break_even_vs_rented_reason=why_r,
        cheapest=min(priced, key=priced.get) if priced else None,  # type: ignore[arg-type]
        cheapest_allowed=facts.cheapest_allowed,
        capability_note=facts.capability_note,
        tokens_per_day_range=facts.tokens_range,
        assumptions=assumptions,
    )


def price_assumption(name: str, pick, catalog: Catalog) -> Optional[Assumption]:  # pick: Optional[Pick]
    """The price an option's pick pays, as an assumption: the same model, seller and figures as the options table."""
    if pick is None or pick.price is None:
        return None
    p = pick.price
    seller = pick.seller.name if pick.seller is not None else seller_name(catalog, p)
    source = f"{pick.model.name} at {seller}"
    if p.notes == "Your negotiated price.":
        source += ": your negotiated price"
    else:
        source += f" ({p.confidence}), checked {p.checked.isoformat()}: {p.source}"
    return Assumption(name=name, value=f"{p.input_usd_per_mtok:g} in / {p.output_usd_per_mtok:g} out", source=source)


def _priced_as_the_table(assumptions: list[Assumption], closed_pick, rented, catalog: Catalog) -> list[Assumption]:
    """The resolved assumptions with the closed and rented prices of the options' own picks; with no
    rented pick (renting ruled out or not priced) there is no rented price to state."""
    out = []
    for x in assumptions:
        if x.name == "closed_price_usd_per_mtok" and closed_pick is not None:
            x = price_assumption(x.name, closed_pick, catalog) or x
        elif x.name == "rented_price_usd_per_mtok":
            x = price_assumption(x.name, rented, catalog)  # type: ignore[assignment]
            if x is None:
                continue
        out.append(x)
        if x.name == "open_model" and rented is not None and not any(a.name == "rented_price_usd_per_mtok" for a in assumptions):
            extra = price_assumption("rented_price_usd_per_mtok", rented, catalog)
            if extra is not None:
                out.append(extra)
    return out


def assess(
    answers: Mapping[str, str],
    checklist: Optional[Mapping[str, str]] = None,
    costs: Optional[CostInputs] = None,
    *,
    today: Optional[date] = None,
    revisit: Optional[date] = None,
    questionnaire: Optional[Questionnaire] = None,
    catalog: Optional[Catalog] = None,
    cost_data: Optional[CostData] = None,
) -> Assessment:
    """answers → options (constraints × catalog × sellers) → costs of the allowed options → axes
    (the cost axis from those costs) → decide → deployment → explanation. One downward pass."""
    q = questionnaire or load_questionnaire()
    catalog = catalog or load_catalog()
    data = cost_data or load_cost_data()
    today = today or date.today()
    revisit = revisit or _six_months_on(today)
    inputs = costs or CostInputs()
    try:
        world = World(q, catalog, data, inputs, today, revisit)
    except InvalidCostInput as e:
        result = score(answers, checklist, questionnaire=q)
        shortlist = build_shortlist(result, answers, catalog, q, today)
        return Assessment(
            result=result, shortlist=shortlist, costs=None, cost_problem=f"Costs not computed: {e.message}", revisit=revisit,
            today=today, answers=dict(answers), checklist=dict(checklist or {}), cost_inputs=inputs,
        )
    result = score(answers, checklist, questionnaire=q, world=world)
    facts = world.facts(answers)
    shortlist = build_shortlist(result, answers, catalog, q, today, facts=facts)
    report = cost_report_of(facts, inputs, answers, catalog, data)
    suggested = {}
    for key, name in (("closed_model", facts.cheapest_closed), ("open_model", facts.cheapest_open)):
        if name and facts.options[name].pick is not None:
            suggested[key] = facts.options[name].pick.model.id
    return Assessment(
        result=result, shortlist=shortlist, costs=report, cost_problem=None, suggested_models=suggested, revisit=revisit,
        today=today, answers=dict(answers), checklist=dict(checklist or {}), cost_inputs=inputs,
    )


def _six_months_on(day: date) -> date:
    import calendar

    month = day.month + 6
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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


def option_curves(
    answers: Mapping[str, str],
    inputs: Optional[CostInputs] = None,
    *,
    today: Optional[date] = None,
    revisit: Optional[date] = None,
    questionnaire: Optional[Questionnaire] = None,
    catalog: Optional[Catalog] = None,
    cost_data: Optional[CostData] = None,
    points: int = 121,
) -> list[dict]:
    """Monthly cost of each ALLOWED option from 100 thousand to 10 billion tokens a day, priced with
    the same model and seller as at the user's volume (the picks of the cost report). Forbidden
    options have no values, so no chart can draw them as contenders."""
    from grid.cost import SECONDS_PER_DAY, volume_grid

    q = questionnaire or load_questionnaire()
    catalog = catalog or load_catalog()
    data = cost_data or load_cost_data()
    today = today or date.today()
    world = World(q, catalog, data, inputs or CostInputs(), today, revisit or _six_months_on(today))
    facts = world.facts(answers)
    peak = world.peak(answers)
    sh = facts.options["self_hosted"].pick
    capacity = sh.throughput * SECONDS_PER_DAY / peak if sh is not None and sh.throughput else None
    rows = []
    for v in volume_grid(points, capacity, world.min_replicas):
        row: dict = {"tokens_per_day": v}
        for key, o in facts.options.items():
            row[key] = world._reprice(o, v, peak) if o.priced else None
        rows.append(row)
    return rows


def curve_at(rows: list[dict[str, Any]], key: str, volume: float) -> Optional[float]:
    """A curve's value at a volume, as the chart draws it: straight between two points on the log-log
    axes, except the self-hosted steps, which take the point at or above it (both edges of every
    step are on the grid, so that point is on the same step)."""
    pts = [(r["tokens_per_day"], r[key]) for r in rows if r.get(key)]
    i = next((i for i, (v, _) in enumerate(pts) if v >= volume), None)
    if i is None:
        return None
    v1, y1 = pts[i]
    if key == "self_hosted" or i == 0 or v1 == volume:
        return y1
    v0, y0 = pts[i - 1]
    t = math.log(volume / v0) / math.log(v1 / v0)
    return math.exp(math.log(y0) + t * math.log(y1 / y0))


def break_even_point(rows: list[dict[str, Any]], volume: float, keys: tuple[str, ...] = CLOSED_OPTIONS) -> Optional[tuple[str, float]]:
    """Where a break-even sits: on the line it was computed against, at its volume. A break-even is
    where self-hosting costs the same as that option, so of ``keys`` (the vendor's API or your cloud,
    whichever the report priced the closed side with) it is the line that meets the self-hosted curve
    there. The web chart and the PDF both place their marker with it."""
    values = {k: v for k in keys if (v := curve_at(rows, k, volume))}
    if not values:
        return None
    own = curve_at(rows, "self_hosted", volume)
    key = min(values, key=lambda k: abs(math.log(values[k] / own)) if own else values[k])
    return key, values[key]
