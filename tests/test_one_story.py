"""One story: the user's constraints choose the options, the app's own costs compare them, and the
call, the deployment, the reasons, the flips and the confidence all agree with the cost table.

Unit tests pin each rule; property tests over random answer sets show that the parts agree.
"""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grid.assessment import assess
from grid.catalog import load_catalog
from grid.cost import CostInputs, InvalidCostInput, load_cost_data
from grid.engine import _compiled, decide, suggest_checklist
from grid.options import CLOSED_OPTIONS, FILTERS, OPEN_OPTIONS, OPTION_KEYS, Ctx, World, cost_lean, money, rank
from grid.questionnaire import REC_RANK, load_questionnaire
from tests.conftest import openness

Q = load_questionnaire()
CAT = load_catalog()
DATA = load_cost_data()
TODAY = date(2026, 12, 1)
REVISIT = date(2027, 6, 1)
C = _compiled(Q)
WORLD = World(Q, CAT, DATA, CostInputs(), TODAY, REVISIT)
LEAN = {"strongly_closed": -2, "closed": -1, "slightly_closed": -0.5, "neutral": 0, "slightly_open": 0.5, "open": 1, "strongly_open": 2}

answer_sets = st.fixed_dictionaries({}, optional={q.id: st.sampled_from([o.id for o in q.options]) for q in Q.questions})
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def facts(answers, world=WORLD):
    return world.facts(answers)


def call(answers, checklist=None, world=WORLD):
    return decide(C, answers, checklist or {}, world.facts(answers))


# ----------------------------------------------------------------------------- the filters
def test_air_gapped_leaves_only_self_hosting():
    f = facts({"data_boundary": "air_gapped"})
    assert [k for k, o in f.options.items() if o.allowed] == ["self_hosted"]
    for k in ("closed_api", "closed_cloud", "rented_open"):
        assert any(b.question == "data_boundary" and b.answer == "air_gapped" for b in f.options[k].blocked_by), k
    d = call({"data_boundary": "air_gapped"})
    assert (d.rec, d.deployment, d.option) == ("open", "self_hosted", "self_hosted")


@pytest.mark.parametrize("cloud,seller", [("aws", "aws-bedrock"), ("azure", "azure-foundry"), ("gcp", "google-vertex")])
def test_own_cloud_only_keeps_self_hosting_and_your_own_clouds_endpoints(cloud, seller):
    f = facts({"data_boundary": "own_cloud_only", "cloud_platform": cloud})
    assert not f.options["closed_api"].allowed
    assert "vendor's public API" in f.options["closed_api"].blocked_by[0].text
    assert f.options["closed_cloud"].allowed and f.options["closed_cloud"].pick.seller.id == seller
    if f.options["rented_open"].allowed:
        assert f.options["rented_open"].pick.seller.id == seller
    assert f.options["self_hosted"].allowed


def test_own_cloud_only_on_premises_allows_no_hosted_option():
    f = facts({"data_boundary": "own_cloud_only", "cloud_platform": "on_premises"})
    assert [k for k, o in f.options.items() if o.allowed] == ["self_hosted"]
    assert call({"data_boundary": "own_cloud_only", "cloud_platform": "on_premises"}).rec == "open"


def test_a_vendor_contract_needs_a_dpa_and_confidential_data_needs_zero_retention():
    f = facts({"data_boundary": "vendor_with_contract", "data_sensitivity": "confidential"})
    for k in ("closed_api", "closed_cloud", "rented_open"):
        o = f.options[k]
        if o.allowed:
            assert o.pick.seller.dpa is True and o.pick.seller.zero_data_retention in ("self_serve", "on_approval", "default"), k


def test_a_data_region_needs_a_seller_that_processes_there():
    f = facts({"data_region": "eu"})
    for k in ("closed_api", "closed_cloud", "rented_open"):
        o = f.options[k]
        if o.allowed:
            regions = o.pick.price.regions or o.pick.seller.regions
            assert "eu" in regions, (k, o.pick.seller.id)


