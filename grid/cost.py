"""Cost and break-even: closed API, rented open weights, self-hosted open weights and the hybrid.

Every figure carries the assumptions it used (``Assumption``: name, value, source). Defaults live
in ``data/costs.yaml`` with their basis; GPU rates and serving footprints carry sources and checked
dates like the catalog. Every default can be overridden through ``CostInputs``.

The model, per month (``days_per_month`` days, ``hours_per_month`` hours):

- API (closed or rented open weights): tokens/day × days × per-token price, with the input share
  split into cached and uncached input, and the batch share at the batch discount.
- Self-hosted: replicas = max(min_replicas, ceil(peak tokens/s ÷ throughput per replica)), where
  peak tokens/s = tokens/day ÷ 86,400 × a peak factor that follows the traffic shape; cost =
  replicas × GPUs per replica × hourly rate × hours + engineers × loaded yearly cost ÷ 12.
- Hybrid: the frontier share on the closed model, the rest on open weights (rented or
  self-hosted, the cheaper at that volume unless chosen).
- Break-even: the daily volume where self-hosting costs the same as an API. Self-hosting is a step
  function of volume, so each replica count n gives a candidate V = fixed cost(n) ÷ API cost per
  daily token; the first candidate that n replicas can carry is the break-even.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from grid.catalog import URL_PATTERN, Catalog, Model, Price, Source, load_catalog
from grid.errors import GridError, InvalidData
from grid.schema import Strict, validate_as
from grid.yamlio import read_data_file, show

COSTS_PATH = Path(__file__).resolve().parent.parent / "data" / "costs.yaml"
RANGE_MIN = 100_000
RANGE_MAX = 10_000_000_000
SECONDS_PER_DAY = 86_400


class InvalidCostInput(GridError):
    """A cost input is out of range or names an unknown model or GPU. ``field`` names the input."""

    def __init__(self, field: str, value: Any, message: str):
        self.field = field
        self.value = value
        self.message = message
        super().__init__(f"{field}: {message}")


# ----------------------------------------------------------------------------- data
class Basis(Strict):
    """A default value and why it was chosen."""

    value: Any
    basis: str = Field(description="Where the figure comes from, or that it is an assumption to replace with your own.")
    source: Optional[str] = Field(None, pattern=URL_PATTERN)


class GpuPrice(Strict):
    seller: str
    hourly_usd: float = Field(gt=0, description="USD per GPU per hour.")
    commitment: Literal["on_demand", "reserved_1y", "reserved_3y", "spot", "serverless"]
    source: str = Field(pattern=URL_PATTERN)
    checked: date
    confidence: Literal["verified", "secondary", "uncertain"] = Field(description="verified only when read on the cloud's own price page.")
    notes: Optional[str] = None


class Gpu(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    name: str
    memory_gb: Optional[float] = Field(None, gt=0)
    prices: list[GpuPrice] = Field(min_length=1)
    sources: list[Source] = Field(default_factory=list)
    notes: Optional[str] = None

    @property
    def default_price(self) -> GpuPrice:
        """The median on-demand rate read on the clouds' own price pages (on-demand is what a team
        can rent today without a commitment; serverless rows bill differently and never set it).
        With an even count the lower middle row is taken, so the default is always a real row."""
        rows = [p for p in self.prices if p.commitment == "on_demand"]
        rows = [p for p in rows if p.confidence == "verified"] or rows or [p for p in self.prices if p.commitment != "serverless"] or list(self.prices)
        rows = sorted(rows, key=lambda p: (p.hourly_usd, p.seller))
        return rows[(len(rows) - 1) // 2]


class Footprint(Strict):
    model: str
    gpu: str
    gpus_per_replica: int = Field(ge=1)
    precision: str
    weight_bytes_per_param: float = Field(gt=0, le=4, description="Average bytes per parameter of the checkpoint at this precision (BF16 2, FP8 1, NVFP4 0.5625, MXFP4 0.53125; mixed checkpoints their average).")
    weight_bytes_basis: Optional[str] = Field(None, description="Why that figure, for a mixed-precision checkpoint.")
    kv_headroom: Optional[float] = Field(None, ge=0, le=10, description="KV-cache and activation memory as a share of the weights; null takes the default.")
    throughput_tokens_per_s: Optional[float] = Field(None, gt=0, description="Aggregate tokens/s one replica serves under load; null if no source gives one.")
    throughput_basis: str
    throughput_kind: Literal["offline_max", "online"] = Field(
        description="offline_max: a maximum-load offline benchmark (derated by defaults.online_derate); online: measured serving at interactive latency."
    )
    basis: str
    sources: list[Source] = Field(min_length=1)
    confidence: Literal["verified", "secondary", "uncertain"]
    notes: Optional[str] = None


class Defaults(Strict):
    tokens_per_day: dict[str, int] = Field(description="daily_tokens option id -> the volume assumed for it.")
    output_share: Basis
    cached_input_share: Basis
    batch_share: Basis
    frontier_share: Basis
    engineers: Basis
    engineer_yearly_usd: Basis
    peak_factor: dict[str, Basis] = Field(description="traffic_shape option id (and 'default') -> peak ÷ average.")
    min_replicas: Basis
    kv_headroom: Basis
    gpu_memory_usable: Basis
    online_derate: Basis
    days_per_month: Basis
    hours_per_month: Basis
    closed_model: Basis
    open_model: Basis
    gpu: Basis


class CostData(Strict):
    defaults: Defaults
    gpus: list[Gpu]
    footprints: list[Footprint]
    _warnings: tuple[str, ...] = PrivateAttr(default=())

    @property
    def warnings(self) -> tuple[str, ...]:
        """Entries left out because the catalog entry they name is itself broken."""
        return self._warnings

    def gpu(self, gpu_id: str) -> Optional[Gpu]:
        return next((g for g in self.gpus if g.id == gpu_id), None)

    def footprint(self, model_id: str, gpu_id: Optional[str] = None) -> Optional[Footprint]:
        options = [f for f in self.footprints if f.model == model_id]
        if gpu_id is not None:
            preferred = [f for f in options if f.gpu == gpu_id]
            options = preferred or options
        with_throughput = [f for f in options if f.throughput_tokens_per_s]
        return (with_throughput or options or [None])[0]


class Sizing(BaseModel):
    """How many GPUs one replica needs to hold the weights and the KV cache, with the arithmetic."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weights_gb: float
    needed_gb: float
    usable_gb_per_gpu: float
    min_gpus: int
    text: str


