"""A cross-check of the catalog against a pinned public price list (LiteLLM's model price file).

Catalogs drift silently. ``diff`` compares every price row's input, output and cached-input price
and batch discount, and every model's context window and input modalities, with the pinned list,
and returns one ``Disagreement`` per field that differs, a price we leave null that the list gives
included. A model's own facts are read through any of its rows the list carries (the lab's own
first), so an open-weight model sold only by providers is checked too. A reviewed allow-list
(``data/price-list-review.yaml``) says, for each known disagreement, which side is right and why;
``unexplained`` keeps the rest. Rows the list does not carry, and models with no row it could
carry, are reported as such, not as errors.

The list is a snapshot of a third-party file: it is never a source for the catalog, only a check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import Field, model_validator

from grid.catalog import Catalog, Model, Price
from grid.errors import InvalidData
from grid.schema import Strict, validate_as
from grid.yamlio import read_data_file

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_PATH = ROOT / "tests" / "data" / "litellm-model-prices-1.110.2.json"
REVIEW_PATH = ROOT / "data" / "price-list-review.yaml"
MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024
TOLERANCE = 0.005  # relative: prices differ when they are more than half a percent apart
CONTEXT_TOLERANCE = 0.05  # "1M" is 1,000,000 on one page and 1,048,576 on another

#: Our seller id -> the list's provider names, in order of preference.
SELLER_PROVIDERS: dict[str, tuple[str, ...]] = {
    "anthropic": ("anthropic",),
    "openai": ("openai",),
    "google": ("gemini",),
    "google-vertex": ("vertex_ai-language-models", "vertex_ai-anthropic_models", "vertex_ai-mistral_models", "vertex_ai-llama_models",
                      "vertex_ai-deepseek_models", "vertex_ai-qwen_models", "vertex_ai-openai_models", "vertex_ai-moonshot_models",
                      "vertex_ai-zai_models", "vertex_ai-minimax_models", "vertex_ai"),
    "aws-bedrock": ("bedrock_converse", "bedrock"),
    "azure-foundry": ("azure_ai", "azure"),
    "mistral": ("mistral",),
    "xai": ("xai",),
    "deepseek": ("deepseek",),
    "moonshot": ("moonshot",),
    "alibaba-cloud": ("dashscope",),
    "zhipu": ("zai",),
    "minimax": ("minimax",),
    "cohere": ("cohere_chat", "cohere"),
    "together": ("together_ai",),
    "fireworks": ("fireworks_ai",),
    "deepinfra": ("deepinfra",),
    "groq": ("groq",),
    "baseten": ("baseten",),
    "cerebras": ("cerebras",),
}
#: Prefixes that name a region or a vendor inside a key ("global.anthropic.claude-…").
_KEY_PREFIXES = {"global", "us", "eu", "apac", "jp", "au", "ca", "uk", "us-gov", "anthropic", "openai", "meta", "mistral", "deepseek",
                 "qwen", "moonshotai", "moonshot", "zai", "google", "amazon", "cohere", "minimax", "nvidia", "xai"}
_REGION_RANK = {"": 0, "global": 1, "us": 2}
#: Words in a review's reason that say the matter is not settled: such a review says right: neither.
_UNSETTLED = re.compile(r"\b(unsettled|not settled|undecided)\b", re.IGNORECASE)

Field_ = Literal["input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok", "batch_discount", "context_tokens", "modalities"]


@dataclass(frozen=True)
class Disagreement:
    model: str
    seller: Optional[str]  # None for the model's own facts (context window, modalities)
    field: str
    ours: Any
    theirs: Any
    key: str
    source: Optional[str]

    def line(self) -> str:
        where = f"{self.model} @ {self.seller}" if self.seller else self.model
        src = f"; their source: {self.source}" if self.source else ""
        return f"{where} {self.field}: ours {_show(self.ours)}, theirs {_show(self.theirs)} (list key {self.key}{src})"


@dataclass(frozen=True)
class DiffResult:
    disagreements: tuple[Disagreement, ...]
    unexplained: tuple[Disagreement, ...]
    explained: tuple[tuple[Disagreement, "Review"], ...]
    stale_reviews: tuple["Review", ...]
    not_carried: tuple[str, ...]
    compared: int


class Review(Strict):
    """One reviewed disagreement: which side is right, and why."""

    model: str
    seller: Optional[str] = Field(None, description="Null for the model's own facts (context_tokens, modalities).")
    field: Field_
    right: Literal["ours", "theirs", "neither"] = Field(
        description="ours: the catalog is right; theirs: the catalog must change; neither: both are out of date, or the matter is "
        "unsettled (neither side confirmed at the seller's own page)."
    )
    why: str = Field(min_length=10)

    @model_validator(mode="after")
    def _unsettled_is_neither(self) -> "Review":
        if self.right != "neither" and _UNSETTLED.search(self.why):
            raise ValueError(
                f"{self.model} {self.seller or ''} {self.field}: the reason says the matter is unsettled, so right must be 'neither', not {self.right!r}"
            )
        return self


class Aliases(Strict):
    model: str
    seller: str
    key: str = Field(description="The list's key for this model at this seller, where names differ.")


class ReviewFile(Strict):
    aliases: list[Aliases] = Field(default_factory=list)
    reviewed: list[Review] = Field(default_factory=list)


def _show(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(v) + "]"
    return "null" if v is None else str(v)


def normalize(name: str) -> str:
    """A model name reduced to compare across naming styles: kimi-k2p5, Kimi-K2.5 and kimi_k2.5 agree."""
    n = name.lower().rsplit("/", 1)[-1]
    parts = n.split(".")
    while len(parts) > 1 and parts[0] in _KEY_PREFIXES:
        parts = parts[1:]
    n = ".".join(parts)
    n = re.sub(r"(?<=\d)p(?=\d)", ".", n)
    n = re.sub(r"[-_:.]?v\d+[:.]\d+$", "", n)  # Bedrock's version suffix (-v1:0)
    return re.sub(r"[-._:\s]+", "", n)


def _region_of(key: str) -> str:
    first = key.lower().rsplit("/", 1)[-1].split(".", 1)[0]
    return first if first in ("global", "us", "eu", "apac", "jp", "au") else ""


def load_snapshot(path: str | Path = SNAPSHOT_PATH) -> dict[str, dict[str, Any]]:
    p = Path(path)
    try:
        with p.open("rb") as f:
            raw = f.read(MAX_SNAPSHOT_BYTES + 1)
    except OSError as e:
        raise InvalidData(str(path), [f"cannot read the price list ({e.strerror or e})"]) from None
    if len(raw) > MAX_SNAPSHOT_BYTES:
        raise InvalidData(str(path), [f"the price list is larger than {MAX_SNAPSHOT_BYTES} bytes"])
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise InvalidData(str(path), [f"not a JSON price list ({type(e).__name__})"]) from None
    models = data.get("models", data) if isinstance(data, dict) else None
    if not isinstance(models, dict):
        raise InvalidData(str(path), ["expected a JSON object of model entries"])
    return {k: v for k, v in models.items() if isinstance(v, dict)}


def load_review(path: str | Path = REVIEW_PATH) -> ReviewFile:
    return validate_as(ReviewFile, read_data_file(path), str(path), "a mapping with aliases and reviewed")


def find_key(m: Model, seller: str, snapshot: dict[str, dict[str, Any]], aliases: dict[tuple[str, str], str]) -> Optional[str]:
    """The list's key for model ``m`` sold by ``seller``, or None when the list does not carry it."""
    alias = aliases.get((m.id, seller))
    if alias is not None:
        return alias if alias in snapshot else None
    providers = SELLER_PROVIDERS.get(seller)
    if not providers:
        return None
    want = {normalize(m.id), normalize(m.name)}
    found = [
        (providers.index(v.get("litellm_provider")), _REGION_RANK.get(_region_of(k), 9), len(k), k)
        for k, v in snapshot.items()
        if v.get("litellm_provider") in providers and normalize(k) in want
    ]
    return min(found)[3] if found else None


