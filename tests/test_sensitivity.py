"""What moves the cost (grid/sensitivity.py): each end of each swing is the cost report evaluated
again with one input moved, the swings are sorted by size, and an input an option does not use
leaves its cost where it is. The tornado reaches the Costs step and the PDF."""

import io
import math
from datetime import date

import pytest
from hypothesis import example, HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from grid.answers import AnswerFile
from grid.assessment import assess
from grid.catalog import load_catalog
from grid.cost import CostInputs, InvalidCostInput, load_cost_data
from grid.profiles import load_profiles
from grid.questionnaire import load_questionnaire
from grid.report import pdf_report
from grid.sensitivity import (
    BREAK_EVEN,
    MOVE_BY_FIELD,
    MOVES,
    compared,
    evaluate,
    figure,
    money_ticks,
    sensitivity,
    table_rows,
)
from tests.test_app import go, markdown_text, new_app

Q = load_questionnaire()
CAT = load_catalog()
DATA = load_cost_data()
P = load_profiles()
TODAY = date(2026, 12, 1)
REVISIT = date(2027, 6, 1)
FIELDS = [m.field for m in MOVES]
GPU_FIELDS = ("gpu_hourly_usd", "throughput_tokens_per_s", "engineers")


def profile_assessment(pid, costs=None):
    return assess(P[pid].answers, P[pid].checklist, costs or CostInputs(), today=TODAY, revisit=REVISIT)


def by_field(swings):
    return {s.field: s for s in swings}


def direct(a, field, value, held):
    """The cost report evaluated from scratch (a fresh World, no memo) with one input moved."""
    inputs = CostInputs(**{**a.cost_inputs.nonempty(), **held, field: value})
    return evaluate(a.answers, inputs, today=a.today, revisit=a.revisit)


def uses(a, option):
    """The inputs an option's cost can depend on, read off the assessment's own cost report."""
    # a router re-picks its cheapest volume side at each end, so it can use the GPU inputs
    # whenever a self-hosted side is open to it, even if it is rented at your inputs
    router_may_self_host = a.costs.self_hosted.allowed and a.answers.get("ml_platform_team") != "none"
    self_hosts = option == "self_hosted" or (option == "hybrid" and router_may_self_host)
    used = {"tokens_per_day"} | (set(GPU_FIELDS) if self_hosts else set())
    if option != "self_hosted":
        used.add("output_share")  # API prices differ for input and output
    if option == "hybrid":
        used.add("frontier_share")
    return used


# ----------------------------------------------------------------------------- hand-checked cases
def test_hybrid_router_tornado_is_the_chosen_router_and_the_rented_alternative():
    a = profile_assessment("hybrid_router")
    sens = sensitivity(a)
    assert (sens.chosen, sens.alternative) == ("hybrid", "rented_open") == compared(a)
    hybrid = sens.swings["hybrid"]
    assert [s.field for s in hybrid if s.moves] == ["tokens_per_day", "frontier_share", "output_share"]
    vol = by_field(hybrid)["tokens_per_day"]
    # every side of this router is an API, so its cost is linear in the volume
    assert (vol.low_input, vol.high_input) == (15_000_000, 60_000_000)
    assert vol.at_low == pytest.approx(vol.base / 2) and vol.at_high == pytest.approx(vol.base * 2)
    assert vol.base == pytest.approx(a.costs.hybrid.monthly_usd)
    share = by_field(hybrid)["frontier_share"]
    assert (share.low_input, share.high_input) == pytest.approx((0.1, 0.3))
    assert share.at_low < share.base < share.at_high  # more tokens to the frontier model costs more


def test_engineers_move_a_self_hosted_cost_by_exactly_the_staff_cost():
    a = profile_assessment("regulated_on_prem")
    sens = sensitivity(a)
    assert sens.chosen == "self_hosted" and sens.alternative is None  # nothing else is allowed
    eng = by_field(sens.swings["self_hosted"])["engineers"]
    staff = 200_000 / 12  # one engineer at the default loaded cost
    assert (eng.low_input, eng.high_input) == (0.5, 2.0)
    assert eng.at_low == pytest.approx(eng.base - staff / 2) and eng.at_high == pytest.approx(eng.base + staff)
    assert sens.swings["self_hosted"][0].field == "engineers"  # the largest swing leads


