"""Bad input and faults: each attack found on main is refused quickly, in one line, losing nothing."""

import io
import json
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grid.answers import AnswerFile, parse_answer_file
from grid.cli import main
from grid.errors import GridError, InvalidData
from grid.profiles import load_profiles
from grid.questionnaire import load_questionnaire
from grid.report import decision_record
from grid.yamlio import parse_text
from tests.conftest import ROOT

Q = load_questionnaire()
P = load_profiles()
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


@pytest.mark.parametrize("where", ["notes", "costs", "answers"])
def test_a_billion_laughs_file_is_refused_in_milliseconds(tmp_path, where):
    body = LAUGHS.replace("\n", "\n  ")
    text = f"{where}:\n  {body}"
    assert len(text) < 1000
    f = tmp_path / "laughs.yaml"
    f.write_text(text)
    t0 = time.perf_counter()
    code, _, err = run("recommend", str(f))
    assert time.perf_counter() - t0 < 0.5
    assert code == 2 and "anchors and aliases are not allowed" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("field", ["notes", "title"])
def test_a_lone_surrogate_is_refused_when_parsing(tmp_path, field):
    f = tmp_path / "s.json"
    f.write_text('{"%s": "\\ud800"}' % field)
    code, _, err = run("recommend", str(f))
    assert code == 2 and "not valid Unicode" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "name,text,message",
    [
        ("deep.json", "[" * 5000 + "]" * 5000, "nested more than"),
        ("deep.yaml", "[" * 5000 + "]" * 5000, "nested more than"),
        ("big.json", '{"notes": ' + "9" * 5000 + "}", "cannot be read"),
        ("big.yaml", "notes: " + "9" * 5000 + "\n", "cannot be read"),
    ],
)
def test_deep_nesting_and_huge_integers_are_bad_input_not_tracebacks(tmp_path, name, text, message):
    f = tmp_path / name
    f.write_text(text)
    code, _, err = run("recommend", str(f))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_an_endless_input_is_read_only_up_to_the_limit():
    t0 = time.perf_counter()
    code, _, err = run("recommend", "/dev/zero")
    assert code == 2 and "larger than" in err and time.perf_counter() - t0 < 5
    code, out, _ = run("catalog", "check", "/dev/zero")
    assert code == 1 and "larger than" in out


def test_standard_input_is_read_with_a_dash():
    proc = subprocess.run(
        [sys.executable, "-m", "grid", "recommend", "-", "--json"], input=b"profile: ship_fast\n", capture_output=True, cwd=ROOT, timeout=60
    )
    assert proc.returncode == 0 and json.loads(proc.stdout)["recommendation"] == "closed"


def test_the_decision_record_escapes_the_title_and_fences_the_notes():
    title = "# Real title <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    notes = "line\n# Real title\n## Decision outcome\nChosen option: evil\n```\n<script>x</script>"
    state = parse_answer_file({"profile": "ship_fast", "title": title + "\n## Decision outcome", "notes": notes}, Q, P)
    assert "\n" not in state.title  # a title is one line
    record = decision_record(state)
    lines = record.splitlines()
    assert lines[0].startswith("# \\# Real title \\<script\\>")
    start = lines.index("````text")  # a fence longer than any run of backticks in the notes
    assert lines[start + 1 : start + 7] == notes.split("\n") and lines[start + 7] == "````"
    outside = lines[:start] + lines[start + 8 :]
    assert sum(1 for x in outside if x == "## Decision outcome") == 1  # no forged section outside the fence
    assert not any(x.startswith("Chosen option: evil") for x in outside)
    import re

    assert not re.search(r"(?<!\\)<img|(?<!\\)<script|(?<!\\)\]\(javascript", "\n".join(outside))  # only escaped forms remain


def test_messages_about_user_data_are_bounded():
    with pytest.raises(GridError) as info:
        parse_answer_file({"answers": {"daily_tokens": ["x" * 10_000] * 1000}}, Q, P)
    assert len(str(info.value)) < 400


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20), lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4), max_leaves=30))
def test_any_answer_file_is_a_result_or_one_line_of_bad_input(value):
    text = json.dumps(value)
    try:
        state = parse_answer_file(parse_text(text, "x.json", as_json=True), Q, P)
    except GridError as e:
        assert str(e) and "\n" not in str(e)
        return
    assert isinstance(state, AnswerFile)


def test_yaml_tags_are_still_refused():
    with pytest.raises(InvalidData, match="unsupported YAML tag"):
        parse_text("a: !!python/object/apply:os.system ['echo hi']\n", "x.yaml")


def test_the_uploader_refuses_the_same_attacks_quickly_and_changes_nothing():
    from app_pages.share_ui import read_upload

    for name, data, message in [
        ("laughs.yaml", ("notes:\n  " + LAUGHS.replace("\n", "\n  ")).encode(), "anchors and aliases"),
        ("s.json", b'{"title": "\\ud800"}', "not valid Unicode"),
        ("deep.json", b"[" * 5000 + b"]" * 5000, "nested more than"),
    ]:
        t0 = time.perf_counter()
        state, text = read_upload(name, data)
        assert state is None and message in text and "Nothing was changed" in text
        assert time.perf_counter() - t0 < 0.5


