"""The catalog's changelog and "since this decision": the changelog's contract and its check
against the previous git version of models.yaml, rewinding the catalog to a date, the since
report, the catalog date in links, saved files and reports, and the panel on the Result step."""

from __future__ import annotations

import copy
import io
import json
import shutil
from datetime import date, timedelta

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grid.answers import AnswerFile, Figures, parse_answer_file
from grid.catalog import CATALOG_PATH, load_catalog, load_primary_sources, parse_catalog, read_catalog
from grid.changes import (
    ADDED,
    CHANGES_PATH,
    Change,
    Changelog,
    PreviousVersion,
    canon,
    catalog_as_of,
    catalog_data,
    check_changelog,
    load_changelog,
    parse_changelog,
    previous_version,
    replay,
    rewind,
)
from grid.cli import main
from grid.errors import InvalidAnswers, InvalidData
from grid.links import read_link, to_params
from grid.profiles import load_profiles
from grid.questionnaire import load_questionnaire
from grid.since import figures_of, since_report
from tests.conftest import ROOT

Q = load_questionnaire()
P = load_profiles()
CAT = load_catalog()
LOG = load_changelog()
VERSION = LOG.version
SMALL = read_catalog(ROOT / "tests" / "catalogs" / "valid_small.yaml")
SMALL_PRIMARY = load_primary_sources(ROOT / "tests" / "catalogs" / "primary_sources.yaml")


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def line(day, model, field, old, new, source="https://example.org/changes"):
    return Change(date=day, model=model, field=field, old=old, new=new, source=source)


# ----------------------------------------------------------------------------- the changelog
def test_the_shipped_changelog_dates_the_catalog_and_rewinds_cleanly():
    assert VERSION == max(c.date for c in LOG.changes)
    checked = check_changelog(CAT, LOG, compare_git=False)
    assert checked.problems == []
    assert f"catalog dated {VERSION.isoformat()}" in checked.summary


def test_every_edit_since_the_previous_git_version_has_a_changelog_line():
    """The issue's test: models.yaml against its previous git version (HEAD's when the file was
    edited since, else the version before the last commit that changed it)."""
    previous, why = previous_version(CATALOG_PATH)
    if previous is None:
        pytest.skip(f"no previous git version to compare with: {why}")
    checked = check_changelog(CAT, LOG, previous=previous)
    missing = [f"{e.model} {e.field}: {e.old!r} -> {e.new!r}" for e in checked.pending]
    assert missing == [], "add these lines to data/catalog-changes.yaml (python -m grid catalog changes prints them)"


def _edited(mutate):
    data = catalog_data(CAT)
    mutate(data)
    return parse_catalog(data, "edited", primary=load_primary_sources())


def _model(data, mid):
    return next(m for m in data["models"] if m["id"] == mid)


CUT = next(m for m in CAT.models if m.reference_price is not None and m.reference_price.input_usd_per_mtok)
# The shipped lines, moved 30 days back: the previous version is then 10 days old, and no line
# dated on or after it covers an edit made since (every price row has a line on the newest date).
OLDER = Changelog(changes=tuple(c.model_copy(update={"date": c.date - timedelta(days=30)}) for c in LOG.changes), source="catalog-changes.yaml")
PREVIOUS = PreviousVersion(text=CATALOG_PATH.read_text(), day=VERSION - timedelta(days=10), ref="test")


def _cut(data):
    row = next(p for p in _model(data, CUT.id)["prices"] if p["seller"] == CUT.reference_price.seller)
    row["input_usd_per_mtok"] = round(row["input_usd_per_mtok"] / 2, 6)


def test_an_edit_without_a_changelog_line_is_reported_and_a_line_covers_it():
    edited = _edited(_cut)
    field = f"prices.{CUT.reference_price.seller}.input_usd_per_mtok"
    checked = check_changelog(edited, OLDER, previous=PREVIOUS)
    assert [(e.model, e.field) for e in checked.pending] == [(CUT.id, field)]
    assert any(p.startswith(f"{CUT.id} {field}: changed since the previous version (test,") for p in checked.problems)
    old, new = CUT.reference_price.input_usd_per_mtok, round(CUT.reference_price.input_usd_per_mtok / 2, 6)

    def plus(*lines):
        return Changelog(changes=OLDER.changes + lines, source="catalog-changes.yaml")

    assert check_changelog(edited, plus(line(VERSION, CUT.id, field, old, new)), previous=PREVIOUS).problems == []
    # a line dated before the previous version does not cover the edit
    early = plus(line(PREVIOUS.day - timedelta(days=1), CUT.id, field, old, new))
    assert [e.field for e in check_changelog(edited, early, previous=PREVIOUS).pending] == [field]
    # a line on the whole row (deleted, then added again) covers every field of it
    row = next(r for r in catalog_data(CAT)["models"] if r["id"] == CUT.id)["prices"]
    row = next(r for r in row if r["seller"] == CUT.reference_price.seller)
    seller = f"prices.{CUT.reference_price.seller}"
    assert check_changelog(edited, plus(line(VERSION, CUT.id, seller, row, None), line(VERSION, CUT.id, seller, None, ADDED)), previous=PREVIOUS).pending == []


