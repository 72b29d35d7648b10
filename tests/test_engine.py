"""The engine on small, hand-checkable answer sets."""

import random

import pytest

from grid import score
from grid.engine import suggest_checklist
from grid.errors import InvalidAnswers

FULL_CHECKLIST_NO = {"data_must_stay": "no", "high_steady_volume": "no", "ship_fast_no_platform": "no", "need_frontier": "no", "mix": "no"}


class FakeFacts:
    """Options and costs as the options step would give them, set by hand."""

    def __init__(self, cost_lean=None, closed=True, open_=True):
        self.cost_lean = cost_lean
        self._closed, self._open = closed, open_
        self.options = {}
        self.cheapest_allowed = None
        self.capability_gap = False
        self.volume_side = None
        self.cost_text = "test"
        self.tokens_per_day = 1e6

    def available(self, rec):
        return {"open": self._open, "closed": self._closed, "hybrid": self._open and self._closed}[rec]


class FakeWorld:
    def __init__(self, facts):
        self._facts = facts

    def facts(self, answers):
        return self._facts


def test_without_a_cost_comparison_the_cost_axis_is_the_spend_answer_alone():
    # spend_model (w 1, +1): 1 / (1 × 2) = +50; only axis answered → overall +50 → open
    r = score({"spend_model": "committed_capacity_ok"})
    assert r.axes == {"cost": 50, "control": None, "governance": None, "ecosystem": None, "performance": None}
    assert r.overall == 50 and r.recommendation == "open" and r.confidence == "low"


def test_volume_and_traffic_shape_carry_no_lean_of_their_own():
    r = score({"daily_tokens": "over_100m", "traffic_shape": "spiky"})
    assert r.overall is None and all(x.contribution == 0 for x in r.reasons)
    assert any("feeds the cost model" in x.text for x in r.reasons)


def test_the_cost_comparison_is_the_cost_axis():
    # the comparison counts with weight 2: (2 × 2 + 1 × −1) / ((2 + 1) × 2) = +50
    r = score({"spend_model": "pay_per_use"}, world=FakeWorld(FakeFacts(cost_lean="strongly_open")))
    assert r.axes["cost"] == 50 and r.recommendation == "open"
    cost = next(x for x in r.reasons if x.kind == "cost")
    assert cost.contribution == 66.7 and cost.direction == "open"  # 2 × 2 / 6 × 100; spend adds −16.7
    r = score({"spend_model": "pay_per_use"}, world=FakeWorld(FakeFacts(cost_lean="strongly_closed")))
    assert r.axes["cost"] == -83 and r.recommendation == "closed"


def test_axes_pulling_both_ways_average_to_hybrid():
    # control +100 (data_boundary own_cloud_only), ecosystem −100 (no platform team) → overall 0 → hybrid
    r = score({"data_boundary": "own_cloud_only", "ml_platform_team": "none"}, FULL_CHECKLIST_NO)
    assert r.axes["control"] == 100 and r.axes["ecosystem"] == -100
    assert r.overall == 0 and r.recommendation == "hybrid"


def test_axis_weights_within_an_axis():
    # control: data_boundary (w 2, +2) and version_pinning (w 1, 0): 4 / (3 × 2) = +66.7
    r = score({"data_boundary": "own_cloud_only", "version_pinning": "not_needed"}, FULL_CHECKLIST_NO)
    assert r.axes["control"] == 67


def test_no_answers_is_a_low_confidence_hybrid_not_an_error():
    r = score({})
    assert r.recommendation == "hybrid"
    assert r.confidence == "low"
    assert r.overall is None
    assert all(v is None for v in r.axes.values())
    assert r.reasons == []
    assert len(r.unanswered) == r.total_questions == 16


def test_a_confirmed_yes_stops_the_checklist():
    r = score({}, {"data_must_stay": "yes", "ship_fast_no_platform": "yes"})
    assert r.checklist.stop == "data_must_stay"
    assert r.recommendation == "open" and r.deployment == "self_hosted"
    assert [s.item for s in r.checklist.path] == ["data_must_stay"]
    assert r.conflict and "opposite directions" in r.conflict


