"""What moves the cost: a tornado of one option's monthly cost, and of the break-even volume.

Each cost input is moved over a stated range, one at a time, with everything else held, and the
whole cost report is evaluated again at each end with the same pure functions the assessment uses
(``World.facts`` then ``cost_report_of``): no linearisation, so the steps of self-hosting (a replica
more or less) show as they are.

The ranges (``MOVES``), each relative to the value the report used:

- volume ×0.5 to ×2: a forecast rarely does better than a factor of two;
- output share ×0.5 to ×1.5 (±50 %), clamped to 0–1: the mix of a workload drifts as it grows;
- GPU hourly rate ×0.7 to ×1.3: a reserved or committed rate (about −30 %) to a dearer cloud;
- throughput per replica ×0.5 to ×1.5: prompt lengths, batching and the serving engine;
- engineers ×0.5 to ×2 (one engineer: half to two): one to three engineers run production serving;
- hybrid share to the closed model ×0.5 to ×1.5 (20 % → 10 % to 30 %), clamped to 0–1.

Two inputs of the cost model apply to every GPU or every model at once: a GPU hourly rate you type
replaces every GPU's rate, and a throughput replaces every footprint's. Moving them bare would let
another GPU or another model (even one without a sourced throughput) take over. So the GPU rate is
moved on the option's own GPU (``gpu`` held), and the throughput on the option's own model, GPU and
replica size (``open_model``, ``gpu`` and ``gpus_per_replica`` held). The other inputs move bare:
the option re-picks its cheapest model at each end, exactly as the cost report would.

An input the option does not use has a swing of zero (the GPU rate of a closed API).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict

from grid.assessment import Assessment, cost_report_of
from grid.catalog import Catalog, load_catalog
from grid.cost import CostData, CostInputs, CostReport, OptionCost, load_cost_data
from grid.options import Facts, World, money, tokens_short
from grid.questionnaire import Questionnaire, load_questionnaire

BREAK_EVEN = "break_even"


@dataclass(frozen=True)
class Move:
    """One cost input moved from ``low`` × to ``high`` × the value the report used, kept in ``bounds``."""

    field: str
    label: str
    low: float
    high: float
    bounds: tuple[float, float]
    why: str

    @property
    def range_text(self) -> str:
        return f"×{self.low:g} to ×{self.high:g}"


MOVES: tuple[Move, ...] = (
    Move("tokens_per_day", "Volume", 0.5, 2.0, (0.0, 1e13), "half to double: a volume forecast is rarely better than a factor of two"),
    Move("output_share", "Output share", 0.5, 1.5, (0.0, 1.0), "±50 % of the share, within 0–1: a workload's output mix drifts as it grows"),
    Move("gpu_hourly_usd", "GPU hourly rate", 0.7, 1.3, (1e-4, 1000.0), "−30 % (a reserved or committed rate) to +30 % (a dearer cloud), on the option's own GPU"),
    Move("throughput_tokens_per_s", "Throughput per replica", 0.5, 1.5, (1e-3, 1e9), "half to 1.5×: prompt lengths, batching and the serving engine; on the option's own model, GPU and replica size"),
    Move("engineers", "Engineers", 0.5, 2.0, (0.0, 1000.0), "half to double the staff: production serving takes one to three engineers"),
    Move("frontier_share", "Hybrid share to the closed model", 0.5, 1.5, (0.0, 1.0), "±50 % of the share, within 0–1: how many requests the router sends to the frontier"),
)
MOVE_BY_FIELD = {m.field: m for m in MOVES}
SHARES = ("output_share", "frontier_share")


class Swing(BaseModel):
    """One input moved to both ends of its range, and the figure (a monthly cost, or the
    break-even volume) at the base and at each end. ``None`` at an end: not priced, or no
    break-even in range."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    option: str  # an option key, or "break_even"
    field: str
    label: str
    range_text: str
    base_input: Optional[float]
    low_input: Optional[float]
    high_input: Optional[float]
    base: Optional[float]
    at_low: Optional[float]
    at_high: Optional[float]
    held: dict[str, Any] = {}  # the inputs held at the option's own values while this one moves

    @property
    def size(self) -> float:
        """How far the figure moves over the range: the spread of the base and both ends. An end
        that loses its figure (no break-even in range) counts as the largest swing of all."""
        values = [v for v in (self.base, self.at_low, self.at_high) if v is not None]
        if len(values) not in (0, 3):
            return math.inf
        return max(values) - min(values) if values else 0.0

    @property
    def moves(self) -> bool:
        return self.size > 0


