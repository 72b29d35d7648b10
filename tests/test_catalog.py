"""The catalog: the shipped file passes, broken files report every problem, valid entries survive."""

import io
import json
from datetime import date
from pathlib import Path

import pytest

from grid.catalog import (
    CATALOG_PATH,
    SCHEMA_PATH,
    is_stale,
    json_schema_text,
    load_catalog,
    load_primary_sources,
    parse_catalog_text,
    read_catalog,
)
from grid.cli import main
from grid.errors import InvalidData

HERE = Path(__file__).resolve().parent
BROKEN = sorted(p for p in (HERE / "catalogs" / "broken").glob("*.yaml") if p.name != "primary_sources.yaml")
VALID_SMALL = HERE / "catalogs" / "valid_small.yaml"
TEST_PRIMARY = load_primary_sources(HERE / "catalogs" / "primary_sources.yaml")


def expectations(path: Path) -> list[str]:
    return [line[len("# expect: ") :].rstrip("\n") for line in path.read_text().splitlines() if line.startswith("# expect: ")]


def problems_of(path: Path) -> list[str]:
    try:
        return list(read_catalog(path).problems)
    except InvalidData as e:
        return e.problems


def test_the_shipped_catalog_passes_the_check():
    cat = read_catalog(CATALOG_PATH)
    assert cat.problems == ()
    assert len(cat.licenses) >= 15
    assert set(p.id for p in cat.providers) >= {"openai", "anthropic", "google", "mistral", "xai"}
    open_ = [m for m in cat.models if m.weights == "open"]
    closed = [m for m in cat.models if m.weights == "closed"]
    assert len(cat.models) >= 30 and len(open_) >= 12 and len(closed) >= 8


def test_every_licence_a_model_uses_is_catalogued_and_every_seed_family_is_there():
    cat = load_catalog()
    assert {m.license for m in cat.models if m.license} <= {x.id for x in cat.licenses}
    names = " ".join(m.name for m in cat.models)
    for family in ("DeepSeek V4", "Qwen3.6", "Kimi", "GLM-5.2", "Llama 4", "Mistral Large 3", "Gemma 4", "Claude Sonnet 5", "GPT-5.5", "Gemini 3.1 Pro"):
        assert family in names, family


def test_every_price_and_entry_has_a_source_and_a_checked_date():
    cat = load_catalog()
    for m in cat.models:
        assert m.sources and all(s.url.startswith("http") and s.checked for s in m.sources)
        for p in m.prices:
            assert p.source.startswith("http") and isinstance(p.checked, date)
    for x in (*cat.licenses, *cat.providers):
        assert x.sources and all(s.checked for s in x.sources)


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_catalog_reports_its_problems(path):
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect:' line"
    problems = problems_of(path)
    for message in expected:
        assert any(message in p for p in problems), f"{message!r} not in {problems}"


def test_many_problems_are_reported_at_once_and_valid_entries_still_load():
    cat = read_catalog(HERE / "catalogs" / "broken" / "many_problems.yaml")
    assert len(cat.problems) == 4
    assert {m.id for m in cat.models} == {"open-vision", "open-frontier"}
    assert {x.id for x in cat.licenses} == {"lic-free", "lic-big"}


def test_problems_name_the_yaml_line():
    problems = problems_of(HERE / "catalogs" / "broken" / "unknown_key.yaml")
    line = int(problems[0].rsplit("(line ", 1)[1].rstrip(")"))
    assert "colour: red" in (HERE / "catalogs" / "broken" / "unknown_key.yaml").read_text().splitlines()[line - 1]


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "the top level must be a mapping"),
        ("- a\n", "the top level must be a mapping"),
        ("licenses: {}\nproviders: []\nmodels: []\n", "licenses: must be a list of entries"),
        ("licenses: []\nproviders: []\nmodels: []\nextra: 1\n", "extra: unknown section"),
        ("licenses: []\nproviders: []\nmodels: [3]\n", "models[0]: must be a mapping"),
    ],
)
def test_odd_shapes_get_a_clear_message(text, message):
    try:
        problems = list(parse_catalog_text(text, "x.yaml", TEST_PRIMARY).problems)
    except InvalidData as e:
        problems = e.problems
    assert any(message in p for p in problems), problems


def test_staleness_is_180_days():
    assert not is_stale(date(2026, 5, 25), date(2026, 11, 21))  # 180 days
    assert is_stale(date(2026, 5, 24), date(2026, 11, 21))  # 181 days


def test_committed_json_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema_text(), "run: python -m grid catalog schema > data/models.schema.json"
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["$defs"]["Model"]["additionalProperties"] is False


