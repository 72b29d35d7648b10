"""The questionnaire file: its public ids, and the messages a broken copy must produce."""

import copy

import pytest
import yaml

from grid.errors import InvalidData
from grid.questionnaire import QUESTIONNAIRE_PATH, parse_questionnaire

# The public contract from the issue: question id -> option id -> lean direction.
# Share links and saved answers depend on these ids; changing one here means breaking them.
CONTRACT = {
    "cost": {
        "spend_model": {"pay_per_use": "closed", "either": "neutral", "committed_capacity_ok": "open"},
    },
    "control": {
        "data_sensitivity": {"public": "neutral", "internal": "slightly_open", "confidential": "open", "regulated": "strongly_open"},
        "data_boundary": {"any_vendor": "closed", "vendor_with_contract": "neutral", "own_cloud_only": "strongly_open", "air_gapped": "strongly_open"},
        "version_pinning": {"not_needed": "neutral", "preferred": "open", "required": "strongly_open"},
        "fine_tuning": {"none": "neutral", "light": "neutral", "deep": "strongly_open"},
    },
    "governance": {
        "governance_owner": {"vendor": "closed", "shared": "neutral", "in_house": "open"},
        "audience": {"internal_staff": "open", "business_partners": "neutral", "public_consumers": "closed"},
        "auditability": {"not_needed": "neutral", "useful": "open", "required": "strongly_open"},
    },
    "ecosystem": {
        "ml_platform_team": {"none": "strongly_closed", "small": "neutral", "dedicated": "open"},
        "time_to_production": {"weeks": "strongly_closed", "quarter": "neutral", "no_deadline": "open"},
        "integration_needs": {"critical": "closed", "useful": "neutral", "minimal": "open"},
        "lock_in_tolerance": {"acceptable": "closed", "limited": "open", "unacceptable": "strongly_open"},
    },
    "performance": {
        "task_difficulty": {"routine": "open", "mixed": "neutral", "frontier": "strongly_closed"},
        "modality": {"text_only": "neutral", "multimodal": "closed"},
        "latency_budget": {"relaxed": "neutral", "interactive": "neutral", "real_time": "open"},
        "own_evals": {"yes": "open", "no": "closed"},
    },
}
# Questions that act through the options and the cost model, so they carry no lean of their own
# (each answer counts once): their ids stay a public contract.
UNSCORED = {
    "daily_tokens": ("cost", ["under_1m", "1m_to_10m", "10m_to_100m", "over_100m", "unknown"]),
    "traffic_shape": ("cost", ["steady", "spiky", "unknown"]),
    "vendor_attestations": ("governance", ["required", "nice_to_have", "not_needed"]),
    "cloud_platform": ("control", ["aws", "azure", "gcp", "other_cloud", "on_premises", "unknown"]),
    "data_region": ("control", ["eu", "us", "uk", "other", "any", "unknown"]),
    "company_domicile": ("control", ["eu", "us", "uk", "other", "unknown"]),
}
CONTEXT = {
    "monthly_active_users": ["under_1m", "1m_to_100m", "100m_to_700m", "over_700m"],
    "annual_revenue_usd": ["under_1m", "1m_to_30m", "30m_to_240m", "over_240m"],
}
CHECKLIST = ["data_must_stay", "high_steady_volume", "ship_fast_no_platform", "need_frontier", "mix"]

CASES = [(axis, qid, opts) for axis, questions in CONTRACT.items() for qid, opts in questions.items()]


@pytest.mark.parametrize("axis,qid,options", CASES, ids=[c[1] for c in CASES])
def test_contract_question_keeps_its_axis_options_and_leans(q, axis, qid, options):
    question = q.question_by_id[qid]
    assert question.axis == axis
    assert question.scored
    assert {o.id: o.lean for o in question.options} == options
    assert question.label and question.help
    assert all(o.reason for o in question.options)


@pytest.mark.parametrize("qid", list(UNSCORED))
def test_cost_inputs_and_filters_keep_their_ids_and_carry_no_lean(q, qid):
    axis, options = UNSCORED[qid]
    question = q.question_by_id[qid]
    assert question.axis == axis and not question.scored
    assert [o.id for o in question.options] == options
    assert all(o.lean is None for o in question.options)


@pytest.mark.parametrize("qid,options", CONTEXT.items())
def test_context_questions_are_not_scored(q, qid, options):
    question = q.question_by_id[qid]
    assert question.axis == "context" and not question.scored
    assert [o.id for o in question.options] == options
    assert all(o.lean is None and o.range is not None for o in question.options)


def test_checklist_items_in_order(q):
    assert [c.id for c in q.checklist] == CHECKLIST
    assert [c.verdict for c in q.checklist] == ["open", "open", "closed", "closed", "hybrid"]


def test_air_gapped_is_a_hard_constraint(q):
    assert q.option("data_boundary", "air_gapped").constraint == "air_gapped"
    assert q.constraint_by_id["air_gapped"].floor == "open"
    assert q.constraint_by_id["own_cloud_only"].floor == "closed"  # it works through the options it rules out


def _raw():
    return yaml.safe_load(QUESTIONNAIRE_PATH.read_text())


def _broken(edit):
    data = copy.deepcopy(_raw())
    edit(data)
    return data


BROKEN = [
    ("unknown key on a question", lambda d: d["questions"][0].update(colour="red"), "questions[0] (daily_tokens).colour: unknown key"),
    ("unknown lean", lambda d: d["questions"][2]["options"][0].update(lean="sideways"), "unknown lean 'sideways'"),
    ("scored option without reason", lambda d: d["questions"][2]["options"][0].pop("reason"), "a scored option needs a lean and a reason"),
    ("duplicate question", lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])), "question id 'daily_tokens' appears more than once"),
    ("unknown axis", lambda d: d["questions"][0].update(axis="vibes"), "question 'daily_tokens': unknown axis 'vibes'"),
    ("rule names unknown option", lambda d: d["checklist"][0]["suggest"]["yes"].append({"data_boundary": ["moon"]}), "question 'data_boundary' has no option 'moon'"),
    ("soften against the verdict", lambda d: d["checklist"][2].update(soften={"to": "hybrid", "when_overall_at_most": -40}), "a closed verdict softens only with when_overall_at_least"),
    ("weight not positive", lambda d: d["questions"][0].update(weight=0), "questions[0] (daily_tokens).weight: Input should be greater than 0"),
    ("missing axis", lambda d: d.update(axes=[a for a in d["axes"] if a["id"] != "cost"]), "axis 'cost' is missing"),
]


@pytest.mark.parametrize("name,edit,message", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_questionnaire_names_the_problem(name, edit, message):
    with pytest.raises(InvalidData) as info:
        parse_questionnaire(_broken(edit), "questionnaire.yaml")
    assert any(message in p for p in info.value.problems), info.value.problems


def test_every_problem_is_reported_at_once():
    def two(d):
        d["questions"][0]["colour"] = "red"
        d["questions"][2]["axis"] = "nowhere"

    with pytest.raises(InvalidData) as info:
        parse_questionnaire(_broken(two), "q.yaml")
    text = " | ".join(info.value.problems)
    assert "colour: unknown key" in text
    # pydantic stops before the cross-check when a field is wrong, so fix the field and look again
    def only_axis(d):
        d["questions"][2]["axis"] = "nowhere"
        d["questions"][3]["axis"] = "elsewhere"

    with pytest.raises(InvalidData) as info:
        parse_questionnaire(_broken(only_axis), "q.yaml")
    text = " | ".join(info.value.problems)
    assert "unknown axis 'nowhere'" in text and "unknown axis 'elsewhere'" in text
