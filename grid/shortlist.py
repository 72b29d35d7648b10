"""The shortlist: candidate models for a recommendation, filtered by hard needs and ranked.

- open → open-weight models (role ``primary``); closed → closed models (``primary``);
  hybrid → an open-weight ``volume`` model and a closed ``frontier`` model.
- Hard needs exclude a model, with the reason: multimodal input when the model is text-only; a
  licence not usable commercially at the user's scale; a provider without zero data retention
  when the data may only go to a vendor under a zero-retention contract.
- Ranking: closeness to the tier the tasks need, then verified facts, a known price, the lower
  blended price, the newer release.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict

from grid.catalog import Catalog, License, Model, Price, blended, is_stale
from grid.engine import Result
from grid.licensing import Scale, read_license, read_provider
from grid.questionnaire import Questionnaire

TIER_RANK = {"efficient": 0, "strong": 1, "frontier": 2}
CONFIDENCE_RANK = {"verified": 0, "secondary": 1, "uncertain": 2}
PER_ROLE = {"primary": 5, "volume": 3, "frontier": 3}


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PriceView(_Out):
    seller: str
    seller_id: str
    kind: str
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    source: str
    checked: str


class Candidate(_Out):
    model: str
    name: str
    role: str  # primary | volume | frontier
    license: Optional[str]
    provider: Optional[str]
    developer: str
    tier: str
    price: Optional[PriceView]
    stale: bool
    confidence: str
    status: str
    retires_on: Optional[str]
    flags: list[str]


class Excluded(_Out):
    model: str
    name: str
    role: str
    reason: str


class Shortlist(_Out):
    candidates: list[Candidate]
    excluded: list[Excluded]
    scale_note: str


def _desired_tier(role: str, weights: str, answers: Mapping[str, str]) -> int:
    task = answers.get("task_difficulty")
    if role == "frontier" or task == "frontier":
        return TIER_RANK["frontier"]
    if role == "volume" or task == "routine":
        return TIER_RANK["strong"]
    return TIER_RANK["strong"] if weights == "open" else TIER_RANK["frontier"]


def _price(m: Model) -> Optional["Price"]:
    """The price a candidate is shown with: the lab's own (the reference), else the cheapest seller's."""
    return m.reference_price or m.best_price


def geo_flags(lic: "License", m: Model, answers: Mapping[str, str]) -> list[str]:
    """The licence's regional restrictions that reach this model and this user's region."""
    region = answers.get("data_region")
    domicile = answers.get("company_domicile")
    out = []
    for g in lic.geographic_restrictions:
        if g.scope == "multimodal" and not m.multimodal:
            continue
        where = {"eu": "the EU", "us": "the US", "uk": "the UK", "cn": "China"}.get(g.region, "a named region")
        if domicile == g.region:
            out.append(f"Regional restriction for {where}, where your company is domiciled: {g.text}")
        elif domicile in ("eu", "us", "uk", "other"):
            continue  # a stated domicile elsewhere: the clause does not reach you
        elif region == g.region:
            out.append(f"Regional restriction for {where}, where your data is processed: {g.text} Check where your company is domiciled before relying on this model.")
        elif region in (None, "unknown", "any", "other"):
            out.append(f"Regional restriction: {g.text} (applies to {where}).")
    return out


def _rank_key(m: Model, desired: int) -> tuple:
    price = _price(m)
    released = -(m.released.toordinal()) if m.released else 0
    return (
        abs(TIER_RANK[m.tier] - desired),
        CONFIDENCE_RANK[m.confidence],
        price is None,
        blended(price) if price else 0.0,
        released,
        m.id,
    )


def build_shortlist(
    result: Result,
    answers: Mapping[str, str],
    catalog: Catalog,
    q: Questionnaire,
    today: Optional[date] = None,
    facts: Any = None,
) -> Shortlist:
    """Candidates per role. With ``facts`` (the options step), a model that no allowed option can
    buy is excluded with the rule in its way, and each role leads with the model the costs price."""
    today = today or date.today()
    scale = Scale.from_answers(answers, q)
    roles = {"open": [("primary", "open")], "closed": [("primary", "closed")], "hybrid": [("volume", "open"), ("frontier", "closed")]}[
        result.recommendation
    ]
    wants_media = answers.get("modality") == "multimodal"
    candidates: list[Candidate] = []
    excluded: list[Excluded] = []
    for role, weights in roles:
        pool = [m for m in catalog.models if m.weights == weights]
        desired = _desired_tier(role, weights, answers)
        kept: list[tuple[Model, list[str]]] = []
        for m in pool:
            reason = None
            flags: list[str] = []
            if m.retired:
                excluded.append(Excluded(model=m.id, name=m.name, role=role, reason=m.lifecycle_note() or "Retired by its vendor."))
                continue
            if wants_media and not m.multimodal:
                reason = "Text-only; your workload needs images, audio or video."
            if weights == "open":
                reading = read_license(catalog.license_by_id[m.license], m.developer, scale, today)  # type: ignore[index]
            else:
                reading = read_provider(catalog.provider_by_id[m.provider], answers, today)  # type: ignore[index]
            if reason is None and not reading.usable:
                reason = reading.blocking
            if reason is not None:
                excluded.append(Excluded(model=m.id, name=m.name, role=role, reason=reason))
                continue
            if m.lifecycle_note():
                flags.append(m.lifecycle_note())  # type: ignore[arg-type]
            if weights == "open":
                flags.extend(geo_flags(catalog.license_by_id[m.license], m, answers))  # type: ignore[index]
            if facts is not None and m.id not in facts.allowed_models.get(weights, frozenset()):
                excluded.append(Excluded(model=m.id, name=m.name, role=role, reason=facts.why_not.get(m.id, "No option your answers allow can buy it.")))
                continue
            flags.extend(reading.flags)
            kept.append((m, flags))
        lead = facts.lead(role if role != "primary" else weights) if facts is not None else None
        kept.sort(key=lambda mf: (mf[0].id != lead, _rank_key(mf[0], desired)))
        for m, flags in kept[: PER_ROLE[role]]:
            price = _price(m)
            model_flags = list(flags)
            if price is None:
                model_flags.append("No price in the catalog.")
            elif weights == "open" and result.deployment == "rented_open_weights" and not any(
                p.kind == "inference_provider" for p in m.prices
            ):
                model_flags.append(f"Priced here by {price.seller}; no third-party inference provider price is catalogued.")
            if m.confidence != "verified":
                model_flags.append(f"The model's facts are {m.confidence}.")
            stale = is_stale(m.newest_checked, today)
            if stale:
                model_flags.append(f"Facts last checked {m.newest_checked.isoformat()}, more than 180 days ago.")
            candidates.append(
                Candidate(
                    model=m.id,
                    name=m.name,
                    role=role,
                    license=m.license,
                    provider=m.provider,
                    developer=m.developer,
                    tier=m.tier,
                    status=m.status,
                    retires_on=m.retires_on.isoformat() if m.retires_on else None,
                    price=(
                        PriceView(
                            seller=catalog.provider_by_id[price.seller].name if price.seller in catalog.provider_by_id else price.seller,
                            seller_id=price.seller,
                            kind=price.kind,
                            input_usd_per_mtok=price.input_usd_per_mtok,  # type: ignore[arg-type]
                            output_usd_per_mtok=price.output_usd_per_mtok,  # type: ignore[arg-type]
                            source=price.source,
                            checked=price.checked.isoformat(),
                        )
                        if price
                        else None
                    ),
                    stale=stale,
                    confidence=m.confidence,
                    flags=model_flags,
                )
            )
    return Shortlist(candidates=candidates, excluded=excluded, scale_note=scale.describe())