def test_a_line_whose_new_value_is_not_in_the_catalog_is_refused():
    field = f"prices.{CUT.reference_price.seller}.input_usd_per_mtok"
    wrong = Changelog(changes=LOG.changes + (line(VERSION, CUT.id, field, 123.0, 456.0),), source="catalog-changes.yaml")
    problems = check_changelog(CAT, wrong, compare_git=False).problems
    assert any(f"{CUT.id} {field}: the changelog says it became 456" in p for p in problems)


def test_without_git_the_comparison_is_skipped_with_a_note():
    checked = check_changelog(CAT, LOG, git="no-such-git-binary")
    assert checked.problems == [] and checked.notes == ["the check against the previous git version of the catalog was skipped: git is not available"]


def test_a_line_dated_after_today_is_refused():
    late = Changelog(changes=(line(date(2099, 1, 1), "qwen-72b", "native_name", None, "通义千问"),), source="x")
    assert any("dated 2099-01-01, after today" in p for p in check_changelog(CAT, late, compare_git=False).problems)


GOOD = {"date": "2026-12-01", "model": "gpt-5-5", "field": "tier", "old": "strong", "new": "frontier", "source": "https://example.org/x"}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"why": "x"}, "[0] (gpt-5-5 tier).why: unknown key"),
        ({"old": "__drop__"}, "[0] (gpt-5-5 tier).old: required key is missing"),
        ({"field": "notes"}, "[0] (gpt-5-5 notes): field 'notes' is not a tracked field of a model"),
        ({"source": "example.org"}, "[0] (gpt-5-5 tier).source: not a web address"),
        ({"new": "strong"}, "[0] (gpt-5-5 tier): old and new are the same: nothing changed"),
        ({"field": "entry", "old": None, "new": "frontier"}, "an entry is added (old: null, new: added) or deleted"),
        ({"model": "license:mit", "field": "prices.openai"}, "only a model has price rows"),
        ({"field": "prices.openai.input_usd"}, "names a field of a price row"),
        ({"model": "Not An Id"}, "is not allowed here"),
        ({"date": "yesterday"}, "[0] (gpt-5-5 tier).date:"),
    ],
)
def test_a_bad_changelog_line_is_refused_naming_it(change, message):
    raw = {**GOOD, **change}
    raw = {k: v for k, v in raw.items() if v != "__drop__"}
    with pytest.raises(InvalidData) as e:
        parse_changelog([raw], "catalog-changes.yaml")
    assert any(message in p for p in e.value.problems), e.value.problems


def test_every_line_has_exactly_the_contract_keys():
    raw = yaml.safe_load(CHANGES_PATH.read_text())
    assert all(set(x) == {"date", "model", "field", "old", "new", "source"} for x in raw)
    assert parse_changelog(raw).changes == LOG.changes


