"""Catalog truth: the audited facts, lifecycle, sellers, primary sources, sizing arithmetic and the
pinned price-list cross-check. The golden file pins the licence facts that change a decision."""

import io
import os
from datetime import date

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grid.assessment import assess, retired_in_outputs
from grid.catalog import Catalog, load_catalog, load_primary_sources, parse_catalog_text
from grid.cli import main
from grid.cost import load_cost_data, sizing
from grid.pricelist import diff, load_review, load_snapshot, normalize
from grid.questionnaire import load_questionnaire
from tests.conftest import ROOT

CAT = load_catalog()
DATA = load_cost_data()
Q = load_questionnaire()
GOLDEN = ROOT / "tests" / "golden" / "licence_facts.yaml"
SMALL_TEXT = (ROOT / "tests" / "catalogs" / "valid_small.yaml").read_text()
TEST_PRIMARY = load_primary_sources(ROOT / "tests" / "catalogs" / "primary_sources.yaml")


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


# ----------------------------------------------------------------------------- golden licence facts
def licence_facts(catalog: Catalog) -> dict:
    """The clauses that change an architect's decision, per licence."""
    return {
        lic.id: {
            "commercial_use": lic.commercial_use,
            "thresholds": [f"{t.metric} > {t.value}: {t.consequence}" for t in lic.thresholds],
            "geographic_restrictions": [f"{g.region} ({g.scope})" for g in lic.geographic_restrictions],
            "outputs_to_train_other_models": lic.outputs_to_train_other_models,
            "acceptable_use_policy": lic.acceptable_use_policy,
            "patent_grant": lic.patent_grant,
            "used_by": sorted(m.id for m in catalog.models if m.license == lic.id),
        }
        for lic in catalog.licenses
    }


def test_licence_facts_match_the_golden_file():
    facts = licence_facts(CAT)
    if os.environ.get("GRID_UPDATE_GOLDEN"):
        GOLDEN.write_text(
            "# The licence facts that change a decision, pinned. Regenerate after a reviewed catalog edit:\n"
            "#   GRID_UPDATE_GOLDEN=1 pytest tests/test_catalog_truth.py\n"
            + yaml.safe_dump(facts, sort_keys=True, allow_unicode=True, width=120),
            encoding="utf-8",
        )
    assert facts == yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


def test_every_licence_is_used_by_a_model():
    unused = [lic.id for lic in CAT.licenses if not any(m.license == lic.id for m in CAT.models)]
    assert unused == []


# ----------------------------------------------------------------------------- the audited facts
def test_the_audited_licence_facts():
    lic = CAT.license_by_id
    assert CAT.model_by_id["nemotron-3-ultra"].license == "openmdw-1.1"
    assert lic["openmdw-1.1"].commercial_use == "yes" and lic["openmdw-1.1"].patent_grant == "express"
    m25 = lic["minimax-m2.5-license"]
    assert CAT.model_by_id["minimax-m2.5"].license == "minimax-m2.5-license"
    assert m25.acceptable_use_policy is True and not any(t.consequence == "display_attribution" for t in m25.thresholds)
    assert any("LICENSE-MODEL" in s.url for s in m25.sources)
    m27 = lic["minimax-m2.7-license"]
    assert (m27.acceptable_use_policy, m27.outputs_to_train_other_models, m27.patent_grant) == (True, "not_addressed", "none_express")
    eu = [g for g in lic["llama4-community"].geographic_restrictions if g.region == "eu"]
    assert eu and eu[0].scope == "multimodal" and "European Union" in eu[0].text
    assert "Tongyi%20Qianwen%20LICENSE%20AGREEMENT" in lic["tongyi-qianwen"].sources[0].url
    assert any("creativecommons" in s.url and "by-nc/4.0" in s.url for s in lic["cc-by-nc-4.0"].sources)