class Sensitivity(BaseModel):
    """The tornado of the chosen option and of its best allowed alternative, and the break-even's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    chosen: Optional[str]
    alternative: Optional[str]
    swings: dict[str, list[Swing]]  # option key -> swings, largest first
    break_even: list[Swing]


def best_alternative(a: Assessment) -> Optional[OptionCost]:
    """The cheapest allowed, priced option other than the chosen one."""
    if a.costs is None:
        return None
    others = [o for o in a.costs.options() if o.allowed and o.monthly_usd is not None and o.option != a.result.deployment_option]
    return min(others, key=lambda o: o.monthly_usd) if others else None  # type: ignore[arg-type, return-value]


def input_text(field: str, value: Optional[float]) -> str:
    """An input value in its unit: 15M tokens a day, 25 %, $2.10 an hour, 5,056 tokens/s, 1.5."""
    if value is None:
        return "—"
    if field == "tokens_per_day":
        return f"{tokens_short(value)} tokens a day"
    if field in SHARES:
        return f"{value * 100:.3g} %"
    if field == "gpu_hourly_usd":
        return f"${value:,.2f} an hour"
    if field == "throughput_tokens_per_s":
        return f"{value:,.0f} tokens/s"
    if field == "engineers":
        return f"{value:g} engineer{'' if value == 1 else 's'}"
    return f"{value:g}"


def figure_text(option: str, value: Optional[float]) -> str:
    if option == BREAK_EVEN:
        return f"{tokens_short(value)} tokens a day" if value is not None else "none in range"
    return money(value) if value is not None else "not priced"


# ----------------------------------------------------------------------------- evaluation
class Evaluator:
    """The cost report for any cost inputs over one answer set, catalog, cost data and dates,
    computed by the assessment's own functions and memoised per input set."""

    def __init__(
        self,
        answers: Mapping[str, str],
        *,
        today: date,
        revisit: date,
        questionnaire: Optional[Questionnaire] = None,
        catalog: Optional[Catalog] = None,
        cost_data: Optional[CostData] = None,
    ):
        self.answers = dict(answers)
        self.today, self.revisit = today, revisit
        self.q = questionnaire or load_questionnaire()
        self.catalog = catalog or load_catalog()
        self.data = cost_data or load_cost_data()
        self._memo: dict[tuple, tuple[Facts, CostReport]] = {}

    def run(self, inputs: CostInputs) -> tuple[Facts, CostReport]:
        key = tuple(sorted(inputs.nonempty().items()))
        hit = self._memo.get(key)
        if hit is None:
            facts = World(self.q, self.catalog, self.data, inputs, self.today, self.revisit).facts(self.answers)
            hit = self._memo[key] = (facts, cost_report_of(facts, inputs, self.answers, self.catalog, self.data))
        return hit

    def report(self, inputs: CostInputs) -> CostReport:
        return self.run(inputs)[1]


def evaluate(
    answers: Mapping[str, str],
    inputs: CostInputs,
    *,
    today: date,
    revisit: date,
    questionnaire: Optional[Questionnaire] = None,
    catalog: Optional[Catalog] = None,
    cost_data: Optional[CostData] = None,
) -> CostReport:
    """The cost report of an assessment for these answers and cost inputs (what ``assess`` puts in ``costs``)."""
    return Evaluator(answers, today=today, revisit=revisit, questionnaire=questionnaire, catalog=catalog, cost_data=cost_data).report(inputs)


def figure(report: CostReport, option: str) -> Optional[float]:
    """The figure a swing follows: an option's monthly cost, or the break-even volume."""
    if option == BREAK_EVEN:
        return report.break_even_tokens_per_day
    o = getattr(report, option, None)
    return o.monthly_usd if o is not None and o.allowed else None


