"""The scoring engine: answers in, one immutable ``Result`` out.

How it decides (the Method page shows the same steps with the live numbers):

1. Each answered question contributes its option's lean (-2 strongly closed ... +2 strongly open)
   times the question's weight. An axis's lean is the weighted mean of its answers, scaled to
   -100 ... +100; the overall lean is the weighted mean of the answered axes.
2. The axes alone call ``open`` at or above ``method.open_threshold``, ``closed`` at or below its
   negative, and ``hybrid`` in between.
3. The checklist is read in order and stops at the first firm "yes"; that item's verdict is the
   call, softened to hybrid when the axes pull strongly the other way (data: ``soften``).
   Items the user did not answer take the answer suggested from the questionnaire.
4. Hard constraints (e.g. ``data_boundary: air_gapped``) set a floor: the call is raised to it.

Every step is monotone in each answer (an answer that leans further open never moves the call
toward closed), which ``tests/test_properties.py`` checks over random answer sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Optional

from pydantic import BaseModel, ConfigDict

from grid.answers import check_answer_set
from grid.errors import InvalidAnswers
from grid.questionnaire import (
    AXIS_IDS,
    REC_RANK,
    ChecklistItem,
    Condition,
    Deployment,
    Questionnaire,
    Recommendation,
    load_questionnaire,
)

REC_LABEL = {"open": "Open weights", "closed": "Closed API", "hybrid": "Hybrid router"}
DEPLOYMENT_LABEL = {
    "self_hosted": "self-hosted",
    "rented_open_weights": "rented from an inference provider",
    "managed_api": "managed API",
    "router": "router",
}
HEADLINE = {
    ("open", "self_hosted"): "Open weights, self-hosted on infrastructure you control",
    ("open", "rented_open_weights"): "Open weights, rented from an inference provider",
    ("closed", "managed_api"): "A closed model through a managed API",
    ("hybrid", "router"): "Hybrid: a router sends the hard requests to a closed frontier model and the volume to open weights",
}


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reason(_Out):
    question: str
    answer: str
    text: str
    axis: str
    question_label: str
    answer_label: str
    #: Points this answer adds to the overall lean (-100 ... +100); 0 for neutral or context answers.
    contribution: float
    direction: str  # "open", "closed" or "neutral"
    kind: str = "answer"  # "answer", or "cost" for the cost comparison at the user's volume


class Flip(_Out):
    question: str
    to: str
    recommendation: Recommendation
    kind: str  # "question" or "checklist"
    question_label: str
    to_label: str


class TriggeredConstraint(_Out):
    id: str
    question: str
    answer: str
    floor: Recommendation
    text: str


class ChecklistStep(_Out):
    item: str
    answer: str
    source: str  # "yours", "suggested" or "default"


class ChecklistOutcome(_Out):
    stop: Optional[str]
    verdict: Optional[Recommendation]
    softened_to: Optional[Recommendation]
    answers: dict[str, str]
    suggested: dict[str, Optional[str]]
    path: list[ChecklistStep]


class Result(_Out):
    """Everything the pages, the PDF and the CLI show about one scored answer set."""

    questionnaire_version: int
    recommendation: Recommendation
    deployment: Deployment
    confidence: str  # "high", "medium" or "low"
    headline: str
    overall: Optional[int]
    axes: dict[str, Optional[int]]
    axis_call: Recommendation
    checklist: ChecklistOutcome
    constraints: list[TriggeredConstraint]
    reasons: list[Reason]
    flips: list[Flip]
    agreement: bool
    disagreement: Optional[str]
    path: list[str]
    confidence_note: str
    answered: int
    total_questions: int
    unanswered: list[str]

    def to_json_dict(self) -> dict:
        """The public JSON form (``python -m grid recommend --json``)."""
        return self.model_dump(mode="json")


# ----------------------------------------------------------------------------- compiled form
class _Compiled:
    """Plain dicts derived from the questionnaire once, so that scoring (with ~60 flip
    re-evaluations) stays well under a millisecond per evaluation."""

    def __init__(self, q: Questionnaire):
        self.q = q
        max_lean = max(abs(v) for v in q.leans.values()) or 1.0
        self.scored: dict[str, tuple[str, float, dict[str, float]]] = {}
        for question in q.scored_questions:
            self.scored[question.id] = (
                question.axis,
                question.weight,
                {o.id: q.leans[o.lean] for o in question.options if o.lean is not None},
            )
        self.max_lean = max_lean
        self.axis_weight = {a.id: a.weight for a in q.axes}
        self.constraint_of: dict[tuple[str, str], str] = {
            (question.id, o.id): o.constraint
            for question in q.questions
            for o in question.options
            if o.constraint
        }
        self.threshold = q.method.open_threshold


_COMPILED: dict[int, tuple[Questionnaire, _Compiled]] = {}


def _compiled(q: Questionnaire) -> _Compiled:
    hit = _COMPILED.get(id(q))
    if hit is None or hit[0] is not q:
        hit = (q, _Compiled(q))
        _COMPILED[id(q)] = hit
    return hit[1]


def _matches(rule: Condition, answers: Mapping[str, str]) -> bool:
    return all(answers.get(qid) in opts for qid, opts in rule.items())


def _axis_leans(c: _Compiled, answers: Mapping[str, str]) -> tuple[dict[str, float], Optional[float]]:
    num: dict[str, float] = {}
    den: dict[str, float] = {}
    for qid, oid in answers.items():
        info = c.scored.get(qid)
        if info is None:
            continue
        axis, weight, leans = info
        num[axis] = num.get(axis, 0.0) + weight * leans[oid]
        den[axis] = den.get(axis, 0.0) + weight * c.max_lean
    leans_by_axis = {a: 100.0 * num[a] / den[a] for a in den}
    total = sum(c.axis_weight[a] for a in leans_by_axis)
    if not total:
        return leans_by_axis, None
    overall = sum(c.axis_weight[a] * v for a, v in leans_by_axis.items()) / total
    return leans_by_axis, overall


def suggest_checklist(answers: Mapping[str, str], questionnaire: Optional[Questionnaire] = None) -> dict[str, Optional[str]]:
    """The checklist answers the questionnaire suggests (``None`` where it suggests nothing)."""
    q = questionnaire or load_questionnaire()
    out: dict[str, Optional[str]] = {}
    for item in q.checklist:
        suggestion = None
        for answer in ("yes", "no"):
            if any(_matches(rule, answers) for rule in item.suggest.get(answer, [])):
                suggestion = answer
                break
        out[item.id] = suggestion
    return out


def _effective_checklist(q: Questionnaire, answers: Mapping[str, str], overrides: Mapping[str, str]) -> dict[str, str]:
    suggested = suggest_checklist(answers, q)
    return {item.id: overrides.get(item.id) or suggested[item.id] or "unsure" for item in q.checklist}


def _axis_call(c: _Compiled, overall: Optional[float]) -> Recommendation:
    s = overall or 0.0
    if s >= c.threshold:
        return "open"
    if s <= -c.threshold:
        return "closed"
    return "hybrid"


def _margin(c: _Compiled, overall: Optional[float]) -> float:
    """Distance from the overall lean to the nearest line that would change the axes' call."""
    s = overall or 0.0
    t = c.threshold
    if s >= t:
        return s - t
    if s <= -t:
        return -t - s
    return min(t - s, s + t)