def _per_m(entry: dict[str, Any], key: str) -> Optional[float]:
    v = entry.get(key)
    return float(v) * 1_000_000 if isinstance(v, (int, float)) else None


def _differs(a: float, b: float) -> bool:
    return abs(a - b) > TOLERANCE * max(abs(a), abs(b), 1e-12)


def _modalities(entry: dict[str, Any]) -> Optional[list[str]]:
    mods = entry.get("supported_modalities")
    if isinstance(mods, list):
        return sorted({str(x) for x in mods if x in ("text", "image", "audio", "video")} | {"text"})
    flags = {"image": entry.get("supports_vision"), "audio": entry.get("supports_audio_input"), "video": entry.get("supports_video_input")}
    if all(v is None for v in flags.values()):
        return None
    return sorted({"text"} | {k for k, v in flags.items() if v})


def _price_disagreements(m: Model, p: Price, key: str, e: dict[str, Any]) -> list[Disagreement]:
    out = []
    src = e.get("source") if isinstance(e.get("source"), str) else None

    def add(field: str, ours: Any, theirs: Any) -> None:
        out.append(Disagreement(m.id, p.seller, field, ours, theirs, key, src))

    for field, theirs_key in (("input_usd_per_mtok", "input_cost_per_token"), ("output_usd_per_mtok", "output_cost_per_token"), ("cached_input_usd_per_mtok", "cache_read_input_token_cost")):
        ours, theirs = getattr(p, field), _per_m(e, theirs_key)
        if theirs is None:
            continue
        if ours is None or _differs(ours, theirs):  # a price the list has and we do not is a disagreement too
            add(field, ours, theirs)
    inp, batch_in = _per_m(e, "input_cost_per_token"), _per_m(e, "input_cost_per_token_batches")
    if inp and batch_in is not None:
        theirs_discount = round(1 - batch_in / inp, 4)
        if p.batch_discount is None or _differs(p.batch_discount, theirs_discount):
            add("batch_discount", p.batch_discount, theirs_discount)
    return out