def _self_hosted_part(facts: Facts, option: str):  # -> Optional[Pick]
    """The option's self-hosted pick: the option itself, or a hybrid's self-hosted volume side."""
    o = facts.options.get(option)
    if o is None or not o.priced:
        return None
    if option == "self_hosted":
        return o.pick
    if option == "hybrid" and len(o.parts) == 2 and o.parts[1].price is None and o.parts[1].footprint is not None:
        return o.parts[1]
    return None


def held_inputs(facts: Facts, option: str, field: str, inputs: CostInputs) -> dict[str, Any]:
    """The inputs held at the option's own values while ``field`` moves (see the module's note);
    an input the user set is never overridden."""
    pick = _self_hosted_part(facts, option)
    if pick is None or field not in ("gpu_hourly_usd", "throughput_tokens_per_s"):
        return {}
    held: dict[str, Any] = {"gpu": pick.footprint.gpu}
    if field == "throughput_tokens_per_s":
        held.update(open_model=pick.model.id, gpus_per_replica=pick.gpus_per_replica)
    return {k: v for k, v in held.items() if getattr(inputs, k) is None and v is not None}


def base_input(facts: Facts, report: CostReport, option: str, field: str, inputs: CostInputs) -> Optional[float]:
    """The value the report used for ``field``: the option's own GPU rate and throughput where it
    self-hosts, else the report's assumption (or your input)."""
    if field == "tokens_per_day":
        return report.tokens_per_day
    pick = _self_hosted_part(facts, option)
    if pick is not None and field == "gpu_hourly_usd":
        return pick.hourly
    if pick is not None and field == "throughput_tokens_per_s":
        return pick.throughput
    given = getattr(inputs, field)
    if given is not None:
        return float(given)
    value = next((a.value for a in report.assumptions if a.name == field), None)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def moved(move: Move, base: float) -> tuple[float, float]:
    lo, hi = move.bounds
    return min(max(base * move.low, lo), hi), min(max(base * move.high, lo), hi)


def swing(ev: Evaluator, inputs: CostInputs, option: str, move: Move, *, pins_from: Optional[str] = None) -> Swing:
    """One input moved to both ends, the whole cost report evaluated again at each end."""
    facts, report = ev.run(inputs)
    owner = pins_from or option
    base_value = base_input(facts, report, owner, move.field, inputs)
    base_figure = figure(report, option)
    if base_value is None:
        return Swing(option=option, field=move.field, label=move.label, range_text=move.range_text, base_input=None, low_input=None,
                     high_input=None, base=base_figure, at_low=base_figure, at_high=base_figure)
    held = held_inputs(facts, owner, move.field, inputs)
    lo, hi = moved(move, base_value)
    ends = []
    for value in (lo, hi):
        ends.append(figure(ev.report(inputs.model_copy(update={**held, move.field: value})), option))
    return Swing(
        option=option, field=move.field, label=move.label, range_text=move.range_text, base_input=base_value, low_input=lo,
        high_input=hi, base=base_figure, at_low=ends[0], at_high=ends[1], held=held,
    )


def _sorted(swings: list[Swing]) -> list[Swing]:
    order = {m.field: i for i, m in enumerate(MOVES)}
    return sorted(swings, key=lambda s: (-s.size, order[s.field]))


def tornado(
    answers: Mapping[str, str],
    inputs: CostInputs,
    option: str,
    *,
    today: date,
    revisit: date,
    questionnaire: Optional[Questionnaire] = None,
    catalog: Optional[Catalog] = None,
    cost_data: Optional[CostData] = None,
    evaluator: Optional[Evaluator] = None,
) -> list[Swing]:
    """The monthly cost of ``option`` with each input of ``MOVES`` moved over its range, largest swing first."""
    ev = evaluator or Evaluator(answers, today=today, revisit=revisit, questionnaire=questionnaire, catalog=catalog, cost_data=cost_data)
    return _sorted([swing(ev, inputs, option, m) for m in MOVES])


def break_even_tornado(ev: Evaluator, inputs: CostInputs) -> list[Swing]:
    """The break-even volume (self-hosted against the closed API) with each input moved; the GPU rate
    and throughput move on the self-hosted option's own GPU and model."""
    return _sorted([swing(ev, inputs, BREAK_EVEN, m, pins_from="self_hosted") for m in MOVES])