def _softened(item: ChecklistItem, overall: Optional[float]) -> bool:
    s = overall or 0.0
    soft = item.soften
    if soft is None:
        return False
    if soft.when_overall_at_least is not None and s >= soft.when_overall_at_least:
        return True
    return soft.when_overall_at_most is not None and s <= soft.when_overall_at_most


def _floor(c: _Compiled, answers: Mapping[str, str]) -> tuple[int, list[tuple[str, str, str]]]:
    floor = REC_RANK["closed"]
    hits = []
    for qid, oid in answers.items():
        cid = c.constraint_of.get((qid, oid))
        if cid is not None:
            hits.append((cid, qid, oid))
            floor = max(floor, REC_RANK[c.q.constraint_by_id[cid].floor])
    return floor, hits


def _decide(c: _Compiled, answers: Mapping[str, str], checklist: Mapping[str, str]) -> Recommendation:
    """The recommendation alone: the fast path used for every flip."""
    _, overall = _axis_leans(c, answers)
    rec = _axis_call(c, overall)
    for item in c.q.checklist:
        if checklist.get(item.id) == "yes":
            rec = "hybrid" if _softened(item, overall) else item.verdict
            break
    floor, _ = _floor(c, answers)
    if REC_RANK[rec] < floor:
        rec = next(r for r, rank in REC_RANK.items() if rank == floor)
    return rec


def _signed(x: float) -> str:
    return f"{round(x):+d}".replace("-", "−")


