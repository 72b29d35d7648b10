"""Words for a reader: the questionnaire's labels instead of ids, names instead of catalogue ids,
and figures at a sensible precision. The result page, the Costs step, the PDF and the decision
record all speak through these functions. Pure: imports neither streamlit nor reportlab."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from grid.engine import OPTION_PHRASE
from grid.options import DEPLOYMENT_WORDS, value_text, volume_words
from grid.questionnaire import Questionnaire

# ----------------------------------------------------------------------------- the deployment
#: The chosen option as a short title (the result page's Deployment figure).
DEPLOYMENT_TITLE = {
    "closed_api": "Vendor's API",
    "closed_cloud": "Your cloud's endpoint",
    "rented_open": "Rented open weights",
    "self_hosted": "Self-hosted",
}
#: The deployment as a short title when no option is chosen, and for the hybrid's two kinds.
DEPLOYMENT_KIND_TITLE = {"self_hosted": "Self-hosted", "rented_open_weights": "Rented open weights", "managed_api": "Managed API", "router": "Your own router"}


def deployment_title(result: Any) -> str:
    """'Self-hosted', 'Vendor's API', 'Your own router': the deployment for a figure's value."""
    option = result.deployment_option
    if option == "hybrid" and result.deployment == "managed_api":
        return "Managed endpoints"
    if option in DEPLOYMENT_TITLE:
        return DEPLOYMENT_TITLE[option]
    return DEPLOYMENT_KIND_TITLE.get(result.deployment, _plain(result.deployment))


def deployment_phrase(result: Any) -> str:
    """'a hybrid router', 'self-hosted open weights': the deployment in the middle of a sentence."""
    option = result.deployment_option
    if option == "hybrid" and result.deployment == "managed_api":
        return "two managed endpoints behind one gateway"
    if option in OPTION_PHRASE:
        return OPTION_PHRASE[option]
    return DEPLOYMENT_WORDS.get(result.deployment, _plain(result.deployment))


def option_phrase(option: str, fallback: str = "") -> str:
    """An option (closed_api, ...) for the middle of a sentence."""
    return OPTION_PHRASE.get(option, fallback or _plain(option))


def _plain(text: str) -> str:
    return (text or "").replace("_", " ")


# ----------------------------------------------------------------------------- answers and ids
def answer_words(q: Questionnaire, qid: str, oid: str) -> str:
    """'Where may prompts and outputs go? → Only our own cloud account or data centre'."""
    question = q.question_by_id.get(qid)
    if question is None:
        return f"{_plain(qid)}: {_plain(oid)}"
    option = next((o for o in question.options if o.id == oid), None)
    return f"{question.label} → {option.label if option else _plain(oid)}"


def option_label(q: Questionnaire, qid: str, oid: str) -> str:
    question = q.question_by_id.get(qid)
    option = next((o for o in question.options if o.id == oid), None) if question else None
    return option.label if option else _plain(oid)


_PAIR = r"\b([a-z][a-z0-9_]*): ([a-z0-9][a-z0-9_]*)\b"


def humanize(text: str, q: Questionnaire) -> str:
    """'question_id: option_id' and bare question ids in prose, replaced by the questionnaire's labels:
    'your answer daily_tokens: 1m_to_10m' → 'your answer “1 to 10 million tokens a day”';
    'traffic_shape: steady: …' → 'your answer “Steady through the day”: …'; elsewhere
    'Where may prompts and outputs go? → Only our own cloud account or data centre'."""

    def known(qid: str, oid: str) -> bool:
        return qid in q.question_by_id and any(o.id == oid for o in q.question_by_id[qid].options)

    def quoted(m: "re.Match[str]") -> str:
        qid, oid = m.group(2), m.group(3)
        return f"your answer “{option_label(q, qid, oid)}”" if known(qid, oid) else m.group(0)

    text = re.sub(r"(your answer )" + _PAIR, quoted, text)
    text = re.sub(r"^()" + _PAIR + r"(?=:)", quoted, text)  # 'traffic_shape: steady: the reason'
    text = re.sub(_PAIR, lambda m: answer_words(q, m.group(1), m.group(2)) if known(m.group(1), m.group(2)) else m.group(0), text)
    for qid, question in q.question_by_id.items():
        if "_" in qid:
            text = re.sub(rf"\b{qid}\b", question.label.lower().rstrip("?"), text)
    return text


def points_words(text: str) -> str:
    """'1 points' → '1 point' in any text that still carries the plural (the engine now writes it right)."""
    return re.sub(r"(?<![\d.,])([+−-]?1) points\b", r"\1 point", text)


_URL = re.compile(r"https?://\S+")


def named(text: str, names: dict[str, str]) -> str:
    """Catalogue ids (models, GPUs) in prose replaced by their names; links are left as they are."""
    if not names:
        return text
    wanted = sorted((k for k, v in names.items() if k != v), key=len, reverse=True)
    if not wanted:
        return text
    pattern = re.compile(r"(?<![\w.\-/])(" + "|".join(re.escape(k) for k in wanted) + r")(?![\w\-/])")
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(pattern.sub(lambda x: names[x.group(1)], text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(pattern.sub(lambda x: names[x.group(1)], text[last:]))
    return "".join(out)


# ----------------------------------------------------------------------------- the cost assumptions
ASSUMPTION_LABEL = {
    "tokens_per_day": "Tokens a day",
    "tokens_per_day_range": "Volume range priced",
    "output_share": "Output share",
    "cached_input_share": "Cached input share",
    "batch_share": "Batch share",
    "frontier_share": "Hybrid share to the closed model",
    "closed_model": "Closed model",
    "closed_price_usd_per_mtok": "Closed price",
    "open_model": "Open-weight model",
    "rented_price_usd_per_mtok": "Rented price",
    "gpu": "GPU",
    "gpu_hourly_usd": "GPU hourly rate",
    "gpus_per_replica": "GPUs per replica",
    "precision": "Precision",
    "throughput_tokens_per_s": "Throughput per replica (tokens/s)",
    "engineers": "Engineers",
    "engineer_yearly_usd": "Loaded yearly cost of an engineer",
    "peak_factor": "Peak factor",
    "min_replicas": "Minimum replicas",
    "days_per_month": "Days a month",
    "hours_per_month": "Hours a month",
}
_PRICE = re.compile(r"^\$?([\d.,]+) in / \$?([\d.,]+) out$")


def per_mtok(inp: float, out: float) -> str:
    """'$0.10 in / $0.50 out per M tokens'."""
    return f"${inp:,.2f} in / ${out:,.2f} out per M tokens"


def assumption_value(name: str, value: Any, names: dict[str, str]) -> str:
    """One assumption's value for a reader: names for ids, dollars with cents, volumes in words."""
    if value is None:
        return "—"
    if name in ("closed_model", "open_model", "gpu") and isinstance(value, str):
        return names.get(value, value)
    if name.endswith("_price_usd_per_mtok") and isinstance(value, str) and (m := _PRICE.match(value.strip())):
        return per_mtok(float(m.group(1).replace(",", "")), float(m.group(2).replace(",", "")))
    if name == "tokens_per_day" and isinstance(value, (int, float)):
        return volume_words(float(value))
    if name == "gpu_hourly_usd" and isinstance(value, (int, float)):
        return f"${value:,.2f} an hour"
    if name == "engineer_yearly_usd" and isinstance(value, (int, float)):
        return f"${value:,.0f} a year"
    return value_text(value)