def test_required_attestations_keep_only_sellers_that_state_them():
    f = facts({"vendor_attestations": "required"})
    for k in ("closed_api", "closed_cloud", "rented_open"):
        if f.options[k].allowed:
            assert f.options[k].pick.seller.attestations, k


def test_image_input_needs_a_model_that_takes_images():
    f = facts({"modality": "multimodal"})
    for o in f.options.values():
        if o.pick is not None:
            assert "image" in o.pick.model.modalities


def test_version_pinning_allows_a_closed_model_only_as_a_ga_snapshot_kept_past_the_revisit_date():
    f = facts({"version_pinning": "required"})
    for k in CLOSED_OPTIONS:
        m = f.options[k].pick.model
        assert m.status == "ga" and (m.retires_on is None or m.retires_on > REVISIT)


def test_a_model_level_audit_rules_out_every_closed_option():
    f = facts({"auditability": "required"})
    for k in (*CLOSED_OPTIONS, "hybrid"):
        assert not f.options[k].allowed and any(b.question == "auditability" for b in f.options[k].blocked_by), k
    assert call({"auditability": "required"}).rec == "open"


def test_a_licence_unusable_at_your_scale_rules_its_models_out():
    f = facts({"monthly_active_users": "over_700m", "task_difficulty": "routine"})
    reach = f.allowed_models["open"]
    assert not any(m.startswith("llama") for m in reach)
    assert "licence" in f.why_not["llama-3.3-70b-instruct"].lower()


def test_an_eu_data_region_rules_out_models_whose_licence_withholds_eu_rights():
    f = facts({"data_region": "eu"})
    assert "llama-4-maverick" not in f.allowed_models["open"]  # multimodal, Llama 4 licence
    assert "EU" in f.why_not["llama-4-maverick"]


@pytest.mark.parametrize(
    "answers,ruled_out",
    [
        ({"company_domicile": "eu", "data_region": "us"}, True),  # the clause follows the licensee's domicile
        ({"company_domicile": "us", "data_region": "eu"}, False),  # a US company processing in the EU keeps its rights
        ({"company_domicile": "unknown", "data_region": "eu"}, True),  # no domicile given: an EU region stands for it
        ({"data_region": "any"}, False),
    ],
)
def test_the_llama_4_eu_clause_follows_the_companys_domicile(answers, ruled_out):
    f = facts(answers)
    assert ("llama-4-maverick" not in f.allowed_models["open"]) is ruled_out
    if ruled_out:
        assert "EU" in f.why_not["llama-4-maverick"]


# ----------------------------------------------------------------------------- capability and costs
def test_options_are_priced_with_a_model_of_the_tier_the_task_needs():
    for task, tier in (("routine", 0), ("mixed", 1), ("frontier", 2)):
        f = facts({"task_difficulty": task})
        for k in ("closed_api", "rented_open"):
            assert {"efficient": 0, "strong": 1, "frontier": 2}[f.options[k].pick.model.tier] >= tier, (task, k)


def test_a_capability_gap_is_said_and_caps_nothing_silently():
    w = World(Q, CAT, DATA, CostInputs(open_model="gpt-oss-20b"), TODAY, REVISIT)
    f = w.facts({"task_difficulty": "frontier"})
    o = f.options["rented_open"]
    assert o.pick.model.id == "gpt-oss-20b" and "frontier tier" in o.note
    assert f.capability_note and f.capability_gap


def test_self_hosting_uses_a_derated_online_throughput():
    f = facts({"task_difficulty": "mixed", "daily_tokens": "over_100m"})
    sh = f.options["self_hosted"].pick
    fp = sh.footprint
    assert sh.throughput == pytest.approx(fp.throughput_tokens_per_s * (0.4 if fp.throughput_kind == "offline_max" else 1.0))


