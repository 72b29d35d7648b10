"""Options: a model bought from a seller, filtered by the user's constraints, then costed.

The first step of an assessment. The user's answers decide which options exist; the catalog and
the cost model price the ones that do. Five options are compared:

- ``closed_api``: a closed model through its vendor's own API;
- ``closed_cloud``: a closed model through the user's own cloud endpoint (Bedrock, Azure, Vertex);
- ``rented_open``: open weights from a seller (an inference provider, a cloud endpoint or the lab's API);
- ``self_hosted``: open weights on the user's own cloud GPUs or on premises;
- ``hybrid``: a router, a closed frontier side and a volume side.

Each option is either allowed, with the model and seller that price it, or blocked, with the
answers that rule it out (``blocked_by``), each with a plain sentence. Every seller and model filter
is listed in ``FILTERS`` below, so the Method page and the tests read the same rules.

Within an allowed option the model is matched to the capability the task needs (routine →
efficient tier or better, mixed → strong, frontier → frontier) and the cheapest such row wins.
Where no allowed model reaches the tier, the best one is priced and ``capability_note`` says so.

The cost axis of the scoring comes from here: the cheapest allowed open option against the
cheapest allowed closed option at the user's volume (``cost_lean``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Optional

from grid.catalog import Catalog, Model, Price, Provider
from grid.cost import (
    SECONDS_PER_DAY,
    Block,
    CostData,
    CostInputs,
    Footprint,
    InvalidCostInput,
    derate_of,
    negotiated,
    sizing,
    usd_per_token,
)
from grid.licensing import Scale, read_license
from grid.questionnaire import Questionnaire

OPTION_KEYS = ("closed_api", "closed_cloud", "rented_open", "self_hosted", "hybrid")
OPTION_LABEL = {
    "closed_api": "Closed model, vendor's API",
    "closed_cloud": "Closed model, your cloud's endpoint",
    "rented_open": "Open weights, rented",
    "self_hosted": "Open weights, self-hosted",
    "hybrid": "Hybrid router",
}
OPEN_OPTIONS = ("rented_open", "self_hosted")
CLOSED_OPTIONS = ("closed_api", "closed_cloud")
TIER_RANK = {"efficient": 0, "strong": 1, "frontier": 2}
TIER_FOR_TASK = {"routine": "efficient", "mixed": "strong", "frontier": "frontier"}
CLOUD_SELLERS = {"aws": ("aws-bedrock",), "azure": ("azure-foundry",), "gcp": ("google-vertex",)}
ALL_CLOUD_SELLERS = ("aws-bedrock", "azure-foundry", "google-vertex")
CLOUD_WORDS = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud", "other_cloud": "your cloud", "on_premises": "your data centre"}
REGION_WORDS = {"eu": "the EU", "us": "the US", "uk": "the UK"}
ZDR_OK = ("self_serve", "on_approval", "default")
#: Answers that decide which options exist; a change of any other answer reuses the same options.
RELEVANT = (
    "data_boundary", "data_sensitivity", "data_region", "company_domicile", "cloud_platform", "vendor_attestations", "modality",
    "version_pinning", "auditability", "task_difficulty", "daily_tokens", "traffic_shape",
    "monthly_active_users", "annual_revenue_usd", "ml_platform_team",
)
#: Ratio bands for the cost lean: (cheapest closed ÷ cheapest open at least, lean name). Between
#: 1/1.5 and 1.5 the lean is neutral (the dead band); below, the mirror image leans closed.
COST_BANDS = ((10.0, "strongly_open"), (3.0, "open"), (1.5, "slightly_open"))
#: A monthly difference below these amounts caps the lean: costs this close are not a reason.
MATERIAL_USD = 1000.0
NEGLIGIBLE_USD = 100.0
#: Volume assumed for each daily_tokens answer comes from data/costs.yaml; an unknown volume is
#: priced over this range and the result says so.
UNKNOWN_RANGE = (500_000.0, 30_000_000.0)


# ----------------------------------------------------------------------------- filters
@dataclass(frozen=True)
class Filter:
    """One rule that removes a (model, seller) row. ``applies`` says whether the answers switch it on;
    ``passes`` whether a row survives it; ``why`` the sentence shown when it rules an option out."""

    id: str
    question: str
    scope: str  # "seller" (hosted rows only) or "model" (every row, self-hosting too)
    describe: str  # the rule in words, for the Method page
    applies: Callable[[Mapping[str, str]], bool]
    passes: Callable[["Ctx", Model, Optional[Provider], Optional[Price]], bool]
    why: Callable[["Ctx", str], str]


def _cloud_sellers(answers: Mapping[str, str]) -> tuple[str, ...]:
    cloud = answers.get("cloud_platform")
    if cloud in CLOUD_SELLERS:
        return CLOUD_SELLERS[cloud]
    if cloud in ("other_cloud", "on_premises"):
        return ()
    return ALL_CLOUD_SELLERS  # not decided: any of the three clouds could be yours


def _regions(p: Optional[Price], s: Optional[Provider]) -> list[str]:
    return list(p.regions) if p is not None and p.regions else list(s.regions if s else [])


def _terms(ctx: "Ctx", s: Optional[Provider], p: Optional[Price]) -> Optional[Provider]:
    """Whose data terms apply to a row: the seller's, or the party that processes the data for it."""
    if p is not None and p.processed_by:
        return ctx.catalog.provider_by_id.get(p.processed_by)
    return s


