"""Comparing a team's answers (grid/compare.py, grid/compare_pdf.py, ``python -m grid compare``):
golden profile pairs, properties over random answer sets, the page's own link, the exports and
the command line."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grid.answers import AnswerFile, parse_answer_file
from grid.assessment import assess
from grid.compare import (
    COMPARE_KEY,
    MAX_QUERY_BYTES,
    PACKED_KEY,
    compare,
    entry_query,
    format_text,
    link_query,
    markdown,
    page_params,
    page_query,
    read_links,
    read_page_params,
    unique_names,
)
from grid.errors import InvalidComparison
from grid.profiles import load_profiles
from grid.questionnaire import load_questionnaire
from tests.conftest import ROOT

Q = load_questionnaire()
PROFILES = load_profiles()
TODAY = date(2026, 12, 1)


def profile(pid: str, **extra) -> AnswerFile:
    return parse_answer_file({"profile": pid, **extra}, Q, PROFILES)


def pair(a: str, b: str):
    return compare([(a, profile(a)), (b, profile(b))], today=TODAY)


# ----------------------------------------------------------------------------- golden pairs
def test_golden_prototype_against_regulated_on_prem():
    """A closed call against an open one: 16 answers differ, and one of them, the model-level
    audit, would turn the prototype's call into the regulated team's."""
    c = pair("prototype", "regulated_on_prem")
    assert [p.recommendation for p in c.people] == ["closed", "open"]
    assert [p.name for p in c.people] == ["prototype", "regulated_on_prem"]
    assert [r.key for r in c.differences] == [
        "daily_tokens", "traffic_shape", "spend_model", "data_sensitivity", "data_boundary", "cloud_platform",
        "version_pinning", "fine_tuning", "governance_owner", "audience", "auditability", "ml_platform_team",
        "time_to_production", "lock_in_tolerance", "own_evals", "annual_revenue_usd",
    ]
    assert [r.key for r in c.drivers] == ["auditability"]
    (move,) = c.drivers[0].moves
    assert (move.person, move.to, move.recommendation, move.toward) == ("prototype", "required", "open", ["regulated_on_prem"])
    assert c.to_agree_on[0].key == "auditability" and len(c.to_agree_on) == 16
    assert not any(r.driver for r in c.to_agree_on[1:])
    assert c.summary() == (
        "The two assessments reach different calls: Closed API (prototype); Open weights (regulated_on_prem). "
        "16 of the 22 answers given differ; 1 of them drives the different calls."
    )


def test_golden_hybrid_router_against_prototype_orders_the_drivers():
    """Each driver moves one call here, so the pull on the overall lean orders them; the
    confirmed "mix" checklist answer has no lean of its own and comes last of the drivers."""
    c = pair("hybrid_router", "prototype")
    assert [p.recommendation for p in c.people] == ["hybrid", "closed"]
    assert [r.key for r in c.drivers] == [
        "time_to_production", "lock_in_tolerance", "own_evals", "data_boundary", "spend_model",
        "governance_owner", "auditability", "data_sensitivity", "version_pinning", "mix",
    ]
    spreads = [r.lean_spread for r in c.drivers]
    assert spreads == sorted(spreads, reverse=True)
    assert [r.key for r in c.to_agree_on][: len(c.drivers)] == [r.key for r in c.drivers]


def test_a_driver_is_a_flip_of_one_person_toward_the_others_call():
    c = pair("hybrid_router", "prototype")
    results = {name: assess(profile(name).answers, profile(name).checklist, today=TODAY).result for name in ("hybrid_router", "prototype")}
    other = {"hybrid_router": "prototype", "prototype": "hybrid_router"}
    for row in c.drivers:
        for move in row.moves:
            flips = [(f.question, f.to, f.recommendation) for f in results[move.person].flips]
            assert (row.key, move.to, results[other[move.person]].recommendation) in flips
            assert move.to == row.values[c.names.index(other[move.person])]


def test_identical_files_give_no_differences_and_no_drivers():
    c = compare([("a.yaml", profile("ship_fast")), ("b.yaml", profile("ship_fast"))], today=TODAY)
    assert c.differences == [] and c.drivers == [] and c.to_agree_on == []
    assert c.same_call and len(c.rows) == 21
    assert c.summary() == "Both assessments reach the same call: Closed API. All 21 answers given are the same."


def test_the_same_answers_reached_two_ways_do_not_differ():
    """A profile's answers written out in full are the same answers: the profile is not compared."""
    written = AnswerFile(answers=dict(PROFILES["ship_fast"].answers), checklist=dict(PROFILES["ship_fast"].checklist))
    c = compare([("profile", profile("ship_fast")), ("written", written)], today=TODAY)
    assert c.differences == []