def sizing(f: Footprint, m: Model, g: Gpu, d: Defaults) -> Optional[Sizing]:
    """GPUs needed = ceil(parameters × bytes per parameter × (1 + KV headroom) ÷ usable memory per GPU).
    None when the parameter count or the GPU memory is unknown."""
    if not m.parameters_total_b or not g.memory_gb:
        return None
    headroom = f.kv_headroom if f.kv_headroom is not None else float(d.kv_headroom.value)
    usable_share = float(d.gpu_memory_usable.value)
    weights = m.parameters_total_b * f.weight_bytes_per_param  # billions × bytes = GB
    needed = weights * (1 + headroom)
    usable = g.memory_gb * usable_share
    n = max(1, math.ceil(needed / usable - 1e-9))
    text = (
        f"{m.parameters_total_b:,.0f} B parameters × {f.weight_bytes_per_param:g} byte{'s' if f.weight_bytes_per_param != 1 else ''} per parameter ({f.precision}) = {weights:,.0f} GB of weights; "
        f"+ {headroom:.0%} KV-cache headroom = {needed:,.0f} GB; one {g.name} offers {usable:,.0f} GB "
        f"({g.memory_gb:g} GB × {usable_share:.0%}), so at least {n} GPU{'s' if n != 1 else ''} per replica"
    )
    return Sizing(weights_gb=weights, needed_gb=needed, usable_gb_per_gpu=usable, min_gpus=n, text=text)


def derate_of(f: Footprint, d: Defaults) -> float:
    """The share of a published figure that online serving reaches: offline maxima are derated."""
    return float(d.online_derate.value) if f.throughput_kind == "offline_max" else 1.0


def throughput_source(f: Footprint, d: Defaults, gpus_override: Optional[int] = None) -> str:
    text = f.throughput_basis
    if f.throughput_kind == "offline_max":
        text = f"{f.throughput_tokens_per_s:,.0f} tokens/s offline maximum × {float(d.online_derate.value):g} for online serving ({d.online_derate.basis}) Measured: {text}"
    if gpus_override and gpus_override != f.gpus_per_replica:
        text += f" Scaled by your {gpus_override} GPUs per replica against the footprint's {f.gpus_per_replica}, assuming throughput grows with GPUs."
    return text


