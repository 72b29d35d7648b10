"""What changed since a decision: an assessment made with an older catalog, read again today.

The catalog as it stood on the assessment's catalog date is rebuilt from today's by undoing the
changelog's lines after that date (``grid.changes.catalog_as_of``). The same answers are assessed
on both catalogs, and the report compares the call, the deployment, the cost of the chosen option
and the models that lead the shortlist; when the saved file recorded its figures, those are what
today's result is compared with. It lists the changelog's lines that touch what the old result
used: its shortlisted and costed models that were deprecated or retired since, their price and
licence changes, the terms of the sellers it bought from, and new models that now lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from grid.answers import AnswerFile, Figures
from grid.assessment import Assessment, assess
from grid.catalog import Catalog
from grid.changes import ADDED, Change, Changelog, catalog_as_of, parse_field, subject_of
from grid.cost import CostData, CostInputs
from grid.engine import REC_LABEL
from grid.errors import GridError
from grid.options import OPTION_LABEL, money
from grid.questionnaire import Questionnaire

ROLES = ("primary", "volume", "frontier")
ROLE_WORDS = {"primary": "shortlist", "volume": "volume side of the shortlist", "frontier": "frontier side of the shortlist"}
#: The fields whose change the report names, per kind of entry (names, tags and confidence are left out).
MODEL_FIELDS = ("status", "deprecated_on", "retires_on", "license", "tier", "modalities", "weights", "provider")
PRICE_WORDS = {
    "input_usd_per_mtok": "input",
    "output_usd_per_mtok": "output",
    "cached_input_usd_per_mtok": "cached input",
}
LICENCE_FIELDS = {
    "commercial_use": "commercial use",
    "thresholds": "thresholds",
    "geographic_restrictions": "regional restrictions",
    "outputs_to_train_other_models": "training other models on outputs",
    "acceptable_use_policy": "acceptable-use policy",
    "attribution": "attribution duty",
    "derivative_naming": "naming of derivatives",
    "patent_grant": "patent grant",
}
SELLER_FIELDS = {
    "trains_on_api_data_by_default": "trains on API data by default",
    "zero_data_retention": "zero data retention",
    "retention": "retention",
    "regions": "processing regions",
    "attestations": "attestations",
    "dpa": "data processing agreement",
    "kind": "kind",
}
KIND_ORDER = ("retired", "deprecated", "preview", "lifecycle", "new_lead", "licence", "price", "seller", "model", "new_seller", "new_model", "terms")


def lead_models(a: Assessment) -> dict[str, str]:
    """The first model of each shortlist role."""
    out: dict[str, str] = {}
    for c in a.shortlist.candidates:
        out.setdefault(c.role, c.model)
    return {r: out[r] for r in ROLES if r in out}


def figures_of(a: Assessment) -> Figures:
    """What an assessment gives: the call, the deployment, the chosen option's monthly cost and
    the lead models. A saved file records them, to be compared later."""
    r = a.result
    chosen = getattr(a.costs, r.deployment_option) if a.costs is not None and r.deployment_option else None
    monthly = chosen.monthly_usd if chosen is not None else None
    return Figures(
        recommendation=r.recommendation,  # type: ignore[arg-type]
        deployment=r.deployment,
        deployment_option=r.deployment_option,
        deployment_seller=r.deployment_seller or None,
        monthly_usd=round(monthly, 2) if monthly is not None else None,
        lead_models=lead_models(a),
    )


@dataclass(frozen=True)
class SinceLine:
    """One catalog change that touches the old result."""

    kind: str  # retired | deprecated | preview | lifecycle | licence | price | seller | model | new_lead | new_model
    model: str
    text: str
    source: str
    day: date
    core: bool = False  # about the chosen option, a lead model, or a retirement: shown first
    also: tuple[str, ...] = ()  # more sources, when one line says several changes (new sellers of a model)


@dataclass(frozen=True)
class Verdict:
    """Would the call, the deployment, the cost or the lead models change today, and why."""

    what: str  # call | deployment | cost | leads
    changed: bool
    text: str


@dataclass(frozen=True)
class SinceReport:
    since: date  # the assessment's catalog date
    catalog_date: date  # today's catalog version date
    basis: str  # recorded: the file's own figures; rebuilt: the catalog rebuilt from the changelog
    verdicts: tuple[Verdict, ...]
    lines: tuple[SinceLine, ...]
    changes: int  # changelog lines dated after ``since``
    before_changelog: Optional[date] = None  # the changelog's first date, when ``since`` is before it

    @property
    def changed(self) -> bool:
        return any(v.changed for v in self.verdicts)

    def headline(self) -> str:
        then = f"the catalog of {self.since.isoformat()}"
        now = f"today's catalog (dated {self.catalog_date.isoformat()})"
        if self.changed:
            return f"Since this decision ({then}), the result has changed with {now}."
        return f"Since this decision ({then}), the catalog changed, but the result is the same with {now}."

    def text_lines(self) -> list[str]:
        out = [self.headline()]
        basis = "the figures recorded in the file" if self.basis == "recorded" else "the catalog as it stood then, rebuilt from the changelog"
        out.append(f"  Compared with {basis}; {self.changes} catalog change(s) since.")
        if self.before_changelog:
            out.append(f"  The changelog starts on {self.before_changelog.isoformat()}; earlier changes are not known.")
        out += [f"  - {v.text}" for v in self.verdicts]
        if self.lines:
            out.append("  Catalog changes that touch this result:")
            out += [f"  - {x.text} ({x.day.isoformat()}; {', '.join((x.source, *x.also))})" for x in self.lines]
        return out

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "catalog_date": self.catalog_date.isoformat(),
            "basis": self.basis,
            "changed": self.changed,
            "changes": self.changes,
            "verdicts": [{"what": v.what, "changed": v.changed, "text": v.text} for v in self.verdicts],
            "lines": [{"kind": x.kind, "model": x.model, "text": x.text, "sources": [x.source, *x.also], "date": x.day.isoformat()} for x in self.lines],
        }


def since_report(
    state: AnswerFile,
    *,
    catalog: Catalog,
    changelog: Changelog,
    today: date,
    now: Optional[Assessment] = None,
    questionnaire: Optional[Questionnaire] = None,
    cost_data: Optional[CostData] = None,
) -> Optional[SinceReport]:
    """The report for an assessment whose catalog date is older than today's catalog; None when
    the date is unknown, current or newer."""
    version = changelog.version
    day = state.catalog_date
    if day is None or version is None or day >= version:
        return None
    inputs = CostInputs(**state.costs)
    if now is None:
        now = assess(state.answers, state.checklist, inputs, today=today, questionnaire=questionnaire, catalog=catalog, cost_data=cost_data)
    past = catalog_as_of(catalog, changelog, day)
    try:
        then: Optional[Assessment] = assess(state.answers, state.checklist, inputs, today=day, questionnaire=questionnaire, catalog=past, cost_data=cost_data)
    except GridError:
        then = None
    recorded = state.figures
    then_fig = recorded or (figures_of(then) if then is not None else None)
    now_fig = figures_of(now)
    later = changelog.after(day)
    used = _used_models(then, then_fig)
    added_models = {subject_of(c.model)[1] for c in later if c.field == "entry" and c.new == ADDED and subject_of(c.model)[0] == "models"}
    verdicts = _verdicts(then_fig, now_fig, then, now, catalog, past, added_models, day)
    lines = _lines(later, used, then, now, now_fig, catalog, past, added_models, day)
    first = min((c.date for c in changelog.changes), default=None)
    return SinceReport(
        since=day,
        catalog_date=version,
        basis="recorded" if recorded is not None else "rebuilt",
        verdicts=tuple(verdicts),
        lines=tuple(lines),
        changes=len(later),
        before_changelog=first if first is not None and day < first else None,
    )


# ----------------------------------------------------------------------------- the verdicts
def _used_models(then: Optional[Assessment], fig: Optional[Figures]) -> set[str]:
    used: set[str] = set()
    if then is not None:
        used |= {c.model for c in then.shortlist.candidates}
        if then.costs is not None:
            for o in then.costs.options():
                used.update(x for x in (o.model or "").split(" + ") if x)
    if fig is not None:
        used |= set(fig.lead_models.values())
    return used


def _model_name(mid: str, *catalogs: Catalog) -> str:
    for cat in catalogs:
        m = cat.model_by_id.get(mid)
        if m is not None:
            return m.name
    return mid


def _seller_words(seller: Optional[str], *catalogs: Catalog) -> str:
    if not seller:
        return "no seller"
    names = []
    for x in seller.split(" + "):
        if x == "self":
            names.append("your own GPUs")
            continue
        names.append(next((cat.provider_by_id[x].name for cat in catalogs if x in cat.provider_by_id), x))
    return " + ".join(names)


DEPLOYMENT_WORDS = {"self_hosted": "open weights, self-hosted", "rented_open_weights": "open weights, rented", "managed_api": "a managed API", "router": "a hybrid router"}


def _deployment_words(fig: Figures, *catalogs: Catalog) -> str:
    words = OPTION_LABEL.get(fig.deployment_option or "", "") or DEPLOYMENT_WORDS.get(fig.deployment, fig.deployment.replace("_", " "))
    return f"{_lc(words)} from {_seller_words(fig.deployment_seller, *catalogs)}"


def _lc(text: str) -> str:
    return text[:1].lower() + text[1:]


def _percent(x: float, y: float) -> str:
    pct = abs(y - x) / x * 100 if x else 0.0
    return "over 99%" if pct >= 99.5 and y else f"{pct:.0f}%"


def _why(then: Optional[Assessment], now: Assessment) -> str:
    """The figures that moved between the two assessments: the cost axis and the options' costs."""
    if then is None:
        return "the catalog as it stood then could not be assessed"
    parts = []
    a, b = then.result.axes.get("cost"), now.result.axes.get("cost")
    if a != b:
        show = lambda v: "no lean" if v is None else f"{v:+d}"  # noqa: E731
        parts.append(f"the cost axis moved from {show(a)} to {show(b)}")
    if then.costs is not None and now.costs is not None:
        moved = []
        for o_then, o_now in zip(then.costs.options(), now.costs.options()):
            x, y = o_then.monthly_usd, o_now.monthly_usd
            if x is not None and y is not None and abs(y - x) >= max(1.0, 0.05 * x):
                moved.append((abs(y - x) / max(x, 1.0), f"{_lc(o_now.label)} {money(x)} → {money(y)} a month"))
            elif (x is None) != (y is None) and o_then.allowed == o_now.allowed:
                moved.append((1e9, f"{_lc(o_now.label)} is {'now priced' if y is not None else 'no longer priced'}"))
        parts += [text for _, text in sorted(moved, key=lambda t: -t[0])[:3]]
    return "; ".join(parts) or "the catalog changes below"