def test_catalog_file_points_editors_at_the_schema():
    assert CATALOG_PATH.read_text().startswith("# yaml-language-server: $schema=models.schema.json")


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def test_cli_check_good_catalog_prints_one_line_and_exits_0():
    code, out, _ = run("catalog", "check")
    assert code == 0
    assert len(out.strip().splitlines()) == 1 and ": OK, " in out


def test_cli_check_bad_catalog_lists_every_problem_and_exits_1():
    code, out, _ = run("catalog", "check", str(HERE / "catalogs" / "broken" / "many_problems.yaml"))
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0].endswith("4 problem(s)") and len(lines) == 5


def test_cli_check_missing_file_exits_1():
    code, out, _ = run("catalog", "check", "no/such/file.yaml")
    assert code == 1 and "file not found" in out


def test_cli_show_json_is_the_normalised_catalog():
    code, out, _ = run("catalog", "show", "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == {"licenses", "providers", "models"}
    m = data["models"][0]
    for key in ("id", "name", "developer", "weights", "license", "provider", "released", "modalities", "context_tokens", "prices", "tier", "sources", "confidence"):
        assert key in m
    assert len(data["models"]) == len(load_catalog().models)


def test_cli_schema_prints_the_json_schema():
    code, out, _ = run("catalog", "schema")
    assert code == 0 and json.loads(out)["title"].startswith("Open / closed")


def test_the_app_loads_the_catalog_once_per_process(monkeypatch):
    from streamlit.testing.v1 import AppTest

    import grid.catalog as catalog_module

    calls = []
    real = catalog_module.read_catalog

    def counting(path=CATALOG_PATH):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(catalog_module, "read_catalog", counting)
    catalog_module.load_catalog.cache_clear()
    try:
        at = AppTest.from_file(str(HERE.parent / "app.py"), default_timeout=60).run()
        at.switch_page("app_pages/catalog.py").run()
        at.radio(key="cat_weights").set_value("open").run()
        at.switch_page("app_pages/assess.py").run()
        at.radio(key="step").set_value("result").run()
        assert not at.exception
        assert len(calls) == 1
    finally:
        catalog_module.load_catalog.cache_clear()


SMALL_TEXT = VALID_SMALL.read_text()


def test_anchors_aliases_and_merge_keys_load_like_yaml():
    text = SMALL_TEXT.replace(
        '  sources: [{url: "https://example.org/open-text", checked: 2026-11-01}]',
        '  sources: &shared [{url: "https://example.org/open-text", checked: 2026-11-01}]',
    ).replace('  sources: [{url: "https://example.org/open-frontier", checked: 2026-11-01}]', "  sources: *shared")
    cat = parse_catalog_text(text, primary=TEST_PRIMARY)
    assert cat.problems == ()
    assert cat.model_by_id["open-frontier"].sources == cat.model_by_id["open-text"].sources
    merged = SMALL_TEXT.replace("- id: open-text\n", "- &base\n  id: open-text\n").replace(
        "- id: open-frontier\n  name: Open Frontier\n", "- <<: *base\n  id: open-frontier\n  name: Open Frontier\n"
    )
    assert parse_catalog_text(merged, primary=TEST_PRIMARY).problems == ()


@pytest.mark.parametrize(
    "snippet,message",
    [
        ("notes: !!python/name:os.system\n", "unsupported YAML tag"),
        ("notes: !custom 1\n", "unsupported YAML tag"),
        ("notes: !!python/object:os.system {}\n", "unsupported YAML tag"),
        ("notes: *nowhere\n", "unknown alias"),
        ("notes: &loop [*loop]\n", "notes: Input should be a valid string"),
        ("? [a, b]\n  : 1\n", "complex mapping keys are not supported"),
    ],
)
def test_unsafe_or_odd_yaml_is_refused_with_a_message(snippet, message):
    text = SMALL_TEXT.replace("  notes: null\n", "  " + snippet.replace("\n  :", "\n    :"), 1) if not snippet.startswith("?") else SMALL_TEXT + snippet
    try:
        problems = list(parse_catalog_text(text, "x.yaml", TEST_PRIMARY).problems)
    except InvalidData as e:
        problems = e.problems
    assert any(message in p for p in problems), problems


def test_a_huge_file_is_refused(tmp_path, monkeypatch):
    import grid.catalog as catalog_module

    monkeypatch.setattr(catalog_module, "MAX_CATALOG_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text(SMALL_TEXT)
    with pytest.raises(InvalidData) as info:
        catalog_module.read_catalog(path)
    assert "larger than 100 bytes" in str(info.value)