def eu_domiciled(answers: Mapping[str, str]) -> bool:
    """Is the licensee taken to be EU-domiciled? Its stated domicile; with none stated, an EU data region."""
    domicile = answers.get("company_domicile")
    if domicile in ("eu", "us", "uk", "other"):
        return domicile == "eu"
    return answers.get("data_region") == "eu"


def _eu_restricted(ctx: "Ctx", m: Model) -> bool:
    if m.weights != "open" or not m.license:
        return False
    lic = ctx.catalog.license_by_id[m.license]
    return any(g.region == "eu" and (g.scope == "all" or m.multimodal) for g in lic.geographic_restrictions)


FILTERS: tuple[Filter, ...] = (
    Filter(
        "air_gapped", "data_boundary", "seller",
        "Air-gapped: no hosted API, closed or open; only self-hosting on premises.",
        lambda a: a.get("data_boundary") == "air_gapped",
        lambda ctx, m, s, p: False,
        lambda ctx, k: "An air-gapped deployment reaches no hosted API, closed or open.",
    ),
    Filter(
        "own_cloud_only", "data_boundary", "seller",
        "Own cloud only: self-hosting, or the managed endpoints of your own cloud platform (Bedrock on AWS, AI Foundry on Azure, Vertex AI on Google Cloud), where the cloud itself processes the data.",
        lambda a: a.get("data_boundary") == "own_cloud_only",
        lambda ctx, m, s, p: s is not None and s.id in _cloud_sellers(ctx.answers) and not (p is not None and p.processed_by),
        lambda ctx, k: (
            "Data may not leave your own cloud, so a vendor's public API is ruled out."
            if k == "closed_api"
            else f"Data may not leave your own cloud, and {CLOUD_WORDS.get(ctx.answers.get('cloud_platform', ''), 'your cloud')} has no managed model endpoint in the catalog."
            if not _cloud_sellers(ctx.answers)
            else "Data may not leave your own cloud: only your cloud's own endpoints qualify, and none of them sells a fitting model."
        ),
    ),
    Filter(
        "contract_dpa", "data_boundary", "seller",
        "A vendor under contract: only sellers whose own pages offer a data processing agreement (DPA).",
        lambda a: a.get("data_boundary") == "vendor_with_contract",
        lambda ctx, m, s, p: (t := _terms(ctx, s, p)) is not None and t.dpa is True,
        lambda ctx, k: "Data may go only to a vendor under contract, and no seller of a fitting model offers a DPA on its own pages.",
    ),
    Filter(
        "contract_zdr", "data_sensitivity", "seller",
        "A vendor under contract, with confidential or regulated data: only sellers that offer zero data retention.",
        lambda a: a.get("data_boundary") == "vendor_with_contract" and a.get("data_sensitivity") in ("confidential", "regulated"),
        lambda ctx, m, s, p: (t := _terms(ctx, s, p)) is not None and t.zero_data_retention in ZDR_OK,
        lambda ctx, k: "Confidential or regulated data under a vendor contract needs zero data retention, which no seller of a fitting model offers.",
    ),
    Filter(
        "data_region", "data_region", "seller",
        "Data region EU, US or UK: the seller must process in that region.",
        lambda a: a.get("data_region") in REGION_WORDS,
        lambda ctx, m, s, p: ctx.answers.get("data_region") in _regions(p, _terms(ctx, s, p)),
        lambda ctx, k: f"Data must be processed in {REGION_WORDS.get(ctx.answers.get('data_region', ''), 'your region')}, and no seller of a fitting model states that region.",
    ),
    Filter(
        "attestations", "vendor_attestations", "seller",
        "Provider attestations required: the seller's own pages must state its attestations (SOC 2, ISO 27001, …).",
        lambda a: a.get("vendor_attestations") == "required",
        lambda ctx, m, s, p: (t := _terms(ctx, s, p)) is not None and bool(t.attestations),
        lambda ctx, k: "Provider attestations are required, and no seller of a fitting model has a statement of its attestations in the catalog.",
    ),
    Filter(
        "multimodal", "modality", "model",
        "Images, audio or video: the model must take images.",
        lambda a: a.get("modality") == "multimodal",
        lambda ctx, m, s, p: "image" in m.modalities,
        lambda ctx, k: "Your inputs include images, and no allowed model of this kind takes them.",
    ),
    Filter(
        "version_pinning", "version_pinning", "model",
        "A frozen version required: a closed model only as a GA snapshot that the vendor does not retire before your revisit date.",
        lambda a: a.get("version_pinning") == "required",
        lambda ctx, m, s, p: m.weights == "open" or (m.status == "ga" and (m.retires_on is None or m.retires_on > ctx.revisit)),
        lambda ctx, k: f"A frozen version is required, and no closed model here is a GA snapshot kept past your revisit date ({ctx.revisit.isoformat()}).",
    ),
    Filter(
        "auditability", "auditability", "model",
        "Model-level audit required: only weights you can inspect (open weights).",
        lambda a: a.get("auditability") == "required",
        lambda ctx, m, s, p: m.weights == "open",
        lambda ctx, k: "A model-level audit is required, and a closed model's weights cannot be inspected.",
    ),
    Filter(
        "licence_scale", "monthly_active_users", "model",
        "The licence must allow commercial use at your monthly users and revenue.",
        lambda a: True,
        lambda ctx, m, s, p: m.weights != "open" or ctx.licence_ok(m),
        lambda ctx, k: "No fitting open-weight model's licence allows commercial use at your scale.",
    ),
    Filter(
        "licence_region", "company_domicile", "model",
        "A company domiciled in the EU (or, with no domicile given, data processed in the EU): licences that withhold "
        "rights from EU-domiciled licensees rule their models out.",
        lambda a: eu_domiciled(a),
        lambda ctx, m, s, p: not _eu_restricted(ctx, m),
        lambda ctx, k: (
            "Your company is domiciled in the EU"
            if ctx.answers.get("company_domicile") == "eu"
            else "Your data region is the EU and no domicile is given, so your company is taken to be in the EU"
        )
        + ", and the licences of the fitting models withhold their rights from EU-domiciled licensees.",
    ),
)


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Pick:
    """The row that prices an option: a model, where it is bought, and its monthly cost."""

    model: Model
    seller: Optional[Provider]
    price: Optional[Price]
    footprint: Optional[Footprint]
    monthly: float
    meets_tier: bool
    detail: str
    gpus_per_replica: Optional[int] = None
    throughput: Optional[float] = None
    hourly: Optional[float] = None
    replicas: Optional[int] = None
    gpu_name: Optional[str] = None