def test_the_audited_model_facts():
    m = CAT.model_by_id
    assert m["kimi-k2.7-code"].reference_price.cached_input_usd_per_mtok == pytest.approx(0.19)
    assert "video" in m["kimi-k2.5"].modalities
    for added in ("claude-mythos-preview", "gpt-5-4", "qwen3.6-plus", "qwen3.6-max"):
        assert added in m, added
    assert m["magistral-medium-1-2"].status == "retired" and m["mistral-medium-3-1"].status == "retired"
    assert not any(p.seller == "mistral" for p in m["devstral-2-123b"].prices), "Devstral 2's first-party API is retired"
    assert not any("0711" in (p.notes or "") and p.seller == "moonshot" for p in m["kimi-k2-instruct"].prices)


def test_batch_discounts_are_catalogued_so_batch_share_changes_costs():
    with_batch = [m.id for m in CAT.models if any(p.batch_discount for p in m.prices)]
    assert len(with_batch) >= 10
    code, out, _ = run("cost", "--tokens-per-day", "30000000", "--closed", "claude-opus-5-5", "--json")
    code2, out2, _ = run("cost", "--tokens-per-day", "30000000", "--closed", "claude-opus-5-5", "--batch-share", "1", "--json")
    assert code == code2 == 0
    import json

    assert json.loads(out2)["closed_api"]["monthly_usd"] < json.loads(out)["closed_api"]["monthly_usd"]


def test_reference_price_is_the_labs_own_and_never_an_aggregators():
    for m in CAT.models:
        ref = m.reference_price
        assert ref is None or ref.kind == "first_party", m.id
        best = m.best_price
        assert best is None or best.kind != "aggregator", m.id


def test_every_seller_states_its_kind_and_sources_and_the_majors_have_attestations():
    kinds = {p.kind for p in CAT.providers}
    assert {"first_party", "hyperscaler", "inference_provider", "aggregator"} <= kinds
    assert {"aws-bedrock", "azure-foundry", "google-vertex"} <= set(CAT.provider_by_id)
    assert len([p for p in CAT.providers if p.kind == "inference_provider"]) >= 5
    for pid in ("openai", "anthropic", "xai"):
        assert CAT.provider_by_id[pid].attestations, pid
    served = {p.seller for m in CAT.models for p in m.prices}
    assert {"aws-bedrock", "azure-foundry", "google-vertex", "together", "fireworks"} <= served


# ----------------------------------------------------------------------------- what the check refuses
def _problems(text: str) -> list[str]:
    return list(parse_catalog_text(text, "x.yaml", TEST_PRIMARY).problems)


def test_check_refuses_a_model_with_no_status():
    text = SMALL_TEXT.replace("  status: ga\n", "", 1)
    assert any("(open-text).status: required key is missing" in p for p in _problems(text))


def test_check_refuses_a_price_row_without_a_seller_or_with_an_unknown_one():
    no_seller = SMALL_TEXT.replace("{seller: host, ", "{", 1)
    assert any("prices[0].seller: required key is missing" in p for p in _problems(no_seller))
    unknown = SMALL_TEXT.replace("{seller: host, ", "{seller: nobody, ", 1)
    assert any("unknown seller 'nobody'" in p for p in _problems(unknown))


def test_check_refuses_verified_on_a_source_outside_the_primary_list():
    text = SMALL_TEXT.replace('url: "https://example.org/open-text"', 'url: "https://someblog.example.com/open-text"', 1)
    assert any("(open-text).confidence: 'verified' needs at least one source on the owner's own site" in p for p in _problems(text))
    row = SMALL_TEXT.replace('source: "https://example.org/p1"', 'source: "https://aggregator.example.net/p1"', 1)
    assert any("prices[0].confidence: 'verified' needs the seller's own page" in p for p in _problems(row))


def test_check_refuses_a_retired_model_without_a_date_or_a_source():
    text = SMALL_TEXT.replace("  status: ga\n", "  status: retired\n", 1)
    problems = " ".join(_problems(text))
    assert "needs a lifecycle_source" in problems and "a retired model needs its retires_on date" in problems