def test_the_side_by_side_figures_come_from_each_assessment():
    c = compare([("a.yaml", profile("cost_at_scale", title="Alice")), ("b.yaml", profile("ship_fast"))], today=TODAY)
    a = assess(profile("cost_at_scale").answers, profile("cost_at_scale").checklist, today=TODAY)
    alice, b = c.people
    assert (alice.name, alice.label, alice.title) == ("Alice", "a.yaml", "Alice")
    assert (b.name, b.title) == ("b.yaml", "")
    assert alice.recommendation == a.result.recommendation and alice.confidence == a.result.confidence
    assert alice.deployment == a.result.deployment and alice.deployment_option == a.result.deployment_option
    assert alice.monthly_usd == getattr(a.costs, a.result.deployment_option).monthly_usd
    assert alice.deployment_words.startswith("rented open weights, bought from ")


def test_checklist_and_cost_inputs_are_compared_too():
    a = profile("hybrid_router", costs={"tokens_per_day": 5_000_000})
    b = profile("hybrid_router", checklist={"mix": "no"})
    c = compare([("a", a), ("b", b)], today=TODAY)
    rows = {r.key: r for r in c.differences}
    assert set(rows) == {"mix", "tokens_per_day"}
    assert rows["tokens_per_day"].kind == "cost" and rows["tokens_per_day"].value_labels == ["5,000,000", "default"]
    assert rows["tokens_per_day"].values == ["5000000", None] and not rows["tokens_per_day"].driver  # cost inputs have no flips
    assert rows["mix"].kind == "checklist" and rows["mix"].value_labels == ["Yes (confirmed)", "No (confirmed)"]


def test_names_are_unique_and_titles_win():
    assert unique_names(["Alice", "Alice", "Bob", "Alice", " ", "a\x00\nb"]) == ["Alice", "Alice (2)", "Bob", "Alice (3)", "Untitled", "a b"]
    c = compare([("x.yaml", profile("ship_fast", title="Same")), ("y.yaml", profile("prototype", title="Same"))], today=TODAY)
    assert c.names == ["Same", "Same (2)"]


@pytest.mark.parametrize("n,message", [(0, "at least 2 assessments; 0 given"), (1, "at least 2 assessments; 1 given"), (7, "at most 6 assessments; 7 given")])
def test_two_to_six(n, message):
    with pytest.raises(InvalidComparison, match=message):
        compare([(str(i), profile("ship_fast")) for i in range(n)], today=TODAY)


# ----------------------------------------------------------------------------- properties
@st.composite
def answer_files(draw):
    answers = {}
    for question in Q.questions:
        if draw(st.booleans()):
            answers[question.id] = draw(st.sampled_from([o.id for o in question.options]))
    checklist = draw(st.dictionaries(st.sampled_from([c.id for c in Q.checklist]), st.sampled_from(["yes", "no", "unsure"]), max_size=3))
    return AnswerFile(answers=answers, checklist=checklist)


@settings(max_examples=40, deadline=None)
@given(answer_files(), answer_files())
def test_a_difference_is_reported_iff_the_answers_differ(a, b):
    c = compare([("a", a), ("b", b)], today=TODAY)
    reported = {(r.kind, r.key) for r in c.differences}
    expected = {("question", x.id) for x in Q.questions if a.answers.get(x.id) != b.answers.get(x.id)}
    expected |= {("checklist", x.id) for x in Q.checklist if a.checklist.get(x.id) != b.checklist.get(x.id)}
    assert reported == expected
    drivers = {(r.kind, r.key) for r in c.drivers}
    assert drivers <= reported
    if c.same_call:
        assert not drivers  # a driver moves one call to another's; with one call there is none
    assert [r.key for r in c.to_agree_on] == [r.key for r in c.drivers] + [r.key for r in c.to_agree_on[len(c.drivers):]]
    assert {r.key for r in c.to_agree_on} == {k for _, k in reported}