def parse_cost_data(data: Any, source: str, catalog: Optional[Catalog] = None) -> CostData:
    """Validate the cost data against the catalog. A footprint or default that names a model the
    catalog dropped as broken is left out with a warning, so one bad catalog entry never takes the
    cost model down; any other problem is refused with every problem listed."""
    cd = validate_as(CostData, data, source, "a mapping with defaults, gpus and footprints")
    problems: list[str] = []
    warnings: list[str] = []
    catalog_broken = bool(catalog is not None and catalog.problems)
    gpu_ids = [g.id for g in cd.gpus]
    if len(gpu_ids) != len(set(gpu_ids)):
        problems.append("gpus: an id is used twice")
    kept: list[Footprint] = []
    for i, f in enumerate(cd.footprints):
        if f.gpu not in gpu_ids:
            problems.append(f"footprints[{i}] ({f.model}).gpu: unknown GPU {f.gpu!r}")
        if catalog is not None:
            m = catalog.model_by_id.get(f.model)
            g = next((g for g in cd.gpus if g.id == f.gpu), None)
            if m is None or m.weights != "open":
                message = f"footprints[{i}] ({f.model}).model: not an open-weight model in the catalog"
                (warnings if catalog_broken and m is None else problems).append(message + (" (its catalog entry is broken; left out)" if catalog_broken and m is None else ""))
                continue
            if g is not None and (sz := sizing(f, m, g, cd.defaults)) is not None and f.gpus_per_replica < sz.min_gpus:
                problems.append(
                    f"footprints[{i}] ({f.model} on {f.gpu}).gpus_per_replica: {f.gpus_per_replica} cannot hold the model: {sz.text}"
                )
        kept.append(f)
    if catalog is not None:
        d = cd.defaults
        closed = catalog.model_by_id.get(str(d.closed_model.value))
        if closed is None or closed.weights != "closed":
            message = f"defaults.closed_model: {d.closed_model.value!r} is not a closed model in the catalog"
            (warnings if catalog_broken and closed is None else problems).append(message)
        if d.open_model.value not in {f.model for f in kept}:
            message = f"defaults.open_model: {d.open_model.value!r} has no serving footprint"
            (warnings if catalog_broken else problems).append(message)
    if cd.defaults.gpu.value not in gpu_ids:
        problems.append(f"defaults.gpu: unknown GPU {cd.defaults.gpu.value!r}")
    if problems:
        raise InvalidData(source, problems)
    if warnings:
        cd = cd.model_copy(update={"footprints": kept})
        cd._warnings = tuple(warnings)
    return cd


@lru_cache(maxsize=4)
def load_cost_data(path: str | Path = COSTS_PATH) -> CostData:
    """Cost defaults, GPUs and footprints: read and checked against the catalog once per process."""
    return parse_cost_data(read_data_file(path), str(path), load_catalog())


# ----------------------------------------------------------------------------- inputs
Share = Field(None, ge=0, le=1)


class CostInputs(BaseModel):
    """What the user may set; anything left out takes its default. The ``costs`` of an assessment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tokens_per_day: Optional[float] = Field(None, ge=0, le=1e13)
    output_share: Optional[float] = Share
    cached_input_share: Optional[float] = Share
    batch_share: Optional[float] = Share
    frontier_share: Optional[float] = Share
    closed_model: Optional[str] = None
    open_model: Optional[str] = None
    gpu: Optional[str] = None
    gpu_hourly_usd: Optional[float] = Field(None, gt=0, le=1000)
    engineers: Optional[float] = Field(None, ge=0, le=1000)
    engineer_yearly_usd: Optional[float] = Field(None, ge=0, le=1e8)
    peak_factor: Optional[float] = Field(None, ge=1, le=100)
    min_replicas: Optional[int] = Field(None, ge=1, le=10_000)
    throughput_tokens_per_s: Optional[float] = Field(None, gt=0, le=1e9)
    hybrid_open: Optional[Literal["cheaper", "rented", "self_hosted"]] = None
    closed_price_in: Optional[float] = Field(None, ge=0, le=10_000, description="A negotiated closed-model price, USD per million input tokens.")
    closed_price_out: Optional[float] = Field(None, ge=0, le=10_000, description="A negotiated closed-model price, USD per million output tokens.")
    gpus_per_replica: Optional[int] = Field(None, ge=1, le=1024, description="GPUs in one self-hosted replica (overrides the footprint).")

    def nonempty(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


def parse_cost_inputs(data: Any) -> CostInputs:
    """Validate a ``costs`` mapping; raises ``InvalidCostInput`` naming the first bad field."""
    if data is None:
        return CostInputs()
    if not isinstance(data, dict):
        raise InvalidCostInput("costs", data, "must be a mapping of input: value")
    try:
        return CostInputs.model_validate(data)
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        name = ".".join(str(x) for x in err["loc"]) or "costs"
        msg = "unknown cost input" if err["type"] == "extra_forbidden" else err["msg"]
        raise InvalidCostInput(name, err.get("input"), f"{msg} (got {show(err.get('input'))})") from None


class Assumption(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    value: Any
    source: str


class Resolved(BaseModel):
    """Every input with its value, and where each value came from."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    tokens_per_day: float
    output_share: float
    cached_input_share: float
    batch_share: float
    frontier_share: float
    closed: Model
    closed_price: Price
    closed_seller: str
    open: Model
    open_price: Optional[Price]
    open_seller: Optional[str]
    gpu: Gpu
    gpu_hourly_usd: float
    gpu_price_source: str
    gpus_per_replica: Optional[int]
    throughput_tokens_per_s: Optional[float]
    footprint: Optional[Footprint]
    engineers: float
    engineer_yearly_usd: float
    peak_factor: float
    min_replicas: int
    days_per_month: float
    hours_per_month: float
    hybrid_open: str
    assumptions: tuple[Assumption, ...]


