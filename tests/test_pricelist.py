"""The pinned price-list cross-check on small synthetic catalogs and lists: a price we leave null that
the list gives, a model's own facts read through a provider's row, models the list cannot carry, and
reviews that call an unsettled matter for one side."""

import pytest

from grid.catalog import load_primary_sources, parse_catalog_text
from grid.errors import InvalidData
from grid.pricelist import ReviewFile, diff, load_review
from tests.conftest import ROOT

TEST_PRIMARY = load_primary_sources(ROOT / "tests" / "catalogs" / "primary_sources.yaml")
PER_TOKEN = 1e-6

_SELLER = """\
- id: {id}
  name: {id}
  kind: {kind}
  trains_on_api_data_by_default: null
  zero_data_retention: unknown
  sources: [{{url: "https://example.org/{id}", checked: 2026-11-01}}]
  confidence: secondary
"""
_MODEL = """\
- id: {id}
  name: {id}
  developer: Lab
  weights: open
  license: lic
  provider: null
  status: ga
  released: 2026-06-01
  modalities: {modalities}
  context_tokens: 128000
  parameters_total_b: 70
  parameters_active_b: 70
  prices: {prices}
  tier: strong
  tier_basis: test
  sources: [{{url: "https://example.org/{id}", checked: 2026-11-01}}]
  confidence: secondary
  notes: null
"""


def _row(seller: str, kind: str, price: str = "input_usd_per_mtok: 1.0, output_usd_per_mtok: 2.0") -> str:
    return f'{{seller: {seller}, kind: {kind}, confidence: secondary, {price}, source: "https://example.org/p", checked: 2026-11-01}}'


def catalog(*models: tuple[str, list[str], str]):
    text = (
        "licenses:\n- id: lic\n  name: Lic\n  spdx: null\n  hf_tag: null\n  osi_approved: true\n  commercial_use: \"yes\"\n"
        "  thresholds: []\n  attribution: null\n  acceptable_use_policy: false\n  derivative_naming: null\n"
        "  outputs_to_train_other_models: allowed\n  patent_grant: express\n"
        '  sources: [{url: "https://example.org/lic", checked: 2026-11-01}]\n  confidence: secondary\n  notes: null\n'
        "providers:\n"
        + _SELLER.format(id="deepseek", kind="first_party")
        + _SELLER.format(id="together", kind="inference_provider")
        + _SELLER.format(id="fireworks", kind="inference_provider")
        + _SELLER.format(id="openrouter", kind="aggregator")
        + "models:\n"
        + "".join(_MODEL.format(id=mid, prices="[" + ", ".join(rows) + "]", modalities=mods) for mid, rows, mods in models)
    )
    cat = parse_catalog_text(text, "x.yaml", TEST_PRIMARY)
    assert cat.problems == ()
    return cat


def entry(provider: str, inp=None, out=None, **extra):
    e = {"litellm_provider": provider, **extra}
    if inp is not None:
        e["input_cost_per_token"] = inp * PER_TOKEN
    if out is not None:
        e["output_cost_per_token"] = out * PER_TOKEN
    return e


# ----------------------------------------------------------------------------- (a) a price we leave null
def test_a_price_null_on_our_side_but_in_the_list_is_a_disagreement():
    cat = catalog(("lab-x", [_row("deepseek", "first_party", "input_usd_per_mtok: null, output_usd_per_mtok: null")], "[text]"))
    result = diff(cat, {"deepseek/lab-x": entry("deepseek", 0.3, 1.2)})
    got = {(d.seller, d.field, d.ours, round(d.theirs, 6)) for d in result.disagreements}
    assert got == {("deepseek", "input_usd_per_mtok", None, 0.3), ("deepseek", "output_usd_per_mtok", None, 1.2)}
    assert "lab-x @ deepseek input_usd_per_mtok: ours null, theirs 0.3 (list key deepseek/lab-x)" in [d.line() for d in result.unexplained]