def test_a_negotiated_closed_price_and_gpus_per_replica_are_inputs():
    base = facts({"task_difficulty": "frontier"})
    cheap = World(Q, CAT, DATA, CostInputs(closed_price_in=0.5, closed_price_out=1.0), TODAY, REVISIT).facts({"task_difficulty": "frontier"})
    assert cheap.options["closed_api"].monthly < base.options["closed_api"].monthly
    assert cheap.options["closed_api"].pick.price.input_usd_per_mtok == 0.5
    from grid.cli import main
    import io

    out, err = io.StringIO(), io.StringIO()
    code = main(["cost", "--tokens-per-day", "1000000", "--open", "deepseek-v4-pro", "--gpu", "h200-141gb", "--gpus-per-replica", "2"], out=out, err=err)
    assert code == 2 and "cannot hold DeepSeek V4 Pro" in err.getvalue() and len(err.getvalue().strip().splitlines()) == 1
    out = io.StringIO()
    code = main(["cost", "--tokens-per-day", "1000000", "--closed-price-in", "1", "--closed-price-out", "2", "--json"], out=out, err=err)
    import json

    # 1M tokens a day × 30.42 days × (0.75 × $1 + 0.25 × $2) per million
    assert code == 0 and json.loads(out.getvalue())["closed_api"]["monthly_usd"] == pytest.approx(30.42 * 1.25, abs=0.005)  # in cents


def test_an_unknown_volume_is_priced_over_a_stated_range():
    f = facts({"daily_tokens": "unknown"})
    assert f.tokens_range == (500_000.0, 30_000_000.0)
    api = f.options["closed_api"]
    assert api.low < api.monthly < api.high
    a = assess({"daily_tokens": "unknown"}, today=TODAY)
    assert a.costs.tokens_per_day_range == (500_000.0, 30_000_000.0)
    assert any(x.name == "tokens_per_day_range" for x in a.costs.assumptions)


def test_the_cost_lean_follows_the_ratio_with_a_dead_band_and_a_materiality_floor():
    assert cost_lean(12, 50_000) == "strongly_open" and cost_lean(1 / 12, 50_000) == "strongly_closed"
    assert cost_lean(4, 50_000) == "open" and cost_lean(2, 50_000) == "slightly_open"
    assert cost_lean(1.2, 50_000) == cost_lean(1 / 1.2, 50_000) == "neutral"
    assert cost_lean(40, 500) == "slightly_open"  # a large ratio on a small bill
    assert cost_lean(40, 50) == "neutral"


# ----------------------------------------------------------------------------- the reviewer's misses
def test_a_bank_on_azure_with_frontier_work_is_not_sent_to_self_host_by_its_cloud_rule():
    answers = {"data_boundary": "own_cloud_only", "cloud_platform": "azure", "task_difficulty": "frontier", "ml_platform_team": "small", "data_sensitivity": "regulated"}
    assert suggest_checklist(answers)["data_must_stay"] == "no"
    f = facts(answers)
    assert f.options["closed_cloud"].allowed and f.options["closed_cloud"].pick.seller.id == "azure-foundry"


def test_own_cloud_only_with_a_cloud_that_serves_closed_models_can_end_closed_or_hybrid():
    base = {"data_boundary": "own_cloud_only", "cloud_platform": "aws", "ml_platform_team": "none", "time_to_production": "weeks", "task_difficulty": "frontier"}
    d = call(base, {"ship_fast_no_platform": "yes"})
    assert (d.rec, d.option, d.seller) == ("closed", "closed_cloud", "aws-bedrock")
    h = call(base, {"mix": "yes"})
    assert h.rec == "hybrid" and h.deployment == "managed_api"  # no platform team: no self-run router


