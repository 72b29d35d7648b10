"""The model and licence catalog: strict models, a checker that reports every problem at once,
and a lenient loader that keeps every valid entry.

Each entry is validated on its own, so that one broken model does not hide the problems of the
next, and so that the app can still load everything that is valid. Cross-entry checks (a model
naming a licence or provider that does not exist, duplicate ids) run over the entries that parsed.
Problems name the section, the entry id, the field and, where the YAML parser knows it, the line.
"""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal, Optional

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator
from yaml.constructor import SafeConstructor

from grid.errors import InvalidData
from grid.schema import Strict, validation_problems
from grid.yamlio import MAX_DEPTH, too_deep

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CATALOG_PATH = DATA_DIR / "models.yaml"
SCHEMA_PATH = DATA_DIR / "models.schema.json"
STALE_AFTER_DAYS = 180
MAX_CATALOG_BYTES = 32 * 1024 * 1024

PRIMARY_SOURCES_PATH = DATA_DIR / "primary_sources.yaml"

Confidence = Literal["verified", "secondary", "uncertain"]
URL_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"
REGION_PATTERN = r"^[a-z]{2,6}$"
SellerKind = Literal["first_party", "hyperscaler", "inference_provider", "aggregator"]
Status = Literal["ga", "preview", "deprecated", "retired"]


class Source(Strict):
    """Where a fact was read, and when somebody last checked it there."""

    url: str = Field(pattern=URL_PATTERN, description="The page the fact was read on (http or https).")
    checked: date = Field(description="The day the fact was last checked at that page (YYYY-MM-DD).")


class FactSource(Strict):
    """Where one fact of an entry was read, when, and how sure: verified only on the owner's own page."""

    url: str = Field(pattern=URL_PATTERN)
    checked: date
    confidence: Literal["verified", "secondary", "uncertain"]


class AttestationSource(Strict):
    """Where a seller's attestations were read: the page, the day, how sure, and which it states."""

    url: str = Field(pattern=URL_PATTERN, description="The page the attestations were read on.")
    checked: date
    confidence: Literal["verified", "secondary", "uncertain"] = Field(description="verified only on the seller's own page.")
    covers: list[str] = Field(min_length=1, description="The attestations this page states.")


class Threshold(Strict):
    """A licence clause that starts to apply above a number of users or a level of revenue."""

    metric: Literal["monthly_active_users", "monthly_revenue_usd", "annual_revenue_usd"]
    value: int = Field(gt=0, description="The clause applies above this value.")
    consequence: Literal["display_attribution", "need_separate_license", "no_rights"] = Field(
        description="display_attribution: show the given name in the product; need_separate_license: "
        "ask the licensor for a licence; no_rights: the licence grants nothing."
    )


class GeoRestriction(Strict):
    """A licence clause that withholds rights in a region (for example the EU)."""

    region: Literal["eu", "us", "uk", "cn", "other"]
    scope: Literal["all", "multimodal"] = Field(description="all: every model under the licence; multimodal: only the models that take images, audio or video.")
    text: str = Field(description="The clause, quoted or closely paraphrased.")
    source: Source