def _context_disagreement(m: Model, key: str, e: dict[str, Any]) -> Optional[Disagreement]:
    """None when the list's entry agrees on the window or does not state one."""
    ctx, out_max = e.get("max_input_tokens"), e.get("max_output_tokens")
    if not m.context_tokens or not isinstance(ctx, int) or isinstance(ctx, bool):
        return None
    # Lists quote the window as input only, or input plus output, and "1M" as 10^6 or 2^20.
    windows = [ctx] + ([ctx + out_max] if isinstance(out_max, int) and not isinstance(out_max, bool) else [])
    if all(abs(m.context_tokens - w) > CONTEXT_TOLERANCE * w for w in windows):
        return Disagreement(m.id, None, "context_tokens", m.context_tokens, ctx, key, _source(e))
    return None


def _source(e: dict[str, Any]) -> Optional[str]:
    return e.get("source") if isinstance(e.get("source"), str) else None


def _states(field: str, e: dict[str, Any]) -> bool:
    if field == "context_tokens":
        ctx = e.get("max_input_tokens")
        return isinstance(ctx, int) and not isinstance(ctx, bool)
    return _modalities(e) is not None


def diff(catalog: Catalog, snapshot: dict[str, dict[str, Any]], review: Optional[ReviewFile] = None) -> DiffResult:
    """Compare every live model's price rows, and its context window and input modalities, with the list.

    The model's own facts are read through the first of its rows the list carries that states the
    fact: the lab's own row first, then the other rows in the catalog's order (an open-weight model
    sold only by providers is checked too). The disagreement names the list key it was read on.
    A model with no row the list could carry is named in ``not_carried``."""
    review = review or ReviewFile()
    aliases = {(a.model, a.seller): a.key for a in review.aliases}
    found: list[Disagreement] = []
    not_carried: list[str] = []
    compared = 0
    for m in catalog.models:
        if m.retired:
            continue
        keys: list[tuple[bool, str]] = []  # (is the lab's own row, list key) for each row the list carries
        looked_up = False
        for p in m.prices:
            if p.kind == "aggregator" or p.seller not in SELLER_PROVIDERS:
                continue
            looked_up = True
            key = find_key(m, p.seller, snapshot, aliases)
            if key is None:
                not_carried.append(f"{m.id} @ {p.seller}")
                continue
            compared += 1
            found += _price_disagreements(m, p, key, snapshot[key])
            keys.append((p.kind == "first_party", key))
        if not m.prices:
            not_carried.append(f"{m.id} (no price rows)")
        elif not looked_up:
            not_carried.append(f"{m.id} (no row at a seller the list covers)")
        ordered = [k for own, k in keys if own] + [k for own, k in keys if not own]
        ctx_key = next((k for k in ordered if _states("context_tokens", snapshot[k])), None)
        if ctx_key is not None:
            d = _context_disagreement(m, ctx_key, snapshot[ctx_key])
            if d is not None:
                found.append(d)
        mods_key = next((k for k in ordered if _states("modalities", snapshot[k])), None)
        if mods_key is not None:
            theirs_mods = _modalities(snapshot[mods_key])
            if sorted(set(m.modalities)) != theirs_mods:
                found.append(Disagreement(m.id, None, "modalities", sorted(m.modalities), theirs_mods, mods_key, _source(snapshot[mods_key])))
    by_key = {(r.model, r.seller, r.field): r for r in review.reviewed}
    explained = [(d, by_key[(d.model, d.seller, d.field)]) for d in found if (d.model, d.seller, d.field) in by_key]
    seen = {(d.model, d.seller, d.field) for d in found}
    return DiffResult(
        disagreements=tuple(found),
        unexplained=tuple(d for d in found if (d.model, d.seller, d.field) not in by_key),
        explained=tuple(explained),
        stale_reviews=tuple(r for r in review.reviewed if (r.model, r.seller, r.field) not in seen),
        not_carried=tuple(not_carried),
        compared=compared,
    )
