"""Compare a team's answers: 2–6 assessments side by side, the answers that differ, which of those
differences drive the different calls, and what to agree on first.

``compare`` takes (label, AnswerFile) pairs, assesses each with ``grid.assessment.assess`` (the
one pass the result page renders) and returns one ``Comparison``. The Compare page, ``python -m
grid compare``, the Markdown export and the PDF all render that object.

- A **difference** is an answer that is not the same for everyone: a question, a confirmed
  checklist answer, or a cost input. A question nobody answered, a checklist item nobody
  confirmed and a cost input nobody set are not compared.
- A difference **drives** the calls apart when one person's call would become another person's
  call by taking that person's answer, and nothing else. The engine's flips say so: the first
  person's assessment holds that single change, with the other call as its result. A cost input
  has no flips, so it never drives.
- The list **to agree on** puts the drivers first. The ones that would move the most calls come
  first, then those whose answers pull the overall lean furthest apart. The other differences
  follow, ordered by that pull too.

The Compare page keeps its assessments in its own address, one ``compare`` parameter per
assessment. Each holds the query of that assessment's share link, without its notes and revisit
date, which the comparison does not show. When that would pass the link budget
(``grid.links.MAX_QUERY_BYTES``), all of them travel compressed in one ``compare_z`` parameter
(zlib, then URL-safe base64).
"""

from __future__ import annotations

import binascii
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal, Optional
from urllib.parse import quote, urlencode

from pydantic import BaseModel, ConfigDict

from grid.answers import TITLE_MAX, AnswerFile, clean_text
from grid.assessment import Assessment, assess
from grid.catalog import Catalog, load_catalog
from grid.cost import CostData, CostInputs, load_cost_data
from grid.engine import REC_LABEL
from grid.errors import InvalidComparison
from grid.links import MAX_QUERY_BYTES, compress_text, decompress_text, read_link, to_params
from grid.options import DEPLOYMENT_WORDS, OPTION_LABEL, money, value_text
from grid.questionnaire import Questionnaire, load_questionnaire

MIN_COMPARED = 2
MAX_COMPARED = 6
COMPARE_KEY = "compare"  # one per assessment: the query of its share link
PACKED_KEY = "compare_z"  # all of them, newline-joined, compressed: used only when the plain form is too long
CHECKLIST_WORDS = {"yes": "Yes", "no": "No", "unsure": "Unsure"}
COST_LABEL = {
    "tokens_per_day": "Tokens a day (cost input)",
    "output_share": "Output share (cost input)",
    "cached_input_share": "Cached input share (cost input)",
    "batch_share": "Batch share (cost input)",
    "frontier_share": "Hybrid share to the closed model (cost input)",
    "closed_model": "Closed model (cost input)",
    "open_model": "Open-weight model (cost input)",
    "gpu": "GPU (cost input)",
    "gpu_hourly_usd": "GPU hourly rate, USD (cost input)",
    "engineers": "Engineers (cost input)",
    "engineer_yearly_usd": "Yearly cost of an engineer, USD (cost input)",
    "peak_factor": "Peak factor (cost input)",
    "min_replicas": "Minimum replicas (cost input)",
    "throughput_tokens_per_s": "Throughput per replica, tokens/s (cost input)",
    "hybrid_open": "Hybrid: how the open side runs (cost input)",
    "closed_price_in": "Negotiated closed price in, USD per M tokens (cost input)",
    "closed_price_out": "Negotiated closed price out, USD per M tokens (cost input)",
    "gpus_per_replica": "GPUs per replica (cost input)",
}
#: A compressed page link may not expand beyond this: six links at the link budget each.
MAX_UNPACKED_BYTES = MAX_COMPARED * MAX_QUERY_BYTES


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Compared(_Frozen):
    """One person's assessment, as the comparison shows it."""

    name: str  # unique within the comparison: the title, else the label
    label: str  # where it came from: a file name, "Link 2"
    title: str
    recommendation: str  # open | closed | hybrid
    recommendation_label: str
    headline: str
    deployment: str
    deployment_option: Optional[str] = None
    deployment_words: str  # "self-hosted, on your own GPUs"
    deployment_seller: Optional[str] = None
    option_label: Optional[str] = None  # the chosen option, e.g. "Open weights, rented"
    monthly_usd: Optional[float] = None  # the chosen option's monthly cost
    confidence: str
    overall: Optional[int] = None
    cost_problem: Optional[str] = None