def _verdicts(
    then_fig: Optional[Figures],
    now_fig: Figures,
    then: Optional[Assessment],
    now: Assessment,
    catalog: Catalog,
    past: Catalog,
    added: set[str],
    day: date,
) -> list[Verdict]:
    if then_fig is None:
        return [Verdict("call", False, "The assessment could not be rebuilt with the catalog as it stood then; today's result is above.")]
    out = []
    why = _why(then, now)
    if then_fig.recommendation != now_fig.recommendation:
        out.append(Verdict("call", True, f"The call would now be {REC_LABEL[now_fig.recommendation]} (it was {REC_LABEL[then_fig.recommendation]}), because {why}."))
    else:
        out.append(Verdict("call", False, f"The call would still be {REC_LABEL[now_fig.recommendation]}."))
    same_dep = (then_fig.deployment, then_fig.deployment_option, then_fig.deployment_seller) == (now_fig.deployment, now_fig.deployment_option, now_fig.deployment_seller)
    if same_dep:
        out.append(Verdict("deployment", False, f"The deployment would still be {_deployment_words(now_fig, catalog, past)}."))
    else:
        out.append(
            Verdict(
                "deployment",
                True,
                f"The deployment would now be {_deployment_words(now_fig, catalog, past)} (it was {_deployment_words(then_fig, past, catalog)}), because {why}.",
            )
        )
    x, y = then_fig.monthly_usd, now_fig.monthly_usd
    if x is None or y is None:
        if x is None and y is None:
            out.append(Verdict("cost", False, "The chosen option was not costed then and is not costed now."))
        else:
            out.append(Verdict("cost", True, f"The chosen option costs {money(y)} a month today; then: {money(x) if x is not None else 'not costed'}."))
    elif abs(y - x) < max(1.0, 0.01 * x):
        out.append(Verdict("cost", False, f"The chosen option's cost is unchanged at {money(y)} a month."))
    else:
        models = _option_models(then, then_fig.deployment_option), _option_models(now, now_fig.deployment_option)
        priced = ""
        if models[0] and models[1] and models[0] != models[1]:
            priced = f", priced with {_names(models[1], catalog, past)} (then {_names(models[0], past, catalog)})"
        move = f"{'up' if y > x else 'down'} {_percent(x, y)}"
        if then_fig.deployment_option == now_fig.deployment_option:
            text = f"The chosen option would cost {money(y)} a month, {move} from {money(x)}{priced}."
        else:
            text = f"Today's choice would cost {money(y)} a month{priced}, {move} from the {money(x)} of the choice then."
        out.append(Verdict("cost", True, text))
    changed_roles = []
    for role in ROLES:
        a, b = then_fig.lead_models.get(role), now_fig.lead_models.get(role)
        if a != b and b is not None:
            new = " (new in the catalog since then)" if b in added else ""
            was = f"; it was {_model_name(a, past, catalog)}" if a else ""
            changed_roles.append(f"{_model_name(b, catalog)} now leads the {ROLE_WORDS[role]}{new}{was}")
    if changed_roles:
        out.append(Verdict("leads", True, "Lead models: " + "; ".join(changed_roles) + "."))
    elif now_fig.lead_models:
        names = ", ".join(_model_name(m, catalog) for m in now_fig.lead_models.values())
        out.append(Verdict("leads", False, f"Lead models: the same ({names})."))
    return out