def test_high_steady_volume_with_a_team_takes_the_cheaper_open_option():
    answers = {"daily_tokens": "over_100m", "traffic_shape": "steady", "ml_platform_team": "dedicated", "fine_tuning": "deep", "lock_in_tolerance": "unacceptable"}
    f, d = facts(answers), call(answers)
    assert d.rec == "open"
    others = [f.options[k].monthly for k in OPEN_OPTIONS if f.options[k].priced]
    assert d.monthly == min(others)


def test_a_weak_lean_with_no_platform_team_is_not_a_self_run_router():
    d = call({"ml_platform_team": "none", "lock_in_tolerance": "unacceptable"})
    assert d.rec == "hybrid" and d.deployment == "managed_api"
    assert "no self-run router" in d.reason.text


def test_two_conflicting_firm_yeses_are_reported():
    a = assess({"data_boundary": "air_gapped"}, {"ship_fast_no_platform": "yes", "data_must_stay": "yes"}, today=TODAY)
    assert a.result.conflict and "opposite directions" in a.result.conflict
    assert a.result.recommendation == "open"


# ----------------------------------------------------------------------------- properties
@FAST
@given(answer_sets, st.sampled_from([q.id for q in Q.scored_questions]), st.data())
def test_moving_an_answer_toward_open_never_makes_the_call_more_closed_unless_the_costs_say_so(answers, qid, data):
    """With the checklist left to its suggestions. The only exception is the cost comparison itself:
    where moving an answer makes the closed side relatively cheaper at the user's volume, the number
    wins, and the cost reason states the figures."""
    options = sorted((o.id for o in Q.question_by_id[qid].options), key=lambda o: openness(Q, qid, o))
    i = data.draw(st.integers(0, len(options) - 2))
    j = data.draw(st.integers(i + 1, len(options) - 1))
    lo, hi = options[i], options[j]
    if openness(Q, qid, lo) == openness(Q, qid, hi):
        return
    a, b = {**answers, qid: lo}, {**answers, qid: hi}
    fa, fb = facts(a), facts(b)
    ra, rb = decide(C, a, {}, fa).rec, decide(C, b, {}, fb).rec
    if REC_RANK[rb] < REC_RANK[ra]:
        la, lb = LEAN.get(fa.cost_lean), LEAN.get(fb.cost_lean)
        assert la is not None and lb is not None and lb < la, (qid, lo, hi, ra, rb, fa.cost_lean, fb.cost_lean)
    if fa is fb or (fa.cost_lean == fb.cost_lean and fa.options.keys() == fb.options.keys() and all(fa.options[k].allowed == fb.options[k].allowed for k in OPTION_KEYS)):
        assert REC_RANK[rb] >= REC_RANK[ra], (qid, lo, hi, ra, rb)


@FAST
@given(answer_sets)
def test_a_confirmed_mix_gives_hybrid_unless_a_hard_constraint_forbids_it(answers):
    d = call(answers, {"mix": "yes"})
    f = facts(answers)
    forbidden = not f.available("hybrid") or answers.get("data_boundary") == "air_gapped"
    assert d.rec == "hybrid" or forbidden


@FAST
@given(answer_sets, st.dictionaries(st.sampled_from([c.id for c in Q.checklist]), st.sampled_from(["yes", "no", "unsure"])))
def test_every_allowed_option_obeys_every_active_rule_and_the_deployment_is_allowed(answers, checklist):
    f = facts(answers)
    ctx = Ctx(Q, CAT, DATA, CostInputs(), answers, TODAY, REVISIT)
    active = [flt for flt in FILTERS if flt.applies(answers)]
    for key, o in f.options.items():
        if key == "hybrid" or o.pick is None or not o.allowed:
            continue
        for flt in active:
            if flt.scope == "model" or key != "self_hosted":
                assert flt.passes(ctx, o.pick.model, o.pick.seller, o.pick.price), (key, flt.id)
        assert not o.pick.model.retired
    for key, o in f.options.items():
        if not o.allowed:
            assert o.blocked_by or o.note, key
            assert o.monthly is None or not o.allowed
    d = decide(C, answers, checklist, f)
    if d.option is not None:
        assert f.options[d.option].allowed
        required = answers.get("data_boundary") == "air_gapped" or (d.stop is not None and d.stop.deployment == "self_hosted" and d.rec == "open")
        if d.rec in ("open", "closed") and f.options[d.option].priced and not required:
            pool = OPEN_OPTIONS if d.rec == "open" else CLOSED_OPTIONS
            # the cheapest of the call's options whose model meets the tier, else the cheapest; with no
            # platform team, renting comes first when it is allowed
            best = min((f.options[k] for k in pool if f.options[k].priced), key=rank)
            no_team = answers.get("ml_platform_team") == "none" and d.option == "rented_open"
            assert d.monthly == best.monthly or no_team, (d.option, d.monthly, best.key, best.monthly)