class Move(_Frozen):
    """One person's call becomes another's when that person takes the other's answer: a flip of
    the first person's assessment."""

    person: str  # whose answer would change
    to: str  # the answer taken (an option id, yes / no / unsure)
    to_label: str
    recommendation: str  # the call it would give: the call of everyone in ``toward``
    toward: list[str]  # the people who hold that answer and reach that call
    text: str  # the flip's own words: the call, the option and its cost


class AnswerRow(_Frozen):
    """One answer across the people compared."""

    kind: Literal["question", "checklist", "cost"]
    key: str  # the question id, the checklist item id or the cost input name
    label: str
    values: list[Optional[str]]  # one per person; None: not answered, not confirmed, or the default
    value_labels: list[str]
    differs: bool
    moves: list[Move] = []
    lean_spread: float = 0.0  # points on the overall lean between the answers that pull furthest apart

    @property
    def driver(self) -> bool:
        return bool(self.moves)


class Comparison(_Frozen):
    """Several assessments side by side: what each concludes, every answer anyone gave, and which
    of the answers that differ move the calls apart."""

    people: list[Compared]
    rows: list[AnswerRow]  # every answer anyone gave, in questionnaire order

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.people]

    @property
    def differences(self) -> list[AnswerRow]:
        return [r for r in self.rows if r.differs]

    @property
    def drivers(self) -> list[AnswerRow]:
        """The differences that drive the different calls, the one that moves the most calls first."""
        order = {id(r): i for i, r in enumerate(self.rows)}
        return sorted((r for r in self.rows if r.moves), key=lambda r: (-len(r.moves), -r.lean_spread, order[id(r)]))

    @property
    def to_agree_on(self) -> list[AnswerRow]:
        """The drivers first, then the other differences, each group by how far it moves the call."""
        order = {id(r): i for i, r in enumerate(self.rows)}
        others = sorted((r for r in self.differences if not r.moves), key=lambda r: (-r.lean_spread, order[id(r)]))
        return self.drivers + others

    @property
    def same_call(self) -> bool:
        return len({p.recommendation for p in self.people}) == 1

    def summary(self) -> str:
        """One paragraph: how many calls, who reaches which, how many answers differ and drive."""
        n = len(self.people)
        groups: dict[str, list[str]] = {}
        for person in self.people:
            groups.setdefault(person.recommendation, []).append(person.name)
        if len(groups) == 1:
            (rec,) = groups
            head = f"{'Both' if n == 2 else f'All {n}'} assessments reach the same call: {REC_LABEL[rec]}."
        else:
            many = "The two assessments reach different calls" if n == 2 else f"The {n} assessments reach {len(groups)} different calls"
            head = f"{many}: " + "; ".join(
                f"{REC_LABEL[rec]} ({_and(names)})" for rec, names in groups.items()
            ) + "."
        diff, drive = len(self.differences), len(self.drivers)
        if diff == 0:
            return head + f" All {len(self.rows)} answers given are the same."
        tail = f" {diff} of the {len(self.rows)} answers given differ"
        if len(groups) > 1:
            tail += f"; {drive} of them {'drives' if drive == 1 else 'drive'} the different calls." if drive else "; no single one of them drives the different calls on its own."
        else:
            tail += "."
        return head + tail

    def values_text(self, row: AnswerRow) -> str:
        """Who answered what: 'A and C: Over 100M tokens; B: 1M to 10M'."""
        groups: dict[str, list[str]] = {}
        for name, label in zip(self.names, row.value_labels):
            groups.setdefault(label, []).append(name)
        return "; ".join(f"{_and(names)}: {label}" for label, names in groups.items())

    def agree_text(self, row: AnswerRow) -> str:
        """One item of the list to agree on, in words."""
        line = f"{row.label} — {self.values_text(row)}."
        if row.moves:
            line += " Drives the call: " + " ".join(move_text(m) for m in row.moves)
        return line

    def to_json_dict(self) -> dict[str, Any]:
        """The public JSON form (``python -m grid compare --json``)."""

        def row_json(r: AnswerRow) -> dict[str, Any]:
            return {
                "kind": r.kind,
                "key": r.key,
                "label": r.label,
                "values": dict(zip(self.names, r.values)),
                "value_labels": dict(zip(self.names, r.value_labels)),
                "driver": r.driver,
                "moves": [m.model_dump() for m in r.moves],
                "lean_spread": r.lean_spread,
            }

        return {
            "assessments": [p.model_dump() for p in self.people],
            "same_call": self.same_call,
            "summary": self.summary(),
            "compared": len(self.rows),
            "differences": [row_json(r) for r in self.differences],
            "drivers": [r.key for r in self.drivers],
            "to_agree_on": [{"kind": r.kind, "key": r.key, "label": r.label, "driver": r.driver, "text": self.agree_text(r)} for r in self.to_agree_on],
        }