def _api_price(m: Model) -> Optional[Price]:
    """The price to call a model: a closed model at its vendor's own list price (the reference);
    open weights at the cheapest seller that is not an aggregator."""
    if m.weights == "closed":
        return m.reference_price or m.best_price
    return m.best_price


def negotiated(p: Price, inputs: CostInputs) -> Price:
    """The closed price with the user's negotiated input and output rates, where given."""
    if inputs.closed_price_in is None and inputs.closed_price_out is None:
        return p
    update: dict[str, Any] = {"notes": "Your negotiated price."}
    if inputs.closed_price_in is not None:
        update["input_usd_per_mtok"] = inputs.closed_price_in
        update["cached_input_usd_per_mtok"] = None
    if inputs.closed_price_out is not None:
        update["output_usd_per_mtok"] = inputs.closed_price_out
    return p.model_copy(update=update)


def seller_name(catalog: Catalog, p: Price) -> str:
    seller = catalog.provider_by_id.get(p.seller)
    return seller.name if seller else p.seller


def resolve(
    inputs: CostInputs,
    answers: Mapping[str, str],
    catalog: Catalog,
    data: CostData,
    suggested: Optional[Mapping[str, str]] = None,
    suggested_why: Optional[Mapping[str, str]] = None,
) -> Resolved:
    """Fill every input from the user, the answers, the suggestions (the models and the GPU the
    options are priced with) or the defaults; raise ``InvalidCostInput``. ``suggested_why`` says,
    per suggested input, where the suggestion came from (the assumption's source)."""
    suggested = suggested or {}
    why = suggested_why or {}
    d = data.defaults
    a: list[Assumption] = []

    def note(name: str, value: Any, source: str) -> Any:
        a.append(Assumption(name=name, value=value, source=source))
        return value

    def basis(b: Basis) -> str:
        return b.basis + (f" ({b.source})" if b.source else "")

    if inputs.tokens_per_day is not None:
        tokens = note("tokens_per_day", inputs.tokens_per_day, "your input")
    elif answers.get("daily_tokens") in d.tokens_per_day:
        opt = answers["daily_tokens"]
        tokens = note("tokens_per_day", d.tokens_per_day[opt], f"typical volume for your answer daily_tokens: {opt}")
    else:
        tokens = note("tokens_per_day", d.tokens_per_day["unknown"], "no volume given: the value assumed for an unknown volume")

    def pick(name: str, given: Any, default: Basis) -> Any:
        if given is not None:
            return note(name, given, "your input")
        return note(name, default.value, basis(default))

    output_share = pick("output_share", inputs.output_share, d.output_share)
    cached_share = pick("cached_input_share", inputs.cached_input_share, d.cached_input_share)
    batch_share = pick("batch_share", inputs.batch_share, d.batch_share)
    frontier_share = pick("frontier_share", inputs.frontier_share, d.frontier_share)

    closed_id = inputs.closed_model or suggested.get("closed_model") or str(d.closed_model.value)
    closed = catalog.model_by_id.get(closed_id)
    if closed is None or closed.weights != "closed":
        known = ", ".join(m.id for m in catalog.models if m.weights == "closed")
        raise InvalidCostInput("closed_model", closed_id, f"unknown closed model {closed_id!r} (closed models: {known})")
    if closed.retired:
        raise InvalidCostInput("closed_model", closed_id, f"{closed.name} is retired ({closed.lifecycle_note()}); choose a live model")
    closed_price = _api_price(closed)
    if closed_price is None:
        raise InvalidCostInput("closed_model", closed_id, f"{closed.name} has no price in the catalog")
    closed_price = negotiated(closed_price, inputs)
    note(
        "closed_model",
        closed.id,
        "your input" if inputs.closed_model else (why.get("closed_model", "the top closed model of your shortlist") if suggested.get("closed_model") else basis(d.closed_model)),
    )
    note(
        "closed_price_usd_per_mtok",
        f"{closed_price.input_usd_per_mtok:g} in / {closed_price.output_usd_per_mtok:g} out",
        f"{seller_name(catalog, closed_price)} ({closed_price.confidence}), checked {closed_price.checked.isoformat()}: {closed_price.source}",
    )

    open_id = inputs.open_model or suggested.get("open_model") or str(d.open_model.value)
    open_m = catalog.model_by_id.get(open_id)
    if open_m is None or open_m.weights != "open":
        known = ", ".join(m.id for m in catalog.models if m.weights == "open")
        raise InvalidCostInput("open_model", open_id, f"unknown open-weight model {open_id!r} (open models: {known})")
    if open_m.retired:
        raise InvalidCostInput("open_model", open_id, f"{open_m.name} is retired ({open_m.lifecycle_note()}); choose a live model")
    note(
        "open_model",
        open_m.id,
        "your input" if inputs.open_model else (why.get("open_model", "the top open-weight model of your shortlist that can be costed") if suggested.get("open_model") else basis(d.open_model)),
    )
    open_price = _api_price(open_m)
    if open_price is not None:
        note(
            "rented_price_usd_per_mtok",
            f"{open_price.input_usd_per_mtok:g} in / {open_price.output_usd_per_mtok:g} out",
            f"{seller_name(catalog, open_price)} ({open_price.confidence}), checked {open_price.checked.isoformat()}: {open_price.source}",
        )

    gpu_id = inputs.gpu or suggested.get("gpu") or None
    footprint = data.footprint(open_m.id, gpu_id)
    if gpu_id is None:
        gpu_id = footprint.gpu if footprint else str(d.gpu.value)
    gpu = data.gpu(gpu_id)
    if gpu is None:
        raise InvalidCostInput("gpu", gpu_id, f"unknown GPU {gpu_id!r} (GPUs: {', '.join(g.id for g in data.gpus)})")
    note(
        "gpu",
        gpu.id,
        "your input" if inputs.gpu else (why.get("gpu", "the GPU the self-hosted option is priced on") if suggested.get("gpu") else ("the serving footprint of " + open_m.id if footprint else basis(d.gpu))),
    )
    if inputs.gpu_hourly_usd is not None:
        hourly = note("gpu_hourly_usd", inputs.gpu_hourly_usd, "your input")
        hourly_source = "your input"
    else:
        gp = gpu.default_price
        hourly_source = f"{gp.seller} {gp.commitment.replace('_', ' ')}, checked {gp.checked.isoformat()}: {gp.source}"
        hourly = note("gpu_hourly_usd", gp.hourly_usd, hourly_source)

    gpus_per_replica: Optional[int] = None
    if footprint is not None and footprint.gpu == gpu.id:
        sz = sizing(footprint, open_m, gpu, d)
        arithmetic = f"{sz.text}. " if sz else ""
        gpus_per_replica = note("gpus_per_replica", footprint.gpus_per_replica, f"{arithmetic}{footprint.basis} ({footprint.sources[0].url})")
        note("precision", footprint.precision, "the serving footprint")
    elif footprint is not None:
        note("gpus_per_replica", None, f"no footprint of {open_m.id} on {gpu.id}; catalogued on {footprint.gpu}")
    throughput = inputs.throughput_tokens_per_s
    if throughput is not None:
        note("throughput_tokens_per_s", throughput, "your input")
    elif footprint is not None and footprint.gpu == gpu.id and footprint.throughput_tokens_per_s:
        derate = derate_of(footprint, d)
        throughput = footprint.throughput_tokens_per_s * derate
        if inputs.gpus_per_replica and gpus_per_replica:
            throughput *= inputs.gpus_per_replica / gpus_per_replica
        throughput = note("throughput_tokens_per_s", round(throughput, 1), throughput_source(footprint, d, inputs.gpus_per_replica))
    if inputs.gpus_per_replica is not None and footprint is not None and footprint.gpu == gpu.id:
        sz = sizing(footprint, open_m, gpu, d)
        if sz is not None and inputs.gpus_per_replica < sz.min_gpus:
            raise InvalidCostInput("gpus_per_replica", inputs.gpus_per_replica, f"{inputs.gpus_per_replica} GPU(s) cannot hold {open_m.name}: {sz.text}")
        gpus_per_replica = note("gpus_per_replica", inputs.gpus_per_replica, "your input")

    engineers = pick("engineers", inputs.engineers, d.engineers)
    yearly = pick("engineer_yearly_usd", inputs.engineer_yearly_usd, d.engineer_yearly_usd)
    if inputs.peak_factor is not None:
        peak = note("peak_factor", inputs.peak_factor, "your input")
    else:
        shape = answers.get("traffic_shape")
        b = d.peak_factor.get(shape or "default") or d.peak_factor["default"]
        peak = note("peak_factor", b.value, f"traffic_shape: {shape}: {basis(b)}" if shape else basis(b))
    min_replicas = int(pick("min_replicas", inputs.min_replicas, d.min_replicas))
    days = note("days_per_month", d.days_per_month.value, basis(d.days_per_month))
    hours = note("hours_per_month", d.hours_per_month.value, basis(d.hours_per_month))
    hybrid_open = inputs.hybrid_open or "cheaper"
    return Resolved(
        tokens_per_day=float(tokens),
        output_share=float(output_share),
        cached_input_share=float(cached_share),
        batch_share=float(batch_share),
        frontier_share=float(frontier_share),
        closed=closed,
        closed_price=closed_price,
        closed_seller=seller_name(catalog, closed_price),
        open=open_m,
        open_price=open_price,
        open_seller=seller_name(catalog, open_price) if open_price else None,
        gpu=gpu,
        gpu_hourly_usd=float(hourly),
        gpu_price_source=hourly_source,
        gpus_per_replica=gpus_per_replica,
        throughput_tokens_per_s=throughput,
        footprint=footprint,
        engineers=float(engineers),
        engineer_yearly_usd=float(yearly),
        peak_factor=float(peak),
        min_replicas=min_replicas,
        days_per_month=float(days),
        hours_per_month=float(hours),
        hybrid_open=hybrid_open,
        assumptions=tuple(a),
    )