@SLOW
@given(answer_sets)
def test_the_cost_reason_quotes_the_cost_tables_own_figures(answers):
    a = assess(answers, today=TODAY)
    report, reason = a.costs, next(x for x in a.result.reasons if x.kind == "cost")
    opts = {o.option: o for o in report.options()}
    priced_open = [opts[k] for k in OPEN_OPTIONS if opts[k].allowed and opts[k].monthly_usd is not None]
    priced_closed = [opts[k] for k in CLOSED_OPTIONS if opts[k].allowed and opts[k].monthly_usd is not None]
    if priced_open and priced_closed:
        f = facts(answers)
        o, c = opts[f.cheapest_open], opts[f.cheapest_closed]
        # a cheaper option on either side is only ever one whose model is below the tier the tasks need
        rank = {"efficient": 0, "strong": 1, "frontier": 2}
        for side, best in ((priced_open, o), (priced_closed, c)):
            for x in side:
                assert x.monthly_usd >= best.monthly_usd or rank[x.tier] < rank[f.desired_tier] <= rank[best.tier], (x, best)
        assert money(o.monthly_usd) in reason.text and money(c.monthly_usd) in reason.text
        cheaper = "open" if o.monthly_usd <= c.monthly_usd else "closed"
        assert f"the {cheaper} side is" in reason.text
        if reason.direction != "neutral":
            assert reason.direction == cheaper  # the cost axis never leans toward the dearer side
    # no forbidden option is priced as a contender anywhere in the report
    for opt in report.options():
        if not opt.allowed:
            assert opt.monthly_usd is None
    assert getattr(report, a.result.deployment_option).allowed if a.result.deployment_option else True


@SLOW
@given(answer_sets)
def test_high_confidence_is_never_given_to_an_option_three_times_dearer_than_the_cheapest_allowed(answers):
    a = assess(answers, today=TODAY)
    r = a.result
    if r.confidence != "high" or not r.deployment_option:
        return
    chosen = getattr(a.costs, r.deployment_option).monthly_usd
    cheapest = getattr(a.costs, a.costs.cheapest_allowed).monthly_usd
    forced = bool(r.constraints and any(c.floor != "closed" for c in r.constraints)) or r.checklist.stop is not None
    assert forced or chosen is None or chosen <= 3 * cheapest + 1e-6


def test_flips_include_deployment_and_constraint_changes():
    a = assess({"ml_platform_team": "none", "time_to_production": "weeks", "cloud_platform": "aws"}, today=TODAY)
    flips = {(f.question, f.to): f for f in a.result.flips}
    air = flips[("data_boundary", "air_gapped")]
    assert air.recommendation == "open" and air.deployment == "self_hosted" and air.monthly_usd
    assert all(f.deployment for f in a.result.flips)
    own = flips[("data_boundary", "own_cloud_only")]  # a constraint change: now bought from your own cloud
    assert own.deployment == "managed_api" and own.deployment_seller == "aws-bedrock"
    assert money(own.monthly_usd) in own.text
    uk = flips[("data_region", "uk")]  # no Claude deployment on Bedrock keeps data in the UK: open weights there
    assert uk.deployment_seller == "aws-bedrock" and "Amazon Bedrock" in uk.text