def test_the_cli_check_reports_the_changelog_and_refuses_a_broken_one(tmp_path):
    code, out, _ = run("catalog", "check")
    assert code == 0 and f"changelog: {len(LOG.changes)} line(s), catalog dated {VERSION.isoformat()}" in out
    shutil.copy(CATALOG_PATH, tmp_path / "models.yaml")
    shutil.copy(CATALOG_PATH.parent / "primary_sources.yaml", tmp_path / "primary_sources.yaml")
    raw = yaml.safe_load(CHANGES_PATH.read_text())
    retired = next(x for x in raw if x["field"] == "status" and x["new"] == "retired")
    retired["new"] = "deprecated"  # not what the catalog says
    (tmp_path / "catalog-changes.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    code, out, err = run("catalog", "check", str(tmp_path / "models.yaml"))
    assert code == 1
    assert f"{retired['model']} status: the changelog says it became 'deprecated', but the catalog has 'retired'" in out
    assert "the check against the previous git version of the catalog was skipped" in err  # not in a git checkout


def test_the_cli_prints_the_missing_lines_ready_to_paste(monkeypatch):
    edited = _edited(_cut)
    monkeypatch.setattr("grid.cli.read_catalog", lambda path: edited)
    monkeypatch.setattr("grid.cli.read_changelog", lambda path: OLDER)
    monkeypatch.setattr("grid.changes.previous_version", lambda path, git="git": (PREVIOUS, ""))
    code, out, _ = run("catalog", "changes")
    assert code == 0
    lines = yaml.safe_load(out)
    assert [(x["model"], x["field"], x["new"]) for x in lines] == [(CUT.id, f"prices.{CUT.reference_price.seller}.input_usd_per_mtok", round(CUT.reference_price.input_usd_per_mtok / 2, 6))]
    assert lines[0]["source"] == CUT.reference_price.source and lines[0]["date"] == date.today()
    parse_changelog([{**x, "date": VERSION} for x in lines])  # valid lines


# ----------------------------------------------------------------------------- rewind and replay
def test_the_real_changelog_rewinds_and_replays_to_todays_catalog_exactly():
    today = catalog_data(CAT)
    rewound = rewind(today, LOG, date(2026, 11, 20))
    assert rewound.problems == []
    assert replay(rewound, LOG) == today


def test_the_catalog_as_of_a_date_undoes_only_the_later_lines():
    then = catalog_as_of(CAT, LOG, date(2026, 11, 21))
    assert then.model_by_id["mistral-medium-3-1"].status == "ga" and CAT.model_by_id["mistral-medium-3-1"].status == "retired"
    assert "gpt-6-2-sol" not in then.model_by_id and "gpt-6-2-sol" in CAT.model_by_id
    assert then.model_by_id["qwen-72b"].native_name == "通义千问"  # a 2026-11-21 line: kept
    assert catalog_as_of(CAT, LOG, VERSION) is catalog_as_of(CAT, LOG, VERSION)  # cached
    assert len(catalog_as_of(CAT, LOG, VERSION).models) == len(CAT.models)


SCALARS = {
    "tier": st.sampled_from(["frontier", "strong", "efficient"]),
    "context_tokens": st.integers(1, 10**7),
    "status": st.sampled_from(["ga", "preview", "deprecated", "retired"]),
    "confidence": st.sampled_from(["verified", "secondary", "uncertain"]),
    "modalities": st.lists(st.sampled_from(["text", "image", "audio", "video"]), min_size=1, max_size=3, unique=True),
}
PRICES = ("input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok", "batch_discount")
edits = st.lists(
    st.tuples(
        st.sampled_from(["field", "price", "add_row", "drop_row", "add_model", "drop_model"]),
        st.integers(0, 50),  # which model (modulo)
        st.integers(0, 50),  # which field or seller (modulo)
        st.data(),
        st.integers(1, 5),  # days after the decision
    ),
    max_size=14,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_rewinding_then_replaying_the_changelog_gives_todays_catalog_back(steps):
    """Random edits to a catalog, each logged as the contract says, then undone and done again."""
    day0 = date(2026, 11, 1)
    past = catalog_data(SMALL)
    data = copy.deepcopy(past)
    sellers = [p["id"] for p in data["providers"]]
    lines = []
    for n, (kind, i, j, draw, offset) in enumerate(sorted(steps, key=lambda s: s[4])):
        day = day0 + timedelta(days=offset)
        models = data["models"]
        if not models:
            break
        m = models[i % len(models)]
        if kind == "field":
            name = list(SCALARS)[j % len(SCALARS)]
            value = draw.draw(SCALARS[name])
            if canon(value) == canon(m.get(name)):
                continue
            lines.append(line(day, m["id"], name, copy.deepcopy(m.get(name)), value))
            m[name] = value
        elif kind == "price" and m["prices"]:
            row = m["prices"][j % len(m["prices"])]
            name = PRICES[j % len(PRICES)]
            value = draw.draw(st.floats(0.01, 0.99) if name == "batch_discount" else st.floats(0, 100))
            if canon(value) == canon(row.get(name)):
                continue
            lines.append(line(day, m["id"], f"prices.{row['seller']}.{name}", row.get(name), value))
            row[name] = value
        elif kind == "add_row":
            seller = sellers[j % len(sellers)]
            if any(p["seller"] == seller for p in m["prices"]):
                continue
            m["prices"].insert(j % (len(m["prices"]) + 1), {"seller": seller, "kind": "first_party", "input_usd_per_mtok": 1.0, "output_usd_per_mtok": 2.0, "source": "https://example.org/r", "checked": day, "confidence": "secondary"})
            lines.append(line(day, m["id"], f"prices.{seller}", None, ADDED))
        elif kind == "drop_row" and m["prices"]:
            row = m["prices"].pop(j % len(m["prices"]))
            lines.append(line(day, m["id"], f"prices.{row['seller']}", row, None))
        elif kind == "add_model":
            new = copy.deepcopy(m)
            new["id"] = f"new-{n}"
            models.insert(j % (len(models) + 1), new)
            lines.append(line(day, new["id"], "entry", None, ADDED))
        elif kind == "drop_model":
            models.remove(m)
            lines.append(line(day, m["id"], "entry", m, None))
    log = Changelog(changes=tuple(lines))
    rewound = rewind(data, log, day0)
    assert rewound.problems == []
    by_id = lambda d: {s: {e["id"]: canon(e) for e in d[s]} for s in ("licenses", "providers", "models")}  # noqa: E731
    assert by_id(rewound.data) == by_id(past)
    assert replay(rewound, log) == data


# ----------------------------------------------------------------------------- the since report
D = date(2026, 11, 25)


def _today_small():
    """The small catalog with a price cut, a retirement and a new model since 2026-11-20."""
    data = catalog_data(SMALL)
    m = {x["id"]: x for x in data["models"]}
    m["open-frontier"].update(status="retired", retires_on=D, lifecycle_source={"url": "https://example.org/retired", "checked": D})
    new = copy.deepcopy(m["closed-cheap"])
    new.update(id="closed-new", name="Closed New", released=date(2026, 11, 24))
    new["prices"][0].update(input_usd_per_mtok=0.05, output_usd_per_mtok=0.2)
    data["models"].append(new)
    return parse_catalog(data, "today", primary=SMALL_PRIMARY)


TODAY_SMALL = _today_small()
PRICE_CUT = (
    line(D, "closed-cheap", "prices.prov-nozdr.input_usd_per_mtok", 1.0, 0.1),
    line(D, "closed-cheap", "prices.prov-nozdr.output_usd_per_mtok", 4.0, 0.4),
)
RETIREMENT = (line(D, "open-frontier", "status", "ga", "retired"), line(D, "open-frontier", "retires_on", None, D))
NEW_MODEL = (line(D, "closed-new", "entry", None, ADDED),)
PROTOTYPE = AnswerFile(answers=P["prototype"].answers, checklist=P["prototype"].checklist, catalog_date=date(2026, 11, 20))


def _report(changes, state=PROTOTYPE, catalog=TODAY_SMALL):
    return since_report(state, catalog=catalog, changelog=Changelog(changes=tuple(changes)), today=date(2026, 12, 1))


def test_a_price_cut_a_retirement_and_a_new_model_produce_their_lines_and_the_call_changes():
    r = _report(PRICE_CUT + RETIREMENT + NEW_MODEL)
    texts = [x.text for x in r.lines]
    assert "Open Frontier is now retired, retired on 2026-11-25 (it was ga)." in texts
    assert "Closed Cheap from No-ZDR Provider: input price $1.00 → $0.10 per million tokens (-90%)." in texts
    assert "Closed Cheap from No-ZDR Provider: output price $4.00 → $0.40 per million tokens (-90%)." in texts
    assert "New model: Closed New (Vendor Y, closed weights, efficient tier) would now lead the shortlist." in texts
    assert all(x.source == "https://example.org/changes" and x.day == D for x in r.lines)
    verdicts = {v.what: v for v in r.verdicts}
    assert verdicts["call"].changed and verdicts["call"].text.startswith("The call would now be Closed API (it was Hybrid router), because the cost axis moved from +0 to -17")
    assert verdicts["deployment"].changed and verdicts["cost"].changed
    assert verdicts["leads"].text == "Lead models: Closed New now leads the shortlist (new in the catalog since then)."
    assert r.changed and r.basis == "rebuilt" and r.changes == 5
    assert "the result has changed" in r.headline()


def test_without_the_price_cut_the_call_does_not_change():
    today = _edited_small(lambda m: m["closed-cheap"]["prices"][0].update(input_usd_per_mtok=1.0, output_usd_per_mtok=4.0))
    r = _report(RETIREMENT, catalog=today)
    verdicts = {v.what: v for v in r.verdicts}
    assert not verdicts["call"].changed and verdicts["call"].text == "The call would still be Hybrid router."
    assert not verdicts["cost"].changed and not r.changed
    assert [x.text for x in r.lines] == ["Open Frontier is now retired, retired on 2026-11-25 (it was ga)."]


def _edited_small(mutate):
    data = catalog_data(SMALL)
    m = {x["id"]: x for x in data["models"]}
    m["open-frontier"].update(status="retired", retires_on=D, lifecycle_source={"url": "https://example.org/retired", "checked": D})
    mutate(m)
    return parse_catalog(data, "today", primary=SMALL_PRIMARY)


def test_a_files_recorded_figures_are_what_today_is_compared_with():
    now = since_report(PROTOTYPE.model_copy(update={"catalog_date": None}), catalog=TODAY_SMALL, changelog=Changelog(changes=PRICE_CUT), today=date(2026, 12, 1))
    assert now is None  # the date is unknown: nothing to compare
    recorded = Figures(recommendation="closed", deployment="managed_api", deployment_option="closed_api", deployment_seller="prov-nozdr", monthly_usd=8.0, lead_models={"primary": "closed-new"})
    r = _report(PRICE_CUT + RETIREMENT + NEW_MODEL, state=PROTOTYPE.model_copy(update={"figures": recorded}))
    assert r.basis == "recorded"
    assert [v.changed for v in r.verdicts] == [False, False, False, False]  # the file said what today says
    assert "the catalog changed, but the result is the same" in r.headline()


@pytest.mark.parametrize("day", [None, date(2026, 11, 25), date(2027, 1, 1)])
def test_no_report_for_an_unknown_current_or_newer_catalog_date(day):
    assert _report(PRICE_CUT, state=PROTOTYPE.model_copy(update={"catalog_date": day})) is None


def test_an_old_link_on_the_shipped_catalog_names_what_changed_since():
    state = read_link("v=1&profile=hybrid_router&cd=20261121", Q, P).state
    r = since_report(state, catalog=CAT, changelog=LOG, today=VERSION)
    assert r.since == date(2026, 11, 21) and r.catalog_date == VERSION and r.changes == len(LOG.after(date(2026, 11, 21)))
    assert r.lines and all(x.day > r.since for x in r.lines)
    assert {v.what for v in r.verdicts} >= {"call", "deployment", "cost"}


# ----------------------------------------------------------------------------- links and saved files
def test_a_link_carries_the_catalog_date_as_a_short_key_and_reads_it_back():
    state = AnswerFile(profile="ship_fast", answers=P["ship_fast"].answers, checklist=P["ship_fast"].checklist, catalog_date=date(2026, 11, 21))
    written = to_params(state, Q, P)
    assert written.query == "v=1&profile=ship_fast&cd=20261121"
    assert read_link(written.query, Q, P).state.catalog_date == date(2026, 11, 21)
    assert read_link("v=1&profile=ship_fast&cd=2026-11-21", Q, P).state.catalog_date == date(2026, 11, 21)


def test_a_bad_catalog_date_is_dropped_and_the_rest_loads():
    reading = read_link("v=1&profile=ship_fast&cd=20261340", Q, P)
    assert reading.state.catalog_date is None and reading.state.profile == "ship_fast"
    assert reading.messages() == ["Dropped cd=20261340: not a catalog date (YYYYMMDD)"]


def test_the_frozen_links_still_load_with_an_unknown_catalog_date():
    frozen = yaml.safe_load((ROOT / "tests" / "links" / "v1.yaml").read_text())["links"]
    for case in frozen:
        reading = read_link(case["query"], Q, P)
        assert reading.refused is None and reading.invalid == [] and reading.ignored == []
        assert reading.state.catalog_date is None


def test_a_saved_file_records_its_catalog_date_and_figures_and_reads_them_back():
    from grid.assessment import assess
    from grid.since import saved_assessment

    state = AnswerFile(profile="ship_fast", answers=P["ship_fast"].answers, checklist=P["ship_fast"].checklist, catalog_date=VERSION)
    a = assess(state.answers, state.checklist, catalog=CAT)
    saved = saved_assessment(state, a, VERSION)
    assert saved["catalog_date"] == VERSION.isoformat()
    assert saved["figures"]["recommendation"] == a.result.recommendation and saved["figures"]["lead_models"]["primary"] == a.shortlist.candidates[0].model
    back = parse_answer_file(yaml.safe_load(yaml.safe_dump(saved)), Q, P)
    assert back.catalog_date == VERSION and back.figures == figures_of(a)
    # an older state keeps no figures of today's catalog; a file without the new keys still loads
    assert "figures" not in saved_assessment(state.model_copy(update={"catalog_date": date(2026, 11, 21)}), a, VERSION)
    assert parse_answer_file({"profile": "ship_fast"}, Q, P).catalog_date is None


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"catalog_date": "soon"}, "catalog_date: 'soon' is not a date (YYYY-MM-DD)"),
        ({"figures": {"recommendation": "maybe", "deployment": "x"}}, "figures.recommendation: Input should be 'open', 'closed' or 'hybrid'"),
        ({"figures": {"recommendation": "open", "deployment": "x", "cost": 3}}, "figures.cost: unknown key"),
        ({"figures": [1]}, "figures: must be a mapping"),
    ],
)
def test_a_bad_catalog_date_or_figures_in_a_file_is_refused(extra, message):
    with pytest.raises(InvalidAnswers) as e:
        parse_answer_file({"profile": "ship_fast", **extra}, Q, P)
    assert any(message in p.message for p in e.value.problems), [p.message for p in e.value.problems]


