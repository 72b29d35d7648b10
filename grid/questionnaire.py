"""The questionnaire, the checklist and the method parameters: strict models over YAML data."""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal, Optional

from pydantic import Field, model_validator

from grid.schema import Strict, validate_as
from grid.yamlio import read_data_file

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
QUESTIONNAIRE_PATH = DATA_DIR / "questionnaire.yaml"

Recommendation = Literal["closed", "hybrid", "open"]
Deployment = Literal["self_hosted", "rented_open_weights", "managed_api", "router"]
ChecklistAnswer = Literal["yes", "no", "unsure"]

#: The order used everywhere a recommendation is compared: closed < hybrid < open.
REC_RANK: dict[str, int] = {"closed": 0, "hybrid": 1, "open": 2}
AXIS_IDS = ("cost", "control", "governance", "ecosystem", "performance")
CHECKLIST_ANSWERS: tuple[str, ...] = ("yes", "no", "unsure")

#: A rule: every named question has one of the listed options.
Condition = dict[str, list[str]]


class Option(Strict):
    """One answer to a question."""

    id: str = Field(min_length=1, description="Stable id used in links and answer files.")
    label: str = Field(min_length=1, description="What the user reads.")
    lean: Optional[str] = Field(None, description="A name from `leans`; scored questions only.")
    reason: Optional[str] = Field(None, description="One line shown when this answer drives the result.")
    constraint: Optional[str] = Field(None, description="Id of a hard constraint this answer triggers.")
    range: Optional[tuple[int, Optional[int]]] = Field(
        None, description="Context questions: the numeric span [low, high) this option stands for; high null = no limit."
    )


class Question(Strict):
    id: str = Field(min_length=1)
    axis: str
    label: str = Field(min_length=1)
    help: str = Field(min_length=1, description="Why the question matters.")
    weight: float = Field(1.0, gt=0, description="How much the question counts within its axis.")
    scored: bool = Field(True, description="False for context questions that only feed licence checks.")
    options: list[Option] = Field(min_length=2)


class Axis(Strict):
    id: str
    short: str = Field(max_length=14, description="Label for tight spaces such as the radar chart.")
    label: str
    step_title: Optional[str] = Field(None, max_length=24, description="The step's name in the app's navigation (the label when absent).")
    description: str
    weight: float = Field(ge=0, description="How much the axis counts in the overall lean.")


class Method(Strict):
    open_threshold: float = Field(gt=0, lt=100)
    clear_margin: float = Field(ge=0, lt=100)
    cost_comparison_weight: float = Field(gt=0, description="How much the cost comparison counts on the cost axis, like a question's weight.")


class Constraint(Strict):
    id: str
    floor: Literal["closed", "hybrid", "open"] = Field(description="The lowest recommendation allowed (closed: no floor; the constraint works through the options it rules out).")
    deployment: Optional[Deployment] = None
    text: str


class Soften(Strict):
    to: Literal["hybrid"]
    when_overall_at_least: Optional[float] = None
    when_overall_at_most: Optional[float] = None

    @model_validator(mode="after")
    def _one_bound(self) -> "Soften":
        if (self.when_overall_at_least is None) == (self.when_overall_at_most is None):
            raise ValueError("give exactly one of when_overall_at_least / when_overall_at_most")
        return self


class ChecklistItem(Strict):
    id: str
    question: str
    help: str
    verdict: Recommendation
    deployment: Optional[Deployment] = None
    explain: str
    soften: Optional[Soften] = None
    suggest: dict[Literal["yes", "no"], list[Condition]] = Field(default_factory=dict)


class OpenDeployment(Strict):
    self_hosted_required_when: list[Condition] = Field(
        description="Rules under which an open call must be self-hosted whatever the costs; otherwise the cheaper allowed of rented and self-hosted."
    )