def test_check_refuses_a_retired_model_in_a_profiles_output():
    closed_default = str(DATA.defaults.closed_model.value)
    models = tuple(
        m.model_copy(update={"status": "retired", "retires_on": date(2026, 1, 1), "lifecycle_source": m.sources[0]}) if m.id == closed_default else m
        for m in CAT.models
    )
    cat = Catalog(licenses=CAT.licenses, providers=CAT.providers, models=models)
    problems = retired_in_outputs(cat, DATA, today=date(2026, 12, 1))
    assert any(f"{closed_default} is retired" in p for p in problems)
    assert retired_in_outputs(CAT, DATA, today=date(2026, 12, 1)) == []


def test_cli_check_of_the_shipped_catalog_includes_the_profile_audit():
    code, out, _ = run("catalog", "check")
    assert code == 0 and ": OK, " in out


answer_sets = st.fixed_dictionaries({}, optional={q.id: st.sampled_from([o.id for o in q.options]) for q in Q.questions})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets)
def test_no_retired_model_is_ever_shortlisted_or_costed(answers):
    a = assess(answers, today=date(2026, 12, 1))
    used = {c.model for c in a.shortlist.candidates} | set(a.suggested_models.values())
    if a.costs is not None:
        for opt in (a.costs.closed_api, a.costs.rented_open, a.costs.self_hosted, a.costs.hybrid):
            used.update((opt.model or "").split(" + "))
    assert not [m for m in used if m in CAT.model_by_id and CAT.model_by_id[m].retired]


# ----------------------------------------------------------------------------- sizing arithmetic
def test_every_footprint_holds_its_model_and_the_basis_shows_the_arithmetic():
    for f in DATA.footprints:
        m, g = CAT.model_by_id[f.model], DATA.gpu(f.gpu)
        sz = sizing(f, m, g, DATA.defaults)
        if sz is None:
            continue
        assert f.gpus_per_replica >= sz.min_gpus, (f.model, f.gpu)
        assert "parameters ×" in sz.text and "KV-cache headroom" in sz.text


def test_deepseek_v4_pro_at_fp8_does_not_fit_eight_h200s():
    f = next(f for f in DATA.footprints if f.model == "deepseek-v4-pro" and f.gpu == "h200-141gb")
    fp8 = f.model_copy(update={"weight_bytes_per_param": 1.0, "precision": "FP8"})
    sz = sizing(fp8, CAT.model_by_id["deepseek-v4-pro"], DATA.gpu("h200-141gb"), DATA.defaults)
    assert sz.weights_gb == pytest.approx(1600) and sz.min_gpus > 8
    from grid.cost import parse_cost_data
    from grid.errors import InvalidData

    raw = yaml.safe_load((ROOT / "data" / "costs.yaml").read_text())
    for fp in raw["footprints"]:
        if fp["model"] == "deepseek-v4-pro" and fp["gpu"] == "h200-141gb":
            fp["weight_bytes_per_param"] = 1.0
    with pytest.raises(InvalidData, match="deepseek-v4-pro on h200-141gb.*cannot hold the model"):
        parse_cost_data(raw, "costs.yaml", CAT)


def test_gpu_default_rates_are_on_demand_and_never_serverless():
    for g in DATA.gpus:
        assert g.default_price.commitment == "on_demand", g.id
    l40s = DATA.gpu("l40s-48gb")
    on_demand = sorted(p.hourly_usd for p in l40s.prices if p.commitment == "on_demand")
    assert l40s.default_price.hourly_usd <= on_demand[len(on_demand) // 2]


# ----------------------------------------------------------------------------- pinned price list
def test_names_normalise_across_the_lists_styles():
    assert normalize("fireworks_ai/accounts/fireworks/models/kimi-k2p5") == normalize("kimi-k2.5")
    assert normalize("global.anthropic.claude-opus-5-5") == normalize("claude-opus-5-5")
    assert normalize("meta.llama3-3-70b-instruct-v1:0") == normalize("llama-3.3-70b-instruct")
    assert normalize("gpt-5.5") == normalize("gpt-5-5")


def test_catalog_diff_has_no_unreviewed_disagreement_and_no_stale_review():
    result = diff(CAT, load_snapshot(), load_review())
    assert result.compared > 50
    assert [d.line() for d in result.unexplained] == []
    assert [r.model for r in result.stale_reviews] == []


def test_catalog_diff_reports_a_changed_price_and_a_row_the_list_lacks(tmp_path):
    import json

    snap = load_snapshot()
    key = next(k for k, v in snap.items() if v.get("litellm_provider") == "anthropic" and normalize(k) == normalize("claude-opus-5-5"))
    snap[key] = {**snap[key], "output_cost_per_token": snap[key]["output_cost_per_token"] * 2}
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"models": snap}))
    code, out, _ = run("catalog", "diff", str(path))
    assert code == 1
    assert "NOT REVIEWED  claude-opus-5-5 @ anthropic output_usd_per_mtok" in out
    assert "Not in the list:" in out


