"""The words a reader gets: the first screen's reasons follow the call, the cost assumptions say
where each value came from and price what the options table prices, labels replace ids."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grid.assessment import assess
from grid.catalog import load_catalog
from grid.cost import load_cost_data
from grid.profiles import load_profiles
from grid.prose import assumption_rows, humanize, lead_reasons, points_words
from grid.questionnaire import load_questionnaire

TODAY = date(2026, 11, 21)
Q = load_questionnaire()
P = load_profiles()
CASES = {pid: (p.answers, p.checklist) for pid, p in P.items()}
# ship fast, but with two confirmed yeses that pull apart: the data must stay in, which decides open
CASES["conflict"] = (P["ship_fast"].answers, {**P["ship_fast"].checklist, "data_must_stay": "yes", "ship_fast_no_platform": "yes"})
AGAINST = {"open": "closed", "closed": "open"}


def check_leads(result):
    leads = lead_reasons(result, Q)
    if any(round(x.contribution, 1) for x in result.reasons) or result.checklist.stop or result.constraints:
        assert leads, "the first screen gives a reason whenever there is one"
    against = AGAINST.get(result.recommendation)
    assert not (leads and all(x.kind == "reason" and x.direction == against for x in leads)), [x.line for x in leads]
    assert not any(x.kind == "reason" and x.direction == against for x in leads), [x.line for x in leads]
    deciders = [x for x in leads if x.kind != "reason"]
    assert leads[: len(deciders)] == deciders, "what decided comes first"
    if result.checklist.stop:
        assert leads[0].kind == "checklist" and leads[0].question_label == Q.checklist_by_id[result.checklist.stop].question
    elif result.constraints:
        assert leads[0].kind == "constraint"
    return leads


@pytest.mark.parametrize("case", list(CASES))
def test_the_first_screens_reasons_never_all_argue_against_the_call(case):
    answers, checklist = CASES[case]
    leads = check_leads(assess(answers, checklist, today=TODAY).result)
    if case == "conflict":
        assert leads[0].line == "Must the data stay inside your own network? → Yes (you confirmed it: it decides)"
        assert all(x.direction == "open" for x in leads)


answer_sets = st.fixed_dictionaries({}, optional={q.id: st.sampled_from([o.id for o in q.options]) for q in Q.questions})
checklists = st.dictionaries(st.sampled_from([c.id for c in Q.checklist]), st.sampled_from(["yes", "no", "unsure"]))


@settings(max_examples=60, deadline=None)
@given(answer_sets, checklists)
def test_the_first_screens_reasons_follow_the_call_for_any_answers(answers, checklist):
    check_leads(assess(answers, checklist, today=TODAY).result)


@pytest.mark.parametrize("pid", list(P))
def test_the_assumptions_price_what_the_options_table_prices_and_say_where_the_models_come_from(pid):
    a = assess(P[pid].answers, P[pid].checklist, today=TODAY)
    cat = load_catalog()
    by_name = {x.name: x for x in a.costs.assumptions}
    for name in ("closed_model", "open_model", "gpu"):
        assert by_name[name].source != "your input", (name, by_name[name].source)  # nothing was typed in
    rented = a.costs.rented_open
    if rented.allowed and rented.monthly_usd is not None:
        price = next(p for p in cat.model_by_id[rented.model].prices if cat.provider_by_id.get(p.seller) and cat.provider_by_id[p.seller].name == rented.seller_name)
        assumed = by_name["rented_price_usd_per_mtok"]
        assert assumed.value == f"{price.input_usd_per_mtok:g} in / {price.output_usd_per_mtok:g} out"
        assert assumed.source.startswith(f"{cat.model_by_id[rented.model].name} at {rented.seller_name} ")
    else:
        assert "rented_price_usd_per_mtok" not in by_name  # renting is ruled out: no rented price to state
    chosen_closed = a.costs.closed_api if a.costs.cheapest_allowed != "closed_cloud" else a.costs.closed_cloud
    if chosen_closed.allowed and chosen_closed.model == by_name["closed_model"].value:
        assert by_name["closed_price_usd_per_mtok"].source.startswith(f"{cat.model_by_id[chosen_closed.model].name} at ")


def test_hybrid_router_prices_rented_weights_at_the_tables_seller():
    a = assess(P["hybrid_router"].answers, P["hybrid_router"].checklist, today=TODAY)
    rows = dict((name, (value, source)) for name, value, source in assumption_rows(a.costs.assumptions, Q, load_catalog(), load_cost_data()))
    value, source = rows["Rented price"]
    assert a.costs.rented_open.seller_name == "Amazon Bedrock" and round(a.costs.rented_open.monthly_usd) == 240
    assert value == "$0.15 in / $0.60 out per M tokens" and source.startswith("gpt-oss-120b at Amazon Bedrock")
    assert rows["Closed model"][0] == "Gemini 3.8 Flash" and "shortlist's lead closed model" in rows["Closed model"][1]
    assert rows["GPU"][0] == "NVIDIA A100 80GB SXM" and rows["GPU"][1] == "the GPU the self-hosted option is priced on"
    assert rows["Tokens a day"] == ("30 million", "typical volume for your answer “10 to 100 million tokens a day”")


def test_labels_replace_ids_and_plurals_agree():
    assert humanize("typical volume for your answer daily_tokens: 1m_to_10m", Q) == "typical volume for your answer “1 to 10 million tokens a day”"
    assert humanize("traffic_shape: spiky: peaks at 4 times", Q) == "your answer “Spiky or seasonal”: peaks at 4 times"
    assert humanize("ruled out (data_boundary: own_cloud_only)", Q) == "ruled out (Where may prompts and outputs go? → Only our own cloud account or data centre)"
    assert points_words("the lean is only 1 points from the line; 21 points clear") == "the lean is only 1 point from the line; 21 points clear"
    assert all(o.label != "None" for q in Q.questions for o in q.options)  # "team → None" reads as a missing value
    assert Q.option("ml_platform_team", "none").label == "No platform team"