def test_a_price_null_on_both_sides_or_equal_is_no_disagreement():
    cat = catalog(("lab-x", [_row("deepseek", "first_party", "input_usd_per_mtok: 0.3, output_usd_per_mtok: null")], "[text]"))
    assert diff(cat, {"deepseek/lab-x": entry("deepseek", 0.3)}).disagreements == ()


# ----------------------------------------------------------------------------- (b) a model's own facts through any row
def test_an_open_model_sold_only_by_providers_has_its_window_and_modalities_checked():
    cat = catalog(("open-x", [_row("together", "inference_provider"), _row("fireworks", "inference_provider")], "[text]"))
    snapshot = {
        "together_ai/open-x": entry("together_ai", 1.0, 2.0),  # states neither fact
        "fireworks_ai/accounts/fireworks/models/open-x": entry("fireworks_ai", 1.0, 2.0, max_input_tokens=32768, supports_vision=True),
    }
    result = diff(cat, snapshot)
    facts = {d.field: d for d in result.disagreements if d.seller is None}
    assert set(facts) == {"context_tokens", "modalities"}
    assert (facts["context_tokens"].ours, facts["context_tokens"].theirs) == (128000, 32768)
    assert facts["modalities"].theirs == ["image", "text"]
    # the line says which list key the fact was read on
    assert "open-x context_tokens: ours 128000, theirs 32768 (list key fireworks_ai/accounts/fireworks/models/open-x)" in facts["context_tokens"].line()


def test_the_labs_own_row_is_read_first_for_the_models_facts():
    cat = catalog(("lab-x", [_row("together", "inference_provider"), _row("deepseek", "first_party")], "[text]"))
    snapshot = {
        "together_ai/lab-x": entry("together_ai", 1.0, 2.0, max_input_tokens=32768),
        "deepseek/lab-x": entry("deepseek", 1.0, 2.0, max_input_tokens=128000),
    }
    assert diff(cat, snapshot).disagreements == ()
    snapshot["deepseek/lab-x"]["max_input_tokens"] = 64000
    (d,) = diff(cat, snapshot).disagreements
    assert (d.field, d.theirs, d.key) == ("context_tokens", 64000, "deepseek/lab-x")


# ----------------------------------------------------------------------------- (c) models the list cannot carry
def test_models_with_no_row_the_list_could_carry_are_named_as_not_carried():
    cat = catalog(
        ("no-rows", [], "[text]"),
        ("aggregator-only", [_row("openrouter", "aggregator")], "[text]"),
        ("missing", [_row("together", "inference_provider")], "[text]"),
        ("carried", [_row("together", "inference_provider")], "[text]"),
    )
    result = diff(cat, {"together_ai/carried": entry("together_ai", 1.0, 2.0)})
    assert result.not_carried == (
        "no-rows (no price rows)",
        "aggregator-only (no row at a seller the list covers)",
        "missing @ together",
    )
    assert result.compared == 1


# ----------------------------------------------------------------------------- (d) an unsettled matter is 'neither'
def test_a_review_that_calls_an_unsettled_matter_for_one_side_is_refused(tmp_path):
    line = {"model": "m", "seller": "deepseek", "field": "input_usd_per_mtok", "why": "Which price DeepSeek bills today is unsettled."}
    with pytest.raises(ValueError, match="unsettled, so right must be 'neither', not 'ours'"):
        ReviewFile.model_validate({"reviewed": [{**line, "right": "ours"}]})
    assert ReviewFile.model_validate({"reviewed": [{**line, "right": "neither"}]}).reviewed[0].right == "neither"
    path = tmp_path / "review.yaml"
    path.write_text("reviewed:\n- {model: m, seller: x, field: batch_discount, right: theirs, why: 'Unsettled: not read at the seller.'}\n")
    with pytest.raises(InvalidData, match="right must be 'neither'"):
        load_review(path)


def test_the_shipped_reviews_call_no_unsettled_matter_for_one_side():
    for r in load_review().reviewed:
        if r.right != "neither":
            assert "unsettled" not in r.why.lower(), (r.model, r.seller, r.field)