@settings(max_examples=25, deadline=None)
@given(answer_files())
def test_comparing_an_assessment_with_itself_yields_nothing(x):
    c = compare([("x", x), ("x", x)], today=TODAY)
    assert c.differences == [] and c.drivers == [] and c.to_agree_on == []
    assert c.people[0].recommendation == c.people[1].recommendation
    assert c.names == ["x", "x (2)"]


# ----------------------------------------------------------------------------- links in, the page's link out
def test_link_query_takes_a_whole_address_or_its_query():
    assert link_query("  http://host:8501/?v=1&profile=ship_fast#top ") == "v=1&profile=ship_fast"
    assert link_query("?v=1&title=A") == "v=1&title=A"
    assert link_query("v=1&title=A") == "v=1&title=A"


def test_read_links_names_each_problem_and_keeps_what_loads():
    texts = ["http://x/?v=1&profile=ship_fast&title=Alice", "not a link", "colour=blue&size=9", "v=1&profile=prototype&colour=blue", "v=1&x=" + "a" * 9000]
    entries, warnings, problems = read_links(texts, Q, PROFILES)
    assert [(label, s.title, s.profile) for label, s in entries] == [("Link 1", "Alice", "ship_fast"), ("Link 4", "", "prototype")]
    assert problems[0] == "Link 2 is not a share link: it has no query such as v=1&profile=ship_fast."
    assert problems[1] == "Link 3: nothing in it is part of an assessment; it was not loaded."
    assert problems[2].startswith("Link 5: This link is 9,006 bytes long, over the 8,192-byte limit")
    assert warnings == ["Link 4: Ignored unknown parameters: colour."]


def test_entry_query_drops_the_notes_and_the_revisit_date_and_names_an_untitled_file():
    state = profile("ship_fast", notes="long notes", revisit="2099-01-01", answers={"own_evals": "yes"})
    query = entry_query(state, Q, PROFILES, name="team/bob.yaml")
    assert query == "v=1&profile=ship_fast&own_evals=yes&title=team%2Fbob.yaml"
    assert entry_query(profile("ship_fast", title="Alice"), Q, PROFILES, name="ignored.yaml") == "v=1&profile=ship_fast&title=Alice"


def test_the_page_link_round_trips_plain_then_compressed():
    queries = [entry_query(profile(p, title=f"Person {i}"), Q, PROFILES) for i, p in enumerate(PROFILES)]
    params = page_params(queries)
    assert params == {COMPARE_KEY: queries}
    assert read_page_params({COMPARE_KEY: queries}) == queries
    assert page_query(queries[:2]) == "compare=v%3D1%26profile%3Dcost_at_scale%26title%3DPerson%25200&compare=v%3D1%26profile%3Dhybrid_router%26title%3DPerson%25201"
    # six full answer sets with long titles: over the budget as plain parameters, within it compressed
    full = {x.id: x.options[-1].id for x in Q.questions}
    long = [entry_query(AnswerFile(answers=full, checklist={c.id: "unsure" for c in Q.checklist}, title=f"{i} " + "标题" * 59), Q, PROFILES) for i in range(6)]
    params = page_params(long)
    assert list(params) == [PACKED_KEY] and len(page_query(long)) <= MAX_QUERY_BYTES
    assert read_page_params({PACKED_KEY: [params[PACKED_KEY]]}) == long


