"""``python -m grid``: output shapes, and one clear line with exit 2 for every kind of bad input."""

import io
import json
import subprocess
import sys

import pytest

from grid.cli import main
from tests.conftest import ROOT


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_recommend_json_has_the_public_keys(tmp_path):
    f = write(tmp_path, "a.yaml", "profile: regulated_on_prem\n")
    code, out, err = run("recommend", f, "--json")
    assert code == 0 and err == ""
    lines = out.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    for key in ("recommendation", "deployment", "confidence", "axes", "checklist", "constraints", "reasons", "flips"):
        assert key in data
    assert data["recommendation"] == "open" and data["deployment"] == "self_hosted"
    assert set(data["axes"]) == {"cost", "control", "governance", "ecosystem", "performance"}
    assert all(v is None or isinstance(v, int) for v in data["axes"].values())
    assert data["checklist"]["stop"] is None and data["checklist"]["suggested"]["data_must_stay"] == "no"
    assert {"question", "answer", "text"} <= set(data["reasons"][0])
    assert all({"question", "to", "recommendation", "deployment"} <= set(f) for f in data["flips"])
    assert data["constraints"][0]["id"] == "own_cloud_only"
    # the options contract: every option with allowed, blocked_by, model, seller, tier and monthly_usd
    costs = data["costs"]
    for key in ("closed_api", "closed_cloud", "rented_open", "self_hosted", "hybrid"):
        assert {"allowed", "blocked_by", "model", "seller", "tier", "monthly_usd"} <= set(costs[key]), key
    assert costs["closed_api"]["allowed"] is False and costs["closed_api"]["monthly_usd"] is None
    assert {"question", "answer", "text"} <= set(costs["closed_api"]["blocked_by"][0])
    assert costs["cheapest_allowed"] == "self_hosted" and "capability_note" in costs
    assert set(data["deployment_reason"]) == {"text", "question"} and data["deployment_seller"] == "self"


def test_one_json_line_per_file_and_answers_override_the_profile(tmp_path):
    a = write(tmp_path, "a.yaml", "profile: hybrid_router\n")
    b = write(tmp_path, "b.json", json.dumps({"profile": "hybrid_router", "answers": {"data_boundary": "air_gapped"}}))
    code, out, _ = run("recommend", a, b, "--json")
    first, second = (json.loads(x) for x in out.strip().splitlines())
    assert code == 0
    assert first["recommendation"] == "hybrid" and first["file"] == a
    assert second["recommendation"] == "open" and second["deployment"] == "self_hosted"


def test_a_suggested_checklist_answer_is_shown_and_only_a_confirmed_one_decides(tmp_path):
    suggested = write(tmp_path, "s.yaml", "answers:\n  data_boundary: air_gapped\n")
    given = write(tmp_path, "g.yaml", "answers:\n  data_boundary: air_gapped\nchecklist:\n  data_must_stay: yes\n")
    _, out, _ = run("recommend", suggested, given, "--json")
    s, g = (json.loads(x) for x in out.strip().splitlines())
    assert s["checklist"]["suggested"]["data_must_stay"] == "yes" and s["checklist"]["stop"] is None
    assert g["checklist"]["stop"] == "data_must_stay"


def test_bare_yes_and_no_in_yaml_are_options(tmp_path):
    f = write(tmp_path, "a.yaml", "answers:\n  own_evals: no\nchecklist:\n  mix: yes\n")
    code, out, _ = run("recommend", f, "--json")
    data = json.loads(out)
    assert code == 0 and data["recommendation"] == "hybrid" and data["reasons"][0]["answer"] == "no"


def test_readable_summary(tmp_path):
    f = write(tmp_path, "a.yaml", "profile: ship_fast\n")
    code, out, _ = run("recommend", f)
    assert code == 0
    assert "Recommendation: Closed API (closed, managed_api)" in out
    assert "Checklist: no confirmed firm yes; the axes decide (suggested from your answers: ship_fast_no_platform" in out
    assert "Deployment: managed api (closed_api, seller xai)" in out
    assert "Why (points added to the overall lean):" in out
    assert "What would change this:" in out


def test_profiles_lists_every_profile():
    code, out, _ = run("profiles")
    assert code == 0
    for pid in ("cost_at_scale", "regulated_on_prem", "ship_fast", "prototype", "hybrid_router"):
        assert pid in out
    code, out, _ = run("profiles", "--json")
    assert {json.loads(x)["id"] for x in out.splitlines()} == {"cost_at_scale", "regulated_on_prem", "ship_fast", "prototype", "hybrid_router"}