def test_no_forbidden_option_is_drawn_in_the_cost_chart():
    from grid.assessment import option_curves

    rows = option_curves({"data_boundary": "air_gapped"}, today=TODAY)
    assert all(r["closed_api"] is None and r["rented_open"] is None and r["hybrid"] is None for r in rows)
    assert any(r["self_hosted"] for r in rows)


def test_a_retired_model_cannot_be_chosen_as_an_input():
    with pytest.raises(InvalidCostInput, match="retired"):
        World(Q, CAT, DATA, CostInputs(closed_model="magistral-medium-1-2"), TODAY, REVISIT)


def test_a_model_another_party_processes_is_not_inside_your_cloud():
    """Claude in Azure AI Foundry is sold and processed by Anthropic under Anthropic's terms."""
    f = facts({"data_boundary": "own_cloud_only", "cloud_platform": "azure", "task_difficulty": "frontier"})
    pick = f.options["closed_cloud"].pick
    assert pick.seller.id == "azure-foundry" and pick.price.processed_by is None
    assert pick.model.provider != "anthropic"
    claude_on_azure = [p for m in CAT.models if m.provider == "anthropic" for p in m.prices if p.seller == "azure-foundry"]
    assert claude_on_azure and all(p.processed_by == "anthropic" for p in claude_on_azure)


def test_the_check_refuses_an_unknown_processor():
    from grid.catalog import parse_catalog_text
    from tests.test_catalog_truth import SMALL_TEXT, TEST_PRIMARY

    text = SMALL_TEXT.replace("{seller: host, ", "{seller: host, processed_by: nobody, ", 1)
    assert any("processed_by: unknown seller 'nobody'" in p for p in parse_catalog_text(text, "x.yaml", TEST_PRIMARY).problems)


# ----------------------------------------------------------------------------- the audit's cases
TIERS = {"efficient": 0, "strong": 1, "frontier": 2}


@FAST
@given(answer_sets)
def test_an_option_below_the_needed_tier_never_beats_one_that_meets_it(answers):
    """A below-tier model is not a like-for-like price: the cheapest allowed option, the cheapest of
    each side and the capability note all rank an option that meets the tier first."""
    f = facts(answers)
    meets = {k: o.pick.meets_tier for k, o in f.options.items() if o.priced}
    for chosen, pool in ((f.cheapest_allowed, OPTION_KEYS), (f.cheapest_open, OPEN_OPTIONS), (f.cheapest_closed, CLOSED_OPTIONS)):
        if chosen is not None and not meets[chosen]:
            assert not any(meets.get(k) for k in pool), (chosen, meets)
    if f.capability_gap and f.desired_tier == "frontier":
        assert not (f.cheapest_open and meets[f.cheapest_open]) or not (f.cheapest_closed and meets[f.cheapest_closed])


def test_a_team_without_platform_engineers_is_not_sent_to_self_host_a_below_tier_model():
    answers = {
        "data_boundary": "own_cloud_only", "cloud_platform": "gcp", "auditability": "required",
        "ml_platform_team": "none", "task_difficulty": "frontier", "daily_tokens": "over_100m", "traffic_shape": "steady",
    }
    a = assess(answers, today=TODAY)
    r = a.result
    assert r.deployment_option == "rented_open", r.deployment_reason.text
    assert a.costs.rented_open.tier == "frontier"
    assert "No allowed model of this option reaches the frontier tier" not in (a.costs.capability_note or "")