def _option_models(a: Optional[Assessment], option: Optional[str]) -> Optional[str]:
    if a is None or a.costs is None or not option:
        return None
    return getattr(a.costs, option).model


def _names(models: str, *catalogs: Catalog) -> str:
    return " + ".join(_model_name(m, *catalogs) for m in models.split(" + "))


# ----------------------------------------------------------------------------- the catalog lines
def _short(value: Any) -> str:
    if value is None:
        return "none"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        if not value:
            return "none"
        if all(isinstance(v, dict) for v in value):
            return "; ".join(_short_mapping(v) for v in value)
        return ", ".join(_short(v) for v in value)
    if isinstance(value, dict):
        return _short_mapping(value)
    text = str(value).replace("_", " ") if isinstance(value, str) and " " not in str(value) else str(value)
    return text if len(text) <= 90 else text[:89] + "…"


def _short_mapping(v: dict) -> str:
    if "metric" in v:
        return f"{str(v.get('metric', '')).replace('_', ' ')} over {v.get('value', 0):,}: {str(v.get('consequence', '')).replace('_', ' ')}"
    if "region" in v:
        return f"{str(v.get('region', '')).upper()}, {v.get('scope', '')} models"
    return ", ".join(f"{k} {v[k]}" for k in list(v)[:3])