def test_a_share_is_kept_within_0_and_1():
    a = profile_assessment("hybrid_router", CostInputs(output_share=0.9, frontier_share=0.8))
    sens = sensitivity(a)
    out = by_field(sens.swings["hybrid"])["output_share"]
    assert (out.low_input, out.high_input) == pytest.approx((0.45, 1.0))
    front = by_field(sens.swings["hybrid"])["frontier_share"]
    assert (front.low_input, front.high_input) == pytest.approx((0.4, 1.0))


def test_the_gpu_rate_moves_on_the_options_own_gpu_only():
    a = profile_assessment("regulated_on_prem")
    rate = by_field(sensitivity(a).swings["self_hosted"])["gpu_hourly_usd"]
    assert rate.held == {"gpu": a.costs.self_hosted.gpu}
    # moved bare, the typed rate would apply to every GPU: the held GPU keeps the option itself
    assert figure(direct(a, "gpu_hourly_usd", rate.base_input, rate.held), "self_hosted") == pytest.approx(rate.base)


def test_the_throughput_moves_on_the_options_own_model_gpu_and_replica():
    a = profile_assessment("regulated_on_prem")
    thr = by_field(sensitivity(a).swings["self_hosted"])["throughput_tokens_per_s"]
    assert thr.held == {"gpu": "a100-80gb", "open_model": "gpt-oss-120b", "gpus_per_replica": 1} and thr.base_input == 5056
    assert thr.size == 0  # at 3 million tokens a day the two minimum replicas carry the load either way
    # moved bare, a typed throughput applies to every footprint, and a model with no sourced
    # throughput (Qwen on an L40S) would take the option over: not "this option, slower"
    bare = evaluate(a.answers, CostInputs(throughput_tokens_per_s=thr.low_input), today=a.today, revisit=a.revisit)
    assert (bare.self_hosted.model, bare.self_hosted.gpu) != (a.costs.self_hosted.model, a.costs.self_hosted.gpu)


def test_break_even_swings_follow_the_report():
    a = profile_assessment("hybrid_router")
    be = by_field(sensitivity(a).break_even)
    assert be["engineers"].base == pytest.approx(a.costs.break_even_tokens_per_day)
    assert be["engineers"].at_low < be["engineers"].base < be["engineers"].at_high  # more staff to pay off: a later break-even
    assert be["gpu_hourly_usd"].at_low < be["gpu_hourly_usd"].at_high
    assert be["frontier_share"].size == 0  # the router's split has nothing to do with self-hosting


# ----------------------------------------------------------------------------- properties
answer_sets = st.fixed_dictionaries({}, optional={q.id: st.sampled_from([o.id for o in q.options]) for q in Q.questions})
cost_sets = st.fixed_dictionaries(
    {},
    optional={
        "tokens_per_day": st.floats(1e5, 1e10),
        "output_share": st.floats(0, 1),
        "frontier_share": st.floats(0, 1),
        "engineers": st.floats(0, 5),
        "gpu_hourly_usd": st.floats(0.3, 20),
        "throughput_tokens_per_s": st.floats(200, 200_000),
    },
)
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(answer_sets, cost_sets)
def test_each_end_is_the_cost_report_evaluated_again_with_that_one_input_moved(answers, costs):
    a = assess(answers, {}, CostInputs(**costs), today=TODAY, revisit=REVISIT, questionnaire=Q, catalog=CAT, cost_data=DATA)
    sens = sensitivity(a)
    if a.costs is None:
        assert sens is None
        return
    groups = list(sens.swings.items()) + [(BREAK_EVEN, sens.break_even)]
    for option, swings in groups:
        assert sorted(s.field for s in swings) == sorted(FIELDS)  # one swing per input
        sizes = [s.size for s in swings]
        assert sizes == sorted(sizes, reverse=True)  # largest first
        for s in swings:
            assert s.option == option
            assert s.base == (a.costs.break_even_tokens_per_day if option == BREAK_EVEN else getattr(a.costs, option).monthly_usd)
            if s.base_input is None:
                continue
            move = MOVE_BY_FIELD[s.field]
            lo, hi = move.bounds
            assert s.low_input == pytest.approx(min(max(s.base_input * move.low, lo), hi))
            assert s.high_input == pytest.approx(min(max(s.base_input * move.high, lo), hi))
            assert set(s.held) <= {"gpu", "open_model", "gpus_per_replica"}
            for value, end in ((s.low_input, s.at_low), (s.high_input, s.at_high)):
                assert end == figure(direct(a, s.field, value, s.held), option), (option, s.field, value)