@FAST
@given(answer_sets)
def test_a_deployment_dearer_than_the_cheapest_allowed_option_names_both_figures(answers):
    f = facts(answers)
    d = decide(C, answers, {}, f)
    c = f.cheapest_allowed
    if d.option and c and d.option != c and d.monthly is not None and f.options[c].monthly < d.monthly:
        assert money(d.monthly) in d.reason.text and money(f.options[c].monthly) in d.reason.text, d.reason.text


@FAST
@given(answer_sets)
def test_an_open_call_with_no_platform_team_rents_when_renting_is_allowed(answers):
    answers = {**answers, "ml_platform_team": "none"}
    f = facts(answers)
    d = decide(C, answers, {}, f)
    r = f.options["rented_open"]
    if d.rec == "open" and r.priced and d.option == "self_hosted":
        # only when an answer requires self-hosting, or renting is below the tier and self-hosting is not
        required = answers.get("data_boundary") == "air_gapped"
        assert required or (not r.pick.meets_tier and f.options["self_hosted"].pick.meets_tier), d.reason.text


def test_a_conflict_names_what_decides_it():
    unconfirmed = assess({"data_boundary": "air_gapped", "ml_platform_team": "none", "time_to_production": "weeks"}, {}, today=TODAY).result
    assert unconfirmed.conflict and "Neither is confirmed" in unconfirmed.conflict
    both = assess({"data_boundary": "air_gapped"}, {"ship_fast_no_platform": "yes", "data_must_stay": "yes"}, today=TODAY).result
    first = Q.checklist_by_id["data_must_stay"].question
    assert f"“{first}” decides (it comes first)" in both.conflict


def test_a_conflict_with_only_suggested_yeses_says_the_axes_decide():
    q_must, q_fast = Q.checklist_by_id["data_must_stay"], Q.checklist_by_id["ship_fast_no_platform"]
    from grid.engine import _conflict

    text = _conflict(Q, {q_must.id: "yes", q_fast.id: "yes"}, {})
    assert "Neither is confirmed, so neither decides: the axes make the call." in text
    text = _conflict(Q, {q_must.id: "yes", q_fast.id: "yes"}, {q_fast.id: "yes"})
    assert f"“{q_fast.question}” decides." in text


def test_a_negotiated_price_reprices_only_the_vendor_api_pick_and_says_so():
    answers = {"task_difficulty": "frontier", "daily_tokens": "over_100m", "cloud_platform": "aws"}
    base = facts(answers)
    deal = World(Q, CAT, DATA, CostInputs(closed_price_in=0.05, closed_price_out=0.1), TODAY, REVISIT).facts(answers)
    # the model is the one the list prices pick; only its price changes
    assert deal.options["closed_api"].pick.model.id == base.options["closed_api"].pick.model.id
    assert "your negotiated price" in deal.options["closed_api"].pick.detail
    assert deal.options["closed_api"].pick.price.input_usd_per_mtok == 0.05
    # your cloud's endpoint keeps its own list price
    assert deal.options["closed_cloud"].monthly == base.options["closed_cloud"].monthly
    assert deal.options["closed_cloud"].pick.price.input_usd_per_mtok != 0.05


def test_too_few_gpus_per_replica_are_named_on_the_self_hosted_option():
    w = World(Q, CAT, DATA, CostInputs(gpus_per_replica=1), TODAY, REVISIT)
    f = w.facts({"data_boundary": "air_gapped", "task_difficulty": "frontier"})
    o = f.options["self_hosted"]
    if o.pick is None:
        assert o.note and "GPU(s) per replica cannot hold any allowed model" in o.note and "needs at least" in o.note


def test_the_decision_record_rules_out_a_closed_option_only_when_every_closed_option_is_ruled_out():
    from grid.answers import AnswerFile
    from grid.report import decision_record

    answers = dict(Q_PROFILE("hybrid_router"), data_boundary="own_cloud_only", cloud_platform="aws")
    a = assess(answers, today=TODAY)
    assert a.costs.closed_cloud.allowed and not a.costs.closed_api.allowed
    text = decision_record(AnswerFile(answers=answers, checklist={}), today=TODAY)
    closed_section = text.split("### A closed model behind a managed API", 1)[1].split("###", 1)[0]
    assert "our answers rule it out" not in closed_section
    assert money(a.costs.closed_cloud.monthly_usd) in closed_section