def test_the_page_link_refuses_what_it_cannot_hold_or_read():
    import os

    noise = [os.urandom(1500).hex() for _ in range(6)]  # incompressible
    with pytest.raises(InvalidComparison, match="over the 8,192-byte limit; compare fewer"):
        page_params([f"v=1&title={x}" for x in noise])
    with pytest.raises(InvalidComparison, match="over the 8,192-byte limit; nothing was loaded"):
        read_page_params({COMPARE_KEY: ["v=1&title=" + "a" * 9000]})
    with pytest.raises(InvalidComparison, match="compressed part that cannot be read"):
        read_page_params({PACKED_KEY: ["not*base64"]})
    with pytest.raises(InvalidComparison, match="holds 7 assessments, more than the 6"):
        read_page_params({COMPARE_KEY: ["v=1&profile=ship_fast"] * 7})
    import base64
    import zlib

    bomb = base64.urlsafe_b64encode(zlib.compress(b"a" * 200_000, 9)).decode().rstrip("=")
    with pytest.raises(InvalidComparison, match="cannot be read"):
        read_page_params({PACKED_KEY: [bomb]})


# ----------------------------------------------------------------------------- exports
def hostile():
    return compare(
        [("a.yaml", profile("prototype", title="**bold** <script>alert(1)</script> | [x](javascript:y)")), ("b.yaml", profile("regulated_on_prem", title="千 Team"))],
        today=TODAY,
    )


def test_markdown_shows_titles_literally_and_marks_the_differences():
    text = markdown(hostile(), link="http://localhost:8501/compare?compare=x", today=TODAY)
    for raw in (r"<script>", r"\*\*bold", r"\]\(javascript", r"\| \["):  # never unescaped
        assert not re.search(r"(?<!\\)" + raw, text), raw
    assert r"\*\*bold\*\* \<script\>alert(1)\</script\> \| \[x\](javascript:y)" in text
    for heading in ("# Comparison of 2 assessments", "## Side by side", "## What drives the different calls", "## To agree on", "## Answers"):
        assert heading in text
    assert "1. Must you be able to inspect and audit the model itself? — **drives the call**" in text
    assert "| **≠** | **Must you be able to inspect and audit the model itself?** | **Not needed** | **Required** |" in text
    assert "|  | Inputs the model must handle | Text only | Text only |" in text  # the same answer: not marked


def test_pdf_holds_the_names_the_calls_and_the_list_to_agree_on():
    from pypdf import PdfReader

    from grid.compare_pdf import build_compare_pdf
    from grid.pdf import find_font

    data = build_compare_pdf(hostile(), link="http://localhost:8501/compare?compare=v%3D1", today=TODAY)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert data.startswith(b"%PDF") and "Comparison of 2 assessments" in text
    for words in ("Side by side", "What drives the different calls", "To agree on", "Closed API", "Open weights", "<script>alert(1)</script>", "drives the call", "≠"):
        assert words in text, words
    if find_font().covers_cjk:
        assert "千 Team" in text


# ----------------------------------------------------------------------------- the command line
from tests.test_cli import run, write  # noqa: E402 (the CLI tests' own helpers)


def test_cli_compare_prints_the_summary_the_drivers_and_the_list(tmp_path):
    a = write(tmp_path, "a.yaml", "title: Priya\nprofile: prototype\n")
    b = write(tmp_path, "b.yaml", "profile: regulated_on_prem\n")
    code, out, err = run("compare", a, b)
    assert code == 0 and err == ""
    assert out.startswith("Comparison of 2 assessments\n===========================\nThe two assessments reach different calls: Closed API (Priya); Open weights (" + b + ").")
    assert f"  Priya ({a}): Closed API. Managed API, bought from " in out
    assert "What drives the different calls:\n  - Must you be able to inspect and audit the model itself? (auditability): Priya: Not needed; " in out
    assert "To agree on:\n  1. Must you be able to inspect and audit the model itself? (auditability) — drives the call\n  2. " in out
    assert "Answers that differ (16; 6 the same):" in out
    assert out == format_text(compare([(a, profile("prototype", title="Priya")), (b, profile("regulated_on_prem"))])) + "\n"