# ----------------------------------------------------------------------------- arithmetic
def usd_per_token(price: Price, r: Resolved) -> float:
    """Blended USD per token for this traffic mix (input cached or not, output, batch share)."""
    inp = price.input_usd_per_mtok or 0.0
    cached = price.cached_input_usd_per_mtok if price.cached_input_usd_per_mtok is not None else inp
    out = price.output_usd_per_mtok or 0.0
    per_m = (1 - r.output_share) * ((1 - r.cached_input_share) * inp + r.cached_input_share * cached) + r.output_share * out
    if price.batch_discount:
        per_m *= 1 - r.batch_share * price.batch_discount
    return per_m / 1_000_000


def api_monthly(tokens_per_day: float, price: Price, r: Resolved) -> float:
    return tokens_per_day * r.days_per_month * usd_per_token(price, r)


def replicas_needed(tokens_per_day: float, r: Resolved) -> int:
    if not r.throughput_tokens_per_s:
        raise ValueError("no throughput")
    peak = tokens_per_day / SECONDS_PER_DAY * r.peak_factor
    return max(r.min_replicas, math.ceil(peak / r.throughput_tokens_per_s - 1e-12))


def replica_monthly(r: Resolved) -> float:
    return (r.gpus_per_replica or 0) * r.gpu_hourly_usd * r.hours_per_month