def test_recommend_prints_what_changed_since_an_old_file(tmp_path):
    f = tmp_path / "old.yaml"
    f.write_text("profile: hybrid_router\ncatalog_date: 2026-11-21\n")
    code, out, _ = run("recommend", str(f))
    assert code == 0 and "Since this decision (the catalog of 2026-11-21)" in out
    code, out, _ = run("recommend", str(f), "--json")
    payload = json.loads(out)
    assert payload["catalog_date"] == "2026-11-21" and payload["since"]["since"] == "2026-11-21"
    f.write_text(f"profile: hybrid_router\ncatalog_date: {VERSION.isoformat()}\n")
    code, out, _ = run("recommend", str(f), "--json")
    assert json.loads(out)["since"] is None


def test_the_decision_record_and_the_pdf_print_the_catalog_date():
    from pypdf import PdfReader

    from grid.report import decision_record, pdf_report

    state = AnswerFile(profile="ship_fast", answers=P["ship_fast"].answers, checklist=P["ship_fast"].checklist, catalog_date=date(2026, 11, 21))
    md = decision_record(state, today=VERSION)
    assert f"* Catalog: dated {VERSION.isoformat()} (the date of its newest changelog line); this assessment was first made with the catalog of 2026-11-21" in md
    assert f"catalog dated {VERSION.isoformat()} (checked up to" in md
    text = PdfReader(io.BytesIO(pdf_report(state.model_copy(update={"catalog_date": VERSION}), today=VERSION))).pages[0].extract_text()
    assert f"catalog dated {VERSION.isoformat()}" in " ".join(text.split())