def _price(value: Any) -> str:
    return "none" if value is None else f"${float(value):,.2f}"


def _lines(
    later: list[Change],
    used: set[str],
    then: Optional[Assessment],
    now: Assessment,
    now_fig: Figures,
    catalog: Catalog,
    past: Catalog,
    added: set[str],
    day: date,
) -> list[SinceLine]:
    licences = {m.license for cat in (past, catalog) for mid in used if (m := cat.model_by_id.get(mid)) is not None and m.license}
    sellers = set()
    for a in (then, now):
        if a is not None and a.result.deployment_seller:
            sellers |= {x for x in a.result.deployment_seller.split(" + ") if x != "self"}
    for mid in used:
        m = catalog.model_by_id.get(mid) or past.model_by_id.get(mid)
        if m is not None and m.provider:
            sellers.add(m.provider)
    status_changed = {subject_of(c.model)[1] for c in later if c.field == "status"}
    core_models = set(now_fig.lead_models.values())  # the chosen options and the lead models, then and now
    core_sellers: set[str] = set()
    for a in (then, now):
        if a is None:
            continue
        core_models |= set(lead_models(a).values())
        if a.costs is not None and a.result.deployment_option:
            core_models.update(x for x in (getattr(a.costs, a.result.deployment_option).model or "").split(" + ") if x)
        core_sellers |= {x for x in (a.result.deployment_seller or "").split(" + ") if x and x != "self"}
    core_licences = {m.license for cat in (past, catalog) for mid in core_models if (m := cat.model_by_id.get(mid)) is not None and m.license}
    core = {"models": core_models, "licenses": core_licences, "providers": core_sellers}
    out: list[SinceLine] = []
    for c in later:
        section, eid = subject_of(c.model)
        kind, seller, name = parse_field(c.field)
        line = None
        if section == "models" and eid in used:
            line = _model_line(c, eid, kind, seller, name, catalog, past, status_changed)
        elif section == "licenses" and eid in licences and name in LICENCE_FIELDS:
            lic = catalog.license_by_id.get(eid) or past.license_by_id.get(eid)
            lname = lic.name if lic else eid
            line = ("terms" if _prose(c.new) else "licence", f"{lname}: {_field_change(LICENCE_FIELDS[name], c.old, c.new)}")
        elif section == "providers" and eid in sellers and name in SELLER_FIELDS:
            line = ("terms" if _prose(c.new) else "seller", f"{_seller_words(eid, catalog, past)}: {_field_change(SELLER_FIELDS[name], c.old, c.new)}")
        elif section == "models" and kind == "entry" and c.new == ADDED and eid in now_fig.lead_models.values():
            role = next(r for r, m in now_fig.lead_models.items() if m == eid)
            m = catalog.model_by_id.get(eid)
            who = f" ({m.developer}, {m.weights} weights, {m.tier} tier)" if m else ""
            line = ("new_lead", f"New model: {_model_name(eid, catalog)}{who} would now lead the {ROLE_WORDS[role]}.")
        if line is not None:
            is_core = line[0] in ("retired", "deprecated", "new_lead") or eid in core[section]
            out.append(SinceLine(kind=line[0], model=c.model, text=line[1], source=c.source, day=c.date, core=is_core))
    out = _group_new_sellers(out, catalog, past)
    added_on = {subject_of(c.model)[1]: c for c in later if c.field == "entry" and c.new == ADDED}
    for mid in [x.model for x in now.shortlist.candidates if x.model in added and x.model not in now_fig.lead_models.values()]:
        c = added_on[mid]
        out.append(SinceLine(kind="new_model", model=mid, text=f"New in the catalog, now on this shortlist: {_model_name(mid, catalog)}.", source=c.source, day=c.date))
    return sorted(out, key=lambda x: (not x.core, KIND_ORDER.index(x.kind)))