class License(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    name: str
    spdx: Optional[str] = Field(None, description="SPDX identifier, or null if the licence has none.")
    hf_tag: Optional[str] = Field(None, description="The Hugging Face `license:` tag, or null if unknown.")
    osi_approved: Optional[bool] = None
    commercial_use: Optional[Literal["yes", "no", "conditional"]] = Field(
        description="yes, no, or conditional (then thresholds say when it changes); null when nobody has read the terms."
    )
    thresholds: list[Threshold] = Field(default_factory=list)
    attribution: Optional[str] = Field(None, description="What must be shown or kept, in plain words.")
    acceptable_use_policy: Optional[bool] = Field(None, description="True when an acceptable-use or field-of-use policy is part of the licence.")
    derivative_naming: Optional[str] = None
    outputs_to_train_other_models: Optional[
        Literal["allowed", "allowed_with_conditions", "forbidden", "not_addressed"]
    ] = None
    patent_grant: Literal["express", "none_express", "unknown"]
    geographic_restrictions: list[GeoRestriction] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    confidence: Confidence
    notes: Optional[str] = None

    @field_validator("commercial_use", mode="before")
    @classmethod
    def _yaml_bool(cls, v: Any) -> Any:
        return {True: "yes", False: "no"}.get(v, v) if isinstance(v, bool) else v

    @model_validator(mode="after")
    def _conditional_needs_thresholds(self) -> "License":
        if self.commercial_use == "conditional" and not self.thresholds:
            raise ValueError("commercial_use is conditional but no thresholds say when it changes")
        return self


class Provider(Strict):
    """A seller: a lab's own API, a hyperscaler's endpoint, an inference provider or an aggregator,
    with its data terms as read on its own trust, legal or docs pages."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    name: str
    kind: SellerKind = Field(description="first_party: the lab's own API; hyperscaler: a cloud's managed endpoint; inference_provider: serves open weights; aggregator: resells other sellers (never a reference price).")
    trains_on_api_data_by_default: Optional[bool] = Field(description="Null when nobody has checked.")
    zero_data_retention: Literal["self_serve", "on_approval", "default", "none", "unknown"] = Field(
        description="self_serve: the customer turns it on; on_approval: by contract or approval; default: nothing is kept by default; none: not offered."
    )
    retention: Optional[str] = Field(None, description="What is kept, for how long, by default, in plain words.")
    regions: list[str] = Field(default_factory=list, description="Processing regions offered (lowercase codes: us, eu, uk, jp, ...).")
    attestations: Optional[list[str]] = Field(
        None, description="What the seller states it holds (SOC 2 Type 2, ISO/IEC 27001, HIPAA BAA, …); null when nobody found its statement, [] when it states none."
    )
    attestation_sources: list[AttestationSource] = Field(
        default_factory=list, description="Where each attestation was read; a third-party copy is secondary."
    )
    dpa: Optional[bool] = Field(None, description="True when the seller offers a data processing agreement.")
    sources: list[Source] = Field(min_length=1)
    confidence: Confidence
    notes: Optional[str] = None

    @property
    def attestations_verified(self) -> list[str]:
        """The attestations read on the seller's own pages."""
        ok = {a for src in self.attestation_sources if src.confidence == "verified" for a in src.covers}
        return [a for a in (self.attestations or []) if a in ok]

    def attestation_words(self) -> str:
        """'SOC 2 Type 2, ISO/IEC 27001; read only on third-party copies: ISO/IEC 42001' in plain words."""
        if self.attestations is None:
            return "not found on its own pages"
        if not self.attestations:
            return "none stated"
        own = self.attestations_verified
        other = [a for a in self.attestations if a not in own]
        parts = [", ".join(own)] if own else []
        if other:
            parts.append("read only on third-party copies of its pages: " + ", ".join(other))
        return "; ".join(parts)

    @field_validator("regions")
    @classmethod
    def _regions(cls, v: list[str]) -> list[str]:
        import re

        bad = [r for r in v if not re.match(REGION_PATTERN, r)]
        if bad:
            raise ValueError(f"region codes are 2-6 lowercase letters (us, eu, uk, ...): {bad}")
        return v


class GeoPrice(Strict):
    """The same model at the same seller, deployed to keep data inside a geography, at its own price
    (Bedrock's geographic inference profiles, Azure's Data Zones, Vertex's multi-region endpoints)."""

    regions: list[str] = Field(min_length=1, description="Where data is processed with this deployment.")
    label: str = Field(description="The seller's name for the deployment, e.g. 'EU geo cross-Region inference profile'.")
    input_usd_per_mtok: float = Field(ge=0)
    output_usd_per_mtok: float = Field(ge=0)
    cached_input_usd_per_mtok: Optional[float] = Field(None, ge=0)
    source: str = Field(pattern=URL_PATTERN)
    checked: date
    confidence: Confidence
    notes: Optional[str] = None


class Price(Strict):
    """USD per million tokens at one seller, with where and when it was read."""

    seller: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$", description="A seller id from the providers section.")
    kind: SellerKind = Field(description="The seller's kind (checked against the seller's entry).")
    regions: Optional[list[str]] = Field(None, description="Where this seller serves this model, when narrower than the seller's regions.")
    processed_by: Optional[str] = Field(
        None,
        pattern=r"^[a-z0-9][a-z0-9.\-]*$",
        description="A seller id, when another party processes the data under its own terms (Claude in Azure AI Foundry is processed by Anthropic); that party's terms then apply, and the row is not inside your cloud.",
    )
    input_usd_per_mtok: Optional[float] = Field(None, ge=0)
    output_usd_per_mtok: Optional[float] = Field(None, ge=0)
    cached_input_usd_per_mtok: Optional[float] = Field(None, ge=0)
    batch_discount: Optional[float] = Field(None, gt=0, lt=1, description="Share taken off for batch jobs, e.g. 0.5.")
    geo_prices: list[GeoPrice] = Field(
        default_factory=list,
        description="Deployments that keep data inside a geography, at their own price; the row's own price is then a global one (regions: [global]).",
    )
    source: str = Field(pattern=URL_PATTERN, description="The page the price was read on.")
    checked: date
    confidence: Confidence = Field(description="verified only when read on the seller's own page.")
    notes: Optional[str] = None

    @property
    def complete(self) -> bool:
        return self.input_usd_per_mtok is not None and self.output_usd_per_mtok is not None

    def deployments(self) -> list["Price"]:
        """This row and one row per geographic deployment, each with its regions, price and source."""
        out: list[Price] = [self]
        for g in self.geo_prices:
            out.append(
                self.model_copy(
                    update={
                        "regions": list(g.regions),
                        "input_usd_per_mtok": g.input_usd_per_mtok,
                        "output_usd_per_mtok": g.output_usd_per_mtok,
                        "cached_input_usd_per_mtok": g.cached_input_usd_per_mtok,
                        "source": g.source,
                        "checked": g.checked,
                        "confidence": g.confidence,
                        "notes": f"{g.label}. {g.notes or ''}".strip(),
                        "geo_prices": [],
                    }
                )
            )
        return out


class Model(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    name: str
    native_name: Optional[str] = Field(None, description="The name in the developer's own script, if it differs.")
    developer: str
    weights: Literal["open", "closed"]
    license: Optional[str] = Field(None, description="A licence id (open weights).")
    provider: Optional[str] = Field(None, description="A provider id (closed models).")
    released: Optional[date] = None
    released_source: Optional[FactSource] = Field(None, description="Where the release date was read, when it is not in the entry's own sources.")
    status: Status = Field(description="ga | preview | deprecated | retired, as the vendor says.")
    deprecated_on: Optional[date] = Field(None, description="The day the vendor deprecated it, where published.")
    retires_on: Optional[date] = Field(None, description="The day the vendor retires (or retired) it, where published.")
    lifecycle_source: Optional[Source] = Field(None, description="Where the status and dates were read; needed unless the model is plainly GA.")
    modalities: list[Literal["text", "image", "audio", "video"]] = Field(min_length=1)
    context_tokens: Optional[int] = Field(None, gt=0)
    parameters_total_b: Optional[float] = Field(None, gt=0)
    parameters_active_b: Optional[float] = Field(None, gt=0)
    prices: list[Price] = Field(default_factory=list)
    tier: Literal["frontier", "strong", "efficient"]
    tier_basis: str
    sources: list[Source] = Field(min_length=1)
    confidence: Confidence
    notes: Optional[str] = None

    @model_validator(mode="after")
    def _shape(self) -> "Model":
        problems = []
        if self.weights == "open":
            if not self.license:
                problems.append("an open-weight model needs a license id")
            if self.provider:
                problems.append("an open-weight model has a license, not a provider")
        else:
            if not self.provider:
                problems.append("a closed model needs a provider id")
            if self.license:
                problems.append("a closed model has a provider, not a license")
            if self.parameters_total_b or self.parameters_active_b:
                problems.append("parameter counts are for open weights only")
        if self.parameters_total_b and self.parameters_active_b and self.parameters_active_b > self.parameters_total_b:
            problems.append("parameters_active_b is larger than parameters_total_b")
        if (self.status != "ga" or self.deprecated_on or self.retires_on) and self.lifecycle_source is None:
            problems.append(f"status {self.status!r} (or a lifecycle date) needs a lifecycle_source")
        if self.status == "retired" and self.retires_on is None:
            problems.append("a retired model needs its retires_on date")
        if self.deprecated_on and self.retires_on and self.retires_on < self.deprecated_on:
            problems.append("retires_on is before deprecated_on")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- derived facts -----------------------------------------------------------------------
    @property
    def newest_checked(self) -> date:
        return max([s.checked for s in self.sources] + [p.checked for p in self.prices])

    @property
    def retired(self) -> bool:
        return self.status == "retired"

    @property
    def reference_price(self) -> Optional[Price]:
        """The lab's own first-party price, the reference for the model (never an aggregator's)."""
        return next((p for p in self.prices if p.kind == "first_party" and p.complete), None)

    @property
    def best_price(self) -> Optional[Price]:
        """The cheapest complete price by a 3:1 input:output blend, from any seller but an
        aggregator (whose price is a resale, never a reference)."""
        known = [p for p in self.prices if p.complete and p.kind != "aggregator"]
        return min(known, key=lambda p: (blended(p), p.seller)) if known else None

    def prices_from(self, kinds: tuple[str, ...]) -> list[Price]:
        return [p for p in self.prices if p.complete and p.kind in kinds]

    def lifecycle_note(self) -> Optional[str]:
        """A plain sentence on the model's lifecycle, or None when it is plainly GA."""
        if self.status == "retired":
            return f"Retired by {self.developer}" + (f" on {self.retires_on.isoformat()}" if self.retires_on else "") + "."
        if self.status == "deprecated":
            when = f"; it retires on {self.retires_on.isoformat()}" if self.retires_on else "; no retirement date is published"
            return f"Deprecated by {self.developer}" + (f" on {self.deprecated_on.isoformat()}" if self.deprecated_on else "") + when + "."
        if self.status == "preview":
            return "A preview: the vendor may change or withdraw it without the notice it gives for GA models."
        if self.retires_on:
            return f"The vendor plans to retire it on {self.retires_on.isoformat()}."
        return None

    @property
    def multimodal(self) -> bool:
        return any(m != "text" for m in self.modalities)


def blended(p: Price) -> float:
    """A 3:1 input:output blend per million tokens, for ranking only."""
    return (3 * (p.input_usd_per_mtok or 0) + (p.output_usd_per_mtok or 0)) / 4


class CatalogFile(Strict):
    """The whole file, for the JSON Schema that editors use while the YAML is typed."""

    licenses: list[License]
    providers: list[Provider]
    models: list[Model]


# ----------------------------------------------------------------------------- the catalog
@dataclass(frozen=True)
class Catalog:
    """The valid entries of a catalog, with lookups. Immutable: safe to share across sessions."""

    licenses: tuple[License, ...]
    providers: tuple[Provider, ...]
    models: tuple[Model, ...]
    problems: tuple[str, ...] = ()
    source: str = ""

    @cached_property
    def license_by_id(self) -> dict[str, License]:
        return {x.id: x for x in self.licenses}

    @cached_property
    def provider_by_id(self) -> dict[str, Provider]:
        return {x.id: x for x in self.providers}

    @cached_property
    def model_by_id(self) -> dict[str, Model]:
        return {x.id: x for x in self.models}

    @property
    def newest_checked(self) -> Optional[date]:
        dates = [m.newest_checked for m in self.models]
        dates += [s.checked for x in (*self.licenses, *self.providers) for s in x.sources]
        return max(dates) if dates else None

    @property
    def oldest_checked(self) -> Optional[date]:
        dates = [m.newest_checked for m in self.models]
        return min(dates) if dates else None

    def to_json_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "licenses": [x.model_dump(mode="json") for x in self.licenses],
            "providers": [x.model_dump(mode="json") for x in self.providers],
            "models": [x.model_dump(mode="json") for x in self.models],
        }

    def summary(self) -> str:
        n_open = sum(1 for m in self.models if m.weights == "open")
        newest = self.newest_checked
        return (
            f"{len(self.models)} models ({n_open} open-weight, {len(self.models) - n_open} closed), "
            f"{len(self.licenses)} licences, {len(self.providers)} sellers"
            + (f"; newest check {newest.isoformat()}" if newest else "")
        )


def is_stale(checked: date, today: date) -> bool:
    """True when the newest check of an entry is older than ``STALE_AFTER_DAYS``."""
    return (today - checked).days > STALE_AFTER_DAYS


def newest_source_check(entry: License | Provider) -> date:
    return max(s.checked for s in entry.sources)


# ----------------------------------------------------------------------------- YAML reading
_BASE_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
_TAG = "tag:yaml.org,2002:"


class _EventLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """libyaml's parser, with the implicit-tag resolver remembering its answer per plain scalar
    (keys and enum values repeat thousands of times in a large catalog)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._tags: dict[str, str] = {}

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:  # no path resolvers
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            tag = self._tags.get(value)
            if tag is None:
                tag = self._tags[value] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)


class _YamlProblem(Exception):
    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark is not None else None


_NO_KEY = object()
_BOOLS = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}


def _scalar(loader: _EventLoader, ev: Any, tag: str) -> Any:
    """A scalar whose tag is not plain text."""
    if tag == "!":
        return ev.value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return _BOOLS[ev.value.lower()]
    if tag in (_TAG + "int", _TAG + "float"):
        node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark)
        return SafeConstructor.construct_yaml_int(loader, node) if tag.endswith("int") else SafeConstructor.construct_yaml_float(loader, node)
    if tag == _TAG + "timestamp":
        return ev.value  # dates stay text; pydantic parses them per field
    if tag == _TAG + "merge":
        return "<<"
    raise _YamlProblem(f"unsupported YAML tag {tag!r}; only plain YAML data is read", ev.start_mark)


def _load_events(text: str, record_lines: bool) -> tuple[Any, dict[tuple[Any, ...], int], list[tuple[tuple[Any, ...], str, int]]]:
    """Build plain data straight from libyaml's events, without node objects (the slow part of
    PyYAML). Records duplicate keys always, and the line of every key and item when asked.

    The loop is written flat, with the common cases inline: it runs once per scalar, ~30 times
    per catalog entry.
    """
    loader = _EventLoader(text)
    get_event = loader.get_event
    resolve = loader.resolve
    tags = loader._tags
    str_tag = _TAG + "str"
    anchors: dict[str, Any] = {}
    lines: dict[tuple[Any, ...], int] = {}
    dupes: list[tuple[tuple[Any, ...], str, int]] = []
    containers: list[Any] = []  # open containers, innermost last
    keys: list[Any] = []  # per open mapping: the key waiting for its value (or _NO_KEY)
    key_lines: list[int] = []
    path: list[Any] = []
    root: Any = None
    Scalar, MapStart, SeqStart, Alias = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent
    MapEnd, SeqEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent

    def place(value: Any, mark: Any) -> Any:
        """Attach a value to the open container; return its path element (None for a key)."""
        nonlocal root
        if not containers:
            root = value
            return ()
        top = containers[-1]
        if type(top) is dict:
            key = keys[-1]
            if key is _NO_KEY:
                if isinstance(value, (dict, list)):
                    raise _YamlProblem("complex mapping keys are not supported", mark)
                keys[-1] = value
                key_lines[-1] = mark.line + 1
                return None
            keys[-1] = _NO_KEY
            if key in top:
                dupes.append((tuple(path), key, key_lines[-1]))
            top[key] = value
            if record_lines:
                lines[(*path, key)] = key_lines[-1]
            return key
        index = len(top)
        top.append(value)
        if record_lines:
            lines[(*path, index)] = mark.line + 1
        return index

    try:
        while True:
            ev = get_event()
            if ev is None:
                break
            kind = type(ev)
            if kind is Scalar:
                tag = ev.tag
                value = ev.value
                if tag is None:
                    if ev.implicit[0]:
                        tag = tags.get(value) or resolve(yaml.ScalarNode, value, ev.implicit)
                    else:
                        tag = str_tag
                if tag != str_tag:
                    value = _scalar(loader, ev, tag)
                if ev.anchor is not None:
                    anchors[ev.anchor] = value
                # inline fast path of place() for a value inside a mapping or a list
                if containers and not record_lines:
                    top = containers[-1]
                    if type(top) is dict:
                        key = keys[-1]
                        if key is _NO_KEY:
                            keys[-1] = value
                            key_lines[-1] = ev.start_mark.line + 1
                            continue
                        keys[-1] = _NO_KEY
                        if key in top:
                            dupes.append((tuple(path), key, key_lines[-1]))
                        top[key] = value
                    else:
                        top.append(value)
                    continue
                place(value, ev.start_mark)
            elif kind is MapStart or kind is SeqStart:
                if len(containers) >= MAX_DEPTH:  # the parser slows with depth: stop at the limit, not at the end
                    raise _YamlProblem(too_deep(), ev.start_mark)
                is_map = kind is MapStart
                if ev.tag not in (None, "!", _TAG + ("map" if is_map else "seq")):
                    raise _YamlProblem(f"unsupported YAML tag {ev.tag!r}; only plain YAML data is read", ev.start_mark)
                container: Any = {} if is_map else []
                if ev.anchor is not None:
                    anchors[ev.anchor] = container
                element = place(container, ev.start_mark)
                if element is None:
                    raise _YamlProblem("complex mapping keys are not supported", ev.start_mark)
                if element != ():
                    path.append(element)
                if record_lines:
                    lines.setdefault(tuple(path), ev.start_mark.line + 1)
                containers.append(container)
                if is_map:
                    keys.append(_NO_KEY)
                    key_lines.append(0)
            elif kind is MapEnd or kind is SeqEnd:
                container = containers.pop()
                if kind is MapEnd:
                    keys.pop()
                    key_lines.pop()
                if containers:
                    path.pop()
                if kind is MapEnd and "<<" in container:
                    merged = container.pop("<<")
                    for base in merged if isinstance(merged, list) else [merged]:
                        if not isinstance(base, dict):
                            raise _YamlProblem("a merge key (<<) must refer to a mapping", ev.start_mark)
                        for k, v in base.items():
                            container.setdefault(k, v)
            elif kind is Alias:
                if ev.anchor not in anchors:
                    raise _YamlProblem(f"unknown alias *{ev.anchor}", ev.start_mark)
                place(anchors[ev.anchor], ev.start_mark)
    finally:
        loader.dispose()
    return root, lines, dupes


def _yaml_error(e: yaml.YAMLError, source: str) -> InvalidData:
    mark = getattr(e, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    if isinstance(e, yaml.constructor.ConstructorError):
        return InvalidData(source, [f"unsupported YAML tag{where} ({e.problem}); only plain YAML data is read"])
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    return InvalidData(source, [f"not valid YAML{where}: {problem}"])


def _entry_label(data: Any, path: tuple[Any, ...]) -> str:
    """``models[3] (some-id)`` for a path inside an entry, or the plain path elsewhere."""
    if len(path) >= 2 and isinstance(path[1], int) and isinstance(data, dict):
        section = data.get(path[0])
        entry = section[path[1]] if isinstance(section, list) and path[1] < len(section) else None
        label = f"{path[0]}[{path[1]}]"
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            label += f" ({entry['id']})"
        rest = path[2:]
        return label + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest)
    return _where(path)


def _where(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (("." if i else "") + str(p)) for i, p in enumerate(path)) or "(top level)"


def _line_of(lines: dict[tuple[Any, ...], int], path: tuple[Any, ...]) -> Optional[int]:
    for cut in range(len(path), 0, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return None


# ----------------------------------------------------------------------------- primary sources
class PrimarySource(Strict):
    prefix: str = Field(pattern=URL_PATTERN, description="A URL prefix on the owner's own site (scheme and host at least).")
    owner: str = Field(description="Whose page this is: the licensor, the lab or the seller.")
    aggregator: bool = Field(False, description="An aggregator's pages: primary only for its own terms and prices.")


class PrimarySourceList(Strict):
    primary: list[PrimarySource] = Field(min_length=1)
    sellers: Optional[dict[str, list[str]]] = Field(
        None, description="Seller id -> the owner(s) whose pages are primary for the seller's entry and its price rows."
    )
    licences: Optional[dict[str, list[str]]] = Field(None, description="Licence id -> its steward(s) or licensor(s).")
    developers: Optional[dict[str, list[str]]] = Field(None, description="A model's developer string -> the owner(s) of its pages.")

    @model_validator(mode="after")
    def _owners_are_named_by_a_prefix(self) -> "PrimarySourceList":
        named = {x.owner for x in self.primary}
        bad = []
        for section in ("sellers", "licences", "developers"):
            for key, owners in (getattr(self, section) or {}).items():
                if not owners:
                    bad.append(f"{section}.{key}: names no owner (give at least one)")
                bad += [f"{section}.{key}: {owner!r} owns no prefix in the primary list" for owner in owners if owner not in named]
        if bad:
            raise ValueError("; ".join(bad))
        return self


@dataclass(frozen=True, eq=False)
class Primary:
    """The primary-source prefixes, split into owners' pages and aggregators' pages, with each
    prefix's owner and whose pages are primary for each seller, licence and developer.

    ``sellers``, ``licences`` and ``developers`` are None when the list does not map them (then only
    the prefixes are checked, whoever owns them)."""

    owners: tuple[str, ...]
    aggregators: tuple[str, ...] = ()
    owner_of_prefix: tuple[tuple[str, str], ...] = ()  # (prefix, owner), longest prefix first
    sellers: Optional[dict[str, frozenset[str]]] = None
    licences: Optional[dict[str, frozenset[str]]] = None
    developers: Optional[dict[str, frozenset[str]]] = None

    @property
    def mapped(self) -> bool:
        return self.sellers is not None or self.licences is not None or self.developers is not None


@lru_cache(maxsize=4)
def load_primary_sources(path: str | Path = PRIMARY_SOURCES_PATH) -> Primary:
    """The URL prefixes that count as primary: the licensor's, the lab's or the seller's own pages,
    and whose pages are primary for each seller, licence and developer."""
    from grid.schema import validate_as
    from grid.yamlio import read_data_file

    data = validate_as(PrimarySourceList, read_data_file(path), str(path), "a mapping with a primary list")
    mapped = any(getattr(data, s) is not None for s in ("sellers", "licences", "developers"))

    def owners(section: Optional[dict[str, list[str]]]) -> Optional[dict[str, frozenset[str]]]:
        if section is None:
            return {} if mapped else None
        return {k: frozenset(v) for k, v in section.items()}

    return Primary(
        owners=tuple(sorted({_norm_url(x.prefix) for x in data.primary if not x.aggregator})),
        aggregators=tuple(sorted({_norm_url(x.prefix) for x in data.primary if x.aggregator})),
        owner_of_prefix=tuple(sorted({(_norm_url(x.prefix), x.owner) for x in data.primary}, key=lambda t: (-len(t[0]), t))),
        sellers=owners(data.sellers),
        licences=owners(data.licences),
        developers=owners(data.developers),
    )


def _norm_url(url: str) -> str:
    url = url.strip().lower().split("#", 1)[0]
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            url = url[len(scheme):]
    return url[4:] if url.startswith("www.") else url


def is_primary(url: str, primary: Primary, aggregator: bool = False) -> bool:
    """Is ``url`` on an owner's own site? An aggregator's site counts only when ``aggregator``
    (the fact is the aggregator's own)."""
    u = _norm_url(url)
    return any(u.startswith(p) for p in primary.owners + (primary.aggregators if aggregator else ()))


def owner_of(url: str, primary: Primary) -> Optional[str]:
    """Whose page ``url`` is, by the longest primary prefix it starts with; None for a third party's."""
    u = _norm_url(url)
    return next((owner for prefix, owner in primary.owner_of_prefix if u.startswith(prefix)), None)


def is_owners_page(url: str, owners: frozenset[str], primary: Primary, aggregator: bool = False) -> bool:
    """Is ``url`` on one of ``owners``' own sites? An aggregator's site counts only when ``aggregator``."""
    return is_primary(url, primary, aggregator) and owner_of(url, primary) in owners


def _owner_names(owners: frozenset[str]) -> str:
    names = sorted(owners)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# ----------------------------------------------------------------------------- validation
SECTIONS: dict[str, type[Strict]] = {"licenses": License, "providers": Provider, "models": Model}


def parse_catalog(
    data: Any,
    source: str = "catalog",
    text: Optional[str] = None,
    duplicate_keys: tuple[tuple[tuple[Any, ...], str, int], ...] = (),
    primary: Optional[Primary] = None,
) -> Catalog:
    """Validate raw catalog data. Returns the valid entries and every problem found.

    ``text`` (the YAML the data came from) lets problems name their line; it is read a second
    time, with line numbers, only when there is a problem to report.
    """
    if not isinstance(data, dict):
        raise InvalidData(source, ["the top level must be a mapping with licenses, providers and models"])
    problems: list[tuple[tuple[Any, ...], str]] = []
    for key in data:
        if key not in SECTIONS:
            problems.append(((key,), f"{key}: unknown section (allowed: {', '.join(SECTIONS)})"))
    parsed: dict[str, list[Any]] = {}
    broken: dict[str, set[str]] = {section: set() for section in SECTIONS}
    invalid_raw: list[tuple[str, int, str, dict[str, Any]]] = []
    for section, cls in SECTIONS.items():
        raw = data.get(section)
        parsed[section] = []
        if raw is None:
            problems.append(((section,), f"{section}: section is missing"))
            continue
        if not isinstance(raw, list):
            problems.append(((section,), f"{section}: must be a list of entries"))
            continue
        seen: set[str] = set()
        for i, entry in enumerate(raw):
            eid = entry.get("id") if isinstance(entry, dict) else None
            label = f"{section}[{i}]" + (f" ({eid})" if isinstance(eid, str) else "")
            if not isinstance(entry, dict):
                problems.append(((section, i), f"{label}: must be a mapping"))
                continue
            try:
                obj = cls.model_validate(entry)
            except ValidationError as e:
                if isinstance(eid, str):
                    broken[section].add(eid)
                invalid_raw.append((section, i, label, entry))
                for err, line in zip(validation_problems(e, entry), e.errors(include_url=False)):
                    loc = tuple(x for x in line["loc"] if not (isinstance(x, str) and x.startswith("function-")))
                    field_part = err.split(": ", 1)
                    msg = f"{label}.{err}" if field_part[0] != "(top level)" else f"{label}: {field_part[1]}"
                    problems.append(((section, i, *loc), msg))
                continue
            if obj.id in seen:
                problems.append(((section, i, "id"), f"{label}: id {obj.id!r} is used by an earlier entry"))
                continue
            seen.add(obj.id)
            parsed[section].append((i, obj))

    license_ids = {obj.id for _, obj in parsed["licenses"]}
    provider_ids = {obj.id for _, obj in parsed["providers"]}
    seller_kind = {obj.id: obj.kind for _, obj in parsed["providers"]}
    primary = load_primary_sources() if primary is None else primary

    # an entry with a field error is also checked for references that point nowhere, so that
    # one run of the checker reports every problem of it
    known = {"license": license_ids | broken["licenses"], "provider": provider_ids | broken["providers"]}
    for section, i, label, raw_entry in invalid_raw:
        if section != "models":
            continue
        for field_name, words in (("license", "licence"), ("provider", "provider")):
            ref = raw_entry.get(field_name)
            if isinstance(ref, str) and ref not in known[field_name]:
                problems.append((("models", i, field_name), f"{label}.{field_name}: unknown {words} {ref!r}"))
        for j, row in enumerate(raw_entry.get("prices") or [] if isinstance(raw_entry.get("prices"), list) else []):
            seller = row.get("seller") if isinstance(row, dict) else None
            if isinstance(seller, str) and seller not in known["provider"]:
                problems.append((("models", i, "prices", j, "seller"), f"{label}.prices[{j}].seller: unknown seller {seller!r} (add it to providers)"))

    # whose pages are primary for what: an id or developer the list does not map is reported once,
    # at its own entry, and its 'verified' claims are then left unchecked until it is mapped
    mapping_sections = {"providers": ("sellers", "seller"), "licenses": ("licences", "licence"), "models": ("developers", "developer")}

    def owners_for(section: str, key: str) -> Optional[frozenset[str]]:
        table = getattr(primary, mapping_sections[section][0])
        return None if table is None else table.get(key)

    def needs_primary(section: str, i: int, label: str, entry: Any) -> None:
        own = section == "providers" and entry.kind == "aggregator"
        key = entry.developer if section == "models" else entry.id
        table, what = mapping_sections[section]
        field_name = "developer" if section == "models" else "id"
        owners = owners_for(section, key)
        if primary.mapped and owners is None:
            problems.append(
                ((section, i, field_name), f"{label}.{field_name}: {what} {key!r} has no owner in data/primary_sources.yaml; "
                 f"add it to primary_sources.yaml under {table}, with the owner(s) whose pages are primary for it")
            )
            return
        if entry.confidence != "verified":
            return
        if owners is None:  # a list that maps no owners: any owner's page counts
            if not any(is_primary(x.url, primary, own) for x in entry.sources):
                problems.append(
                    ((section, i, "confidence"), f"{label}.confidence: 'verified' needs at least one source on the owner's own site "
                     "(see data/primary_sources.yaml); a third-party copy is 'secondary'")
                )
        elif not any(is_owners_page(x.url, owners, primary, own) for x in entry.sources):
            problems.append(
                ((section, i, "confidence"), f"{label}.confidence: 'verified' needs at least one source on the owner's own site "
                 f"({_owner_names(owners)}'s, see data/primary_sources.yaml); another owner's page or a third-party copy is "
                 "'secondary': mark it so, or cite the owner's page")
            )

    for section in ("licenses", "providers"):
        for i, obj in parsed[section]:
            needs_primary(section, i, f"{section}[{i}] ({obj.id})", obj)
    for i, prov in parsed["providers"]:  # each attestation has its page; verified only on the seller's own
        covered = {a for src in prov.attestation_sources for a in src.covers}
        missing = [a for a in (prov.attestations or []) if a not in covered]
        if missing:
            problems.append(
                (("providers", i, "attestations"), f"providers[{i}] ({prov.id}).attestations: {missing} have no attestation_sources entry "
                 "that covers them (add the page each was read on)")
            )
        owners = owners_for("providers", prov.id)
        for k, src in enumerate(prov.attestation_sources):
            if src.confidence != "verified":
                continue
            ok = is_owners_page(src.url, owners, primary) if owners is not None else is_primary(src.url, primary)
            if not ok:
                problems.append(
                    (("providers", i, "attestation_sources", k, "confidence"),
                     f"providers[{i}] ({prov.id}).attestation_sources[{k}].confidence: 'verified' needs the seller's own page, "
                     f"not {src.url}; a third-party copy is 'secondary'")
                )
    models = []
    for i, m in parsed["models"]:
        label = f"models[{i}] ({m.id})"
        needs_primary("models", i, label, m)
        rs = m.released_source
        if rs is not None and rs.confidence == "verified":
            owners = owners_for("models", m.developer)
            if not (is_owners_page(rs.url, owners, primary) if owners is not None else is_primary(rs.url, primary)):
                problems.append(
                    (("models", i, "released_source", "confidence"),
                     f"{label}.released_source.confidence: 'verified' needs the developer's own page, not {rs.url}; a third-party copy is 'secondary'")
                )
        for j, p in enumerate(m.prices):
            where = f"{label}.prices[{j}]"
            if p.seller in broken["providers"]:
                continue  # reported with the seller's own problems
            if p.seller not in seller_kind:
                problems.append((("models", i, "prices", j, "seller"), f"{where}.seller: unknown seller {p.seller!r} (add it to providers)"))
            elif seller_kind[p.seller] != p.kind:
                problems.append((("models", i, "prices", j, "kind"), f"{where}.kind: {p.kind!r}, but seller {p.seller!r} is {seller_kind[p.seller]!r}"))
            if p.processed_by is not None and p.processed_by not in seller_kind:
                problems.append((("models", i, "prices", j, "processed_by"), f"{where}.processed_by: unknown seller {p.processed_by!r}"))
            if p.confidence == "verified" and p.seller in seller_kind:
                row_owners = owners_for("providers", p.seller)
                if row_owners is None:
                    if not primary.mapped and not is_primary(p.source, primary, p.kind == "aggregator"):
                        problems.append(
                            (("models", i, "prices", j, "confidence"), f"{where}.confidence: 'verified' needs the seller's own page as source, not {p.source}")
                        )
                    # else: the seller has no owner yet, reported at its entry
                elif not is_owners_page(p.source, row_owners, primary, p.kind == "aggregator"):
                    whose = owner_of(p.source, primary)
                    whose = f"{whose}'s page" if whose else "a third party's page"
                    problems.append(
                        (("models", i, "prices", j, "confidence"),
                         f"{where}.confidence: 'verified' needs the seller's own page as source ({_owner_names(row_owners)}'s), "
                         f"not {p.source} ({whose}); mark the row 'secondary' or cite the seller's page")
                    )
        if m.weights == "closed" and m.provider in seller_kind and seller_kind[m.provider] != "first_party":
            problems.append((("models", i, "provider"), f"{label}.provider: {m.provider!r} is not a first-party seller (a closed model's provider is its vendor)"))
        for kind, ref, known, section in (
            ("licence", m.license, license_ids, "licenses"),
            ("provider", m.provider, provider_ids, "providers"),
        ):
            if ref and ref not in known:
                field_name = "license" if kind == "licence" else "provider"
                why = (
                    f"{kind} {ref!r} has problems of its own (see above), so this model is left out"
                    if ref in broken[section]
                    else f"unknown {kind} {ref!r}"
                )
                problems.append((("models", i, field_name), f"{label}.{field_name}: {why}"))
                break
        else:
            models.append(m)
            continue

    dupes = [f"{_entry_label(data, path)}: key {key!r} appears twice (line {line})" for path, key, line in duplicate_keys]
    messages = [msg for _, msg in problems]
    if problems and text is not None:
        _, lines, _ = _load_events(text, record_lines=True)
        messages = []
        for path, msg in problems:
            line = _line_of(lines, path)
            messages.append(f"{msg} (line {line})" if line else msg)
    return Catalog(
        licenses=tuple(obj for _, obj in parsed["licenses"]),
        providers=tuple(obj for _, obj in parsed["providers"]),
        models=tuple(models),
        problems=tuple(messages + dupes),
        source=source,
    )


def parse_catalog_text(text: str, source: str = "catalog", primary: Optional[Primary] = None) -> Catalog:
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a bulk load creates ~10 containers per entry and no cycles: skip the collector's passes
    try:
        data, _, dupes = _load_events(text, record_lines=False)
        return parse_catalog(data, source, text, tuple(dupes), primary)
    except _YamlProblem as e:
        where = f" at line {e.line}" if e.line else ""
        raise InvalidData(source, [f"{e.message}{where}"]) from None
    except yaml.YAMLError as e:
        raise _yaml_error(e, source) from None
    finally:
        if gc_was_enabled:
            gc.enable()


def read_catalog(path: str | Path = CATALOG_PATH) -> Catalog:
    """Read and validate a catalog file. Raises ``InvalidData`` only when nothing can be read;
    otherwise the returned catalog lists its problems and keeps every valid entry.

    The list of primary sources is the ``primary_sources.yaml`` beside the file (else the shipped one)."""
    from grid.yamlio import read_bounded

    p = Path(path)
    try:
        text = read_bounded(path, MAX_CATALOG_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidData(str(path), ["not UTF-8 text"]) from None
    beside = p.parent / PRIMARY_SOURCES_PATH.name
    primary = load_primary_sources(beside if beside.is_file() else PRIMARY_SOURCES_PATH)
    return parse_catalog_text(text, str(path), primary)


@lru_cache(maxsize=4)
def load_catalog(path: str | Path = CATALOG_PATH) -> Catalog:
    """The catalog, read and validated once per process (per path)."""
    return read_catalog(path)


def json_schema() -> dict[str, Any]:
    schema = CatalogFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Open / closed LLM decision grid: model and licence catalog"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