def move_text(m: Move) -> str:
    return f"with “{m.to_label}”, {m.person} would reach {REC_LABEL[m.recommendation]}, the call of {_and(m.toward)} ({m.text})."


def _and(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# ----------------------------------------------------------------------------- comparing
def compare(
    entries: Sequence[tuple[str, AnswerFile]],
    *,
    today: Optional[date] = None,
    questionnaire: Optional[Questionnaire] = None,
    catalog: Optional[Catalog] = None,
    cost_data: Optional[CostData] = None,
) -> Comparison:
    """Assess each (label, answers) pair and compare them. Raises ``InvalidComparison`` for fewer
    than two or more than six."""
    check_count(len(entries))
    q = questionnaire or load_questionnaire()
    catalog = catalog or load_catalog()
    data = cost_data or load_cost_data()
    today = today or date.today()
    assessments = [
        assess(state.answers, state.checklist, CostInputs(**state.costs), today=today, revisit=state.revisit, questionnaire=q, catalog=catalog, cost_data=data)
        for _, state in entries
    ]
    return compare_assessed(entries, assessments, q, catalog)


def check_count(n: int) -> None:
    if n < MIN_COMPARED:
        raise InvalidComparison([f"a comparison needs at least {MIN_COMPARED} assessments; {n} given"])
    if n > MAX_COMPARED:
        raise InvalidComparison([f"a comparison takes at most {MAX_COMPARED} assessments; {n} given"])


def compare_assessed(entries: Sequence[tuple[str, AnswerFile]], assessments: Sequence[Assessment], q: Questionnaire, catalog: Catalog) -> Comparison:
    """The comparison of assessments already made (one per entry, in the same order)."""
    check_count(len(entries))
    names = unique_names([state.title or label for label, state in entries])
    people = [_compared(name, label, state, a, catalog) for name, (label, state), a in zip(names, entries, assessments)]
    states = [state for _, state in entries]
    results = [a.result for a in assessments]
    calls = [r.recommendation for r in results]
    rows: list[AnswerRow] = []
    for question in q.questions:
        values = [s.answers.get(question.id) for s in states]
        labels = [q.option(question.id, v).label if v else "not answered" for v in values]
        leans = [next((x.contribution for x in r.reasons if x.question == question.id and x.kind == "answer"), 0.0) for r in results]
        rows += _row("question", question.id, question.label, values, labels, leans, results, calls, names)
    for item in q.checklist:
        values = [s.checklist.get(item.id) for s in states]
        labels = [
            f"{CHECKLIST_WORDS[v]} (confirmed)" if v else ("not confirmed" + (f", suggested {r.checklist.suggested.get(item.id)}" if r.checklist.suggested.get(item.id) else ""))
            for v, r in zip(values, results)
        ]
        rows += _row("checklist", item.id, item.question, values, labels, [0.0] * len(values), results, calls, names)
    for name in CostInputs.model_fields:
        raw = [s.costs.get(name) for s in states]
        values = [None if v is None else _plain(v) for v in raw]
        labels = ["default" if v is None else value_text(v) for v in raw]
        rows += _row("cost", name, COST_LABEL.get(name, name.replace("_", " ")), values, labels, [0.0] * len(values), results, calls, names)
    return Comparison(people=people, rows=rows)


def _row(kind: str, key: str, label: str, values: list[Optional[str]], labels: list[str], leans: list[float], results: list, calls: list[str], names: list[str]) -> list[AnswerRow]:
    if all(v is None for v in values):
        return []  # nobody answered it: nothing to compare
    differs = len(set(values)) > 1
    moves: list[Move] = []
    if differs:
        for i, result in enumerate(results):
            seen: set[tuple[str, str]] = set()
            for j in range(len(results)):
                target = values[j]
                if target is None or target == values[i] or calls[j] == calls[i] or (target, calls[j]) in seen:
                    continue
                seen.add((target, calls[j]))
                flip = next(
                    (f for f in result.flips if f.question == key and f.to == target and f.recommendation == calls[j] and (f.kind == "checklist") == (kind == "checklist")),
                    None,
                )
                if flip is not None:
                    toward = [names[k] for k in range(len(results)) if values[k] == target and calls[k] == calls[j]]
                    moves.append(Move(person=names[i], to=target, to_label=labels[j], recommendation=calls[j], toward=toward, text=flip.text or REC_LABEL[flip.recommendation]))
    spread = round(max(leans) - min(leans), 1) if differs else 0.0
    return [AnswerRow(kind=kind, key=key, label=label, values=values, value_labels=labels, differs=differs, moves=moves, lean_spread=spread)]  # type: ignore[arg-type]


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unique_names(names: Iterable[str]) -> list[str]:
    """The names as given, one line each, with ' (2)', ' (3)' added to repeats."""
    out: list[str] = []
    for raw in names:
        name = " ".join(clean_text(raw).split()) or "Untitled"
        candidate, n = name, 1
        while candidate in out:
            n += 1
            candidate = f"{name} ({n})"
        out.append(candidate)
    return out


def _compared(name: str, label: str, state: AnswerFile, a: Assessment, catalog: Catalog) -> Compared:
    r = a.result
    seller_names = None
    if r.deployment_seller:
        seller_names = " + ".join(
            "your own GPUs" if x == "self" else (catalog.provider_by_id[x].name if x in catalog.provider_by_id else x) for x in r.deployment_seller.split(" + ")
        )
    words = DEPLOYMENT_WORDS.get(r.deployment, r.deployment.replace("_", " "))
    monthly = None
    if a.costs is not None and r.deployment_option:
        monthly = getattr(a.costs, r.deployment_option).monthly_usd
    return Compared(
        name=name,
        label=label,
        title=state.title,
        recommendation=r.recommendation,
        recommendation_label=REC_LABEL[r.recommendation],
        headline=r.headline,
        deployment=r.deployment,
        deployment_option=r.deployment_option,
        deployment_words=f"{words}, bought from {seller_names}" if seller_names else words,
        deployment_seller=r.deployment_seller,
        option_label=OPTION_LABEL.get(r.deployment_option) if r.deployment_option else None,
        monthly_usd=monthly,
        confidence=r.confidence,
        overall=r.overall,
        cost_problem=a.cost_problem,
    )


def cost_words(p: Compared) -> str:
    """The chosen option's monthly cost in words: '$21.3k a month (Open weights, rented)'."""
    if p.monthly_usd is None:
        return p.cost_problem or "not costed"
    return f"{money(p.monthly_usd)} a month" + (f" ({p.option_label})" if p.option_label else "")


# ----------------------------------------------------------------------------- links in, the page's link out
def link_query(text: str) -> str:
    """The query of a share link given whole (``http://host/?v=1&...``) or as its query alone."""
    text = text.strip()
    if "?" in text:
        text = text.split("?", 1)[1]
    return text.split("#", 1)[0]


def looks_like_link(arg: str) -> bool:
    """Whether a command-line argument is a share link rather than a file: a URL, a query that
    starts with ``?``, or text with ``=`` in it that names no file."""
    from pathlib import Path

    if arg.startswith(("http://", "https://", "?")):
        return True
    return "=" in arg and not Path(arg).exists()


def read_links(
    texts: Sequence[str],
    q: Questionnaire,
    profiles: Mapping[str, Any],
    catalog: Optional[Catalog] = None,
    cost_data: Optional[CostData] = None,
    *,
    labels: Optional[Sequence[str]] = None,
) -> tuple[list[tuple[str, AnswerFile]], list[str], list[str]]:
    """Read share links leniently, as the Assess page does: (label, state) for each that loads,
    the warnings (parts of a link that were dropped) and the problems (links that load nothing),
    each naming its link."""
    entries: list[tuple[str, AnswerFile]] = []
    warnings: list[str] = []
    problems: list[str] = []
    for i, text in enumerate(texts):
        label = labels[i] if labels is not None else f"Link {i + 1}"
        query = link_query(text)
        if "=" not in query:
            problems.append(f"{label} is not a share link: it has no query such as v=1&profile=ship_fast.")
            continue
        reading = read_link(query, q, profiles, catalog, cost_data)
        if reading.refused:
            problems.append(f"{label}: {reading.refused}")
            continue
        if reading.valid == 0:
            problems.append(f"{label}: nothing in it is part of an assessment; it was not loaded.")
            continue
        warnings += [f"{label}: {m}" for m in reading.messages()]
        entries.append((label, reading.state))
    return entries, warnings, problems


def entry_query(state: AnswerFile, q: Questionnaire, profiles: Mapping[str, Any], *, name: Optional[str] = None) -> str:
    """The query that stands for one compared assessment in the page's link: its share link
    without the notes and the revisit date, which the comparison does not show (a revisit date
    would also turn into a warning once it has passed). An assessment with no title of its own
    takes ``name`` as its title (a file's name), so the name survives the link."""
    title = state.title or " ".join(clean_text(name or "").split())[:TITLE_MAX].strip()
    return to_params(state.model_copy(update={"notes": "", "revisit": None, "title": title}), q, profiles).query


def encode_pairs(pairs: Sequence[tuple[str, str]]) -> str:
    return urlencode(list(pairs), quote_via=quote, safe="")


def _pack(queries: Sequence[str]) -> str:
    return compress_text("\n".join(queries))


def _unpack(value: str) -> list[str]:
    return [x for x in decompress_text(value, MAX_UNPACKED_BYTES).split("\n") if x.strip()]


def page_params(queries: Sequence[str]) -> dict[str, Any]:
    """The Compare page's own query parameters for these share-link queries: one ``compare`` each,
    or one compressed ``compare_z`` when that is needed to stay within the link budget. Raises
    ``InvalidComparison`` when even that is over the budget."""
    if not queries:
        return {}
    plain = [(COMPARE_KEY, x) for x in queries]
    size = len(encode_pairs(plain))
    if size <= MAX_QUERY_BYTES:
        return {COMPARE_KEY: list(queries)}
    packed = _pack(queries)
    packed_size = len(encode_pairs([(PACKED_KEY, packed)]))
    if packed_size <= MAX_QUERY_BYTES:
        return {PACKED_KEY: packed}
    raise InvalidComparison(
        [f"these {len(queries)} assessments need {packed_size:,} bytes in the page's link even compressed, over the {MAX_QUERY_BYTES:,}-byte limit; compare fewer or shorten their titles"]
    )


def page_query(queries: Sequence[str]) -> str:
    """The Compare page's query string for these share-link queries (see ``page_params``)."""
    pairs: list[tuple[str, str]] = []
    for key, value in page_params(queries).items():
        pairs += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
    return encode_pairs(pairs)


def read_page_params(params: Mapping[str, Sequence[str]]) -> list[str]:
    """The share-link queries held by a Compare page's query parameters (each key with all its
    values, in order). Raises ``InvalidComparison`` for a link that is refused whole: over the
    budget, a compressed value that cannot be read, or more than six assessments."""
    plain = [str(v) for v in params.get(COMPARE_KEY, ())]
    packed = [str(v) for v in params.get(PACKED_KEY, ())]
    pairs = [(COMPARE_KEY, v) for v in plain] + [(PACKED_KEY, v) for v in packed]
    size = len(encode_pairs(pairs).encode("ascii", "replace"))
    if size > MAX_QUERY_BYTES:
        raise InvalidComparison([f"this comparison's link is {size:,} bytes long, over the {MAX_QUERY_BYTES:,}-byte limit; nothing was loaded from it"])
    queries = list(plain)
    for value in packed:
        try:
            queries += _unpack(value)
        except (ValueError, binascii.Error, zlib.error, UnicodeDecodeError):
            raise InvalidComparison(["this comparison's link holds a compressed part that cannot be read; nothing was loaded from it"]) from None
    if len(queries) > MAX_COMPARED:
        raise InvalidComparison([f"this comparison's link holds {len(queries)} assessments, more than the {MAX_COMPARED} a comparison takes; nothing was loaded from it"])
    return queries


# ----------------------------------------------------------------------------- Markdown
#: What could make text from a link or a file into markup inside a line: emphasis, code, links,
#: images, HTML, table cells. Block markup (headings, lists) never starts at these texts.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~!&])")


def md_text(text: Any) -> str:
    """Text from a link or a file, shown literally in Markdown, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def side_by_side(c: Comparison) -> list[list[str]]:
    """The side-by-side summary as rows of plain text: a header of names (each title, else where it
    came from), then the titles when they are not all the names, the call, the deployment, the
    monthly cost of the chosen option and the confidence."""
    rows = [["Figure"] + c.names]
    if any(p.name != p.title for p in c.people):  # the names are not all the titles: show the titles too
        rows.append(["Title"] + [p.title or "(no title)" for p in c.people])
    rows.append(["Call"] + [p.recommendation_label for p in c.people])
    rows.append(["Deployment"] + [p.deployment_words for p in c.people])
    rows.append(["Monthly cost of the chosen option"] + [cost_words(p) for p in c.people])
    rows.append(["Confidence"] + [p.confidence for p in c.people])
    return rows


def markdown(c: Comparison, *, link: Optional[str] = None, today: Optional[date] = None) -> str:
    """The comparison as a Markdown document: the summary, the side-by-side figures, what drives
    the calls, the list to agree on, and every answer with the differing ones in bold."""
    today = today or date.today()
    lines = [f"# Comparison of {len(c.people)} assessments", "", f"* Date: {today.isoformat()}"]
    if link:
        lines.append(f"* Link to this comparison: <{link}>")
    lines += ["", md_text(c.summary()), "", "## Side by side", ""]
    table = side_by_side(c)
    lines += _md_table(table[0], table[1:])
    lines += ["", "## What drives the different calls", ""]
    if c.drivers:
        for r in c.drivers:
            lines.append(f"* **{md_text(r.label)}** — {md_text(c.values_text(r))}.")
            lines += [f"  * {md_text(move_text(m)[:1].upper() + move_text(m)[1:])}" for m in r.moves]
    elif c.same_call:
        lines.append("Everyone reaches the same call.")
    else:
        lines.append("No single answer that differs moves one person's call to another's; the calls differ through several answers together.")
    lines += ["", "## To agree on", ""]
    if c.to_agree_on:
        lines += [f"{i}. {md_text(r.label)}{' — **drives the call**' if r.driver else ''}" for i, r in enumerate(c.to_agree_on, 1)]
    else:
        lines.append("Nothing: every answer given is the same.")
    lines += ["", "## Answers", "", "Answers that differ are in bold and marked ≠.", ""]
    lines += _md_table(["Differs", "Question"] + c.names, [_answer_cells(r) for r in c.rows], bold=[r.differs for r in c.rows])
    lines += ["", "Written by the open / closed LLM decision grid.", ""]
    return "\n".join(lines)


def _answer_cells(r: AnswerRow) -> list[str]:
    return ["≠" if r.differs else "", r.label] + list(r.value_labels)


def _md_table(header: list[str], rows: list[list[str]], *, bold: Optional[list[bool]] = None) -> list[str]:
    def cell(text: str, strong: bool) -> str:
        body = md_text(text)
        return f"**{body}**" if strong and body else body

    out = ["| " + " | ".join(md_text(h) for h in header) + " |", "|" + "---|" * len(header)]
    for i, row in enumerate(rows):
        strong = bool(bold and bold[i])
        out.append("| " + " | ".join(cell(x, strong) for x in row) + " |")
    return out


# ----------------------------------------------------------------------------- plain text (the CLI)
def format_text(c: Comparison) -> str:
    """The comparison as plain text: who concludes what, what drives the calls, the list to agree
    on, and the answers that differ."""
    title = f"Comparison of {len(c.people)} assessments"
    lines = [title, "=" * len(title), c.summary(), "", "Side by side:"]
    for p in c.people:
        source = f" ({p.label})" if p.label != p.name else ""
        lines.append(f"  {p.name}{source}: {p.recommendation_label}. {p.deployment_words[:1].upper() + p.deployment_words[1:]}; {cost_words(p)}; confidence {p.confidence}.")
    lines += ["", "What drives the different calls:"]
    if c.drivers:
        for r in c.drivers:
            lines.append(f"  - {r.label} ({r.key}): {c.values_text(r)}.")
            lines += [f"      {move_text(m)[:1].upper() + move_text(m)[1:]}" for m in r.moves]
    elif c.same_call:
        lines.append("  Nothing: everyone reaches the same call.")
    else:
        lines.append("  No single answer that differs moves one call to another; the calls differ through several answers together.")
    lines += ["", "To agree on:"]
    if c.to_agree_on:
        lines += [f"  {i}. {r.label} ({r.key}){' — drives the call' if r.driver else ''}" for i, r in enumerate(c.to_agree_on, 1)]
    else:
        lines.append("  Nothing: every answer given is the same.")
    same = len(c.rows) - len(c.differences)
    lines += ["", f"Answers that differ ({len(c.differences)}; {same} the same):"]
    for r in c.differences:
        lines.append(f"  ≠ {r.label} ({r.key}): " + "; ".join(f"{n}: {v}" for n, v in zip(c.names, r.value_labels)))
    return "\n".join(lines)