def Q_PROFILE(pid):
    from grid.profiles import load_profiles

    return dict(load_profiles()[pid].answers)


@SLOW
@given(answer_sets)
def test_the_json_carries_money_in_cents_and_no_hybrid_flip_calls_a_gateway_a_router(answers):
    a = assess(answers, today=TODAY)
    for o in a.costs.to_json_dict().values():
        if isinstance(o, dict) and isinstance(o.get("monthly_usd"), float):
            assert round(o["monthly_usd"], 2) == o["monthly_usd"]
    for flip in a.result.flips:
        if flip.recommendation == "hybrid" and flip.deployment == "managed_api":
            assert "a router over" not in flip.text and "managed endpoints behind one gateway" in flip.text
        assert "— a month" not in flip.text
    assert "— a month" not in a.result.deployment_reason.text


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_required_attestations_keep_your_own_clouds_endpoint(cloud):
    f = facts({"data_boundary": "own_cloud_only", "cloud_platform": cloud, "vendor_attestations": "required"})
    assert f.options["closed_cloud"].allowed, f.options["closed_cloud"].blocked_by


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("region", ["eu", "us"])
def test_a_data_region_is_never_met_by_a_global_deployment(cloud, region):
    """A global profile may route to any region: with a data region, a cloud row is priced at a
    deployment that keeps data in that region (Bedrock's geographic profiles, Azure's Data Zones)."""
    answers = {"data_boundary": "own_cloud_only", "cloud_platform": cloud, "data_region": region, "task_difficulty": "frontier"}
    f = facts(answers)
    for key in ("closed_cloud", "rented_open"):
        o = f.options[key]
        if o.priced:
            assert o.pick.price.regions != ["global"] and region in (o.pick.price.regions or o.pick.seller.regions), (key, o.pick.detail)
    glob = facts({**answers, "data_region": "any"})
    if cloud == "aws":  # with no region to keep, the cheaper global profile prices Claude on Bedrock
        assert glob.options["closed_cloud"].pick.price.regions == ["global"]
        assert f.options["closed_cloud"].monthly > glob.options["closed_cloud"].monthly


def test_a_geographic_deployment_prices_at_its_own_row():
    m = CAT.model_by_id["claude-opus-5-5"]
    row = next(p for p in m.prices if p.seller == "aws-bedrock")
    deps = row.deployments()
    assert deps[0].regions == ["global"] and any("eu" in (d.regions or []) and d.input_usd_per_mtok == 4.4 for d in deps[1:])


def test_the_cheapest_mark_says_when_a_cheaper_option_is_below_the_tier():
    answers = {"spend_model": "pay_per_use", "data_sensitivity": "public", "cloud_platform": "unknown", "data_region": "uk",
               "company_domicile": "eu", "fine_tuning": "deep", "audience": "internal_staff", "ml_platform_team": "small",
               "lock_in_tolerance": "unacceptable", "task_difficulty": "frontier"}
    a = assess(answers, {"need_frontier": "no"}, today=TODAY)
    best = getattr(a.costs, a.costs.cheapest_allowed)
    cheaper = [o for o in a.costs.options() if o.allowed and o.monthly_usd is not None and o.monthly_usd < best.monthly_usd]
    assert cheaper, "the case needs a cheaper option below the tier"
    assert a.costs.cheapest_words() == "cheapest allowed that reaches your tasks' tier"
    assert WORLD.facts(answers).options[cheaper[0].option].pick.meets_tier is False
    plain = assess({"task_difficulty": "routine"}, today=TODAY)
    assert plain.costs.cheapest_words() == "cheapest allowed"