def test_one_broken_catalog_entry_leaves_the_cost_model_working_with_a_warning():
    import yaml

    from grid.assessment import assess
    from grid.catalog import load_catalog, parse_catalog_text
    from grid.cost import parse_cost_data

    text = (ROOT / "data" / "models.yaml").read_text()
    broken = text.replace("- id: gpt-oss-120b\n  name: gpt-oss-120b\n", "- id: gpt-oss-120b\n  name: gpt-oss-120b\n  colour: red\n", 1)
    assert broken != text
    cat = parse_catalog_text(broken, "broken.yaml")
    assert cat.problems and "gpt-oss-120b" not in cat.model_by_id
    data = parse_cost_data(yaml.safe_load((ROOT / "data" / "costs.yaml").read_text()), "costs.yaml", cat)
    assert data.warnings and all("gpt-oss-120b" in w for w in data.warnings)
    assert not any(f.model == "gpt-oss-120b" for f in data.footprints)
    a = assess({"daily_tokens": "10m_to_100m"}, catalog=cat, cost_data=data)
    assert a.costs is not None and a.result.recommendation
    # with a sound catalog the same mistake in costs.yaml is still refused
    with pytest.raises(InvalidData, match="not an open-weight model"):
        raw = yaml.safe_load((ROOT / "data" / "costs.yaml").read_text())
        raw["footprints"][0]["model"] = "no-such-model"
        parse_cost_data(raw, "costs.yaml", load_catalog())


def test_a_key_given_twice_in_a_yaml_file_is_refused_with_both_lines(tmp_path):
    f = tmp_path / "twice.yaml"
    f.write_text("answers:\n  daily_tokens: under_1m\n  daily_tokens: over_100m\n")
    code, _, err = run("recommend", str(f))
    assert code == 2 and "key 'daily_tokens' appears twice (lines 2 and 3)" in err


def test_a_revisit_date_in_the_past_from_a_link_is_refused_and_the_rest_loads():
    from grid.catalog import load_catalog
    from grid.cost import load_cost_data
    from grid.links import read_link

    reading = read_link("v=1&profile=ship_fast&revisit=2001-01-01", Q, P, load_catalog(), load_cost_data())
    assert reading.state.revisit is None and reading.state.profile == "ship_fast"
    assert any("in the past" in m for m in reading.messages())


# Deep flow nesting: both YAML parsers spend time in proportion to the depth on every token, so
# 200 KB of "[[[[…" took 31 s to check as a catalog (and 98 s and 11 GB as "{a: {a: …"); as an
# answers file it took 28 s and then crashed the interpreter. Run in a subprocess so a regression
# fails the test (by its exit code or the timeout) instead of taking the test run down.
DEEP = {
    "flow list": "[" * 100_000 + "]" * 100_000,
    "flow mapping": "{a: " * 50_000 + "1" + "}" * 50_000,
}


def run_grid(*argv, timeout=60):
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grid", *argv], capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    return proc, time.perf_counter() - t0


@pytest.mark.parametrize("kind", DEEP)
@pytest.mark.parametrize("where", ["top level", "inside an entry"])
def test_catalog_check_refuses_deep_nesting_within_seconds_with_one_problem(tmp_path, kind, where):
    value = DEEP[kind]
    if where == "top level":
        text, line = value + "\n", 1
    else:
        catalog = (ROOT / "data" / "models.yaml").read_text()
        anchor = "- id: gpt-oss-120b\n  name: gpt-oss-120b\n"
        text = catalog.replace(anchor, anchor + "  colour: " + value + "\n", 1)
        line = catalog[: catalog.index(anchor)].count("\n") + 3
    assert len(text) >= 200_000
    f = tmp_path / "models.yaml"
    f.write_text(text)
    proc, seconds = run_grid("catalog", "check", str(f))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stdout.splitlines() == [f"{f}: 1 problem(s)", f"  - nested more than 64 levels deep at line {line}"]
    assert seconds < 3, seconds


@pytest.mark.parametrize("kind", DEEP)
def test_a_deeply_nested_answers_file_is_refused_within_seconds_not_crashed(tmp_path, kind):
    f = tmp_path / "deep.yaml"
    f.write_text("notes: " + DEEP[kind] + "\n")
    proc, seconds = run_grid("recommend", str(f))
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-300:])
    assert proc.stderr.strip() == f"grid: {f}: nested more than 64 levels deep (line 1)"
    assert seconds < 3, seconds


def test_the_catalog_still_reads_nesting_up_to_the_limit():
    from grid.catalog import parse_catalog_text

    text = (ROOT / "data" / "models.yaml").read_text()
    anchor = "- id: gpt-oss-120b\n  name: gpt-oss-120b\n"
    # 62 levels inside an entry (the entry sits 3 levels down) is allowed, and only an unknown key
    ok = parse_catalog_text(text.replace(anchor, anchor + "  colour: " + "[" * 61 + "]" * 61 + "\n", 1), "ok.yaml")
    assert len(ok.problems) == 1 and "colour: unknown key" in ok.problems[0]
    with pytest.raises(InvalidData, match="nested more than 64 levels deep"):
        parse_catalog_text(text.replace(anchor, anchor + "  colour: " + "[" * 62 + "]" * 62 + "\n", 1), "deep.yaml")