class Questionnaire(Strict):
    version: int = Field(ge=1)
    leans: dict[str, float]
    method: Method
    axes: list[Axis]
    questions: list[Question]
    constraints: list[Constraint]
    open_deployment: OpenDeployment
    checklist: list[ChecklistItem]
    renamed: dict[str, str] = Field(default_factory=dict, description="Old question id -> new id.")

    @model_validator(mode="after")
    def _cross_check(self) -> "Questionnaire":
        problems: list[str] = []

        def dupes(kind: str, ids: list[str]) -> None:
            seen: set[str] = set()
            for i in ids:
                if i in seen:
                    problems.append(f"{kind} id {i!r} appears more than once")
                seen.add(i)

        dupes("axis", [a.id for a in self.axes])
        dupes("question", [q.id for q in self.questions])
        dupes("checklist item", [c.id for c in self.checklist])
        dupes("constraint", [c.id for c in self.constraints])
        axis_ids = {a.id for a in self.axes}
        for required in AXIS_IDS:
            if required not in axis_ids:
                problems.append(f"axis {required!r} is missing")
        constraint_ids = {c.id for c in self.constraints}
        options = {q.id: {o.id for o in q.options} for q in self.questions}
        for q in self.questions:
            where = f"question {q.id!r}"
            dupes(f"{where}: option", [o.id for o in q.options])
            if q.axis not in axis_ids:
                problems.append(f"{where}: unknown axis {q.axis!r}")
            for o in q.options:
                at = f"{where}, option {o.id!r}"
                if q.scored:
                    if o.lean is None or o.reason is None:
                        problems.append(f"{at}: a scored option needs a lean and a reason")
                    elif o.lean not in self.leans:
                        problems.append(f"{at}: unknown lean {o.lean!r} (known: {', '.join(self.leans)})")
                elif o.lean is not None:
                    problems.append(f"{at}: a question with scored: false cannot have a lean")
                if o.constraint is not None and o.constraint not in constraint_ids:
                    problems.append(f"{at}: unknown constraint {o.constraint!r}")

        def check_conditions(where: str, rules: list[Condition]) -> None:
            for rule in rules:
                for qid, opts in rule.items():
                    if qid not in options:
                        problems.append(f"{where}: unknown question {qid!r}")
                        continue
                    for o in opts:
                        if o not in options[qid]:
                            problems.append(f"{where}: question {qid!r} has no option {o!r}")

        check_conditions("open_deployment.self_hosted_required_when", self.open_deployment.self_hosted_required_when)
        for item in self.checklist:
            for answer, rules in item.suggest.items():
                check_conditions(f"checklist {item.id!r} suggest {answer}", rules)
            s = item.soften
            if s is not None:
                # Softening must move toward the axes, never against them (monotonicity).
                if item.verdict == "open" and s.when_overall_at_most is None:
                    problems.append(f"checklist {item.id!r}: an open verdict softens only with when_overall_at_most")
                if item.verdict == "closed" and s.when_overall_at_least is None:
                    problems.append(f"checklist {item.id!r}: a closed verdict softens only with when_overall_at_least")
                if item.verdict == "hybrid":
                    problems.append(f"checklist {item.id!r}: a hybrid verdict cannot be softened")
        for old, new in self.renamed.items():
            if new not in options:
                problems.append(f"renamed: {old!r} maps to unknown question {new!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- lookups ---------------------------------------------------------------------------------
    @cached_property
    def question_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def axis_by_id(self) -> dict[str, Axis]:
        return {a.id: a for a in self.axes}

    @cached_property
    def checklist_by_id(self) -> dict[str, ChecklistItem]:
        return {c.id: c for c in self.checklist}

    @cached_property
    def constraint_by_id(self) -> dict[str, Constraint]:
        return {c.id: c for c in self.constraints}

    @cached_property
    def scored_questions(self) -> list[Question]:
        return [q for q in self.questions if q.scored]

    def option(self, question_id: str, option_id: str) -> Option:
        for o in self.question_by_id[question_id].options:
            if o.id == option_id:
                return o
        raise KeyError(option_id)

    def lean_value(self, question_id: str, option_id: str) -> float:
        lean = self.option(question_id, option_id).lean
        return self.leans[lean] if lean is not None else 0.0


def parse_questionnaire(data: object, source: str) -> Questionnaire:
    """Validate raw data as a questionnaire; raises ``InvalidData`` listing every problem."""
    return validate_as(Questionnaire, data, source)


@lru_cache(maxsize=8)
def load_questionnaire(path: str | Path = QUESTIONNAIRE_PATH) -> Questionnaire:
    """Load and validate the questionnaire once per process (per path)."""
    return parse_questionnaire(read_data_file(path), str(path))
