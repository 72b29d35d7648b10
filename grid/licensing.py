"""Reading a licence (and a closed provider's data terms) against one user's situation.

The user's scale comes from the two context questions as ranges (more than ``lo``, up to ``hi``).
A threshold clause ("above X monthly users ...") then either applies, does not apply, or may
apply (the scale is unknown or straddles the threshold). Monthly revenue is estimated as annual
revenue ÷ 12, and the flag says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Optional

from grid.catalog import License, Provider, Threshold, is_stale, newest_source_check
from grid.questionnaire import Questionnaire

Range = tuple[int, Optional[int]]
Status = Literal["applies", "does_not_apply", "may_apply"]

METRIC_WORDS = {
    "monthly_active_users": "monthly active users",
    "monthly_revenue_usd": "monthly revenue",
    "annual_revenue_usd": "annual revenue",
}


@dataclass(frozen=True)
class Scale:
    """The user's scale as ranges (exclusive low, inclusive high; high None = no limit)."""

    monthly_active_users: Optional[Range] = None
    annual_revenue_usd: Optional[Range] = None

    @classmethod
    def from_answers(cls, answers: Mapping[str, str], q: Questionnaire) -> "Scale":
        def rng(qid: str) -> Optional[Range]:
            oid = answers.get(qid)
            return q.option(qid, oid).range if oid else None

        return cls(rng("monthly_active_users"), rng("annual_revenue_usd"))

    def range_for(self, metric: str) -> Optional[Range]:
        if metric == "monthly_active_users":
            return self.monthly_active_users
        if self.annual_revenue_usd is None:
            return None
        if metric == "annual_revenue_usd":
            return self.annual_revenue_usd
        lo, hi = self.annual_revenue_usd
        return (lo // 12, None if hi is None else hi // 12)

    def describe(self) -> str:
        parts = []
        if self.monthly_active_users:
            parts.append(f"monthly active users {_span(self.monthly_active_users, money=False)}")
        if self.annual_revenue_usd:
            parts.append(f"annual revenue {_span(self.annual_revenue_usd, money=True)} (monthly taken as annual ÷ 12)")
        if not parts:
            return "Your scale is not answered, so clauses that depend on users or revenue are shown as conditions."
        missing = []
        if not self.monthly_active_users:
            missing.append("monthly active users")
        if not self.annual_revenue_usd:
            missing.append("revenue")
        text = "Licence clauses read against " + " and ".join(parts) + "."
        if missing:
            text += f" {' and '.join(missing).capitalize()} not answered: clauses on it are shown as conditions."
        return text


def number(value: int, money: bool) -> str:
    prefix = "$" if money else ""
    for size, word in ((1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand")):
        if value >= size:
            n = value / size
            text = f"{n:.0f}" if n == int(n) else f"{n:.1f}"
            return f"{prefix}{text} {word}"
    return f"{prefix}{value}"


def _span(r: Range, money: bool) -> str:
    lo, hi = r
    if hi is None:
        return f"over {number(lo, money)}"
    if lo == 0:
        return f"up to {number(hi, money)}"
    return f"{number(lo, money)} to {number(hi, money)}"


def threshold_status(t: Threshold, scale: Scale) -> Status:
    r = scale.range_for(t.metric)
    if r is None:
        return "may_apply"
    lo, hi = r
    if lo >= t.value:
        return "applies"
    if hi is not None and hi <= t.value:
        return "does_not_apply"
    return "may_apply"


@dataclass(frozen=True)
class Reading:
    """What a licence or a provider's terms mean for this user."""

    usable: bool
    blocking: Optional[str] = None
    flags: tuple[str, ...] = field(default_factory=tuple)


def _consequence(t: Threshold, lic: License, developer: str) -> str:
    if t.consequence == "display_attribution":
        return lic.attribution or "the product must display an attribution named in the licence"
    if t.consequence == "need_separate_license":
        return f"a separate licence from {developer} is needed, granted at its discretion"
    return "the licence grants no rights at all"


def read_license(lic: License, developer: str, scale: Scale, today: date) -> Reading:
    """Is this licence usable commercially at this scale, and which clauses apply, in plain words?"""
    flags: list[str] = []
    blocking: Optional[str] = None
    if lic.commercial_use is None:
        blocking = (
            f"The terms of {lic.name} have not been read (the catalog records them as unknown); "
            "read the licence file before any commercial use."
        )
    elif lic.commercial_use == "no":
        blocking = f"{lic.name} does not allow commercial use (research, evaluation or non-commercial use only)."
    for t in lic.thresholds:
        money = t.metric != "monthly_active_users"
        above = f"above {number(t.value, money)} in {METRIC_WORDS[t.metric]}"
        status = threshold_status(t, scale)
        what = _consequence(t, lic, developer)
        estimate = " (estimated as annual revenue ÷ 12)" if t.metric == "monthly_revenue_usd" and scale.annual_revenue_usd else ""
        if status == "applies":
            if t.consequence == "display_attribution":
                flags.append(f"Applies to you: {above}{estimate}: {what}")
            elif blocking is None:
                blocking = f"At your scale ({above}{estimate}) {what}."
        elif status == "may_apply":
            flags.append(f"If you go {above}: {what}" + ("." if not what.endswith(".") else ""))
        else:
            flags.append(f"Does not apply at your scale: the clause {above}{estimate}.")
    if lic.outputs_to_train_other_models == "forbidden":
        flags.append("You may not use its outputs to train or improve other large language models.")
    elif lic.outputs_to_train_other_models == "allowed_with_conditions":
        flags.append("Models trained on its outputs carry conditions from this licence.")
    if lic.derivative_naming:
        flags.append(f"Derivatives: {lic.derivative_naming}")
    if lic.acceptable_use_policy:
        flags.append("An acceptable-use policy is part of the licence and rules out some uses; read it.")
    if lic.attribution and not lic.thresholds and lic.commercial_use != "no":
        flags.append(f"Attribution: {lic.attribution}")
    if lic.osi_approved is False:
        flags.append("A custom licence, not OSI-approved: its own terms apply.")
    flags += _trust_flags(lic, "The licence facts are {}: check the licence text before relying on them.", "Licence facts", today)
    return Reading(usable=blocking is None, blocking=blocking, flags=tuple(flags))


def _trust_flags(entry: License | Provider, unverified: str, what: str, today: date) -> list[str]:
    """How far to trust an entry: its confidence when not verified, and its staleness."""
    flags = []
    if entry.confidence != "verified":
        flags.append(unverified.format(entry.confidence))
    checked = newest_source_check(entry)
    if is_stale(checked, today):
        flags.append(f"{what} last checked {checked.isoformat()}, more than 180 days ago.")
    return flags


ZDR_WORDS = {
    "self_serve": "zero data retention is self-serve",
    "on_approval": "zero data retention is available on approval",
    "default": "nothing is retained by default",
    "none": "no zero-data-retention option",
    "unknown": "zero-data-retention terms are unknown",
}


def read_provider(p: Provider, answers: Mapping[str, str], today: date) -> Reading:
    """A closed provider's data terms against the user's data boundary and needs."""
    flags: list[str] = []
    blocking = None
    boundary = answers.get("data_boundary")
    if boundary == "vendor_with_contract" and p.zero_data_retention not in ("self_serve", "on_approval", "default"):
        blocking = f"{p.name}: {ZDR_WORDS[p.zero_data_retention]}, and your data may only go to a vendor under a zero-retention contract."
    flags.append(f"{p.name}: {ZDR_WORDS[p.zero_data_retention]}.")
    if p.trains_on_api_data_by_default is True:
        flags.append("Trains on API data by default: opt out, or use a paid tier that does not.")
    elif p.trains_on_api_data_by_default is False:
        flags.append("Does not train on API data by default.")
    else:
        flags.append("Whether it trains on API data by default is not known.")
    if p.regions:
        flags.append("Processing regions offered: " + ", ".join(p.regions) + ".")
    if answers.get("vendor_attestations") == "required":
        if p.attestations:
            flags.append("Attestations: " + p.attestation_words() + ".")
        else:
            flags.append("No attestation of this seller is recorded in the catalog: ask it for its SOC 2 / ISO 27001 reports.")
    if boundary == "own_cloud_only":
        flags.append(
            "Your data may not leave your own cloud: reach this model inside your cloud account "
            "(a marketplace deployment), or route to it only requests that carry no such data."
        )
    flags += _trust_flags(p, "The provider's terms are {}: confirm them in your contract.", "Provider terms", today)
    return Reading(usable=blocking is None, blocking=blocking, flags=tuple(flags))


OUTPUT_WORDS = {
    "allowed": "Using its outputs to train other models is allowed.",
    "allowed_with_conditions": "Using its outputs to train other models is allowed, with conditions.",
    "forbidden": "Using its outputs to train or improve other models is forbidden.",
    "not_addressed": "The licence does not address training other models on its outputs.",
    None: "Training other models on its outputs: not checked.",
}
PATENT_WORDS = {
    "express": "It grants an express patent licence.",
    "none_express": "It grants no express patent licence.",
    "unknown": "Whether it grants a patent licence: not checked.",
}
COMMERCIAL_WORDS = {
    "yes": "Commercial use is allowed.",
    "no": "Commercial use is not allowed.",
    "conditional": "Commercial use is allowed, with conditions above the thresholds below.",
    None: "Commercial use: the terms have not been read.",
}


def license_clauses(lic: License, developer: str = "the licensor") -> list[tuple[str, str]]:
    """Every clause of a licence in plain words, as (topic, sentence), for anyone's situation."""
    out = [("Commercial use", COMMERCIAL_WORDS[lic.commercial_use])]
    for t in lic.thresholds:
        money = t.metric != "monthly_active_users"
        out.append(
            (
                "Threshold",
                f"Above {number(t.value, money)} in {METRIC_WORDS[t.metric]}: {_consequence(t, lic, developer)}",
            )
        )
    out.append(("Attribution", lic.attribution or "No attribution duty recorded."))
    aup = {True: "An acceptable-use policy is part of the licence.", False: "No acceptable-use policy.", None: "Acceptable-use policy: not checked."}
    out.append(("Acceptable use", aup[lic.acceptable_use_policy]))
    out.append(("Derivatives", lic.derivative_naming or "No naming rule for derivatives."))
    out.append(("Outputs", OUTPUT_WORDS[lic.outputs_to_train_other_models]))
    out.append(("Patents", PATENT_WORDS[lic.patent_grant]))
    for g in lic.geographic_restrictions:
        scope = "its multimodal models" if g.scope == "multimodal" else "every model under it"
        out.append(("Regional restriction", f"{g.region.upper()}, for {scope}: {g.text}"))
    osi = {True: "OSI-approved.", False: "Not OSI-approved.", None: "OSI approval: not checked."}
    out.append(("Open source", osi[lic.osi_approved] + (f" SPDX: {lic.spdx}." if lic.spdx else " No SPDX identifier.")))
    return out
