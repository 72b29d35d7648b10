"""The shortlist per recommendation, its hard filters and its JSON in the CLI."""

import io
import json
from datetime import date

import pytest

from grid import score
from grid.catalog import read_catalog
from grid.cli import main
from grid.questionnaire import load_questionnaire
from grid.shortlist import build_shortlist
from tests.conftest import ROOT

Q = load_questionnaire()
SMALL = read_catalog(ROOT / "tests" / "catalogs" / "valid_small.yaml")
TODAY = date(2026, 11, 21)
NO = {c.id: "no" for c in Q.checklist}


def shortlist(answers, checklist=None, catalog=SMALL):
    r = score(answers, checklist if checklist is not None else NO)
    return r, build_shortlist(r, answers, catalog, Q, TODAY)


def test_open_recommendation_lists_open_weight_models_only():
    r, sl = shortlist({"fine_tuning": "deep"})
    assert r.recommendation == "open"
    assert {c.role for c in sl.candidates} == {"primary"}
    assert {c.model for c in sl.candidates} == {"open-text", "open-vision", "open-frontier"}
    assert all(c.license and not c.provider for c in sl.candidates)


def test_closed_recommendation_lists_closed_models_only():
    r, sl = shortlist({"ml_platform_team": "none"})
    assert r.recommendation == "closed"
    assert {c.model for c in sl.candidates} == {"closed-frontier", "closed-cheap"}
    assert all(c.provider and not c.license for c in sl.candidates)


def test_hybrid_pairs_an_open_volume_model_with_a_closed_frontier_model():
    r, sl = shortlist({}, {**NO, "mix": "yes"})
    assert r.recommendation == "hybrid"
    volume = [c for c in sl.candidates if c.role == "volume"]
    frontier = [c for c in sl.candidates if c.role == "frontier"]
    assert volume and all(c.license for c in volume)
    assert frontier and all(c.provider for c in frontier)
    assert frontier[0].model == "closed-frontier"  # the frontier tier ranks first


def test_frontier_tasks_rank_the_frontier_tier_first_and_routine_tasks_the_strong_tier():
    _, sl = shortlist({"fine_tuning": "deep", "lock_in_tolerance": "unacceptable", "task_difficulty": "frontier"})
    assert sl.candidates[0].model == "open-frontier"
    _, sl = shortlist({"fine_tuning": "deep", "task_difficulty": "routine"})
    assert sl.candidates[0].tier == "strong"


def test_multimodal_need_excludes_text_only_models_with_the_reason():
    r, sl = shortlist({"fine_tuning": "deep", "lock_in_tolerance": "unacceptable", "modality": "multimodal"})
    assert r.recommendation == "open"
    assert [c.model for c in sl.candidates] == ["open-vision"]
    reasons = {e.model: e.reason for e in sl.excluded}
    assert "Text-only" in reasons["open-text"] and "Text-only" in reasons["open-frontier"]


def test_licence_over_the_users_scale_excludes_the_model():
    _, sl = shortlist({"fine_tuning": "deep", "monthly_active_users": "over_700m"})
    reasons = {e.model: e.reason for e in sl.excluded}
    assert "open-vision" in reasons and "separate licence from Lab B" in reasons["open-vision"]


def test_zero_retention_contract_excludes_providers_without_it():
    answers = {"ml_platform_team": "none", "time_to_production": "weeks", "data_boundary": "vendor_with_contract"}
    r, sl = shortlist(answers)
    assert r.recommendation == "closed"
    assert [c.model for c in sl.candidates] == ["closed-frontier"]
    assert "no zero-data-retention option" in {e.model: e.reason for e in sl.excluded}["closed-cheap"]


def test_stale_entries_are_flagged():
    _, sl = shortlist({"fine_tuning": "deep"})
    vision = next(c for c in sl.candidates if c.model == "open-vision")
    # its newest check is 2026-01-01, over 180 days before 2026-11-21
    assert vision.stale and any("more than 180 days ago" in f for f in vision.flags)
    assert not next(c for c in sl.candidates if c.model == "open-text").stale


def test_candidates_carry_price_with_source_and_date():
    _, sl = shortlist({"fine_tuning": "deep"})
    text = next(c for c in sl.candidates if c.model == "open-text")
    assert text.price.output_usd_per_mtok == 0.6 and text.price.source == "https://example.org/p1" and text.price.checked == "2026-11-01"
    assert "No price in the catalog." in next(c for c in sl.candidates if c.model == "open-vision").flags


