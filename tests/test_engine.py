"""The engine on small, hand-checkable answer sets."""

import random

import pytest

from grid import score
from grid.engine import suggest_checklist
from grid.errors import InvalidAnswers

FULL_CHECKLIST_NO = {"data_must_stay": "no", "high_steady_volume": "no", "ship_fast_no_platform": "no", "need_frontier": "no", "mix": "no"}


def test_one_strongly_open_answer_gives_full_open_cost_axis():
    # cost axis: 1.5 × (+2) / (1.5 × 2) = +100; only axis answered → overall +100 → open
    r = score({"daily_tokens": "over_100m"})
    assert r.axes == {"cost": 100, "control": None, "governance": None, "ecosystem": None, "performance": None}
    assert r.overall == 100
    assert r.recommendation == "open"
    assert r.deployment == "rented_open_weights"
    assert r.confidence == "low"


def test_two_closed_cost_answers_average_to_minus_fifty():
    # (−1 + −1) / (2 × 2) = −0.5 → −50 → closed
    r = score({"traffic_shape": "spiky", "spend_model": "pay_per_use"})
    assert r.axes["cost"] == -50 and r.overall == -50
    assert r.recommendation == "closed" and r.deployment == "managed_api"


def test_axes_pulling_both_ways_average_to_hybrid():
    # cost +100, ecosystem −100 → overall 0 → hybrid router
    r = score({"daily_tokens": "over_100m", "ml_platform_team": "none"}, FULL_CHECKLIST_NO)
    assert r.axes["cost"] == 100 and r.axes["ecosystem"] == -100
    assert r.overall == 0
    assert r.recommendation == "hybrid" and r.deployment == "router"


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
    assert len(r.unanswered) == r.total_questions == 19


def test_checklist_stops_at_first_firm_yes():
    r = score({}, {"data_must_stay": "yes", "ship_fast_no_platform": "yes"})
    assert r.checklist.stop == "data_must_stay"
    assert r.recommendation == "open" and r.deployment == "self_hosted"
    assert [s.item for s in r.checklist.path] == ["data_must_stay"]


def test_unsure_does_not_stop_the_checklist():
    r = score({}, {"data_must_stay": "unsure", "high_steady_volume": "no", "ship_fast_no_platform": "yes"})
    assert r.checklist.stop == "ship_fast_no_platform"
    assert r.recommendation == "closed"
    assert [s.answer for s in r.checklist.path] == ["unsure", "no", "yes"]


def test_need_frontier_is_closed_unless_axes_pull_open():
    closed = score({"task_difficulty": "frontier"}, {**FULL_CHECKLIST_NO, "need_frontier": "yes"})
    assert closed.recommendation == "closed"
    opened = score(
        {"daily_tokens": "over_100m", "data_sensitivity": "regulated", "task_difficulty": "frontier"},
        {**FULL_CHECKLIST_NO, "need_frontier": "yes"},
    )
    assert opened.overall >= 15
    assert opened.recommendation == "hybrid"
    assert opened.checklist.softened_to == "hybrid"
    assert not opened.agreement and "disagree" in opened.disagreement


def test_ship_fast_softens_to_hybrid_only_when_axes_pull_strongly_open():
    answers = {"daily_tokens": "over_100m", "lock_in_tolerance": "unacceptable"}
    r = score(answers, {**FULL_CHECKLIST_NO, "ship_fast_no_platform": "yes"})
    assert r.overall >= 40 and r.recommendation == "hybrid"
    # cost: (1.5 × 1 − 1) / (2.5 × 2) = +10: below the strong line, so the checklist stands
    r = score({"daily_tokens": "10m_to_100m", "traffic_shape": "spiky"}, {**FULL_CHECKLIST_NO, "ship_fast_no_platform": "yes"})
    assert 0 < r.overall < 40 and r.recommendation == "closed"
    assert "knock-out" in r.disagreement


def test_air_gapped_overrides_a_closed_checklist_stop():
    r = score({"data_boundary": "air_gapped", "ml_platform_team": "none"}, {**FULL_CHECKLIST_NO, "ship_fast_no_platform": "yes"})
    assert r.recommendation == "open" and r.deployment == "self_hosted"
    assert [c.id for c in r.constraints] == ["air_gapped"]
    assert any("raised to open" in p for p in r.path)


def test_own_cloud_only_turns_closed_into_hybrid():
    r = score(
        {"data_boundary": "own_cloud_only", "ml_platform_team": "none", "time_to_production": "weeks", "task_difficulty": "frontier"},
        {**FULL_CHECKLIST_NO, "ship_fast_no_platform": "yes"},
    )
    assert r.recommendation == "hybrid"
    assert r.constraints[0].id == "own_cloud_only"


def test_suggestions_follow_the_questionnaire():
    s = suggest_checklist({"data_boundary": "air_gapped", "task_difficulty": "mixed", "ml_platform_team": "dedicated"})
    assert s == {"data_must_stay": "yes", "high_steady_volume": None, "ship_fast_no_platform": "no", "need_frontier": None, "mix": "yes"}


def test_user_checklist_answer_overrides_the_suggestion():
    answers = {"data_boundary": "own_cloud_only"}
    assert score(answers).checklist.stop == "data_must_stay"
    r = score(answers, {"data_must_stay": "no"})
    assert r.checklist.stop is None
    assert r.checklist.path[0].source == "yours"


def test_reasons_are_strongest_first_and_name_question_and_answer():
    r = score({"daily_tokens": "over_100m", "traffic_shape": "spiky", "data_sensitivity": "public", "modality": "multimodal"})
    assert [x.question for x in r.reasons][:2] == ["daily_tokens", "modality"]
    strengths = [abs(x.contribution) for x in r.reasons if x.contribution]
    assert strengths == sorted(strengths, reverse=True)
    assert r.reasons[-1].contribution == 0  # neutral answers come last
    first = r.reasons[0]
    assert first.answer == "over_100m" and "100M" in first.text
    # contributions add up to the overall lean
    assert abs(sum(x.contribution for x in r.reasons) - r.overall) < 1


def test_context_answers_are_reasons_but_add_nothing():
    r = score({"monthly_active_users": "over_700m", "annual_revenue_usd": "over_240m", "modality": "text_only"})
    assert len(r.reasons) == 3
    assert {x.contribution for x in r.reasons} == {0}
    assert r.overall == 0


def test_flips_are_exactly_the_single_changes_that_change_the_result(q):
    answers = {"daily_tokens": "10m_to_100m", "traffic_shape": "steady", "task_difficulty": "mixed", "ml_platform_team": "small"}
    checklist = {"data_must_stay": "no", "mix": "unsure"}
    r = score(answers, checklist)
    flips = {(f.question, f.to): f.recommendation for f in r.flips}
    for question in q.scored_questions:
        for o in question.options:
            if answers.get(question.id) == o.id:
                continue
            got = score({**answers, question.id: o.id}, checklist).recommendation
            assert flips.get((question.id, o.id), r.recommendation) == got
    for item in q.checklist:
        for ans in ("yes", "no", "unsure"):
            if r.checklist.answers[item.id] == ans:
                continue
            got = score(answers, {**checklist, item.id: ans}).recommendation
            assert flips.get((item.id, ans), r.recommendation) == got


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
    assert r.reasons[0].answer == "yes"
    assert r.checklist.answers["mix"] == "yes" and r.checklist.answers["need_frontier"] == "no"


def test_result_is_immutable():
    r = score({})
    with pytest.raises(Exception):
        r.recommendation = "open"