def compared(a: Assessment) -> tuple[Optional[str], Optional[str]]:
    """The chosen option (when it is priced) and its best allowed alternative: the two the tornado compares."""
    if a.costs is None:
        return None, None
    chosen = a.result.deployment_option
    if not chosen or figure(a.costs, chosen) is None:
        chosen = None
    alt = best_alternative(a)
    return chosen, (alt.option if alt is not None else None)


def sensitivity_for(
    answers: Mapping[str, str],
    inputs: CostInputs,
    chosen: Optional[str],
    alternative: Optional[str],
    *,
    today: date,
    revisit: date,
    questionnaire: Optional[Questionnaire] = None,
    catalog: Optional[Catalog] = None,
    cost_data: Optional[CostData] = None,
) -> Sensitivity:
    """The tornado of two options and of the break-even, over one evaluator (each input set is
    evaluated once, whichever option reads it)."""
    ev = Evaluator(answers, today=today, revisit=revisit, questionnaire=questionnaire, catalog=catalog, cost_data=cost_data)
    keys = list(dict.fromkeys(k for k in (chosen, alternative) if k))
    return Sensitivity(
        chosen=chosen,
        alternative=alternative,
        swings={k: tornado(answers, inputs, k, today=today, revisit=revisit, evaluator=ev) for k in keys},
        break_even=break_even_tornado(ev, inputs),
    )


def sensitivity(
    a: Assessment,
    *,
    questionnaire: Optional[Questionnaire] = None,
    catalog: Optional[Catalog] = None,
    cost_data: Optional[CostData] = None,
) -> Optional[Sensitivity]:
    """The tornado of the assessment's chosen option and of its best allowed alternative, and the
    break-even's. None when the costs could not be computed."""
    if a.costs is None or a.today is None or a.revisit is None:
        return None
    chosen, alternative = compared(a)
    return sensitivity_for(a.answers, a.cost_inputs, chosen, alternative, today=a.today, revisit=a.revisit,
                           questionnaire=questionnaire, catalog=catalog, cost_data=cost_data)


# ----------------------------------------------------------------------------- tables and charts
def money_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round, non-negative tick values covering lo to hi, 1, 2, 2.5 or 5 times a power of ten apart."""
    if hi - lo <= max(abs(hi), 1.0) * 1e-9:  # a span below a billionth of the value is none: one point
        lo = hi
    raw = max((hi - lo) / count if hi > lo else max(abs(hi), 1.0) / count, 1e-9)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first, last = math.floor(lo / step), math.ceil(hi / step * (1 - 1e-12))  # 3.0000000001 steps are 3
    return [float(f"{i * step:.12g}") for i in range(max(first, 0), last + 1)]  # no float noise such as 0.30000000000000004


def swing_text(s: Swing) -> str:
    """The size of a swing in the figure's unit."""
    if math.isinf(s.size):
        return "leaves the range"
    return f"{tokens_short(s.size)} tokens a day" if s.option == BREAK_EVEN else money(s.size)


def table_rows(swings: list[Swing]) -> list[list[str]]:
    """Input (range), low end → figure, high end → figure, swing: the inputs that move the figure,
    largest first (the page and the PDF show the same rows)."""
    return [
        [
            f"{s.label} ({s.range_text})",
            f"{input_text(s.field, s.low_input)} → {figure_text(s.option, s.at_low)}",
            f"{input_text(s.field, s.high_input)} → {figure_text(s.option, s.at_high)}",
            swing_text(s),
        ]
        for s in swings
        if s.moves
    ]


def in_sentence(label: str) -> str:
    """A label inside a sentence: 'Output share' → 'output share', 'GPU hourly rate' stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def unmoved(swings: list[Swing]) -> list[str]:
    """The inputs that leave the figure where it is over their whole range, as they read in a sentence."""
    return [in_sentence(s.label) for s in swings if not s.moves]


RANGES_TEXT = (
    "Each input moves over a stated range, one at a time, and the whole cost report is computed again at each end: "
    + "; ".join(f"{in_sentence(m.label)} {m.range_text}" for m in MOVES)
    + ". Shares stay within 0–1. The GPU rate moves on the option's own GPU, and the throughput on its own model, GPU and replica size."
)