# ----------------------------------------------------------------------------- public API
def score(
    answers: Mapping[str, str],
    checklist: Optional[Mapping[str, str]] = None,
    *,
    questionnaire: Optional[Questionnaire] = None,
) -> Result:
    """Score one answer set.

    ``answers`` maps question ids to option ids; any subset, even empty. ``checklist`` maps
    checklist item ids to ``yes``/``no``/``unsure``; items left out take the answer suggested by
    the questionnaire. Raises ``InvalidAnswers`` for an unknown id or option.
    """
    q = questionnaire or load_questionnaire()
    answers, overrides, problems = check_answer_set(answers, checklist or {}, q)
    if problems:
        raise InvalidAnswers(problems)
    c = _compiled(q)

    axis_leans, overall = _axis_leans(c, answers)
    axis_call = _axis_call(c, overall)
    suggested = suggest_checklist(answers, q)
    effective = {item.id: overrides.get(item.id) or suggested[item.id] or "unsure" for item in q.checklist}

    path: list[str] = []
    t = round(c.threshold)
    if overall is None:
        path.append(f"No scored question is answered yet, so the axes are even and call hybrid (open at {_signed(t)} or more, closed at {_signed(-t)} or less).")
    else:
        path.append(
            f"Axes: the overall lean is {_signed(overall)}, which calls {axis_call} "
            f"(open at {_signed(t)} or more, closed at {_signed(-t)} or less)."
        )

    # Checklist: the first firm yes stops it.
    steps: list[ChecklistStep] = []
    stop: Optional[ChecklistItem] = None
    for item in q.checklist:
        ans = effective[item.id]
        source = "yours" if item.id in overrides else ("suggested" if suggested[item.id] else "default")
        steps.append(ChecklistStep(item=item.id, answer=ans, source=source))
        if ans == "yes":
            stop = item
            break
    rec: Recommendation = axis_call
    softened_to = None
    if stop is None:
        path.append("Checklist: no item was a firm yes, so the axes decide.")
    else:
        rec = stop.verdict
        path.append(f"Checklist: stopped at “{stop.question}” (yes → {stop.verdict}). {stop.explain}")
        if _softened(stop, overall):
            rec = softened_to = "hybrid"
            path.append(
                f"The axes pull the other way (overall {_signed(overall or 0)}), so the checklist's {stop.verdict} call is softened to hybrid."
            )

    # Constraints: raise the call to their floor.
    floor, hits = _floor(c, answers)
    triggered = []
    for cid, qid, oid in hits:
        con = q.constraint_by_id[cid]
        triggered.append(TriggeredConstraint(id=cid, question=qid, answer=oid, floor=con.floor, text=con.text))
    if REC_RANK[rec] < floor:
        new = next(r for r, rank in REC_RANK.items() if rank == floor)
        names = ", ".join(f"{t.question}: {t.answer}" for t in triggered if REC_RANK[t.floor] == floor)
        path.append(f"Constraint ({names}): the call cannot be {rec}, so it is raised to {new}.")
        rec = new

    deployment = _deployment(q, rec, answers, stop, triggered)

    agreement = stop is None or stop.verdict == axis_call
    disagreement = None
    if not agreement and stop is not None:
        disagreement = (
            f"The checklist and the axes disagree: “{stop.question}” is a firm yes ({stop.verdict}), "
            f"while the axes lean {_signed(overall or 0)} ({axis_call}). "
        )
        if softened_to:
            disagreement += "Because the axes pull strongly the other way, the final call meets them halfway: hybrid."
        elif rec != stop.verdict:
            disagreement += f"A hard constraint sets the final call: {rec}."
        else:
            disagreement += (
                f"The checklist is an ordered knock-out test, so its firm yes decides: {rec}. "
                "If that yes is not firm, answer it unsure and the axes decide."
            )

    reasons = _reasons(q, c, answers, axis_leans)
    flips = _flips(q, c, answers, overrides, rec)

    scored_ids = [qq.id for qq in q.scored_questions]
    unanswered = [qid for qid in scored_ids if qid not in answers]
    margin = _margin(c, overall)
    n_flips = sum(1 for f in flips if f.kind == "question")
    flips_note = f" {n_flips} single answer change{'s' if n_flips != 1 else ''} would flip it." if n_flips else ""
    if unanswered:
        confidence = "low"
        note = f"{len(unanswered)} of {len(scored_ids)} scored questions are unanswered; answer them to firm up the result."
    elif agreement and margin >= q.method.clear_margin:
        confidence = "high"
        note = f"Every question is answered, the checklist agrees with the axes, and the lean is {round(margin)} points clear of the nearest line.{flips_note}"
    else:
        confidence = "medium"
        why = (
            "the checklist and the axes disagree"
            if not agreement
            else f"the lean is only {round(margin)} points from the line that would change the axes' call (a clear result needs {round(q.method.clear_margin)})"
        )
        note = f"Every question is answered, but {why}.{flips_note}"

    headline = HEADLINE[(rec, deployment)]
    return Result(
        questionnaire_version=q.version,
        recommendation=rec,
        deployment=deployment,
        confidence=confidence,
        headline=headline,
        overall=None if overall is None else round(overall),
        axes={a: (round(axis_leans[a]) if a in axis_leans else None) for a in AXIS_IDS},
        axis_call=axis_call,
        checklist=ChecklistOutcome(
            stop=stop.id if stop else None,
            verdict=stop.verdict if stop else None,
            softened_to=softened_to,
            answers=effective,
            suggested=suggested,
            path=steps,
        ),
        constraints=triggered,
        reasons=reasons,
        flips=flips,
        agreement=agreement,
        disagreement=disagreement,
        path=path,
        confidence_note=note,
        answered=len(scored_ids) - len(unanswered),
        total_questions=len(scored_ids),
        unanswered=unanswered,
    )