def test_unsure_does_not_stop_the_checklist():
    r = score({}, {"data_must_stay": "unsure", "high_steady_volume": "no", "ship_fast_no_platform": "yes"})
    assert r.checklist.stop == "ship_fast_no_platform"
    assert r.recommendation == "closed"
    assert [s.answer for s in r.checklist.path] == ["unsure", "no", "yes"]


def test_a_suggested_yes_never_decides_by_itself():
    # frontier tasks suggest need_frontier: yes, but the axes lean open and decide
    answers = {"task_difficulty": "frontier", "data_boundary": "own_cloud_only", "lock_in_tolerance": "unacceptable", "fine_tuning": "deep"}
    r = score(answers)
    assert r.checklist.suggested["need_frontier"] == "yes"
    assert r.checklist.stop is None and r.recommendation == r.axis_call == "open"
    assert any("confirm it to let it decide" in p for p in r.path)
    confirmed = score(answers, {"need_frontier": "yes"})
    assert confirmed.checklist.stop == "need_frontier" and confirmed.recommendation == "hybrid"  # softened: axes pull open


def test_need_frontier_confirmed_is_closed_unless_axes_pull_open():
    closed = score({"task_difficulty": "frontier"}, {**FULL_CHECKLIST_NO, "need_frontier": "yes"})
    assert closed.recommendation == "closed"
    opened = score(
        {"data_sensitivity": "regulated", "task_difficulty": "frontier", "fine_tuning": "deep", "lock_in_tolerance": "unacceptable"},
        {**FULL_CHECKLIST_NO, "need_frontier": "yes"},
    )
    assert opened.overall >= 15 and opened.recommendation == "hybrid" and opened.checklist.softened_to == "hybrid"
    assert not opened.agreement and "disagree" in opened.disagreement


def test_ship_fast_softens_to_hybrid_only_when_axes_pull_strongly_open():
    r = score({"lock_in_tolerance": "unacceptable", "fine_tuning": "deep"}, {**FULL_CHECKLIST_NO, "ship_fast_no_platform": "yes"})
    assert r.overall >= 40 and r.recommendation == "hybrid"
    answers = {"spend_model": "committed_capacity_ok", "integration_needs": "critical", "audience": "internal_staff"}
    r = score(answers, {**FULL_CHECKLIST_NO, "ship_fast_no_platform": "yes"})
    assert 0 < r.overall < 40 and r.recommendation == "closed"
    assert "knock-out" in r.disagreement


def test_air_gapped_overrides_a_closed_checklist_stop():
    r = score({"data_boundary": "air_gapped", "ml_platform_team": "none"}, {**FULL_CHECKLIST_NO, "ship_fast_no_platform": "yes"})
    assert r.recommendation == "open" and r.deployment == "self_hosted"
    assert [c.id for c in r.constraints] == ["air_gapped"]
    assert any("raised to open" in p for p in r.path)


def test_no_allowed_closed_option_makes_the_call_open_and_no_open_option_closed():
    answers = {"ml_platform_team": "none", "time_to_production": "weeks"}
    assert score(answers).recommendation == "closed"
    r = score(answers, world=FakeWorld(FakeFacts(closed=False)))
    assert r.recommendation == "open" and any("allow no closed option" in p for p in r.path)
    r = score({"data_boundary": "own_cloud_only"}, world=FakeWorld(FakeFacts(open_=False)))
    assert r.recommendation == "closed"


def test_own_cloud_only_sets_no_floor_of_its_own():
    r = score({"data_boundary": "own_cloud_only", "ml_platform_team": "none", "time_to_production": "weeks"}, {**FULL_CHECKLIST_NO, "ship_fast_no_platform": "yes"})
    assert r.recommendation == "closed"  # the options decide whether a closed model exists in your cloud
    assert r.constraints[0].id == "own_cloud_only"


def test_suggestions_follow_the_questionnaire():
    s = suggest_checklist({"data_boundary": "air_gapped", "task_difficulty": "mixed", "ml_platform_team": "dedicated"})
    assert s == {"data_must_stay": "yes", "high_steady_volume": None, "ship_fast_no_platform": "no", "need_frontier": None, "mix": None}
    assert suggest_checklist({"data_boundary": "own_cloud_only"})["data_must_stay"] == "no"
    mixed = suggest_checklist({"daily_tokens": "over_100m", "traffic_shape": "steady", "task_difficulty": "frontier"})
    assert mixed["mix"] == "yes"  # high steady volume AND a frontier need
    assert suggest_checklist({"task_difficulty": "mixed"})["mix"] is None  # difficulty alone is not a mix