def staff_monthly(r: Resolved) -> float:
    return r.engineers * r.engineer_yearly_usd / 12


def self_hosted_monthly(tokens_per_day: float, r: Resolved) -> float:
    return replicas_needed(tokens_per_day, r) * replica_monthly(r) + staff_monthly(r)


def can_self_host(r: Resolved) -> bool:
    return bool(r.throughput_tokens_per_s and r.gpus_per_replica)


def break_even(r: Resolved, price: Price) -> tuple[Optional[float], str]:
    """The daily volume where self-hosting costs the same as the API at ``price``, or None and why."""
    from grid.options import money  # the pages' money format ($19.3k); grid.options imports this module

    if not can_self_host(r):
        return None, f"Self-hosting {r.open.name} on {r.gpu.name} cannot be costed: {self_hosting_gap(r)}"
    a = r.days_per_month * usd_per_token(price, r)  # USD a month per daily token
    if a <= 0:
        return None, "The API price is zero, so self-hosting never costs less."
    per_replica = replica_monthly(r)
    capacity = r.throughput_tokens_per_s * SECONDS_PER_DAY / r.peak_factor  # daily tokens one replica carries
    if per_replica / capacity >= a:
        return None, (
            f"Even fully used, a replica costs ${per_replica / capacity * 1e6 / r.days_per_month:.2f} per million tokens, "
            f"more than the API's ${a * 1e6 / r.days_per_month:.2f}: self-hosting never catches up."
        )
    n = r.min_replicas
    while True:
        fixed = n * per_replica + staff_monthly(r)
        volume = fixed / a
        if volume > RANGE_MAX:
            return None, (
                f"Self-hosting would need more than {RANGE_MAX / 1e9:g} billion tokens a day to pay for its "
                f"{money(fixed)} a month of GPUs and staff."
            )
        if volume <= n * capacity:
            return volume, f"With {n} replica{'s' if n != 1 else ''} ({n * (r.gpus_per_replica or 0)} × {r.gpu.name}) and the staff, both cost {money(fixed)} a month."
        n = max(n + 1, math.ceil(volume / capacity))


def self_hosting_gap(r: Resolved) -> str:
    if not r.gpus_per_replica:
        where = f" (its footprint is catalogued on {r.footprint.gpu})" if r.footprint else ""
        return f"no serving footprint for {r.open.id} on {r.gpu.id}{where}; choose that GPU"
    return f"no sourced throughput for {r.open.id} on {r.gpu.id}; enter your own measured tokens per second"


