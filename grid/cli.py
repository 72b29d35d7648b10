"""``python -m grid``: the command-line shell over the core.

Exit codes: 0 success, 2 bad input (one line per bad file on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Optional, Sequence, TextIO

from grid.answers import parse_answer_file
from grid.engine import REC_LABEL, Result, score
from grid.errors import GridError, InvalidAnswers, InvalidData
from grid.profiles import load_profiles
from grid.questionnaire import Questionnaire, load_questionnaire
from grid.yamlio import read_data_file

EXIT_BAD_INPUT = 2


def format_result(result: Result, q: Questionnaire, *, title: Optional[str] = None) -> str:
    """The readable summary printed without ``--json``."""
    lines = []
    if title:
        lines.append(title)
        lines.append("=" * len(title))
    lines.append(f"Recommendation: {REC_LABEL[result.recommendation]} ({result.recommendation}, {result.deployment})")
    lines.append(f"  {result.headline}")
    lines.append(f"Confidence: {result.confidence}. {result.confidence_note}")
    axes = ", ".join(
        f"{q.axis_by_id[a].label} {'—' if v is None else f'{v:+d}'}" for a, v in result.axes.items()
    )
    lines.append(f"Axes (−100 closed … +100 open): {axes}; overall {'—' if result.overall is None else f'{result.overall:+d}'}")
    stop = result.checklist
    if stop.stop:
        soft = f", softened to {stop.softened_to}" if stop.softened_to else ""
        lines.append(f"Checklist: stopped at {stop.stop} (yes → {stop.verdict}{soft})")
    else:
        lines.append("Checklist: no firm yes; the axes decide")
    for c in result.constraints:
        lines.append(f"Constraint {c.question}: {c.answer} (at least {c.floor}): {c.text}")
    if result.disagreement:
        lines.append(f"Note: {result.disagreement}")
    lines.append("How the call was made:")
    lines.extend(f"  - {step}" for step in result.path)
    if result.reasons:
        lines.append("Why (points added to the overall lean):")
        driving = [r for r in result.reasons if r.contribution]
        shown = driving if len(driving) >= 3 else result.reasons[:3]
        for i, r in enumerate(shown, 1):
            pts = f" ({r.contribution:+.1f})" if r.contribution else ""
            lines.append(f"  {i}. {r.question}: {r.answer}{pts}. {r.text}")
        rest = [r for r in result.reasons if r not in shown]
        if rest:
            lines.append("  Neutral or context answers: " + ", ".join(f"{r.question}: {r.answer}" for r in rest))
    if result.flips:
        lines.append("What would change this:")
        for f in result.flips:
            lines.append(f"  - {f.question} → {f.to}: {f.recommendation}")
    else:
        lines.append("What would change this: no single answer change flips the recommendation.")
    if result.unanswered:
        lines.append(f"Unanswered: {', '.join(result.unanswered)}")
    return "\n".join(lines)


def _problem_line(path: str, error: GridError) -> str:
    if isinstance(error, InvalidAnswers):
        return f"{path}: " + "; ".join(p.message for p in error.problems)
    if isinstance(error, InvalidData):
        return f"{error.source}: " + "; ".join(error.problems)
    return f"{path}: {error}"


def cmd_recommend(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    q = load_questionnaire()
    profiles = load_profiles()
    status = 0
    for path in args.files:
        try:
            parsed = parse_answer_file(read_data_file(path), q, profiles)
            result = score(parsed.answers, parsed.checklist, questionnaire=q)
        except GridError as e:
            print(f"grid: {_problem_line(path, e)}", file=err)
            status = EXIT_BAD_INPUT
            continue
        if args.json:
            payload = {"file": path, "profile": parsed.profile, **result.to_json_dict()}
            print(json.dumps(payload, ensure_ascii=False), file=out)
        else:
            print(format_result(result, q, title=path), file=out)
            print(file=out)
    return status


def cmd_profiles(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    profiles = load_profiles()
    if args.json:
        for p in profiles.values():
            print(json.dumps({"id": p.id, "name": p.name, "expected": p.expected.model_dump()}), file=out)
        return 0
    width = max(len(p) for p in profiles)
    for p in profiles.values():
        deps = " or ".join(p.expected.deployment)
        print(f"{p.id:<{width}}  {p.name} → {p.expected.recommendation} ({deps})", file=out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m grid",
        description="The open / closed LLM decision grid: score answers into an open, closed or hybrid recommendation.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    rec = sub.add_parser(
        "recommend",
        help="score one or more answers files",
        description="Score answers files ({profile, answers, checklist}; YAML or JSON).",
    )
    rec.add_argument("files", nargs="+", metavar="FILE", help="a YAML or JSON answers file")
    rec.add_argument("--json", action="store_true", help="one JSON object per file per line")
    rec.set_defaults(func=cmd_recommend)
    prof = sub.add_parser("profiles", help="list the usage profiles", description="List the usage profiles.")
    prof.add_argument("--json", action="store_true", help="one JSON object per profile per line")
    prof.set_defaults(func=cmd_profiles)
    return parser


def main(argv: Optional[Sequence[str]] = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse already printed its usage message
        return int(e.code or 0)
    try:
        return args.func(args, out, err)
    except GridError as e:  # the shipped data itself is broken
        print(f"grid: {_problem_line('data', e)}", file=err)
        return EXIT_BAD_INPUT