@dataclass(frozen=True)
class Option:
    key: str
    allowed: bool
    blocked_by: tuple[Block, ...]
    pick: Optional[Pick]
    note: Optional[str] = None  # why an allowed option still has no price, or a capability gap
    low: Optional[float] = None
    high: Optional[float] = None
    parts: tuple[Pick, ...] = ()  # hybrid: the frontier side and the volume side

    @property
    def monthly(self) -> Optional[float]:
        return self.pick.monthly if self.pick is not None else None

    @property
    def priced(self) -> bool:
        return self.allowed and self.pick is not None


@dataclass(frozen=True)
class Facts:
    """What the options are and what they cost for one answer set: the input to the decision."""

    tokens_per_day: float
    tokens_range: Optional[tuple[float, float]]
    desired_tier: str
    options: dict[str, Option]
    cheapest_allowed: Optional[str]
    cheapest_open: Optional[str]
    cheapest_closed: Optional[str]
    ratio: Optional[float]  # cheapest closed ÷ cheapest open
    cost_lean: Optional[str]  # a lean name from the questionnaire, None when one side is missing
    cost_text: str
    capability_note: Optional[str]
    capability_gap: bool
    volume_side: Optional[str] = None  # hybrid: which option carries the volume
    allowed_models: dict[str, frozenset[str]] = field(default_factory=dict)  # "open" / "closed" -> model ids some allowed option can buy
    why_not: dict[str, str] = field(default_factory=dict)  # model id -> the first rule that rules it out

    def lead(self, role: str) -> Optional[str]:
        """The model the costs price for a shortlist role, so the shortlist leads with it."""
        if role == "frontier" and len(self.options["hybrid"].parts) == 2:
            return self.options["hybrid"].parts[0].model.id
        if role == "volume" and len(self.options["hybrid"].parts) == 2:
            return self.options["hybrid"].parts[1].model.id
        key = self.cheapest_closed if role == "closed" else self.cheapest_open
        return self.options[key].pick.model.id if key and self.options[key].pick else None

    def available(self, rec: str) -> bool:
        if rec == "open":
            return any(self.options[k].allowed for k in OPEN_OPTIONS)
        if rec == "closed":
            return any(self.options[k].allowed for k in CLOSED_OPTIONS)
        return self.options["hybrid"].allowed