def catalog_names(catalog: Any = None, cost_data: Any = None) -> dict[str, str]:
    """Model and GPU ids → their names."""
    names: dict[str, str] = {}
    if catalog is not None:
        names.update({m.id: m.name for m in catalog.models})
    if cost_data is not None:
        names.update({g.id: g.name for g in cost_data.gpus})
    return names


def assumption_rows(assumptions: list[Any], q: Questionnaire, catalog: Any = None, cost_data: Any = None) -> list[tuple[str, str, str]]:
    """(name, value, source) of every cost assumption, in words."""
    names = catalog_names(catalog, cost_data)
    return [
        (
            ASSUMPTION_LABEL.get(x.name, _plain(x.name).capitalize()),
            assumption_value(x.name, x.value, names),
            named(humanize(x.source, q), names),
        )
        for x in assumptions
    ]


# ----------------------------------------------------------------------------- the first screen's reasons
@dataclass(frozen=True)
class Lead:
    """One line of the result's first screen: what decided the call, or a reason toward it."""

    question_label: str
    answer_label: str
    text: str  # a sentence for a reader who reads nothing else
    direction: str  # "open", "closed", "hybrid" or "neutral"
    kind: str  # "checklist", "constraint", "options" or "reason"
    contribution: float = 0.0

    @property
    def tag(self) -> str:
        """The short note after the answer: what it did."""
        if self.kind == "checklist":
            return "you confirmed it: it decides"
        if self.kind == "constraint":
            return "a hard constraint"
        if self.kind == "options":
            return "it decides"
        if round(self.contribution, 1):
            return f"{self.contribution:+.1f} toward {self.direction}"
        return ""

    @property
    def line(self) -> str:
        """'question → answer (what it did)', plain text."""
        return f"{self.question_label} → {self.answer_label}" + (f" ({self.tag})" if self.tag else "")


CALL_SIDE = {"open": ("open",), "closed": ("closed",), "hybrid": ("open", "closed")}
MOVED = "Your answers allow no "


def lead_reasons(result: Any, q: Questionnaire, n: int = 3) -> list[Lead]:
    """The first screen's reasons: what decided the call first (a confirmed checklist item, a hard
    constraint, options your answers rule out), then the strongest answers that point the call's
    way. Never a list of reasons that all argue against the call."""
    from grid.engine import REC_LABEL

    out: list[Lead] = []
    rec = result.recommendation
    stop = result.checklist.stop
    if stop and stop in q.checklist_by_id:
        item = q.checklist_by_id[stop]
        verdict = result.checklist.softened_to or result.checklist.verdict or rec
        out.append(Lead(item.question, "Yes", f"{item.explain} Your confirmed yes decides: {REC_LABEL[verdict].lower()}.", verdict, "checklist"))
    for c in result.constraints:
        label = q.question_by_id[c.question].label if c.question in q.question_by_id else _plain(c.question)
        out.append(Lead(label, option_label(q, c.question, c.answer), c.text, rec, "constraint"))
    moved = next((step for step in result.path if step.startswith(MOVED)), None)
    if moved:
        out.append(Lead("Options your answers allow", f"no {moved[len(MOVED):].split(' option', 1)[0]} option", moved, rec, "options"))
    side = CALL_SIDE.get(rec, (rec,))
    toward = sorted((r for r in result.reasons if r.direction in side and round(r.contribution, 1)), key=lambda r: -abs(r.contribution))
    for r in toward:
        if len(out) >= n:
            break
        out.append(Lead(r.question_label, r.answer_label, r.text, r.direction, "reason", r.contribution))
    return out[:n]