@pytest.mark.parametrize("profile", ["cost_at_scale", "regulated_on_prem", "ship_fast", "prototype", "hybrid_router"])
def test_every_profile_gets_a_shortlist_from_the_real_catalog(profiles, profile):
    from grid.catalog import load_catalog

    p = profiles[profile]
    r = score(p.answers, p.checklist)
    sl = build_shortlist(r, p.answers, load_catalog(), Q, TODAY)
    roles = {c.role for c in sl.candidates}
    assert roles == ({"volume", "frontier"} if r.recommendation == "hybrid" else {"primary"})
    weights = {load_catalog().model_by_id[c.model].weights for c in sl.candidates}
    assert weights == ({"open", "closed"} if r.recommendation == "hybrid" else {"open" if r.recommendation == "open" else "closed"})


def test_regulated_big_company_excludes_mistral_modified_mit():
    from grid.catalog import load_catalog

    answers = {"data_boundary": "air_gapped", "annual_revenue_usd": "over_240m"}
    r = score(answers)
    sl = build_shortlist(r, answers, load_catalog(), Q, TODAY)
    reasons = {e.model: e.reason for e in sl.excluded}
    assert "grants no rights" in reasons["devstral-2-123b"]
    assert "command-a-03-2025" in reasons  # CC-BY-NC


def test_recommend_json_has_shortlist_and_excluded(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("profile: hybrid_router\n")
    out, err = io.StringIO(), io.StringIO()
    assert main(["recommend", str(f), "--json"], out=out, err=err) == 0
    data = json.loads(out.getvalue())
    assert data["shortlist"] and data["excluded"]
    for c in data["shortlist"]:
        assert {"model", "role", "license", "flags"} <= set(c)
        assert c["role"] in ("volume", "frontier") and isinstance(c["flags"], list)
    assert all({"model", "reason"} <= set(e) for e in data["excluded"])


def _with(catalog, model_id, **changes):
    """A copy of ``catalog`` with one model's fields changed."""
    from grid.catalog import Catalog

    models = tuple(m.model_copy(update=changes) if m.id == model_id else m for m in catalog.models)
    return Catalog(licenses=catalog.licenses, providers=catalog.providers, models=models)


def test_a_retired_model_is_never_shortlisted_and_says_when_it_retired():
    cat = _with(SMALL, "closed-cheap", status="retired", retires_on=date(2026, 7, 31))
    _, sl = shortlist({"ml_platform_team": "none"}, catalog=cat)
    assert "closed-cheap" not in {c.model for c in sl.candidates}
    why = next(e.reason for e in sl.excluded if e.model == "closed-cheap")
    assert "Retired" in why and "2026-07-31" in why


def test_a_deprecated_model_is_shortlisted_only_with_its_retirement_date():
    cat = _with(SMALL, "closed-cheap", status="deprecated", deprecated_on=date(2026, 10, 1), retires_on=date(2027, 3, 1))
    _, sl = shortlist({"ml_platform_team": "none"}, catalog=cat)
    cheap = next(c for c in sl.candidates if c.model == "closed-cheap")
    assert cheap.status == "deprecated" and cheap.retires_on == "2027-03-01"
    assert any("Deprecated" in f and "2027-03-01" in f for f in cheap.flags)
    frontier = next(c for c in sl.candidates if c.model == "closed-frontier")
    assert not any("Deprecated" in f for f in frontier.flags)


def test_an_eu_restriction_is_flagged_for_multimodal_models_when_data_stays_in_the_eu():
    from grid.catalog import Catalog, GeoRestriction, Source

    geo = GeoRestriction(region="eu", scope="multimodal", text="No rights for EU-domiciled companies.", source=Source(url="https://example.org/aup", checked=date(2026, 12, 1)))
    lics = tuple(lic.model_copy(update={"geographic_restrictions": [geo]}) if lic.id == "lic-big" else lic for lic in SMALL.licenses)
    cat = Catalog(licenses=lics, providers=SMALL.providers, models=SMALL.models)
    answers = {"fine_tuning": "deep", "data_region": "eu"}
    _, sl = shortlist(answers, catalog=cat)
    vision = next(c for c in sl.candidates if c.model == "open-vision")  # lic-big, takes images
    assert any("EU" in f and "No rights for EU-domiciled companies." in f for f in vision.flags)
    _, sl_us = shortlist({**answers, "data_region": "us"}, catalog=cat)
    assert not any("No rights" in f for f in next(c for c in sl_us.candidates if c.model == "open-vision").flags)
    # the clause follows the company's domicile: an EU company is flagged wherever it processes data,
    # a company domiciled elsewhere is not flagged even with an EU data region
    _, sl_eu_co = shortlist({**answers, "data_region": "us", "company_domicile": "eu"}, catalog=cat)
    assert any("where your company is domiciled" in f for f in next(c for c in sl_eu_co.candidates if c.model == "open-vision").flags)
    _, sl_us_co = shortlist({**answers, "company_domicile": "us"}, catalog=cat)
    assert not any("No rights" in f for f in next(c for c in sl_us_co.candidates if c.model == "open-vision").flags)