def test_catalog_diff_refuses_a_broken_snapshot_in_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = run("catalog", "diff", str(bad))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "not a JSON price list" in err


def test_check_reports_a_bad_reference_even_when_the_entry_has_a_field_error():
    text = SMALL_TEXT.replace("  license: lic-free\n", "  license: lic-nope\n  colour: red\n", 1)
    problems = " | ".join(_problems(text))
    assert "colour: unknown key" in problems and "license: unknown licence 'lic-nope'" in problems


# ----------------------------------------------------------------------------- 'verified' on the right owner's page
SHIPPED_PRIMARY = load_primary_sources()
_LICENCE = """\
- id: {id}
  name: {id}
  spdx: null
  hf_tag: null
  osi_approved: false
  commercial_use: "yes"
  thresholds: []
  attribution: null
  acceptable_use_policy: false
  derivative_naming: null
  outputs_to_train_other_models: allowed
  patent_grant: express
  sources: [{{url: "{url}", checked: 2026-11-01}}]
  confidence: verified
  notes: null
"""
_SELLER = """\
- id: {id}
  name: {id}
  kind: {kind}
  trains_on_api_data_by_default: false
  zero_data_retention: unknown
  sources: [{{url: "{url}", checked: 2026-11-01}}]
  confidence: verified
"""
OWNED_TEXT = (
    "licenses:\n"
    + _LICENCE.format(id="mit", url="https://spdx.org/licenses/MIT.html")
    + _LICENCE.format(id="minimax-m2-modified-mit", url="https://github.com/MiniMax-AI/MiniMax-M2/blob/main/LICENSE")
    + "providers:\n"
    + _SELLER.format(id="deepseek", kind="first_party", url="https://api-docs.deepseek.com/quick_start/pricing")
    + _SELLER.format(id="together", kind="inference_provider", url="https://docs.together.ai/docs/privacy-and-security")
    + _SELLER.format(id="openrouter", kind="aggregator", url="https://openrouter.ai/docs/features/zdr")
    + """\
models:
- id: deepseek-v3
  name: DeepSeek V3
  developer: DeepSeek
  weights: open
  license: mit
  provider: null
  status: ga
  released: 2026-06-01
  modalities: [text]
  context_tokens: 128000
  parameters_total_b: 671
  parameters_active_b: 37
  prices:
    - {seller: deepseek, kind: first_party, confidence: verified, input_usd_per_mtok: 0.3, output_usd_per_mtok: 1.2, source: "https://api-docs.deepseek.com/quick_start/pricing", checked: 2026-11-01}
    - {seller: together, kind: inference_provider, confidence: verified, input_usd_per_mtok: 0.6, output_usd_per_mtok: 1.7, source: "https://docs.together.ai/docs/serverless-models", checked: 2026-11-01}
    - {seller: openrouter, kind: aggregator, confidence: verified, input_usd_per_mtok: 0.3, output_usd_per_mtok: 1.2, source: "https://openrouter.ai/deepseek/deepseek-chat", checked: 2026-11-01}
  tier: strong
  tier_basis: test
  sources: [{url: "https://huggingface.co/deepseek-ai/DeepSeek-V3", checked: 2026-11-01}]
  confidence: verified
  notes: null
"""
)