# ----------------------------------------------------------------------------- the panel (AppTest)
def _panel_text(at):
    return "\n".join(m.value for m in at.markdown)


def test_a_link_with_an_old_catalog_date_shows_the_panel_and_the_button_removes_it():
    from tests.test_app import app_with_link

    at = app_with_link({"v": "1", "profile": "hybrid_router", "cd": "20261121", "step": "result"})
    assert not at.exception
    text = _panel_text(at)
    assert "#### Since this decision (2026-11-21)" in text
    assert f"the result above uses today's, dated **{VERSION.isoformat()}**" in text
    assert "**Catalog changes that touch this result**" in text
    assert at.query_params["cd"] in (["20261121"], "20261121")  # the link keeps its date until the re-run
    at.button(key="since_rerun").click().run()
    assert not at.exception
    assert "Since this decision" not in _panel_text(at)
    cd = at.query_params["cd"]
    assert (cd[0] if isinstance(cd, list) else cd) == VERSION.strftime("%Y%m%d")
    assert at.session_state["q_task_difficulty"] == P["hybrid_router"].answers["task_difficulty"]  # the answers are kept


def test_a_new_assessment_records_todays_catalog_date_and_an_old_link_without_one_says_so():
    from tests.test_app import app_with_link, go, new_app

    at = new_app().run()
    go(at, "result")
    cd = at.query_params["cd"]
    assert (cd[0] if isinstance(cd, list) else cd) == VERSION.strftime("%Y%m%d")
    assert "Since this decision" not in _panel_text(at)
    at = app_with_link({"v": "1", "profile": "ship_fast", "step": "result"})
    assert "cd" not in at.query_params
    assert any("does not say which catalog it was made with" in c.value for c in at.caption)
    assert "Since this decision" not in _panel_text(at)