def test_cli_compare_json_has_the_public_keys(tmp_path):
    a = write(tmp_path, "a.yaml", "profile: hybrid_router\n")
    b = write(tmp_path, "b.json", json.dumps({"profile": "prototype", "title": "Bo"}))
    code, out, err = run("compare", a, b, "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert set(data) == {"assessments", "same_call", "summary", "compared", "differences", "drivers", "to_agree_on"}
    assert [x["name"] for x in data["assessments"]] == [a, "Bo"]
    assert {"recommendation", "deployment", "deployment_seller", "monthly_usd", "confidence", "title"} <= set(data["assessments"][0])
    assert [x["recommendation"] for x in data["assessments"]] == ["hybrid", "closed"]
    assert data["drivers"][0] == "time_to_production" and data["drivers"][-1] == "mix"
    first = data["differences"][0]
    assert set(first) == {"kind", "key", "label", "values", "value_labels", "driver", "moves", "lean_spread"}
    assert set(first["values"]) == {a, "Bo"}
    assert [x["key"] for x in data["to_agree_on"][: len(data["drivers"])]] == data["drivers"]
    assert all(x["driver"] == (x["key"] in data["drivers"]) for x in data["to_agree_on"])


def test_cli_compare_takes_share_links_and_standard_input(tmp_path, monkeypatch):
    a = write(tmp_path, "a.yaml", "profile: ship_fast\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"profile: prototype\ntitle: From stdin\n")))
    code, out, err = run("compare", a, "-", "http://localhost:8501/?v=1&profile=hybrid_router&title=Linked&colour=blue", "--json")
    assert code == 0
    assert [x["name"] for x in json.loads(out)["assessments"]] == [a, "From stdin", "Linked"]
    assert err == "grid: warning: http://localhost:8501/?v=1&profile=hybrid_router&title=Link…: Ignored unknown parameters: colour.\n"


def test_cli_compare_bad_input_exits_2_with_one_line_per_problem(tmp_path):
    good = write(tmp_path, "good.yaml", "profile: ship_fast\n")
    bad = write(tmp_path, "bad.yaml", "answers:\n  daily_tokens: lots\n")
    code, out, err = run("compare", good, bad, str(tmp_path / "nope.yaml"), "colour=blue")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"grid: {bad}: answers.daily_tokens: 'lots' is not an option of daily_tokens (options: under_1m, 1m_to_10m, 10m_to_100m, over_100m, unknown)",
        f"grid: {tmp_path / 'nope.yaml'}: file not found",
        "grid: colour=blue: nothing in it is part of an assessment; it was not loaded.",
        "grid: nothing was compared (3 problems)",
    ]


@pytest.mark.parametrize("count,message", [(1, "at least 2 assessments; 1 given"), (7, "at most 6 assessments; 7 given")])
def test_cli_compare_takes_two_to_six(tmp_path, count, message):
    f = write(tmp_path, "a.yaml", "profile: ship_fast\n")
    code, out, err = run("compare", *([f] * count))
    assert code == 2 and out == ""
    assert err.splitlines() == [f"grid: a comparison needs {message}" if count == 1 else f"grid: a comparison takes {message}", "grid: nothing was compared (1 problem)"]


def test_cli_compare_with_no_argument_is_a_usage_error(capsys):
    code, _, _ = run("compare")
    err = capsys.readouterr().err  # argparse writes its own usage errors
    assert code == 2 and err == "grid: the following arguments are required: FILE_OR_LINK (see: python -m grid compare --help)\n"


def test_cli_compare_entry_point_never_shows_a_traceback(tmp_path):
    bad = write(tmp_path, "bad.yaml", "a: &x [1]\nb: *x\n")
    proc = subprocess.run([sys.executable, "-m", "grid", "compare", bad, bad], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count(f"grid: {bad}: ") == 2 and proc.stderr.endswith("grid: nothing was compared (2 problems)\n")


def test_side_by_side_shows_the_titles_only_when_a_name_is_not_one():
    from grid.compare import side_by_side

    titled = compare([("a.yaml", profile("ship_fast", title="Alice")), ("b.yaml", profile("prototype", title="Bob"))], today=TODAY)
    assert [row[0] for row in side_by_side(titled)] == ["Figure", "Call", "Deployment", "Monthly cost of the chosen option", "Confidence"]
    mixed = compare([("a.yaml", profile("ship_fast", title="Alice")), ("b.yaml", profile("prototype"))], today=TODAY)
    rows = side_by_side(mixed)
    assert rows[0] == ["Figure", "Alice", "b.yaml"] and rows[1] == ["Title", "Alice", "(no title)"]
    assert rows[2] == ["Call", "Closed API", "Closed API"]