def _owned(text: str) -> list[str]:
    return list(parse_catalog_text(text, "x.yaml", SHIPPED_PRIMARY).problems)


def test_verified_on_each_owners_own_page_passes():
    assert _owned(OWNED_TEXT) == []


def test_a_first_party_row_citing_an_inference_providers_page_is_refused():
    text = OWNED_TEXT.replace('source: "https://api-docs.deepseek.com/quick_start/pricing"', 'source: "https://docs.together.ai/docs/serverless-models"', 1)
    problems = _owned(text)
    assert len(problems) == 1, problems
    assert "models[0] (deepseek-v3).prices[0].confidence: 'verified' needs the seller's own page as source (DeepSeek's), " in problems[0]
    assert "not https://docs.together.ai/docs/serverless-models (Together AI's page); mark the row 'secondary'" in problems[0]
    assert _owned(text.replace("{seller: deepseek, kind: first_party, confidence: verified", "{seller: deepseek, kind: first_party, confidence: secondary", 1)) == []


def test_an_aggregators_page_counts_only_for_the_aggregators_own_row():
    text = OWNED_TEXT.replace('source: "https://api-docs.deepseek.com/quick_start/pricing"', 'source: "https://openrouter.ai/deepseek/deepseek-chat"', 1)
    assert any("prices[0].confidence: 'verified' needs the seller's own page as source (DeepSeek's)" in p for p in _owned(text))


def test_a_licence_citing_another_labs_repository_is_refused():
    text = OWNED_TEXT.replace("https://github.com/MiniMax-AI/MiniMax-M2/blob/main/LICENSE", "https://huggingface.co/meta-llama/Llama-4-Scout-17B-16E/blob/main/LICENSE", 1)
    problems = _owned(text)
    assert len(problems) == 1, problems
    assert problems[0].startswith("licenses[1] (minimax-m2-modified-mit).confidence: 'verified' needs at least one source on the owner's own site (MiniMax's")
    # a lab's copy of a standard licence is the lab's page, not the steward's
    mit = OWNED_TEXT.replace("https://spdx.org/licenses/MIT.html", "https://github.com/deepseek-ai/DeepSeek-V3/blob/main/LICENSE-CODE", 1)
    assert any("(mit).confidence: 'verified' needs at least one source on the owner's own site (Open Source Initiative or SPDX's" in p for p in _owned(mit))


def test_a_model_verified_only_on_another_labs_page_is_refused():
    text = OWNED_TEXT.replace("https://huggingface.co/deepseek-ai/DeepSeek-V3", "https://huggingface.co/moonshotai/Kimi-K2-Instruct", 1)
    assert any("(deepseek-v3).confidence: 'verified' needs at least one source on the owner's own site (DeepSeek's" in p for p in _owned(text))


def test_a_seller_licence_or_developer_with_no_owner_is_reported():
    seller = OWNED_TEXT.replace("- id: openrouter\n  name: openrouter\n", "- id: newhost\n  name: newhost\n", 1).replace("{seller: openrouter,", "{seller: newhost,", 1)
    problems = _owned(seller)
    assert len(problems) == 1, problems  # once, at the seller; its rows are not refused one by one
    assert problems[0].startswith("providers[2] (newhost).id: seller 'newhost' has no owner in data/primary_sources.yaml; add it to primary_sources.yaml")
    licence = OWNED_TEXT.replace("- id: mit\n  name: mit\n", "- id: wtfpl\n  name: wtfpl\n", 1).replace("  license: mit\n", "  license: wtfpl\n", 1)
    assert any("licenses[0] (wtfpl).id: licence 'wtfpl' has no owner" in p for p in _owned(licence))
    developer = OWNED_TEXT.replace("  developer: DeepSeek\n", "  developer: DeepSeek AI Lab\n", 1)
    assert any("models[0] (deepseek-v3).developer: developer 'DeepSeek AI Lab' has no owner" in p and "under developers, with the owner(s)" in p
               for p in _owned(developer))


