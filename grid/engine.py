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
from dataclasses import dataclass
from typing import Any, Optional

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
HEADLINE = {
    ("open", "self_hosted"): "Open weights, self-hosted on infrastructure you control",
    ("open", "rented_open_weights"): "Open weights, rented from a seller that serves them",
    ("closed", "managed_api"): "A closed model through a managed API",
    ("hybrid", "router"): "Hybrid: a router sends the hard requests to a closed frontier model and the volume to a cheaper model",
    ("hybrid", "managed_api"): "Hybrid through managed endpoints: the hard requests to a closed frontier model, the volume to a cheaper managed model, no router to run",
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
    kind: str  # "question", "context" or "checklist"
    question_label: str
    to_label: str
    deployment: Deployment
    deployment_seller: Optional[str] = None
    monthly_usd: Optional[float] = None
    text: str = ""


class DeploymentReason(_Out):
    text: str
    question: Optional[str] = None


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
    deployment_seller: Optional[str] = None  # seller id(s) of the chosen option; "self" when self-hosted
    deployment_option: Optional[str] = None  # closed_api | closed_cloud | rented_open | self_hosted | hybrid
    deployment_reason: DeploymentReason = DeploymentReason(text="")
    conflict: Optional[str] = None
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


COST_QUESTION = "cost_comparison"  # the cost model's comparison, counted on the cost axis like an answer


def _axis_leans(c: _Compiled, answers: Mapping[str, str], cost_lean: Optional[str] = None) -> tuple[dict[str, float], Optional[float]]:
    num: dict[str, float] = {}
    den: dict[str, float] = {}
    for qid, oid in answers.items():
        info = c.scored.get(qid)
        if info is None:
            continue
        axis, weight, leans = info
        num[axis] = num.get(axis, 0.0) + weight * leans[oid]
        den[axis] = den.get(axis, 0.0) + weight * c.max_lean
    if cost_lean is not None:
        w = c.q.method.cost_comparison_weight
        num["cost"] = num.get("cost", 0.0) + w * c.q.leans[cost_lean]
        den["cost"] = den.get("cost", 0.0) + w * c.max_lean
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



# ----------------------------------------------------------------------------- one decision
class _NoWorld:
    """Scoring without a catalog (tests of the engine alone): every option exists, nothing is costed."""

    def facts(self, answers: Mapping[str, str]) -> None:
        return None


@dataclass(frozen=True)
class Decision:
    rec: Recommendation
    overall: Optional[float]
    axis_leans: dict[str, float]
    axis_call: Recommendation
    stop: Optional[ChecklistItem]
    softened: bool
    floor_names: tuple[str, ...]
    moved: Optional[str]  # why the availability of options moved the call
    deployment: Deployment
    seller: Optional[str]
    option: Optional[str]
    monthly: Optional[float]
    reason: DeploymentReason


def _available(facts: Any, rec: str) -> bool:
    return facts is None or facts.available(rec)


def decide(c: _Compiled, answers: Mapping[str, str], confirmed: Mapping[str, str], facts: Any) -> Decision:
    """The one rule that turns answers into a call and a deployment (the flips use it too).

    1. The axes, with the cost axis taken from the cost model's comparison, give a call.
    2. The first checklist item the user CONFIRMED as yes replaces it (softened to hybrid when the
       axes pull strongly the other way). Suggested answers never decide: they come from answers the
       axes already count.
    3. A hard constraint's floor raises it (air-gapped: open).
    4. The call must be an option the answers allow: with no closed option allowed it cannot be
       closed (or hybrid); with no open option allowed it cannot be open (or hybrid).
    """
    axis_leans, overall = _axis_leans(c, answers, facts.cost_lean if facts is not None else None)
    axis_call = _axis_call(c, overall)
    rec: Recommendation = axis_call
    stop = next((item for item in c.q.checklist if confirmed.get(item.id) == "yes"), None)
    softened = False
    if stop is not None:
        rec = stop.verdict
        if _softened(stop, overall):
            rec, softened = "hybrid", True
    floor, hits = _floor(c, answers)
    floor_names: tuple[str, ...] = ()
    if REC_RANK[rec] < floor:
        rec = next(r for r, rank in REC_RANK.items() if rank == floor)
        floor_names = tuple(
            f"{c.q.question_by_id[qid].label} {c.q.option(qid, oid).label.lower()}" for cid, qid, oid in hits if REC_RANK[c.q.constraint_by_id[cid].floor] == floor
        )
    moved = None
    if not _available(facts, rec):
        before = rec
        closed_ok, open_ok = _available(facts, "closed"), _available(facts, "open")
        if not closed_ok and open_ok:
            rec = "open"
        elif not open_ok and closed_ok:
            rec = "closed"
        elif rec == "hybrid":
            rec = "open" if (overall or 0) >= 0 else "closed"
        moved = f"Your answers allow no {before} option, so the call is {rec}." if rec != before else None
    deployment, seller, option, monthly, reason = deploy(c.q, rec, answers, stop, facts)
    return Decision(rec, overall, axis_leans, axis_call, stop, softened, floor_names, moved, deployment, seller, option, monthly, reason)


def deploy(q: Questionnaire, rec: Recommendation, answers: Mapping[str, str], stop: Optional[ChecklistItem], facts: Any) -> tuple:
    """The deployment among the allowed options: (deployment, seller, option key, monthly, reason).
    When the chosen option is not the cheapest allowed one, the reason gives both monthly figures."""
    dep, seller, key, monthly, reason = _deploy(q, rec, answers, stop, facts)
    c = getattr(facts, "cheapest_allowed", None) if facts is not None else None
    if key and c and c != key and monthly is not None:
        co = facts.options[c]
        if co.priced and co.monthly < monthly and _money(co.monthly) not in reason.text:
            extra = f" The cheapest allowed option is {OPTION_PHRASE[c]}, {_describe(co)}, at {_money(co.monthly)} a month."
            reason = DeploymentReason(text=reason.text + extra, question=reason.question)
    return dep, seller, key, monthly, reason


def _deploy(q: Questionnaire, rec: Recommendation, answers: Mapping[str, str], stop: Optional[ChecklistItem], facts: Any) -> tuple:
    if facts is None or not getattr(facts, "options", None):
        dep: Deployment = {"closed": "managed_api", "hybrid": "router"}.get(rec, "rented_open_weights")  # type: ignore[assignment]
        if rec == "open" and any(_matches(rule, answers) for rule in q.open_deployment.self_hosted_required_when):
            dep = "self_hosted"
        if rec == "open" and stop is not None and stop.deployment == "self_hosted":
            dep = "self_hosted"
        return dep, None, None, None, DeploymentReason(text="Not costed: no catalog was given.")
    opts = facts.options

    def seller_of(key: str) -> Optional[str]:
        o = opts[key]
        if o.pick is None:
            return None
        if key == "self_hosted":
            return "self"
        if key == "hybrid":
            return " + ".join(dict.fromkeys(x.seller.id if x.seller else "self" for x in o.parts)) or None
        return o.pick.seller.id if o.pick.seller else None

    def cheapest(keys: tuple[str, ...]) -> Optional[str]:
        from grid.options import rank

        priced = [k for k in keys if opts[k].priced]
        if priced:
            return min(priced, key=lambda k: rank(opts[k]))
        allowed = [k for k in keys if opts[k].allowed]
        return allowed[0] if allowed else None

    def others_text(chosen: str, pool: tuple[str, ...]) -> str:
        rest = [k for k in pool if k != chosen and opts[k].priced]
        return "; ".join(f"{OPTION_PHRASE[k]} would cost {_money(opts[k].monthly)} a month" for k in rest)

    if rec == "closed":
        key = cheapest(("closed_api", "closed_cloud"))
        if key is None:
            return "managed_api", None, None, None, DeploymentReason(text="No closed option is allowed or priced.")
        text = (
            f"{_describe(opts[key])}: {_money(opts[key].monthly)} a month, the cheapest allowed closed option"
            if opts[key].priced
            else f"{_describe(opts[key])}: allowed but not priced ({(opts[key].note or 'no complete price row').rstrip('.')})"
        )
        question = None
        other = "closed_cloud" if key == "closed_api" else "closed_api"
        if not opts[other].allowed and opts[other].blocked_by:
            b = opts[other].blocked_by[0]
            text += f" ({OPTION_PHRASE[other]} is ruled out: {b.text})"
            question = b.question
        elif opts[other].priced:
            text += f"; {others_text(key, ('closed_api', 'closed_cloud'))}"
        return "managed_api", seller_of(key), key, opts[key].monthly, DeploymentReason(text=text + ".", question=question)
    if rec == "open":
        required = None
        if stop is not None and stop.deployment == "self_hosted":
            required = (stop.id, f"you confirmed “{stop.question}”")
        for rule in q.open_deployment.self_hosted_required_when:
            if _matches(rule, answers):
                qid = next(iter(rule))
                required = (qid, f"{qid}: {answers.get(qid)} allows no hosted option")
        if required and opts["self_hosted"].allowed:
            key = "self_hosted"
            text = f"Self-hosted because {required[1]}"
            if opts["self_hosted"].priced:
                text += f": {_money(opts['self_hosted'].monthly)} a month"
            alt = others_text("self_hosted", ("rented_open",))
            return "self_hosted", "self", key, opts[key].monthly, DeploymentReason(text=text + (f" ({alt})." if alt else "."), question=required[0])
        key = cheapest(("rented_open", "self_hosted"))
        if key is None:
            return "rented_open_weights", None, None, None, DeploymentReason(text="No open option is allowed or priced.")
        if (
            key == "self_hosted"
            and answers.get("ml_platform_team") == "none"
            and opts["rented_open"].priced
            and (opts["rented_open"].pick.meets_tier or not opts["self_hosted"].pick.meets_tier)
        ):
            # nobody to run a serving stack: rent the weights, and say what self-hosting would save
            r, sh = opts["rented_open"], opts["self_hosted"]
            text = (
                f"{_describe(r)}: {_money(r.monthly)} a month. Rented rather than self-hosted because you have no platform "
                f"team to run a serving stack; self-hosting ({_describe(sh)}) would cost {_money(sh.monthly)} a month "
                "and pays once a team exists to run it."
            )
            return "rented_open_weights", seller_of("rented_open"), "rented_open", r.monthly, DeploymentReason(text=text, question="ml_platform_team")
        dep = "self_hosted" if key == "self_hosted" else "rented_open_weights"
        text = (
            f"{_describe(opts[key])}: {_money(opts[key].monthly)} a month"
            if opts[key].priced
            else f"{_describe(opts[key])}: allowed but not priced ({(opts[key].note or 'no complete price row').rstrip('.')})"
        )
        other = "rented_open" if key == "self_hosted" else "self_hosted"
        question = None
        if opts[other].priced:
            text += f", against {_money(opts[other].monthly)} for {_describe(opts[other])}"
        elif not opts[other].allowed and opts[other].blocked_by:
            text += f" ({OPTION_PHRASE[other]} is ruled out: {opts[other].blocked_by[0].text})"
            question = opts[other].blocked_by[0].question
        elif opts[other].note:
            text += f" ({OPTION_PHRASE[other]}: {opts[other].note})"
        return dep, seller_of(key), key, opts[key].monthly, DeploymentReason(text=text + ".", question=question)
    # hybrid
    h = opts["hybrid"]
    team = answers.get("ml_platform_team")
    if team == "none":
        dep = "managed_api"
        text = (
            "No platform team, so no self-run router: buy both sides as managed endpoints behind one gateway"
            + (f" ({h.pick.detail}, {_money(h.monthly)} a month)" if h.pick else "")
            + ". A router of your own pays once a platform team exists and the volume side's savings exceed its running cost."
        )
        return dep, seller_of("hybrid"), "hybrid", h.monthly, DeploymentReason(text=text, question="ml_platform_team")
    text = f"A router: {h.pick.detail}, {_money(h.monthly)} a month." if h.pick else "A router between a closed frontier model and a cheaper model."
    if facts.volume_side and len(h.parts) == 2:
        vol = h.parts[1]
        how = {
            "rented_open": f"open weights rented from {vol.seller.name if vol.seller else 'a seller'}",
            "self_hosted": "open weights on your own GPUs",
            "closed_api": f"a small closed model through {vol.seller.name if vol.seller else 'its vendor'}",
            "closed_cloud": f"a small closed model through {vol.seller.name if vol.seller else 'your cloud'}",
        }[facts.volume_side]
        text += f" The volume side is {vol.model.name}, {how}: the cheapest allowed model that meets the volume's tier."
    return "router", seller_of("hybrid"), "hybrid", h.monthly, DeploymentReason(text=text)


#: Option names for the middle of a sentence (the pages, the PDF and the record use them too).
OPTION_PHRASE = {
    "closed_api": "a closed model through its vendor's API",
    "closed_cloud": "a closed model through your cloud's endpoint",
    "rented_open": "rented open weights",
    "self_hosted": "self-hosted open weights",
    "hybrid": "a hybrid router",
}


def _money(x: Optional[float]) -> str:
    from grid.options import money

    return money(x)


def _describe(o: Any) -> str:
    from grid.options import describe

    return describe(o)


def _points(x: float) -> str:
    n = round(x)
    return f"{n} point" if n == 1 else f"{n} points"


def _signed(x: float) -> str:
    return f"{round(x):+d}".replace("-", "−")


# ----------------------------------------------------------------------------- public API
def score(
    answers: Mapping[str, str],
    checklist: Optional[Mapping[str, str]] = None,
    *,
    questionnaire: Optional[Questionnaire] = None,
    world: Any = None,
) -> Result:
    """Score one answer set.

    ``answers`` maps question ids to option ids; any subset, even empty. ``checklist`` maps
    checklist item ids to ``yes``/``no``/``unsure``: the user's confirmed answers. Items left out
    show the answer suggested by the questionnaire, which never decides by itself. ``world``
    (``grid.options.World``) supplies the allowed options and their costs; without it nothing is
    costed and every option counts as allowed. Raises ``InvalidAnswers`` for an unknown id or option.
    """
    q = questionnaire or load_questionnaire()
    answers, overrides, problems = check_answer_set(answers, checklist or {}, q)
    if problems:
        raise InvalidAnswers(problems)
    c = _compiled(q)
    world = world or _NoWorld()
    facts = world.facts(answers)
    d = decide(c, answers, overrides, facts)
    overall, axis_leans, axis_call, stop = d.overall, d.axis_leans, d.axis_call, d.stop
    suggested = suggest_checklist(answers, q)
    effective = {item.id: overrides.get(item.id) or suggested[item.id] or "unsure" for item in q.checklist}

    path: list[str] = []
    t = round(c.threshold)
    if facts is not None:
        path.append(f"Options: {_options_sentence(facts)}")
        path.append(f"Cost: {facts.cost_text}")
    if overall is None:
        path.append(f"No scored question is answered yet, so the axes are even and call hybrid (open at {_signed(t)} or more, closed at {_signed(-t)} or less).")
    else:
        path.append(
            f"Axes: the overall lean is {_signed(overall)}, which calls {axis_call} "
            f"(open at {_signed(t)} or more, closed at {_signed(-t)} or less)."
        )
    steps: list[ChecklistStep] = []
    for item in q.checklist:
        source = "yours" if item.id in overrides else ("suggested" if suggested[item.id] else "default")
        steps.append(ChecklistStep(item=item.id, answer=effective[item.id], source=source))
        if item.id in overrides and overrides[item.id] == "yes":
            break
    pending = [item for item in q.checklist if item.id not in overrides and suggested[item.id] == "yes"]
    if stop is None:
        path.append(
            "Checklist: you confirmed no item as a firm yes, so the axes decide."
            + (f" Suggested from your answers: “{pending[0].question}” yes; confirm it to let it decide." if pending else "")
        )
    else:
        path.append(f"Checklist: you confirmed “{stop.question}” (yes → {stop.verdict}). {stop.explain}")
        if d.softened:
            path.append(f"The axes pull the other way (overall {_signed(overall or 0)}), so the checklist's {stop.verdict} call is softened to hybrid.")
    floor, hits = _floor(c, answers)
    triggered = [
        TriggeredConstraint(id=cid, question=qid, answer=oid, floor=q.constraint_by_id[cid].floor, text=q.constraint_by_id[cid].text)
        for cid, qid, oid in hits
    ]
    if d.floor_names:
        path.append(f"Constraint ({', '.join(d.floor_names)}): the call is raised to {d.rec}.")
    if d.moved:
        path.append(d.moved)
    rec, deployment = d.rec, d.deployment
    path.append(f"Deployment: {d.reason.text}")

    agreement = stop is None or stop.verdict == axis_call
    disagreement = None
    if not agreement and stop is not None:
        disagreement = (
            f"The checklist and the axes disagree: you confirmed “{stop.question}” ({stop.verdict}), "
            f"while the axes lean {_signed(overall or 0)} ({axis_call}). "
        )
        if d.softened:
            disagreement += "Because the axes pull strongly the other way, the final call meets them halfway: hybrid."
        elif rec != stop.verdict:
            disagreement += f"A hard constraint or the allowed options set the final call: {rec}."
        else:
            disagreement += f"The checklist is an ordered knock-out test, so your confirmed yes decides: {rec}."
    conflict = _conflict(q, effective, overrides)

    reasons = _reasons(q, c, answers, axis_leans, facts)
    flips = _flips(q, c, answers, overrides, d, world)

    scored_ids = [qq.id for qq in q.scored_questions]
    unanswered = [qid for qid in scored_ids if qid not in answers]
    margin = _margin(c, overall)
    n_flips = sum(1 for f in flips if f.kind != "checklist" and f.recommendation != rec)
    flips_note = f" {n_flips} single answer change{'s' if n_flips != 1 else ''} would flip the call." if n_flips else ""
    if unanswered:
        confidence = "low"
        note = f"{len(unanswered)} of {len(scored_ids)} scored questions are unanswered; answer them to firm up the result."
    elif agreement and margin >= q.method.clear_margin:
        confidence = "high"
        note = f"Every question is answered, the checklist agrees with the axes, and the lean is {_points(margin)} clear of the nearest line.{flips_note}"
    else:
        confidence = "medium"
        why = (
            "the checklist and the axes disagree"
            if not agreement
            else f"the lean is only {_points(margin)} from the line that would change the axes' call (a clear result needs {round(q.method.clear_margin)})"
        )
        note = f"Every question is answered, but {why}.{flips_note}"
    if facts is not None and confidence == "high":
        forced = bool(d.floor_names or d.moved or stop is not None)
        cheapest = facts.cheapest_allowed
        if d.monthly is not None and cheapest and not forced and d.monthly > 3 * facts.options[cheapest].monthly:
            confidence = "medium"
            note += (
                f" Capped at medium: the chosen option costs {_money(d.monthly)} a month, more than three times the cheapest "
                f"allowed ({_describe(facts.options[cheapest])}, {_money(facts.options[cheapest].monthly)}), and no constraint forces it."
            )
        elif facts.capability_gap:
            confidence = "medium"
            note += " Capped at medium: no allowed model meets a hard need of yours (the frontier tier or image input)."
    if conflict and confidence == "high":
        confidence = "medium"
        note += " Capped at medium: two checklist answers pull in opposite directions."

    headline = HEADLINE[(rec, deployment)]
    return Result(
        questionnaire_version=q.version,
        recommendation=rec,
        deployment=deployment,
        deployment_seller=d.seller,
        deployment_option=d.option,
        deployment_reason=d.reason,
        conflict=conflict,
        confidence=confidence,
        headline=headline,
        overall=None if overall is None else round(overall),
        axes={a: (round(axis_leans[a]) if a in axis_leans else None) for a in AXIS_IDS},
        axis_call=axis_call,
        checklist=ChecklistOutcome(
            stop=stop.id if stop else None,
            verdict=stop.verdict if stop else None,
            softened_to="hybrid" if d.softened else None,
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


def _options_sentence(facts: Any) -> str:
    allowed = [OPTION_PHRASE[k] for k, o in facts.options.items() if o.allowed]
    blocked = [f"{OPTION_PHRASE[k]} ({o.blocked_by[0].text.rstrip('.')})" for k, o in facts.options.items() if not o.allowed and o.blocked_by]
    text = "allowed: " + (", ".join(allowed) or "none") + "."
    if blocked:
        text += " Ruled out: " + "; ".join(blocked) + "."
    return text


_PULL = {"open": "open", "closed": "closed", "hybrid": None}


def _conflict(q: Questionnaire, effective: Mapping[str, str], overrides: Mapping[str, str]) -> Optional[str]:
    """Two yeses that pull opposite ways: say so, and what settles it."""
    yeses = [item for item in q.checklist if effective.get(item.id) == "yes"]
    opens = [i for i in yeses if i.verdict == "open"]
    closeds = [i for i in yeses if i.verdict == "closed"]
    if not opens or not closeds:
        return None
    a, b = opens[0], closeds[0]

    def how(i: ChecklistItem) -> str:
        return "you confirmed" if i.id in overrides else "suggested from your answers"

    confirmed = [i for i in (a, b) if i.id in overrides]
    if not confirmed:
        decides = "Neither is confirmed, so neither decides: the axes make the call."
    else:
        first = min(confirmed, key=q.checklist.index)
        decides = (
            f"The ordered checklist stops at the first confirmed yes, so “{first.question}” decides"
            + (" (it comes first)." if len(confirmed) == 2 else ".")
        )
    return (
        f"Two yeses pull in opposite directions: “{a.question}” ({how(a)}, toward open) and “{b.question}” ({how(b)}, toward closed). "
        f"{decides} To settle it, decide which is the real "
        "constraint: a hard data boundary usually wins, and meeting it within weeks without a platform team means a managed, "
        "in-boundary option (your cloud's endpoint) or more time."
    )


def _reasons(q: Questionnaire, c: _Compiled, answers: Mapping[str, str], axis_leans: dict[str, float], facts: Any) -> list[Reason]:
    answered_axes = set(axis_leans)
    total_axis_w = sum(c.axis_weight[a] for a in answered_axes)
    den: dict[str, float] = {}
    for qid in answers:
        info = c.scored.get(qid)
        if info:
            den[info[0]] = den.get(info[0], 0.0) + info[1] * c.max_lean
    if facts is not None and facts.cost_lean is not None:
        den["cost"] = den.get("cost", 0.0) + q.method.cost_comparison_weight * c.max_lean
    ranked: list[tuple[int, float, int, Reason]] = []
    if facts is not None:
        contrib = 0.0
        if facts.cost_lean is not None and total_axis_w:
            contrib = (c.axis_weight["cost"] / total_axis_w) * 100.0 * q.method.cost_comparison_weight * q.leans[facts.cost_lean] / den["cost"]
        direction = "open" if contrib > 1e-9 else ("closed" if contrib < -1e-9 else "neutral")
        ranked.append(
            (
                0 if abs(contrib) > 1e-9 else 1,
                -abs(contrib),
                -1,
                Reason(
                    question=COST_QUESTION,
                    answer=facts.cost_lean or "not_comparable",
                    text=facts.cost_text,
                    axis="cost",
                    question_label="Cost at your volume",
                    answer_label=f"{_volume(facts.tokens_per_day)} tokens a day",
                    contribution=round(contrib, 1),
                    direction=direction,
                    kind="cost",
                ),
            )
        )
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
            if question.axis == "cost":
                text = f"{opt.label}: not scored by itself; it feeds the cost model, which compares the allowed options."
            elif question.axis == "context":
                text = f"{opt.label}: not scored; used to read each licence's user and revenue clauses against your scale."
            else:
                text = f"{opt.label}: not scored; it decides which sellers and licences qualify."
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


def _volume(tokens: float) -> str:
    from grid.options import volume_words

    return volume_words(tokens)


FLIP_CONTEXT = ("cloud_platform", "data_region", "company_domicile")


def _flips(q: Questionnaire, c: _Compiled, answers: Mapping[str, str], overrides: Mapping[str, str], current: Decision, world: Any) -> list[Flip]:
    """Every single change of an answer (or a confirmed checklist answer) that changes the call, the
    deployment or the option it is bought through (a vendor's API or your cloud's endpoint), with
    what it would be and cost."""
    flips: list[Flip] = []

    def record(kind: str, qid: str, to: str, qlabel: str, tlabel: str, d: Decision, facts: Any) -> None:
        if (d.rec, d.deployment, d.option) == (current.rec, current.deployment, current.option):
            return
        seller = d.seller
        text = f"{REC_LABEL[d.rec]}, {d.deployment.replace('_', ' ')}"
        if facts is not None and getattr(facts, "options", None) and d.option:
            what = _describe(facts.options[d.option])
            if d.rec == "hybrid" and d.deployment == "managed_api":  # no platform team: no router of your own
                what = what.replace("a router over", "two managed endpoints behind one gateway:", 1)
            text = f"{REC_LABEL[d.rec]}: {what}" + (f", {_money(d.monthly)} a month" if d.monthly is not None else "")
        flips.append(Flip(question=qid, to=to, recommendation=d.rec, kind=kind, question_label=qlabel, to_label=tlabel,
                          deployment=d.deployment, deployment_seller=seller, monthly_usd=None if d.monthly is None else round(d.monthly, 2), text=text))

    for question in q.questions:
        kind = "question" if question.scored else ("context" if question.id in FLIP_CONTEXT or question.axis == "cost" else None)
        if kind is None:
            continue
        for opt in question.options:
            if answers.get(question.id) == opt.id:
                continue
            changed = dict(answers)
            changed[question.id] = opt.id
            f = world.facts(changed)
            d = decide(c, changed, overrides, f)
            record(kind, question.id, opt.id, question.label, opt.label, d, f)
    facts = world.facts(answers)
    labels = {"yes": "Yes", "no": "No", "unsure": "Unsure"}
    suggested = suggest_checklist(answers, q)
    for item in q.checklist:
        now = overrides.get(item.id) or suggested[item.id] or "unsure"
        for ans in ("yes", "no", "unsure"):
            if overrides.get(item.id) == ans or (item.id not in overrides and ans == now and ans != "yes"):
                continue
            changed_overrides = dict(overrides)
            changed_overrides[item.id] = ans
            d = decide(c, answers, changed_overrides, facts)
            record("checklist", item.id, ans, item.question, labels[ans] + ("" if ans != "yes" else " (confirmed)"), d, facts)
    return flips