@dataclass
class Ctx:
    q: Questionnaire
    catalog: Catalog
    data: CostData
    inputs: CostInputs
    answers: Mapping[str, str]
    today: date
    revisit: date
    scale: Scale = field(init=False)
    _licence: dict[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scale = Scale.from_answers(self.answers, self.q)

    def licence_ok(self, m: Model) -> bool:
        hit = self._licence.get(m.id)
        if hit is None:
            hit = self._licence[m.id] = read_license(self.catalog.license_by_id[m.license], m.developer, self.scale, self.today).usable  # type: ignore[index]
        return hit


def money(x: Optional[float]) -> str:
    """Money at a sensible precision: $730, $21.3k, $1.24M a month."""
    if x is None:
        return "—"
    if abs(x) >= 1e6:
        return f"${x / 1e6:,.2f}M"
    if abs(x) >= 1e4:
        return f"${x / 1e3:,.1f}k"
    return f"${x:,.0f}"


def value_text(v: Any) -> str:
    """A value at sensible precision: 30,000,000 not 30000000.0; 0.25 not 0.250000."""
    if isinstance(v, bool) or v is None:
        return "—" if v is None else str(v)
    if isinstance(v, float) and v.is_integer():
        return f"{int(v):,}"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


#: The deployments in words, for prose (the PDF, the comparison).
DEPLOYMENT_WORDS = {"self_hosted": "self-hosted", "rented_open_weights": "rented open weights", "managed_api": "managed API", "router": "router"}


def tokens_short(tokens: float) -> str:
    """A daily volume in two significant figures, for chart labels: 420M, 4.9B, 850k."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if tokens >= size:
            return f"{float(f'{tokens / size:.2g}'):g}{suffix}"
    return f"{tokens:.0f}"


def volume_words(tokens: float) -> str:
    for size, word in ((1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if tokens >= size:
            n = tokens / size
            return f"{n:.0f} {word}" if n >= 10 or n == int(n) else f"{n:.1f} {word}"
    return f"{tokens:.0f}"


# ----------------------------------------------------------------------------- the world
class World:
    """Options and costs for any answer set, over one catalog, cost data, cost inputs and dates.
    ``facts`` is memoised on the answers that matter to it, so the flips (about 60 answer changes)
    recompute only when a change touches the options."""

    def __init__(self, q: Questionnaire, catalog: Catalog, data: CostData, inputs: CostInputs, today: date, revisit: date):
        self.q, self.catalog, self.data, self.inputs, self.today, self.revisit = q, catalog, data, inputs, today, revisit
        self._memo: dict[tuple, Facts] = {}
        self._rows_memo: dict[tuple, list] = {}
        self._sh_memo: dict[tuple, Optional[Pick]] = {}
        d = data.defaults
        self.days = float(d.days_per_month.value)
        self.hours = float(d.hours_per_month.value)
        self.staff = (inputs.engineers if inputs.engineers is not None else float(d.engineers.value)) * (
            inputs.engineer_yearly_usd if inputs.engineer_yearly_usd is not None else float(d.engineer_yearly_usd.value)
        ) / 12
        self.min_replicas = int(inputs.min_replicas if inputs.min_replicas is not None else d.min_replicas.value)
        self.frontier_share = float(inputs.frontier_share if inputs.frontier_share is not None else d.frontier_share.value)
        self.mix = _Mix(
            output_share=float(inputs.output_share if inputs.output_share is not None else d.output_share.value),
            cached_input_share=float(inputs.cached_input_share if inputs.cached_input_share is not None else d.cached_input_share.value),
            batch_share=float(inputs.batch_share if inputs.batch_share is not None else d.batch_share.value),
        )
        for name in ("closed_model", "open_model"):
            wanted = getattr(inputs, name)
            if wanted is not None:
                m = catalog.model_by_id.get(wanted)
                kind = "closed" if name == "closed_model" else "open"
                if m is None or m.weights != kind:
                    known = ", ".join(x.id for x in catalog.models if x.weights == kind and not x.retired)
                    raise InvalidCostInput(name, wanted, f"unknown {kind} model {wanted!r} ({kind} models: {known})")
                if m.retired:
                    raise InvalidCostInput(name, wanted, f"{m.name} is retired ({m.lifecycle_note()}); choose a live model")
        if inputs.gpu is not None and data.gpu(inputs.gpu) is None:
            raise InvalidCostInput("gpu", inputs.gpu, f"unknown GPU {inputs.gpu!r} (GPUs: {', '.join(g.id for g in data.gpus)})")

    # -------------------------------------------------------------------- volume
    def volume(self, answers: Mapping[str, str]) -> tuple[float, Optional[tuple[float, float]]]:
        if self.inputs.tokens_per_day is not None:
            return float(self.inputs.tokens_per_day), None
        table = self.data.defaults.tokens_per_day
        given = answers.get("daily_tokens")
        if given in table and given != "unknown":
            return float(table[given]), None
        return float(table["unknown"]), UNKNOWN_RANGE

    def peak(self, answers: Mapping[str, str]) -> float:
        if self.inputs.peak_factor is not None:
            return float(self.inputs.peak_factor)
        pf = self.data.defaults.peak_factor
        chosen = pf.get(answers.get("traffic_shape") or "default") or pf["default"]
        return float(chosen.value)

    # -------------------------------------------------------------------- prices
    def api_monthly(self, tokens: float, price: Price) -> float:
        return tokens * self.days * usd_per_token(price, self.mix)

    def self_host(self, m: Model, tokens: float, peak: float) -> Optional[Pick]:
        """The cheapest way to self-host ``m`` at this volume on a catalogued footprint, or None."""
        key = (m.id, tokens, peak)
        if key not in self._sh_memo:
            self._sh_memo[key] = self._self_host(m, tokens, peak)
        return self._sh_memo[key]

    def _self_host(self, m: Model, tokens: float, peak: float) -> Optional[Pick]:
        best: Optional[Pick] = None
        options = [f for f in self.data.footprints if f.model == m.id and (self.inputs.gpu is None or f.gpu == self.inputs.gpu)]
        for f in options:
            gpu = self.data.gpu(f.gpu)
            if gpu is None:
                continue
            gpus = self.inputs.gpus_per_replica or f.gpus_per_replica
            sz = sizing(f, m, gpu, self.data.defaults)
            if sz is not None and gpus < sz.min_gpus:
                continue
            if self.inputs.throughput_tokens_per_s is not None:
                thr = float(self.inputs.throughput_tokens_per_s)
            elif f.throughput_tokens_per_s:
                thr = f.throughput_tokens_per_s * derate_of(f, self.data.defaults) * gpus / f.gpus_per_replica
            else:
                continue
            hourly = float(self.inputs.gpu_hourly_usd) if self.inputs.gpu_hourly_usd is not None else gpu.default_price.hourly_usd
            peak_tps = tokens / SECONDS_PER_DAY * peak
            replicas = max(self.min_replicas, math.ceil(peak_tps / thr - 1e-12))
            gpu_cost = replicas * gpus * hourly * self.hours
            monthly = gpu_cost + self.staff
            detail = (
                f"{replicas} replica{'s' if replicas != 1 else ''} × {gpus} {gpu.name} at ${hourly:,.2f}/h = {money(gpu_cost)}, "
                f"plus staff {money(self.staff)}"
            )
            pick = Pick(m, None, None, f, monthly, True, detail, gpus, thr, hourly, replicas, gpu.name)
            if best is None or pick.monthly < best.monthly:
                best = pick
        return best

    def _too_small(self, models: Any) -> Optional[str]:
        """When the user's GPUs per replica are too few for every footprint: the smallest need, in words."""
        needs = []
        for m in models:
            for f in self.data.footprints:
                gpu = self.data.gpu(f.gpu)
                if f.model != m.id or gpu is None or (self.inputs.gpu is not None and f.gpu != self.inputs.gpu):
                    continue
                sz = sizing(f, m, gpu, self.data.defaults)
                if sz is not None and (self.inputs.gpus_per_replica or 0) < sz.min_gpus:
                    needs.append((sz.min_gpus, f"{m.name} needs at least {sz.min_gpus} × {gpu.name} ({sz.text})."))
        return min(needs)[1] if needs else None

    def closed_price(self, p: Price) -> Price:
        return negotiated(p, self.inputs)

    # -------------------------------------------------------------------- facts
    def facts(self, answers: Mapping[str, str]) -> Facts:
        key = tuple(answers.get(k) for k in RELEVANT)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._facts(answers)
        return hit

    def _rows(self, option: str, ctx: Ctx) -> list[tuple[Model, Optional[Provider], Optional[Price]]]:
        """Every (model, seller, price) row that could price ``option`` before the filters."""
        key = (option, _cloud_sellers(ctx.answers))
        if key not in self._rows_memo:
            self._rows_memo[key] = self._all_rows(option, ctx)
        return self._rows_memo[key]

    def _all_rows(self, option: str, ctx: Ctx) -> list[tuple[Model, Optional[Provider], Optional[Price]]]:
        cat = self.catalog
        rows: list[tuple[Model, Optional[Provider], Optional[Price]]] = []
        want_closed = self.inputs.closed_model
        want_open = self.inputs.open_model
        for m in cat.models:
            if m.retired:
                continue
            if m.weights == "closed":
                if option not in CLOSED_OPTIONS or (want_closed and m.id != want_closed):
                    continue
                for p in (d for row in m.prices for d in row.deployments()):
                    if not p.complete:
                        continue
                    if option == "closed_api" and p.kind == "first_party" and p.seller == m.provider:
                        rows.append((m, cat.provider_by_id.get(p.seller), p))
                    elif option == "closed_cloud" and p.kind == "hyperscaler" and p.seller in _cloud_sellers(ctx.answers):
                        rows.append((m, cat.provider_by_id.get(p.seller), p))
            else:
                if want_open and m.id != want_open:
                    continue
                if option == "rented_open":
                    for p in (d for row in m.prices for d in row.deployments()):
                        if p.complete and p.kind != "aggregator":
                            rows.append((m, cat.provider_by_id.get(p.seller), p))
                elif option == "self_hosted":
                    rows.append((m, None, None))
        return rows

    def _option(self, key: str, ctx: Ctx, tokens: float, peak: float, desired: int, negotiate: bool = True) -> Option:
        active = [f for f in FILTERS if f.applies(ctx.answers)]
        hosted = key != "self_hosted"
        relevant = [f for f in active if f.scope == "model" or hosted]
        rows = self._rows(key, ctx)
        if key == "closed_cloud" and not _cloud_sellers(ctx.answers):
            cloud = ctx.answers.get("cloud_platform", "")
            where = CLOUD_WORDS.get(cloud, "your platform")
            return Option(key, False, (Block(question="cloud_platform", answer=cloud, text=f"{where[:1].upper() + where[1:]} has no managed model endpoint in the catalog (Bedrock, Azure AI Foundry and Vertex AI are)."),), None)

        def survivors(skip: Optional[Filter] = None) -> list[tuple[Model, Optional[Provider], Optional[Price]]]:
            return [r for r in rows if all(f is skip or f.passes(ctx, *r) for f in relevant)]

        kept = survivors()
        if not kept:
            blockers = [f for f in relevant if survivors(skip=f)]  # lifting this one answer would allow the option
            if not blockers:  # several answers each rule it out on their own: name those
                blockers = [f for f in relevant if rows and not any(f.passes(ctx, *r) for r in rows)]
            if not blockers:  # only together do they rule it out: name every rule that removed rows
                blockers = [f for f in relevant if any(not f.passes(ctx, *r) for r in rows)]
            blocks = tuple(
                Block(question=f.question, answer=str(ctx.answers.get(f.question, "")), text=f.why(ctx, key)) for f in blockers
            )
            note = None if blocks else ("No catalogued model can be bought this way." if not rows else "No catalogued model passes the rules.")
            return Option(key, False, blocks, None, note=note)
        picks: list[Pick] = []
        for m, s, p in kept:
            meets = TIER_RANK[m.tier] >= desired
            if key == "self_hosted":
                sh = self.self_host(m, tokens, peak)
                if sh is not None:
                    picks.append(Pick(m, None, None, sh.footprint, sh.monthly, meets, sh.detail, sh.gpus_per_replica, sh.throughput, sh.hourly, sh.replicas, sh.gpu_name))
                continue
            monthly = self.api_monthly(tokens, p)  # type: ignore[arg-type]
            seller = s.name if s else p.seller  # type: ignore[union-attr]
            where = ""
            if p.regions and key == "closed_cloud" or (p.regions and p.kind == "hyperscaler"):  # type: ignore[union-attr]
                where = " (a global deployment: any region)" if p.regions == ["global"] else f" (processed in {', '.join(r.upper() for r in p.regions)})"  # type: ignore[union-attr]
            picks.append(Pick(m, s, p, None, monthly, meets, f"{m.name} at {seller}'s prices{where}"))
        if not picks:
            why = (
                "No allowed model has a catalogued serving footprint with a sourced throughput; enter your own measured tokens per second."
                if key == "self_hosted"
                else "No allowed row has a complete price."
            )
            if key == "self_hosted" and self.inputs.gpus_per_replica:
                need = self._too_small(m for m, _, _ in kept)
                if need:
                    why = f"Your {self.inputs.gpus_per_replica} GPU(s) per replica cannot hold any allowed model: {need}"
            return Option(key, True, (), None, note=why)
        picks.sort(key=lambda x: (not x.meets_tier, x.monthly, -TIER_RANK[x.model.tier], x.model.id))
        best = picks[0]
        note = None
        if not best.meets_tier:
            top = max(TIER_RANK[x.model.tier] for x in picks)
            best = min((x for x in picks if TIER_RANK[x.model.tier] == top), key=lambda x: x.monthly)
            tier_name = next(t for t, r in TIER_RANK.items() if r == desired)
            note = f"No allowed model of this option reaches the {tier_name} tier your tasks need; priced with {best.model.name} ({best.model.tier}), the best available."
        if negotiate and key == "closed_api" and best.price is not None:
            # a negotiated price is the user's contract with the vendor for the model picked at list prices;
            # it never reprices other models or other sellers
            deal = self.closed_price(best.price)
            if deal is not best.price:
                lp = best.price
                best = Pick(
                    best.model, best.seller, deal, None, self.api_monthly(tokens, deal), best.meets_tier,
                    f"{best.model.name} at your negotiated price with {best.seller.name if best.seller else lp.seller} "
                    f"(list: ${lp.input_usd_per_mtok:,.2f} in / ${lp.output_usd_per_mtok:,.2f} out per M tokens)",
                )
        return Option(key, True, (), best, note=note)

    def _facts(self, answers: Mapping[str, str]) -> Facts:
        ctx = Ctx(self.q, self.catalog, self.data, self.inputs, answers, self.today, self.revisit)
        tokens, rng = self.volume(answers)
        peak = self.peak(answers)
        tier_name = TIER_FOR_TASK.get(answers.get("task_difficulty", ""), "strong")
        desired = TIER_RANK[tier_name]
        opts = {k: self._option(k, ctx, tokens, peak, desired) for k in ("closed_api", "closed_cloud", "rented_open", "self_hosted")}
        # the hybrid: a closed frontier side and the cheapest allowed volume side
        opts["hybrid"], volume_side = self._hybrid(opts, ctx, tokens, peak)
        if rng is not None:
            opts = {k: self._with_range(o, ctx, rng, peak, desired) for k, o in opts.items()}

        def cheapest(keys: tuple[str, ...]) -> Optional[str]:
            priced = [k for k in keys if opts[k].priced]
            return min(priced, key=lambda k: rank(opts[k])) if priced else None

        c_open, c_closed = cheapest(OPEN_OPTIONS), cheapest(CLOSED_OPTIONS)
        c_all = cheapest(OPTION_KEYS)
        ratio = lean = None
        if c_open and c_closed:
            o, c = opts[c_open].pick, opts[c_closed].pick
            ratio = c.monthly / o.monthly if o.monthly > 0 else math.inf  # type: ignore[union-attr]
            lean = cost_lean(ratio, abs(c.monthly - o.monthly))  # type: ignore[union-attr]
        gaps = [opts[k].note for k in (c_open, c_closed) if k and opts[k].note and "tier" in (opts[k].note or "")]
        gap = bool(gaps) and tier_name == "frontier"
        if answers.get("modality") == "multimodal":
            gap = gap or not (c_open and c_closed)
        allowed_models, why_not = self._model_reach(ctx)
        return Facts(
            allowed_models=allowed_models,
            why_not=why_not,
            tokens_per_day=tokens,
            tokens_range=rng,
            desired_tier=tier_name,
            options=opts,
            cheapest_allowed=c_all,
            cheapest_open=c_open,
            cheapest_closed=c_closed,
            ratio=ratio,
            cost_lean=lean,
            cost_text=self._cost_text(opts, c_open, c_closed, ratio, lean, tokens, rng),
            capability_note=" ".join(dict.fromkeys(gaps)) or None,
            capability_gap=gap,
            volume_side=volume_side,
        )

    def _model_reach(self, ctx: Ctx) -> tuple[dict[str, frozenset[str]], dict[str, str]]:
        """Which models some allowed option can buy, and for the others the first rule in the way."""
        active = [f for f in FILTERS if f.applies(ctx.answers)]
        reach: dict[str, set[str]] = {"open": set(), "closed": set()}
        why: dict[str, str] = {}
        for key in ("closed_api", "closed_cloud", "rented_open", "self_hosted"):
            relevant = [f for f in active if f.scope == "model" or key != "self_hosted"]
            for row in self._rows(key, ctx):
                m = row[0]
                failed = next((f for f in relevant if not f.passes(ctx, *row)), None)
                if failed is None:
                    reach[m.weights].add(m.id)
                else:
                    why.setdefault(m.id, failed.describe)
        return {k: frozenset(v) for k, v in reach.items()}, {k: v for k, v in why.items() if k not in reach["open"] | reach["closed"]}

    def _hybrid(self, opts: dict[str, Option], ctx: Ctx, tokens: float, peak: float) -> tuple[Option, Optional[str]]:
        closed = [opts[k] for k in CLOSED_OPTIONS if opts[k].allowed]
        if not closed:
            blocks = tuple(dict.fromkeys(b for k in CLOSED_OPTIONS for b in opts[k].blocked_by))
            return Option("hybrid", False, blocks, None, note="A router needs a closed frontier side."), None
        f = self.frontier_share
        frontier_tier = TIER_RANK["frontier"]
        # the frontier side: re-price the closed options for the frontier share at the frontier tier
        front = [self._option(o.key, ctx, tokens * f, peak, frontier_tier) for o in closed]
        front = [o for o in front if o.pick is not None]
        if not front:
            return Option("hybrid", True, (), None, note="The closed side has no priced model."), None
        fside = min(front, key=lambda o: o.monthly)  # type: ignore[arg-type, return-value]
        rest = tokens * (1 - f)
        # the router sends the hard requests to the frontier side, so the volume side needs only the routine tier
        vol_tier = TIER_RANK["efficient"]
        sides: dict[str, Option] = {}
        wanted = self.inputs.hybrid_open or "cheaper"
        managed_only = ctx.answers.get("ml_platform_team") == "none"  # nobody to run GPUs: no self-hosted volume side
        for k in ("rented_open", "self_hosted"):
            if k == "self_hosted" and managed_only:
                continue
            if opts[k].allowed and (wanted == "cheaper" or {"rented": "rented_open"}.get(wanted, wanted) == k):
                o = self._option(k, ctx, rest, peak, vol_tier)
                if o.pick is not None:
                    sides[k] = o
        if wanted == "cheaper":  # seed 003's efficient closed tier can carry the volume too
            for o in closed:
                small = self._option(o.key, ctx, rest, peak, vol_tier, negotiate=False)
                if small.pick is not None and small.pick.model.tier != "frontier":
                    sides[o.key] = small
        if not sides:
            blocks = tuple(dict.fromkeys(b for k in OPEN_OPTIONS for b in opts[k].blocked_by))
            return Option("hybrid", not blocks, blocks, None, note="The volume side has no priced option."), None
        vkey = min(sides, key=lambda k: sides[k].monthly)  # type: ignore[arg-type, return-value]
        vside = sides[vkey]
        fp, vp = fside.pick, vside.pick
        total = fp.monthly + vp.monthly  # type: ignore[union-attr]
        where = {"rented_open": "rented", "self_hosted": "self-hosted", "closed_api": "through its vendor's API", "closed_cloud": "through your cloud's endpoint"}[vkey]
        detail = (
            f"{f:.0%} of tokens to {fp.model.name} ({money(fp.monthly)}), {1 - f:.0%} to {vp.model.name} {where} ({money(vp.monthly)})"  # type: ignore[union-attr]
        )
        pick = Pick(fp.model, fp.seller, fp.price, vp.footprint, total, fp.meets_tier and vp.meets_tier, detail)  # type: ignore[union-attr]
        return Option("hybrid", True, (), pick, note=fside.note or vside.note, parts=(fp, vp)), vkey  # type: ignore[arg-type]

    def _with_range(self, o: Option, ctx: Ctx, rng: tuple[float, float], peak: float, desired: int) -> Option:
        if o.pick is None:
            return o
        lo = self._reprice(o, rng[0], peak)
        hi = self._reprice(o, rng[1], peak)
        return Option(o.key, o.allowed, o.blocked_by, o.pick, o.note, lo, hi, o.parts)

    def _reprice(self, o: Option, tokens: float, peak: float) -> float:
        p = o.pick
        if o.key == "hybrid":
            fp, vp = o.parts
            f = self.frontier_share
            v = self.api_monthly(tokens * (1 - f), vp.price) if vp.price is not None else (self.self_host(vp.model, tokens * (1 - f), peak) or vp).monthly
            return self.api_monthly(tokens * f, fp.price) + v  # type: ignore[arg-type]
        if p.price is not None:  # type: ignore[union-attr]
            return self.api_monthly(tokens, p.price)  # type: ignore[union-attr]
        sh = self.self_host(p.model, tokens, peak)  # type: ignore[union-attr]
        return sh.monthly if sh else p.monthly  # type: ignore[union-attr]

    def _cost_text(self, opts, c_open, c_closed, ratio, lean, tokens, rng) -> str:
        vol = f"{volume_words(tokens)} tokens a day" + (" (volume not known: a typical volume inside the range is assumed)" if rng else "")
        if not c_open and not c_closed:
            return f"At {vol}, no allowed option could be priced."
        if not c_open or not c_closed:
            side = "open-weight" if not c_open else "closed"
            only = opts[c_closed or c_open]
            return (
                f"At {vol}, no {side} option is allowed or priced, so cost cannot compare the two sides; "
                f"the only priced side is {describe(only)} at {money(only.monthly)} a month."
            )
        o, c = opts[c_open], opts[c_closed]
        cheaper = "open" if o.monthly <= c.monthly else "closed"
        times = ratio if cheaper == "open" else (1 / ratio if ratio else math.inf)
        lean_words = {None: "no lean", "neutral": "no lean"}.get(lean, f"a lean toward {'open' if 'open' in (lean or '') else 'closed'}")
        diff = abs(c.monthly - o.monthly)  # type: ignore[operator]
        why = ""
        if lean in (None, "neutral") and times >= COST_BANDS[-1][0]:
            why = f": the difference, {money(diff)} a month, is under the {money(NEGLIGIBLE_USD)} that counts as a reason"
        elif lean in ("slightly_open", "slightly_closed") and diff < MATERIAL_USD and times >= COST_BANDS[-2][0]:
            why = f", only slight because the difference, {money(diff)} a month, is under {money(MATERIAL_USD)}"
        span = ""
        if rng and None not in (o.low, o.high, c.low, c.high):
            span = (
                f" Over {volume_words(rng[0])} to {volume_words(rng[1])} tokens a day the open side costs "
                f"{money(o.low)} to {money(o.high)} a month and the closed side {money(c.low)} to {money(c.high)}."
            )
        return (
            f"At {vol}, {describe(o)} costs {money(o.monthly)} a month against {money(c.monthly)} for {describe(c)}: "
            f"the {cheaper} side is {times:,.1f}× cheaper, which gives the cost axis {lean_words}{why}.{span}"
        )


@dataclass(frozen=True)
class _Mix:
    output_share: float
    cached_input_share: float
    batch_share: float


def rank(o: Option) -> tuple[bool, float]:
    """How options compare: one whose model meets the tier the tasks need comes before one that
    does not, however cheap; then the monthly cost. A below-tier model is not a like-for-like price."""
    return (not (o.pick is not None and o.pick.meets_tier), o.monthly if o.monthly is not None else math.inf)


def describe(o: Option) -> str:
    """'DeepSeek V4 Flash from Together' / 'gpt-oss-120b self-hosted on H100s'."""
    p = o.pick
    if p is None:
        return OPTION_LABEL[o.key].lower()
    if o.key == "self_hosted":
        gpu = p.gpu_name or "GPUs"
        return f"{p.model.name} self-hosted ({p.replicas} replicas × {p.gpus_per_replica} {gpu})"
    if o.key == "hybrid":
        return f"a router over {p.model.name} and {o.parts[1].model.name}" if len(o.parts) == 2 else "a router"
    return f"{p.model.name} from {p.seller.name if p.seller else '?'}"


def cost_lean(ratio: float, difference_usd: float) -> str:
    """The cost axis's lean from cheapest closed ÷ cheapest open, with a dead band around parity,
    capped when the monthly difference is too small to be a reason."""
    lean = "neutral"
    for bound, name in COST_BANDS:
        if ratio >= bound:
            lean = name
            break
        if ratio <= 1 / bound:
            lean = name.replace("open", "closed")
            break
    if difference_usd < NEGLIGIBLE_USD:
        return "neutral"
    if difference_usd < MATERIAL_USD and lean != "neutral":
        return "slightly_open" if "open" in lean else "slightly_closed"
    return lean