def test_the_shipped_list_names_an_owner_for_every_seller_licence_and_developer():
    assert SHIPPED_PRIMARY.mapped
    assert {p.id for p in CAT.providers} <= set(SHIPPED_PRIMARY.sellers)
    assert {lic.id for lic in CAT.licenses} <= set(SHIPPED_PRIMARY.licences)
    assert {m.developer for m in CAT.models} <= set(SHIPPED_PRIMARY.developers)
    assert SHIPPED_PRIMARY.sellers["aws-bedrock"] >= {"Amazon Web Services"}
    assert SHIPPED_PRIMARY.licences["apache-2.0"] == {"Apache Software Foundation", "SPDX", "Open Source Initiative"}
    assert SHIPPED_PRIMARY.licences["llama4-community"] == {"Meta"}


def test_an_owner_mapping_naming_no_prefixs_owner_is_refused(tmp_path):
    from grid.errors import InvalidData

    path = tmp_path / "primary_sources.yaml"
    path.write_text('primary:\n  - {prefix: "https://example.org/", owner: "Example"}\nsellers:\n  host: ["Exmaple"]\n')
    with pytest.raises(InvalidData, match="'Exmaple' owns no prefix"):
        load_primary_sources(path)


# ----------------------------------------------------------------------------- attestations
def _catalog_with_bedrock(update):
    data = yaml.safe_load((ROOT / "data" / "models.yaml").read_text(encoding="utf-8"))
    bedrock = next(p for p in data["providers"] if p["id"] == "aws-bedrock")
    bedrock.update(update)
    return parse_catalog_text(yaml.safe_dump(data, allow_unicode=True), "edited")


def test_every_attestation_names_the_page_it_was_read_on():
    cat = _catalog_with_bedrock({"attestations": ["SOC 2 Type 2"], "attestation_sources": []})
    assert any("aws-bedrock" in p and "attestation_sources" in p for p in cat.problems)


def test_a_verified_attestation_must_be_read_on_the_sellers_own_page():
    src = {"url": "https://aiprovidertrust.com/offerings/bedrock/", "checked": "2026-12-01", "confidence": "verified", "covers": ["SOC 2 Type 2"]}
    cat = _catalog_with_bedrock({"attestations": ["SOC 2 Type 2"], "attestation_sources": [src]})
    assert any("attestation_sources[0].confidence" in p and "seller's own page" in p for p in cat.problems)
    ok = _catalog_with_bedrock({"attestations": ["SOC 2 Type 2"], "attestation_sources": [{**src, "confidence": "secondary"}]})
    assert not ok.problems


def test_the_hyperscalers_state_attestations_and_the_catalog_says_how_they_were_read():
    cat = load_catalog()
    for sid in ("aws-bedrock", "azure-foundry", "google-vertex"):
        p = cat.provider_by_id[sid]
        assert p.attestations, sid  # none of them states nothing
        assert "SOC 2" in " ".join(p.attestations) or "FedRAMP High" in p.attestations
    # where nobody found a statement the catalog says so, instead of "none"
    assert cat.provider_by_id["deepseek"].attestations is None
    assert cat.provider_by_id["deepseek"].attestation_words() == "not found on its own pages"
    assert "read only on third-party copies" in cat.provider_by_id["aws-bedrock"].attestation_words()


def test_release_dates_are_filled_with_where_they_were_read_and_verified_only_at_the_developer():
    cat = load_catalog()
    for mid in ("gpt-5-4", "gpt-6-2-astra", "qwen3.6-plus", "kimi-k3", "nemotron-3-ultra"):
        m = cat.model_by_id[mid]
        assert m.released is not None and m.released_source is not None, mid
    assert cat.model_by_id["gpt-6-2-astra"].released_source.confidence == "secondary"  # read on a third party's page
    data = yaml.safe_load((ROOT / "data" / "models.yaml").read_text(encoding="utf-8"))
    m = next(x for x in data["models"] if x["id"] == "gpt-6-2-astra")
    m["released_source"] = {**m["released_source"], "confidence": "verified"}
    edited = parse_catalog_text(yaml.safe_dump(data, allow_unicode=True), "edited")
    assert any("released_source.confidence" in p for p in edited.problems)