@SLOW
@given(answer_sets, cost_sets)
def test_an_input_the_option_does_not_use_has_no_swing(answers, costs):
    a = assess(answers, {}, CostInputs(**costs), today=TODAY, revisit=REVISIT, questionnaire=Q, catalog=CAT, cost_data=DATA)
    sens = sensitivity(a)
    if sens is None:
        return
    for option, swings in sens.swings.items():
        used = uses(a, option)
        for s in swings:
            if s.field not in used:
                assert s.size == 0 and s.at_low == s.at_high == s.base, (option, s.field)
        if option in ("closed_api", "closed_cloud", "rented_open"):
            assert not any(s.moves for s in swings if s.field in GPU_FIELDS)  # the GPU rate of a closed API, say


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1e7), st.floats(0, 1e7))
@example(1e7, 9999999.999999998)  # a span of float noise once gave no ticks
@example(1e7, 9999999.998046875)
def test_money_ticks_are_round_evenly_spaced_and_cover_the_range(x, y):
    lo, hi = min(x, y), max(x, y)
    ticks = money_ticks(lo, hi)
    assert ticks and all(t >= 0 for t in ticks)
    if hi - lo > max(hi, 1.0) * 1e-9:
        assert ticks[0] <= lo * (1 + 1e-9) + 1e-9 and ticks[-1] >= hi * (1 - 1e-9)
        steps = [b - a_ for a_, b in zip(ticks, ticks[1:])]
        assert all(math.isclose(step, steps[0], rel_tol=1e-6) for step in steps)
        assert 2 <= len(ticks) <= 12


# ----------------------------------------------------------------------------- the page and the PDF
def test_costs_step_shows_the_tornado_and_its_figures():
    at = new_app()
    at.query_params["v"] = "1"
    at.query_params["profile"] = "hybrid_router"
    at.run()
    go(at, "costs")
    charts = [c for c in at.get("plotly_chart") if "tornado_chart" in c.proto.id]
    assert len(charts) == 1
    text = markdown_text(at)
    assert "### What moves the cost" in text
    assert "**Hybrid router** (chosen), $641 a month at your inputs:" in text
    assert "**Open weights, rented** (best allowed alternative), $240 a month at your inputs:" in text
    assert "| Volume \\(×0\\.5 to ×2\\) | 15M tokens a day → $320 | 60M tokens a day → $1,281 | $961 |" in text
    assert "**Break-even volume, self-hosted against the closed API:** 420M tokens a day at your inputs." in text
    assert any("No effect on this option: GPU hourly rate, throughput per replica, engineers." == c.value for c in at.caption)


def test_the_tornado_figure_has_axis_titles_in_units_and_money_ticks():
    from app_pages.cost_ui import tornado_figure
    from grid.options import money

    sens = sensitivity(profile_assessment("hybrid_router"))
    fig = tornado_figure(sens)
    bars = [t for t in fig.data if t.type == "bar"]
    assert {b.orientation for b in bars} == {"h"} and len(bars) == 4  # low and high end, for two options
    assert all(ax.title.text.startswith("USD a month") for ax in (fig.layout.xaxis, fig.layout.xaxis2))
    assert list(fig.layout.xaxis.ticktext) == [money(v) for v in fig.layout.xaxis.tickvals]
    hybrid_low = bars[0]
    assert hybrid_low.base == pytest.approx(641.0, abs=1) and "$320" in hybrid_low.text


def test_the_pdf_carries_the_tornado_and_its_table():
    state = AnswerFile(profile="hybrid_router", answers=dict(P["hybrid_router"].answers), checklist=dict(P["hybrid_router"].checklist), title="Router")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_report(state, today=TODAY))).pages)
    assert "What moves the cost" in text
    assert "Hybrid router (chosen): $641 a month at your inputs" in text
    assert "Volume ×0.5 to ×2" in text  # a bar's label in the drawing
    assert "USD a month (dashed line: the cost at your inputs)" in text  # the axis title
    sens = sensitivity(profile_assessment("hybrid_router"))
    for row in table_rows(sens.swings["hybrid"]):
        assert row[3] in text