BAD = [
    ("unknown question", "a.yaml", "answers:\n  colour: blue\n", "answers.colour: unknown question 'colour'"),
    ("unknown option", "a.yaml", "answers:\n  daily_tokens: lots\n", "answers.daily_tokens: 'lots' is not an option of daily_tokens (options: under_1m"),
    ("unknown profile", "a.yaml", "profile: startup\n", "profile: unknown profile 'startup'"),
    ("unknown checklist item", "a.yaml", "checklist:\n  frontier: yes\n", "checklist.frontier: unknown checklist item 'frontier'"),
    ("bad checklist answer", "a.yaml", "checklist:\n  mix: maybe\n", "checklist.mix: 'maybe' is not one of yes, no, unsure"),
    ("unknown top-level key", "a.yaml", "answers: {}\ntitel: x\n", "unknown top-level key 'titel'"),
    ("answers not a mapping", "a.yaml", "answers: [daily_tokens]\n", "answers: must be a mapping"),
    ("top level a list", "a.yaml", "- a\n- b\n", "the top level must be a mapping"),
    ("empty file", "a.yaml", "", "the file is empty"),
    ("malformed yaml", "a.yaml", "answers:\n  daily_tokens: [unclosed\n", "not valid YAML at line"),
    ("python tag", "a.yaml", "answers: !!python/object/apply:os.system ['echo hi']\n", "unsupported YAML tag"),
    ("malformed json", "a.json", '{"answers": {', "not valid JSON at line 1"),
    ("not utf-8", "a.yaml", None, "not UTF-8 text"),
]


@pytest.mark.parametrize("name,filename,text,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_one_line(tmp_path, name, filename, text, message):
    path = tmp_path / filename
    if text is None:
        path.write_bytes(b"answers:\n  daily_tokens: \xff\xfe\n")
    else:
        path.write_text(text, encoding="utf-8")
    code, out, err = run("recommend", str(path))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"grid: {path}: ")
    assert message in lines[0]


def test_missing_file(tmp_path):
    code, _, err = run("recommend", str(tmp_path / "nope.yaml"))
    assert code == 2 and "nope.yaml: file not found" in err


def test_good_files_still_print_when_one_is_bad(tmp_path):
    good = write(tmp_path, "good.yaml", "profile: prototype\n")
    bad = write(tmp_path, "bad.yaml", "profile: nope\n")
    code, out, err = run("recommend", good, bad, "--json")
    assert code == 2
    assert json.loads(out)["recommendation"] == "closed"
    assert "bad.yaml" in err and "good.yaml" not in err


def test_real_entry_point_never_shows_a_traceback(tmp_path):
    bad = write(tmp_path, "bad.yaml", "answers:\n  daily_tokens: 7\n")
    proc = subprocess.run(
        [sys.executable, "-m", "grid", "recommend", bad], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "answers.daily_tokens: 7 is not an option of daily_tokens" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "grid", "bogus"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "invalid choice" in proc.stderr


@pytest.mark.parametrize("flag,model", [("--closed", "magistral-medium-1-2"), ("--closed", "mistral-medium-3-1")])
def test_cost_refuses_a_retired_model_in_one_line(flag, model):
    code, out, err = run("cost", "--tokens-per-day", "10000000", flag, model)
    assert code == 2 and out == ""
    assert "is retired" in err and "choose a live model" in err and len(err.strip().splitlines()) == 1


def test_cost_names_the_lifecycle_of_a_deprecated_or_preview_model():
    code, out, err = run("cost", "--tokens-per-day", "10000000", "--closed", "claude-mythos-preview", "--json")
    assert code == 0
    notes = json.loads(out)["lifecycle_notes"]
    assert any(n.startswith("Claude Mythos Preview:") and ("Deprecated" in n or "preview" in n) for n in notes)
    code, out, err = run("cost", "--tokens-per-day", "10000000", "--closed", "claude-mythos-preview")
    assert "Lifecycle: Claude Mythos Preview" in out


def test_cost_json_names_the_cheapest_allowed_option():
    code, out, err = run("cost", "--tokens-per-day", "10000000", "--json")
    data = json.loads(out)
    priced = {k: data[k]["monthly_usd"] for k in ("closed_api", "rented_open", "self_hosted", "hybrid") if data[k]["monthly_usd"] is not None}
    assert code == 0 and data["cheapest_allowed"] == min(priced, key=priced.get)
    assert all(data[k]["allowed"] for k in priced)  # without answers nothing is ruled out