def test_user_checklist_answer_overrides_the_suggestion():
    answers = {"data_boundary": "air_gapped"}
    assert score(answers).checklist.suggested["data_must_stay"] == "yes"
    r = score(answers, {"data_must_stay": "no"})
    assert r.checklist.stop is None
    assert r.checklist.path[0].source == "yours"


def test_conflicting_yeses_are_reported_with_what_settles_them():
    r = score({"data_boundary": "air_gapped", "time_to_production": "weeks", "ml_platform_team": "none"})
    assert r.conflict and "suggested from your answers" in r.conflict and "To settle it" in r.conflict
    assert score({"data_boundary": "air_gapped"}).conflict is None


def test_reasons_are_strongest_first_and_name_question_and_answer():
    r = score({"spend_model": "committed_capacity_ok", "data_sensitivity": "public", "modality": "multimodal", "lock_in_tolerance": "unacceptable"})
    assert [x.question for x in r.reasons][:2] == ["lock_in_tolerance", "spend_model"]
    strengths = [abs(x.contribution) for x in r.reasons if x.contribution]
    assert strengths == sorted(strengths, reverse=True)
    assert r.reasons[-1].contribution == 0  # neutral answers come last
    assert abs(sum(x.contribution for x in r.reasons) - r.overall) < 1  # contributions add up to the overall lean


def test_context_answers_are_reasons_but_add_nothing():
    r = score({"monthly_active_users": "over_700m", "annual_revenue_usd": "over_240m", "modality": "text_only"})
    assert len(r.reasons) == 3
    assert {x.contribution for x in r.reasons} == {0}
    assert r.overall == 0


def test_flips_are_exactly_the_single_changes_that_change_the_call_or_deployment(q):
    answers = {"spend_model": "committed_capacity_ok", "task_difficulty": "mixed", "ml_platform_team": "small"}
    checklist = {"data_must_stay": "no", "mix": "unsure"}
    r = score(answers, checklist)
    flips = {(f.question, f.to): (f.recommendation, f.deployment) for f in r.flips}
    now = (r.recommendation, r.deployment)
    for question in q.questions:
        for o in question.options:
            if answers.get(question.id) == o.id:
                continue
            got = score({**answers, question.id: o.id}, checklist)
            assert flips.get((question.id, o.id), now) == (got.recommendation, got.deployment)
    for item in q.checklist:
        for ans in ("yes", "no", "unsure"):
            if checklist.get(item.id) == ans:
                continue
            got = score(answers, {**checklist, item.id: ans})
            assert flips.get((item.id, ans), now) == (got.recommendation, got.deployment), (item.id, ans)
    assert all(f.deployment for f in r.flips)


def test_answer_order_does_not_matter(profiles):
    p = profiles["hybrid_router"]
    items = list(p.answers.items())
    random.Random(7).shuffle(items)
    assert score(dict(items)) == score(p.answers)


@pytest.mark.parametrize(
    "answers,checklist,message",
    [
        ({"nope": "x"}, {}, "answers.nope: unknown question 'nope'"),
        ({"daily_tokens": "lots"}, {}, "'lots' is not an option of daily_tokens"),
        ({}, {"mix": "maybe"}, "checklist.mix: 'maybe' is not one of yes, no, unsure"),
        ({}, {"frontier": "yes"}, "checklist.frontier: unknown checklist item 'frontier'"),
        ({"daily_tokens": None}, {}, "None is not an option of daily_tokens"),
    ],
)
def test_bad_answers_raise_a_narrow_error(answers, checklist, message):
    with pytest.raises(InvalidAnswers) as info:
        score(answers, checklist)
    assert message in str(info.value)


def test_yaml_booleans_are_read_as_yes_and_no():
    r = score({"own_evals": True}, {"mix": True, "need_frontier": False})
    assert next(x for x in r.reasons if x.question == "own_evals").answer == "yes"
    assert r.checklist.answers["mix"] == "yes" and r.checklist.answers["need_frontier"] == "no"


def test_result_is_immutable():
    r = score({})
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        r.recommendation = "open"