# ----------------------------------------------------------------------------- the report
class Block(BaseModel):
    """An answer that rules an option out, in a plain sentence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str
    answer: str
    text: str


class OptionCost(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    option: str
    label: str
    monthly_usd: Optional[float]
    model: Optional[str]
    gpu: Optional[str] = None
    detail: str
    available: bool
    allowed: bool = True
    blocked_by: list[Block] = []
    seller: Optional[str] = None
    seller_name: Optional[str] = None
    tier: Optional[str] = None
    monthly_usd_low: Optional[float] = None
    monthly_usd_high: Optional[float] = None


class CostReport(BaseModel):
    """Costs at one volume, the break-evens, and every assumption used."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tokens_per_day: float
    closed_api: OptionCost
    rented_open: OptionCost
    self_hosted: OptionCost
    hybrid: OptionCost
    closed_cloud: Optional[OptionCost] = None
    cheapest_allowed: Optional[str] = None
    capability_note: Optional[str] = None
    tokens_per_day_range: Optional[tuple[float, float]] = None
    break_even_tokens_per_day: Optional[float]
    break_even_reason: str
    break_even_vs_rented_tokens_per_day: Optional[float]
    break_even_vs_rented_reason: str
    cheapest: Optional[str]
    assumptions: list[Assumption]

    def to_json_dict(self) -> dict[str, Any]:
        """The report as JSON, with money in whole cents (no 1163.565)."""
        return _cents(self.model_dump(mode="json"))

    def cheapest_words(self) -> str:
        """How to mark ``cheapest_allowed``: options are compared like for like, so a cheaper option whose
        model is below the tier the tasks need does not count; the mark says so when one exists."""
        best = getattr(self, self.cheapest_allowed) if self.cheapest_allowed else None
        if best is None or best.monthly_usd is None:
            return "cheapest allowed"
        cheaper = [o for o in self.options() if o.allowed and o.monthly_usd is not None and o.monthly_usd < best.monthly_usd]
        return "cheapest allowed that reaches your tasks' tier" if cheaper else "cheapest allowed"

    def options(self) -> list[OptionCost]:
        """The options in the order the pages show them (the vendor's API, your cloud, rented, self-hosted, hybrid)."""
        return [o for o in (self.closed_api, self.closed_cloud, self.rented_open, self.self_hosted, self.hybrid) if o is not None]


def _money(x: float) -> str:
    return f"${x:,.0f}"


def _cents(x: Any, key: str = "") -> Any:
    """Round every monthly dollar figure in a JSON tree to cents."""
    if isinstance(x, dict):
        return {k: _cents(v, k) for k, v in x.items()}
    if isinstance(x, list):
        return [_cents(v, key) for v in x]
    if isinstance(x, float) and "monthly_usd" in key:
        return round(x, 2)
    return x


def option_costs(tokens: float, r: Resolved) -> dict[str, OptionCost]:
    closed_cost = api_monthly(tokens, r.closed_price, r)
    closed = OptionCost(
        option="closed_api",
        label="Closed API",
        monthly_usd=closed_cost,
        model=r.closed.id,
        detail=f"{r.closed.name} at {r.closed_seller}'s prices",
        available=True,
    )
    if r.open_price is not None:
        rented_cost: Optional[float] = api_monthly(tokens, r.open_price, r)
        rented = OptionCost(
            option="rented_open",
            label="Rented open weights",
            monthly_usd=rented_cost,
            model=r.open.id,
            detail=f"{r.open.name} at {r.open_seller}'s prices",
            available=True,
        )
    else:
        rented_cost = None
        rented = OptionCost(option="rented_open", label="Rented open weights", monthly_usd=None, model=r.open.id, detail=f"no price for {r.open.name} in the catalog", available=False)
    if can_self_host(r):
        n = replicas_needed(tokens, r)
        sh_cost: Optional[float] = self_hosted_monthly(tokens, r)
        self_hosted = OptionCost(
            option="self_hosted",
            label="Self-hosted open weights",
            monthly_usd=sh_cost,
            model=r.open.id,
            gpu=r.gpu.id,
            detail=(
                f"{n} replica{'s' if n != 1 else ''} × {r.gpus_per_replica} {r.gpu.name} at ${r.gpu_hourly_usd:g}/h "
                f"= {_money(n * replica_monthly(r))}, plus {r.engineers:g} engineer{'s' if r.engineers != 1 else ''} = {_money(staff_monthly(r))}"
            ),
            available=True,
        )
    else:
        sh_cost = None
        self_hosted = OptionCost(option="self_hosted", label="Self-hosted open weights", monthly_usd=None, model=r.open.id, gpu=r.gpu.id, detail=self_hosting_gap(r), available=False)

    f = r.frontier_share
    frontier_part = api_monthly(tokens * f, r.closed_price, r)
    open_rest = tokens * (1 - f)
    sides = {}
    if r.open_price is not None:
        sides["rented"] = api_monthly(open_rest, r.open_price, r)
    if can_self_host(r):
        sides["self_hosted"] = self_hosted_monthly(open_rest, r) if open_rest > 0 else staff_monthly(r) + r.min_replicas * replica_monthly(r)
    if r.hybrid_open != "cheaper":
        sides = {k: v for k, v in sides.items() if k == r.hybrid_open}
    if sides:
        side = min(sides, key=sides.get)  # type: ignore[arg-type]
        hybrid = OptionCost(
            option="hybrid",
            label="Hybrid router",
            monthly_usd=frontier_part + sides[side],
            model=f"{r.closed.id} + {r.open.id}",
            gpu=r.gpu.id if side == "self_hosted" else None,
            detail=(
                f"{f:.0%} of tokens to {r.closed.name} ({_money(frontier_part)}), {1 - f:.0%} to {r.open.name} "
                f"{'rented' if side == 'rented' else 'self-hosted'} ({_money(sides[side])})"
            ),
            available=True,
        )
    else:
        hybrid = OptionCost(option="hybrid", label="Hybrid router", monthly_usd=None, model=f"{r.closed.id} + {r.open.id}", detail=f"the open side cannot be costed as {r.hybrid_open}", available=False)
    return {"closed_api": closed, "rented_open": rented, "self_hosted": self_hosted, "hybrid": hybrid}


