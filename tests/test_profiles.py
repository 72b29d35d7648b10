"""Golden tests: every usage profile from the seed gives its expected result."""

import pytest

from datetime import date

from grid.assessment import assess
from grid.errors import InvalidData
from grid.profiles import PROFILES_DIR, load_profiles, parse_profile

EXPECTED = {
    "cost_at_scale": ("open", {"rented_open_weights", "self_hosted"}),
    "regulated_on_prem": ("open", {"self_hosted"}),
    "ship_fast": ("closed", {"managed_api"}),
    "prototype": ("closed", {"managed_api"}),
    "hybrid_router": ("hybrid", {"router"}),
}


def test_the_five_seed_profiles_exist():
    assert set(load_profiles()) == set(EXPECTED)


@pytest.mark.parametrize("profile_id", sorted(EXPECTED))
def test_profile_gives_its_expected_result(profiles, profile_id):
    p = profiles[profile_id]
    rec, deployments = EXPECTED[profile_id]
    # the file's own expectation agrees with the table
    assert p.expected.recommendation == rec and set(p.expected.deployment) <= deployments
    a = assess(p.answers, p.checklist, today=date(2026, 12, 1))
    r = a.result
    assert r.recommendation == p.expected.recommendation
    assert r.deployment in p.expected.deployment
    assert r.unanswered == []
    assert r.confidence in ("high", "medium")
    assert len(r.reasons) >= 3
    # the deployment is an allowed, priced option of the cost report, and its reason quotes its cost
    chosen = getattr(a.costs, r.deployment_option)
    assert chosen.allowed and chosen.monthly_usd is not None
    assert r.deployment_reason.text


GOLDEN = {
    # profile: (option, the model that prices it) on the catalog of 2026-12-01
    "cost_at_scale": ("rented_open", "gpt-oss-20b"),
    "regulated_on_prem": ("self_hosted", "gpt-oss-120b"),
    "ship_fast": ("closed_api", "grok-4-7"),
    "prototype": ("closed_api", "claude-haiku-5-5"),
    "hybrid_router": ("hybrid", "grok-4-7 + gpt-oss-20b"),
}


@pytest.mark.parametrize("profile_id", sorted(GOLDEN))
def test_profile_golden_deployment_and_model(profiles, profile_id):
    p = profiles[profile_id]
    a = assess(p.answers, p.checklist, today=date(2026, 12, 1))
    option, model = GOLDEN[profile_id]
    assert a.result.deployment_option == option
    assert getattr(a.costs, option).model == model


@pytest.mark.parametrize("profile_id", sorted(EXPECTED))
def test_profile_axes_alone_lean_the_expected_way(profiles, profile_id):
    """With no checklist stop, the axes (with the cost comparison) still agree; the router's axes lean open."""
    p = profiles[profile_id]
    none = {c: "no" for c in ("data_must_stay", "high_steady_volume", "ship_fast_no_platform", "need_frontier", "mix")}
    r = assess(p.answers, none, today=date(2026, 12, 1)).result
    expected = p.expected.recommendation
    if expected == "hybrid":
        assert r.recommendation in ("hybrid", "open")
    else:
        assert r.recommendation == expected


def test_a_profile_with_an_unknown_option_is_refused(tmp_path):
    data = {
        "id": "x",
        "name": "X",
        "description": "d",
        "expected": {"recommendation": "open", "deployment": ["self_hosted"]},
        "answers": {"daily_tokens": "gazillions"},
    }
    with pytest.raises(InvalidData) as info:
        parse_profile(data, "x.yaml")
    assert "'gazillions' is not an option of daily_tokens" in str(info.value)


def test_profile_files_are_named_after_their_id():
    for path in PROFILES_DIR.glob("*.yaml"):
        assert path.stem in load_profiles()