def _deployment(
    q: Questionnaire,
    rec: Recommendation,
    answers: Mapping[str, str],
    stop: Optional[ChecklistItem],
    triggered: list[TriggeredConstraint],
) -> Deployment:
    if rec == "closed":
        return "managed_api"
    if rec == "hybrid":
        return "router"
    for t in triggered:
        dep = q.constraint_by_id[t.id].deployment
        if dep is not None:
            return dep
    if stop is not None and stop.verdict == "open" and stop.deployment is not None:
        return stop.deployment
    if any(_matches(rule, answers) for rule in q.open_deployment.self_hosted_when):
        return "self_hosted"
    return "rented_open_weights"


def _reasons(q: Questionnaire, c: _Compiled, answers: Mapping[str, str], axis_leans: dict[str, float]) -> list[Reason]:
    answered_axes = {qq.axis for qq in q.scored_questions if qq.id in answers}
    total_axis_w = sum(c.axis_weight[a] for a in answered_axes)
    den: dict[str, float] = {}
    for qid in answers:
        info = c.scored.get(qid)
        if info:
            den[info[0]] = den.get(info[0], 0.0) + info[1] * c.max_lean
    ranked: list[tuple[int, float, int, Reason]] = []
    for order, question in enumerate(q.questions):
        oid = answers.get(question.id)
        if oid is None:
            continue
        opt = q.option(question.id, oid)
        if question.scored:
            axis, weight, leans = c.scored[question.id]
            contrib = (c.axis_weight[axis] / total_axis_w) * 100.0 * weight * leans[oid] / den[axis] if total_axis_w else 0.0
            text = opt.reason or ""
            tier = 0 if abs(contrib) > 1e-9 else 1
        else:
            contrib = 0.0
            text = f"{opt.label}: not scored; used to read each licence's user and revenue clauses against your scale."
            tier = 2
        direction = "open" if contrib > 1e-9 else ("closed" if contrib < -1e-9 else "neutral")
        reason = Reason(
            question=question.id,
            answer=oid,
            text=text,
            axis=question.axis,
            question_label=question.label,
            answer_label=opt.label,
            contribution=round(contrib, 1),
            direction=direction,
        )
        ranked.append((tier, -abs(contrib), order, reason))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked]


def _flips(
    q: Questionnaire,
    c: _Compiled,
    answers: Mapping[str, str],
    overrides: Mapping[str, str],
    current: Recommendation,
) -> list[Flip]:
    flips: list[Flip] = []
    for question in q.scored_questions:
        for opt in question.options:
            if answers.get(question.id) == opt.id:
                continue
            changed = dict(answers)
            changed[question.id] = opt.id
            rec = _decide(c, changed, _effective_checklist(q, changed, overrides))
            if rec != current:
                flips.append(
                    Flip(
                        question=question.id,
                        to=opt.id,
                        recommendation=rec,
                        kind="question",
                        question_label=question.label,
                        to_label=opt.label,
                    )
                )
    effective = _effective_checklist(q, answers, overrides)
    labels = {"yes": "Yes", "no": "No", "unsure": "Unsure"}
    for item in q.checklist:
        for ans in ("yes", "no", "unsure"):
            if effective[item.id] == ans:
                continue
            changed_overrides = dict(overrides)
            changed_overrides[item.id] = ans
            rec = _decide(c, answers, _effective_checklist(q, answers, changed_overrides))
            if rec != current:
                flips.append(
                    Flip(
                        question=item.id,
                        to=ans,
                        recommendation=rec,
                        kind="checklist",
                        question_label=item.question,
                        to_label=labels[ans],
                    )
                )
    return flips
