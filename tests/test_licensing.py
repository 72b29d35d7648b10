"""Licence × situation → what applies, in plain words. Real catalog entries for the cases the
issue names; the small test catalog for the mechanics."""

from datetime import date

import pytest

from grid.catalog import load_catalog
from grid.licensing import Scale, license_clauses, read_license, read_provider, threshold_status
from grid.questionnaire import load_questionnaire

TODAY = date(2026, 11, 21)
Q = load_questionnaire()


def scale(mau=None, revenue=None):
    answers = {}
    if mau:
        answers["monthly_active_users"] = mau
    if revenue:
        answers["annual_revenue_usd"] = revenue
    return Scale.from_answers(answers, Q)


def reading(license_id, developer, mau=None, revenue=None):
    lic = load_catalog().license_by_id[license_id]
    return read_license(lic, developer, scale(mau, revenue), TODAY)


CASES = [
    # (licence, developer, MAU, annual revenue, usable, a flag or blocking reason that must appear)
    ("kimi-k2-modified-mit", "Moonshot AI", "100m_to_700m", "under_1m", True, "Applies to you: above 100 million in monthly active users"),
    ("kimi-k2-modified-mit", "Moonshot AI", "100m_to_700m", "under_1m", True, "Kimi K2"),
    ("kimi-k2-modified-mit", "Moonshot AI", "under_1m", "under_1m", True, "Does not apply at your scale: the clause above 100 million in monthly active users"),
    ("kimi-k2-modified-mit", "Moonshot AI", None, None, True, "If you go above 100 million in monthly active users"),
    ("llama4-community", "Meta", "over_700m", None, False, "a separate licence from Meta is needed"),
    ("llama4-community", "Meta", "100m_to_700m", None, True, "Does not apply at your scale: the clause above 700 million in monthly active users"),
    ("llama3.3-community", "Meta", "over_700m", "over_240m", False, "above 700 million in monthly active users"),
    ("cc-by-nc-4.0", "Cohere", "under_1m", "under_1m", False, "does not allow commercial use"),
    ("tongyi-qianwen", "Alibaba Cloud", "under_1m", "under_1m", True, "You may not use its outputs to train or improve other large language models."),
    ("mistral-modified-mit", "Mistral AI", None, "over_240m", False, "the licence grants no rights at all"),
    ("mistral-modified-mit", "Mistral AI", None, "over_240m", False, "estimated as annual revenue ÷ 12"),
    ("mistral-modified-mit", "Mistral AI", None, "30m_to_240m", True, "Does not apply at your scale: the clause above $20 million in monthly revenue"),
    ("mistral-research-mrl", "Mistral AI", "under_1m", "under_1m", False, "does not allow commercial use"),
    ("apache-2.0", "OpenAI", "over_700m", "over_240m", True, "Attribution:"),
    ("kimi-k2.7-code-modified-mit", "Moonshot AI", "under_1m", "under_1m", True, "Does not apply at your scale: the clause above 100 million in monthly active users"),
    ("minimax-m2.7-license", "MiniMax", "under_1m", "under_1m", False, "does not allow commercial use"),
]


@pytest.mark.parametrize("lic,dev,mau,rev,usable,text", CASES, ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CASES])
def test_licence_read_against_the_users_scale(lic, dev, mau, rev, usable, text):
    r = reading(lic, dev, mau, rev)
    assert r.usable is usable
    everything = " ".join([r.blocking or "", *r.flags])
    assert text in everything, everything


@pytest.mark.parametrize(
    "mau,status",
    [("under_1m", "does_not_apply"), ("1m_to_100m", "does_not_apply"), ("100m_to_700m", "applies"), ("over_700m", "applies"), (None, "may_apply")],
)
def test_threshold_edges_at_100_million_users(mau, status):
    lic = load_catalog().license_by_id["kimi-k2-modified-mit"]
    t = next(t for t in lic.thresholds if t.metric == "monthly_active_users")
    assert threshold_status(t, scale(mau)) == status


def test_annual_revenue_threshold_compares_directly():
    lic = load_catalog().license_by_id["minimax-m2-modified-mit"]
    t = next(t for t in lic.thresholds if t.metric == "annual_revenue_usd")
    assert threshold_status(t, scale(revenue="1m_to_30m")) == "does_not_apply"
    assert threshold_status(t, scale(revenue="30m_to_240m")) == "applies"


def test_stale_licence_is_flagged():
    lic = load_catalog().license_by_id["apache-2.0"]
    r = read_license(lic, "x", scale(), date(2027, 12, 1))
    assert any("more than 180 days ago" in f for f in r.flags)


def test_provider_without_zero_retention_is_blocked_only_under_a_contract_boundary():
    cat = load_catalog()
    p = cat.provider_by_id["openai"].model_copy(update={"zero_data_retention": "none"})
    assert not read_provider(p, {"data_boundary": "vendor_with_contract"}, TODAY).usable
    assert read_provider(p, {"data_boundary": "any_vendor"}, TODAY).usable


def test_plain_words_clauses_cover_every_field():
    lic = load_catalog().license_by_id["llama4-community"]
    topics = [t for t, _ in license_clauses(lic, "Meta")]
    assert topics == ["Commercial use", "Threshold", "Attribution", "Acceptable use", "Derivatives", "Outputs", "Patents", "Regional restriction", "Open source"]
    text = " ".join(s for _, s in license_clauses(lic, "Meta"))
    assert "Above 700 million in monthly active users: a separate licence from Meta is needed" in text
    assert "EU, for its multimodal models" in text