def _group_new_sellers(lines: list[SinceLine], catalog: Catalog, past: Catalog) -> list[SinceLine]:
    """One line per model and day for the sellers that started selling it."""
    groups: dict[tuple[str, date], list[SinceLine]] = {}
    out = []
    for x in lines:
        if x.kind == "new_seller":
            groups.setdefault((x.model, x.day), []).append(x)
        else:
            out.append(x)
    for (mid, day), group in groups.items():
        name = _model_name(mid, catalog, past)
        sellers = ", ".join(x.text for x in group)
        unit = " (USD per million input / output tokens)" if any(x.text.endswith(")") for x in group) else ""
        text = f"{name} is now sold by {sellers}{unit}." if len(group) == 1 else f"{name} is now sold by {len(group)} more sellers: {sellers}{unit}."
        out.append(SinceLine(kind="new_seller", model=mid, text=text, source=group[0].source, day=day, core=group[0].core, also=tuple(x.source for x in group[1:])))
    return out


def _prose(value: Any) -> bool:
    return isinstance(value, str) and " " in value and len(value) > 40


def _field_change(words: str, old: Any, new: Any) -> str:
    if _prose(new):  # prose: say what it reads now
        text = new if len(new) <= 200 else new[:199] + "…"
        return f"{words} now reads “{text}”" + ("" if old else " (none before)") + "."
    return f"{words} changed from {_short(old)} to {_short(new)}."


