"""Properties of the engine over random answer sets (hypothesis)."""

import json

from hypothesis import given
from hypothesis import strategies as st

from grid import score
from grid.questionnaire import REC_RANK, load_questionnaire
from tests.conftest import openness

Q = load_questionnaire()
SCORED = Q.scored_questions


@st.composite
def answer_sets(draw, complete=False):
    """Any subset of the questions (or all of them), each with any of its options."""
    answers = {}
    for question in Q.questions:
        if complete or draw(st.booleans()):
            answers[question.id] = draw(st.sampled_from([o.id for o in question.options]))
    return answers


full_checklists = st.fixed_dictionaries({c.id: st.sampled_from(["yes", "no", "unsure"]) for c in Q.checklist})
partial_checklists = st.dictionaries(st.sampled_from([c.id for c in Q.checklist]), st.sampled_from(["yes", "no", "unsure"]))


@given(answer_sets(), full_checklists, st.sampled_from([q.id for q in SCORED]), st.data())
def test_monotonic_in_every_answer(answers, checklist, qid, data):
    """With the checklist fixed, an answer that leans further open never moves the call toward closed."""
    options = sorted((o.id for o in Q.question_by_id[qid].options), key=lambda o: openness(Q, qid, o))
    i = data.draw(st.integers(0, len(options) - 2))
    j = data.draw(st.integers(i + 1, len(options) - 1))
    lo, hi = options[i], options[j]
    if openness(Q, qid, lo) == openness(Q, qid, hi):
        return  # equally open: nothing to compare
    closer = score({**answers, qid: lo}, checklist).recommendation
    opener = score({**answers, qid: hi}, checklist).recommendation
    assert REC_RANK[opener] >= REC_RANK[closer], (qid, lo, hi, closer, opener)


@given(answer_sets(), partial_checklists)
def test_air_gapped_is_always_open_and_self_hosted(answers, checklist):
    r = score({**answers, "data_boundary": "air_gapped"}, checklist)
    assert r.recommendation == "open"
    assert r.deployment == "self_hosted"


@given(answer_sets(), partial_checklists)
def test_any_partial_answer_set_gives_a_result(answers, checklist):
    r = score(answers, checklist)
    assert r.recommendation in REC_RANK
    complete = all(q.id in answers for q in SCORED)
    if not complete:
        assert r.confidence == "low"
    assert set(r.unanswered) == {q.id for q in SCORED if q.id not in answers}
    for axis, value in r.axes.items():
        assert value is None or -100 <= value <= 100


@given(answer_sets(), partial_checklists, st.randoms(use_true_random=False))
def test_same_answers_same_result_whatever_the_order(answers, checklist, rnd):
    items = list(answers.items())
    rnd.shuffle(items)
    citems = list(checklist.items())
    rnd.shuffle(citems)
    assert score(dict(items), dict(citems)) == score(answers, checklist)
    payload = score(answers, checklist).to_json_dict()
    assert json.loads(json.dumps(payload)) == payload  # the JSON form survives a round trip unchanged


@given(answer_sets(), partial_checklists)
def test_at_least_three_reasons_when_three_questions_answered(answers, checklist):
    r = score(answers, checklist)
    if len(answers) >= 3:
        assert len(r.reasons) >= 3
    assert len(r.reasons) == len(answers)
    assert all(x.question in answers and x.answer == answers[x.question] for x in r.reasons)


@given(answer_sets(complete=True), full_checklists)
def test_every_flip_really_flips(answers, checklist):
    r = score(answers, checklist)
    for f in r.flips:
        if f.kind == "checklist":
            after = score(answers, {**checklist, f.question: f.to})
        else:
            after = score({**answers, f.question: f.to}, checklist)
        assert (after.recommendation, after.deployment) == (f.recommendation, f.deployment) != (r.recommendation, r.deployment)