def cost_report(
    inputs: CostInputs,
    answers: Mapping[str, str],
    catalog: Optional[Catalog] = None,
    data: Optional[CostData] = None,
    suggested: Optional[Mapping[str, str]] = None,
) -> CostReport:
    catalog = catalog or load_catalog()
    data = data or load_cost_data()
    r = resolve(inputs, answers, catalog, data, suggested)
    options = option_costs(r.tokens_per_day, r)
    be, why = break_even(r, r.closed_price)
    if r.open_price is not None:
        be_r, why_r = break_even(r, r.open_price)
    else:
        be_r, why_r = None, f"no rented price for {r.open.name} in the catalog"
    priced = {k: v.monthly_usd for k, v in options.items() if v.monthly_usd is not None}
    return CostReport(
        tokens_per_day=r.tokens_per_day,
        closed_api=options["closed_api"],
        rented_open=options["rented_open"],
        self_hosted=options["self_hosted"],
        hybrid=options["hybrid"],
        break_even_tokens_per_day=be,
        break_even_reason=why,
        break_even_vs_rented_tokens_per_day=be_r,
        break_even_vs_rented_reason=why_r,
        cheapest=min(priced, key=priced.get) if priced else None,  # type: ignore[arg-type]
        # no answers, so nothing is ruled out: every priced option is allowed
        cheapest_allowed=min(priced, key=priced.get) if priced else None,  # type: ignore[arg-type]
        assumptions=list(r.assumptions),
    )


def volume_grid(points: int, capacity: Optional[float], min_replicas: int) -> list[float]:
    """Log-spaced daily volumes from 100 thousand to 10 billion, plus both sides of every
    self-hosting step (each replica's capacity), so that charts draw the steps at their exact edges."""
    lo, hi = math.log10(RANGE_MIN), math.log10(RANGE_MAX)
    volumes = {10 ** (lo + (hi - lo) * i / (points - 1)) for i in range(points)}
    if capacity:
        n = min_replicas
        while n * capacity < RANGE_MAX and len(volumes) < points + 400:
            edge = n * capacity
            if edge >= RANGE_MIN:
                volumes.update({edge, edge * (1 + 1e-9)})
            n += 1 if n < 50 else max(1, n // 10)
    return sorted(volumes)


def curves(
    inputs: CostInputs,
    answers: Mapping[str, str],
    catalog: Optional[Catalog] = None,
    data: Optional[CostData] = None,
    suggested: Optional[Mapping[str, str]] = None,
    points: int = 121,
) -> list[dict[str, Any]]:
    """Monthly cost of each option from 100 thousand to 10 billion tokens a day (log-spaced), with
    the self-hosting steps drawn at their exact edges."""
    catalog = catalog or load_catalog()
    data = data or load_cost_data()
    base = resolve(inputs, answers, catalog, data, suggested)
    capacity = base.throughput_tokens_per_s * SECONDS_PER_DAY / base.peak_factor if can_self_host(base) else None  # type: ignore[operator]
    rows = []
    for v in volume_grid(points, capacity, base.min_replicas):
        opts = option_costs(v, base)
        rows.append({"tokens_per_day": v, **{k: o.monthly_usd for k, o in opts.items()}})
    return rows