def _model_line(
    c: Change, mid: str, kind: str, seller: Optional[str], name: Optional[str], catalog: Catalog, past: Catalog, status_changed: set[str]
) -> Optional[tuple[str, str]]:
    mname = _model_name(mid, catalog, past)
    m = catalog.model_by_id.get(mid)
    if kind == "entry":
        return ("model", f"{mname} was removed from the catalog.") if c.new is None else None
    if kind == "row":
        who = _seller_words(seller, catalog, past)
        if c.new == ADDED:
            row = next((p for p in (m.prices if m else []) if p.seller == seller), None)
            price = f" ({_price(row.input_usd_per_mtok)} / {_price(row.output_usd_per_mtok)})" if row and row.complete else ""
            return ("new_seller", f"{who}{price}")
        return ("price", f"{mname} is no longer sold by {who}.")
    if kind == "price":
        who = _seller_words(seller, catalog, past)
        if name in PRICE_WORDS:
            change = ""
            if c.old is not None and c.new is not None and float(c.old):
                change = f" ({(float(c.new) - float(c.old)) / float(c.old) * 100:+.0f}%)"
            return ("price", f"{mname} from {who}: {PRICE_WORDS[name]} price {_price(c.old)} → {_price(c.new)} per million tokens{change}.")
        if name == "batch_discount":
            pct = lambda v: "none" if v is None else f"{float(v) * 100:.0f}%"  # noqa: E731
            return ("price", f"{mname} from {who}: batch discount {pct(c.old)} → {pct(c.new)}.")
        if name in ("kind", "regions", "processed_by"):
            return ("price", f"{mname} from {who}: {name.replace('_', ' ')} {_short(c.old)} → {_short(c.new)}.")
        return None
    if name not in MODEL_FIELDS:
        return None
    if name == "status":
        when = ""
        if m is not None and m.retires_on:
            when = f", {'retired' if m.retired else 'retiring'} on {m.retires_on.isoformat()}"
        status_kind = c.new if c.new in ("retired", "deprecated", "preview") else "lifecycle"
        return (status_kind, f"{mname} is now {c.new}{when} (it was {c.old}).")
    if name in ("deprecated_on", "retires_on"):
        if mid in status_changed:
            return None  # the status line says it
        words = "deprecation date" if name == "deprecated_on" else "retirement date"
        return ("lifecycle", f"{mname}: {words} {_short(c.old)} → {_short(c.new)}.")
    if name == "license":
        old = past.license_by_id.get(c.old) if isinstance(c.old, str) else None
        new = catalog.license_by_id.get(c.new) if isinstance(c.new, str) else None
        return ("licence", f"{mname} is now under {new.name if new else c.new} (it was under {old.name if old else c.old}).")
    return ("model", f"{mname}: {name.replace('_', ' ')} {_short(c.old)} → {_short(c.new)}.")


def saved_assessment(state: AnswerFile, a: Assessment, version: Optional[date]) -> dict[str, Any]:
    """The saved-file form of a state, with the figures its assessment gives when that assessment
    was made with the catalog the state's date names (else the figures it already carried)."""
    from grid.answers import answer_file_dict

    if state.catalog_date is not None and state.catalog_date == version:
        state = state.model_copy(update={"figures": figures_of(a)})
    return answer_file_dict(state)
