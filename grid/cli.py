"""``python -m grid``: the command-line shell over the core.

Exit codes: 0 success, 2 bad input (one line per bad file on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence, TextIO

from datetime import date

from grid.answers import AnswerFile, parse_answer_file
from grid.links import read_link, to_params
from grid.assessment import assess, retired_in_outputs
from grid.catalog import CATALOG_PATH, Catalog, json_schema_text, load_catalog, read_catalog
from grid.changes import CHANGES_PATH, check_changelog, dump_lines, pending_lines, read_changelog
from grid.cost import CostInputs, CostReport, InvalidCostInput, cost_report, load_cost_data
from grid.shortlist import Shortlist
from grid.engine import REC_LABEL, Result
from grid.options import money, volume_words
from grid.errors import GridError, InvalidAnswers, InvalidData
from grid.profiles import load_profiles
from grid.questionnaire import Questionnaire, load_questionnaire
from grid.yamlio import read_data_file

EXIT_BAD_INPUT = 2


def format_shortlist(sl: Shortlist) -> list[str]:
    lines = ["Shortlist:", f"  {sl.scale_note}"]
    for c in sl.candidates:
        price = (
            f"${c.price.input_usd_per_mtok:,.2f} in / ${c.price.output_usd_per_mtok:,.2f} out per M tokens ({c.price.seller}, checked {c.price.checked})"
            if c.price
            else "no verified price"
        )
        terms = f"licence {c.license}" if c.license else f"provider {c.provider}"
        lines.append(f"  [{c.role}] {c.name} ({c.model}; {terms}; {c.tier}{'; STALE' if c.stale else ''}): {price}")
        lines.extend(f"      - {f}" for f in c.flags)
    if sl.excluded:
        lines.append("Excluded:")
        lines.extend(f"  - {e.name} ({e.model}): {e.reason}" for e in sl.excluded)
    return lines


def format_result(result: Result, q: Questionnaire, *, title: Optional[str] = None, shortlist: Optional[Shortlist] = None) -> str:
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
    if result.deployment_seller:
        lines.append(f"Deployment: {result.deployment.replace('_', ' ')} ({result.deployment_option}, seller {result.deployment_seller}). {result.deployment_reason.text}")
    stop = result.checklist
    if stop.stop:
        soft = f", softened to {stop.softened_to}" if stop.softened_to else ""
        lines.append(f"Checklist: you confirmed {stop.stop} (yes → {stop.verdict}{soft})")
    else:
        pending = [i for i, a in stop.suggested.items() if a == "yes"]
        lines.append("Checklist: no confirmed firm yes; the axes decide" + (f" (suggested from your answers: {', '.join(pending)} yes)" if pending else ""))
    if result.conflict:
        lines.append(f"Conflict: {result.conflict}")
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
            lines.append(f"  - {f.question} → {f.to}: {f.text or f.recommendation}")
    else:
        lines.append("What would change this: no single answer change flips the recommendation.")
    if result.unanswered:
        lines.append(f"Unanswered: {', '.join(result.unanswered)}")
    if shortlist is not None:
        lines.extend(format_shortlist(shortlist))
    return "\n".join(lines)


def _problem_line(path: str, error: GridError) -> str:
    if isinstance(error, InvalidAnswers):
        return f"{path}: " + "; ".join(p.message for p in error.problems)
    if isinstance(error, InvalidData):
        return f"{error.source}: " + "; ".join(error.problems)
    return f"{path}: {error}"


def _catalog(err: TextIO) -> Catalog:
    catalog = load_catalog()
    if catalog.problems:
        print(
            f"grid: warning: the catalog has {len(catalog.problems)} problem(s); its valid entries are used "
            "(see: python -m grid catalog check)",
            file=err,
        )
    return catalog


def _load_state(path: str, q: Questionnaire, profiles: dict) -> AnswerFile:
    return parse_answer_file(read_data_file(path), q, profiles)


def _link_state(query: str, err: TextIO) -> Optional[AnswerFile]:
    """Read a link; warnings go to stderr. None when nothing valid remains."""
    reading = read_link(query, load_questionnaire(), load_profiles(), load_catalog(), load_cost_data())
    for message in reading.messages():
        print(f"grid: link: {message}", file=err)
    if reading.refused or reading.valid == 0:
        if not reading.refused:
            print("grid: link: nothing valid in it", file=err)
        return None
    return reading.state


def cmd_recommend(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    q = load_questionnaire()
    profiles = load_profiles()
    catalog = _catalog(err)
    today = date.today()
    status = 0
    sources: list[tuple[str, AnswerFile]] = []
    if args.link is not None:
        state = _link_state(args.link, err)
        if state is None:
            return EXIT_BAD_INPUT
        sources.append(("link", state))
    if not args.files and args.link is None:
        print("grid: recommend needs a FILE or --link QUERY (see: python -m grid recommend --help)", file=err)
        return EXIT_BAD_INPUT
    for path in args.files:
        try:
            sources.append((path, _load_state(path, q, profiles)))
        except GridError as e:
            print(f"grid: {_problem_line(path, e)}", file=err)
            status = EXIT_BAD_INPUT
    for path, parsed in sources:
        try:
            a = assess(parsed.answers, parsed.checklist, CostInputs(**parsed.costs), today=today, questionnaire=q, catalog=catalog)
        except GridError as e:
            print(f"grid: {_problem_line(path, e)}", file=err)
            status = EXIT_BAD_INPUT
            continue
        if a.cost_problem and parsed.costs:
            print(f"grid: {path}: costs: {a.cost_problem}", file=err)
            status = EXIT_BAD_INPUT
            continue
        since = _since(parsed, a, catalog, today)
        if args.json:
            payload = {
                "file": path,
                "profile": parsed.profile,
                "title": parsed.title,
                "notes": parsed.notes,
                "catalog_date": parsed.catalog_date.isoformat() if parsed.catalog_date else None,
                "since": since.to_json_dict() if since is not None else None,
                **a.result.to_json_dict(),
                "shortlist": [c.model_dump(mode="json") for c in a.shortlist.candidates],
                "excluded": [e.model_dump(mode="json") for e in a.shortlist.excluded],
                "scale_note": a.shortlist.scale_note,
                "costs": a.costs.to_json_dict() if a.costs else None,
            }
            print(json.dumps(payload, ensure_ascii=False), file=out)
        else:
            print(format_result(a.result, q, title=parsed.title or path, shortlist=a.shortlist), file=out)
            if a.costs:
                print(format_cost(a.costs), file=out)
            if parsed.notes:
                print("Notes:\n" + parsed.notes, file=out)
            if since is not None:
                print("\n".join(since.text_lines()), file=out)
            print(file=out)
    return status


def _since(state: AnswerFile, a, catalog: Catalog, today: date):  # noqa: ANN001 -> Optional[SinceReport]
    """What changed since the file's catalog date, when it is older than today's catalog."""
    from grid.changes import load_changelog
    from grid.since import since_report

    try:
        return since_report(state, catalog=catalog, changelog=load_changelog(), today=today, now=a)
    except InvalidData:  # a broken changelog: catalog check names its problems
        return None


def cmd_link(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    q = load_questionnaire()
    try:
        state = _load_state(args.file, q, load_profiles())
    except GridError as e:
        print(f"grid: {_problem_line(args.file, e)}", file=err)
        return EXIT_BAD_INPUT
    written = to_params(state, q, load_profiles())
    if written.notes_left_out:
        print("grid: warning: the notes are too long for a link and were left out; share the file instead", file=err)
    print(written.query, file=out)
    return 0


def cmd_compare(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Compare 2-6 answers files or share links; bad input: one line per problem, exit 2."""
    from grid.compare import compare, format_text, looks_like_link, read_links
    from grid.errors import InvalidComparison

    q = load_questionnaire()
    profiles = load_profiles()
    catalog = _catalog(err)
    problems: list[str] = []
    entries: list[tuple[str, AnswerFile]] = []
    for arg in args.inputs:
        if looks_like_link(arg):
            found, warnings, bad = read_links([arg], q, profiles, catalog, load_cost_data(), labels=[arg if len(arg) <= 60 else arg[:59] + "…"])
            problems += bad
            for w in warnings:
                print(f"grid: warning: {w}", file=err)
            entries += found
            continue
        try:
            entries.append((arg, _load_state(arg, q, profiles)))
        except GridError as e:
            problems.append(_problem_line(arg, e))
    if not problems:
        try:
            comparison = compare(entries, today=date.today(), questionnaire=q, catalog=catalog)
        except InvalidComparison as e:
            problems += e.problems
        else:
            problems += [f"{p.label}: costs: {p.cost_problem}" for p in comparison.people if p.cost_problem]
    if problems:
        for line in problems:
            print(f"grid: {line}", file=err)
        print(f"grid: nothing was compared ({len(problems)} problem{'s' if len(problems) > 1 else ''})", file=err)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(comparison.to_json_dict(), ensure_ascii=False), file=out)
    else:
        print(format_text(comparison), file=out)
    return 0


def cmd_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from grid.report import decision_record, pdf_report

    suffix = args.output.rsplit(".", 1)[-1].lower() if "." in args.output else ""
    if suffix not in ("pdf", "md", "ics"):
        print(f"grid: argument -o: {args.output!r} must end in .pdf or .md, or .ics for the revisit reminder", file=err)
        return EXIT_BAD_INPUT
    if (args.file is None) == (args.link is None):
        print("grid: report needs exactly one of FILE or --link QUERY", file=err)
        return EXIT_BAD_INPUT
    if args.link is not None:
        state = _link_state(args.link, err)
        if state is None:
            return EXIT_BAD_INPUT
    else:
        try:
            state = _load_state(args.file, load_questionnaire(), load_profiles())
        except GridError as e:
            print(f"grid: {_problem_line(args.file, e)}", file=err)
            return EXIT_BAD_INPUT
    try:
        if suffix == "pdf":
            data: bytes = pdf_report(state)
        elif suffix == "ics":
            from grid.ics import revisit_ics
            from grid.report import assessment_of, share_link

            today = date.today()
            data = revisit_ics(state, assessment_of(state, today), share_link(state), today).encode("utf-8")
        else:
            data = decision_record(state).encode("utf-8")
        with open(args.output, "wb") as fh:
            fh.write(data)
    except GridError as e:
        print(f"grid: {e}", file=err)
        return EXIT_BAD_INPUT
    except OSError as e:
        print(f"grid: argument -o: cannot write {args.output!r} ({e.strerror})", file=err)
        return EXIT_BAD_INPUT
    print(f"wrote {args.output} ({len(data):,} bytes)", file=out)
    return 0


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


def cmd_catalog_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path = args.path or str(CATALOG_PATH)
    try:
        catalog = read_catalog(path)
    except InvalidData as e:
        print(f"{e.source}: {len(e.problems)} problem(s)", file=out)
        for p in e.problems:
            print(f"  - {p}", file=out)
        return 1
    problems = list(catalog.problems)
    if not problems:
        try:
            problems += retired_in_outputs(catalog, today=date.today())
        except GridError as e:
            problems.append(f"the profiles could not be assessed against this catalog: {e}")
    summary = catalog.summary()
    changes_path = Path(path).parent / CHANGES_PATH.name
    if not problems and changes_path.is_file():  # the changelog beside the catalog, and every edit since git's previous version
        try:
            checked = check_changelog(catalog, read_changelog(changes_path), catalog_path=path)
        except InvalidData as e:
            problems += [f"{e.source}: {p}" for p in e.problems]
        else:
            problems += checked.problems
            summary += f"; {checked.summary}"
            for note in checked.notes:
                print(f"grid: note: {note}", file=err)
            if checked.pending:
                problems.append("python -m grid catalog changes prints the missing lines, ready to paste")
    if problems:
        print(f"{path}: {len(problems)} problem(s)", file=out)
        for p in problems:
            print(f"  - {p}", file=out)
        return 1
    print(f"{path}: OK, {summary}", file=out)
    return 0


def cmd_catalog_changes(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the changelog lines that the edits since the previous git version still need."""
    path = args.path or str(CATALOG_PATH)
    try:
        catalog = read_catalog(path)
        changelog = read_changelog(Path(path).parent / CHANGES_PATH.name)
    except InvalidData as e:
        print(f"grid: {e.source}: " + "; ".join(e.problems), file=err)
        return EXIT_BAD_INPUT
    checked = check_changelog(catalog, changelog, catalog_path=path)
    for note in checked.notes:
        print(f"grid: note: {note}", file=err)
    if not checked.pending:
        if checked.since is not None:
            print(f"grid: every edit since the previous version ({checked.since.isoformat()}) has its line", file=err)
        return 0
    print("# Append to data/catalog-changes.yaml, then put in the page you read each change on as its source.", file=out)
    print(dump_lines(pending_lines(checked.pending, catalog, date.today())), end="", file=out)
    return 0


def cmd_catalog_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Compare the catalog with a pinned public price list; exit 1 on any unreviewed disagreement."""
    from grid.pricelist import SNAPSHOT_PATH, diff, load_review, load_snapshot

    try:
        snapshot = load_snapshot(args.snapshot or SNAPSHOT_PATH)
        review = load_review()
    except InvalidData as e:
        print(f"grid: {e.source}: " + "; ".join(e.problems), file=err)
        return EXIT_BAD_INPUT
    result = diff(_catalog(err), snapshot, review)
    if args.json:
        rows = [dict(vars(d), reviewed=None) for d in result.unexplained]
        rows += [dict(vars(d), reviewed={"right": r.right, "why": r.why}) for d, r in result.explained]
        print(json.dumps({"compared": result.compared, "disagreements": rows, "not_carried": list(result.not_carried),
                          "stale_reviews": [r.model_dump() for r in result.stale_reviews]}, ensure_ascii=False, default=str), file=out)
    else:
        print(f"Compared {result.compared} price rows with the pinned list; {len(result.disagreements)} disagreement(s), "
              f"{len(result.unexplained)} not reviewed; {len(result.not_carried)} row(s) the list does not carry.", file=out)
        for d in result.unexplained:
            print(f"  NOT REVIEWED  {d.line()}", file=out)
        for d, r in [] if args.quiet else result.explained:
            print(f"  reviewed ({r.right} right)  {d.line()}: {r.why}", file=out)
        for r in result.stale_reviews:
            print(f"  STALE REVIEW  {r.model} {r.seller or ''} {r.field}: the list now agrees or no longer carries it; remove the line", file=out)
        if result.not_carried and not args.quiet:
            print("  Not in the list: " + ", ".join(result.not_carried), file=out)
    return 1 if result.unexplained or result.stale_reviews else 0


def cmd_catalog_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    catalog = _catalog(err)
    if args.json:
        print(json.dumps(catalog.to_json_dict(), ensure_ascii=False, indent=None), file=out)
        return 0
    print(catalog.summary(), file=out)
    for m in catalog.models:
        terms = m.license if m.weights == "open" else m.provider
        price = m.reference_price or m.best_price
        cost = f"${price.input_usd_per_mtok:,.2f}/${price.output_usd_per_mtok:,.2f} ({price.seller})" if price else "no price"
        print(f"  {m.id:<32} {m.weights:<6} {m.status:<10} {terms:<30} {m.tier:<9} {cost}", file=out)
    return 0


def cmd_catalog_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(json_schema_text())
    return 0


COST_FLAGS = {
    "tokens_per_day": "--tokens-per-day",
    "output_share": "--output-share",
    "closed_model": "--closed",
    "open_model": "--open",
    "gpu": "--gpu",
    "engineers": "--engineers",
    "frontier_share": "--frontier-share",
    "engineer_yearly_usd": "--engineer-cost",
    "gpu_hourly_usd": "--gpu-hourly",
    "peak_factor": "--peak-factor",
    "min_replicas": "--min-replicas",
    "throughput_tokens_per_s": "--throughput",
    "cached_input_share": "--cached-share",
    "batch_share": "--batch-share",
    "hybrid_open": "--hybrid-open",
    "closed_price_in": "--closed-price-in",
    "closed_price_out": "--closed-price-out",
    "gpus_per_replica": "--gpus-per-replica",
}


def _number(low: float, high: Optional[float] = None, integer: bool = False, what: str = "a number"):
    def parse(text: str) -> float:
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}") from None
        if value != value or value < low or (high is not None and value > high):  # NaN, or out of range
            span = f"between {low:g} and {high:g}" if high is not None else f"{low:g} or more"
            raise argparse.ArgumentTypeError(f"must be {span}, got {text!r}")
        return value

    return parse


def format_cost(report: CostReport) -> str:
    lines = [f"At {volume_words(report.tokens_per_day)} tokens a day, per month:"]
    if report.tokens_per_day_range:
        lo, hi = report.tokens_per_day_range
        lines[0] = f"Volume not known: priced at {volume_words(report.tokens_per_day)} tokens a day, with the range {volume_words(lo)} to {volume_words(hi)}:"
    for opt in report.options():
        if not opt.allowed:
            why = "; ".join(b.text for b in opt.blocked_by) or opt.detail
            lines.append(f"  {opt.label:<36} {'RULED OUT':>10}  {why}")
            continue
        cost = money(opt.monthly_usd) if opt.monthly_usd is not None else "not costed"
        rng = f" ({money(opt.monthly_usd_low)} to {money(opt.monthly_usd_high)})" if opt.monthly_usd_low is not None else ""
        mark = f"  ← {report.cheapest_words()}" if report.cheapest_allowed == opt.option else ""
        lines.append(f"  {opt.label:<36} {cost:>10}{rng}  {opt.detail}{mark}")
    if report.capability_note:
        lines.append(f"Capability: {report.capability_note}")
    if report.break_even_tokens_per_day is not None:
        lines.append(f"Break-even, self-hosted vs closed API: {report.break_even_tokens_per_day:,.0f} tokens a day. {report.break_even_reason}")
    else:
        lines.append(f"Break-even, self-hosted vs closed API: none in range. {report.break_even_reason}")
    if report.break_even_vs_rented_tokens_per_day is not None:
        lines.append(f"Break-even, self-hosted vs rented open weights: {report.break_even_vs_rented_tokens_per_day:,.0f} tokens a day.")
    else:
        lines.append(f"Break-even, self-hosted vs rented open weights: none in range. {report.break_even_vs_rented_reason}")
    lines.append("Assumptions:")
    lines.extend(f"  - {a.name} = {a.value}: {a.source}" for a in report.assumptions)
    return "\n".join(lines)


def cmd_cost(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    given = {name: getattr(args, name) for name in COST_FLAGS if getattr(args, name, None) is not None}
    answers = {"traffic_shape": args.traffic} if args.traffic else {}
    try:
        report = cost_report(CostInputs(**given), answers, _catalog(err), load_cost_data())
    except InvalidCostInput as e:
        print(f"grid: argument {COST_FLAGS.get(e.field, e.field)}: {e.message}", file=err)
        return EXIT_BAD_INPUT
    catalog = _catalog(err)
    notes = []
    for o in (report.closed_api, report.rented_open, report.self_hosted):
        m = catalog.model_by_id.get(o.model or "")
        if m is not None and m.lifecycle_note() and f"{m.name}: {m.lifecycle_note()}" not in notes:
            notes.append(f"{m.name}: {m.lifecycle_note()}")
    if args.json:
        print(json.dumps({**report.to_json_dict(), "lifecycle_notes": notes}, ensure_ascii=False), file=out)
    else:
        print(format_cost(report), file=out)
        for n in notes:
            print(f"Lifecycle: {n}", file=out)
    return 0


class _Parser(argparse.ArgumentParser):
    """Reports a bad argument in one line (naming it), exit status 2, without the usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"grid: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m grid",
        description="The open / closed LLM decision grid: score answers into an open, closed or hybrid recommendation.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    rec = sub.add_parser(
        "recommend",
        help="score one or more answers files",
        description="Score answers files ({profile, answers, checklist}; YAML or JSON).",
    )
    rec.add_argument("files", nargs="*", metavar="FILE", help="a YAML or JSON answers file (a saved assessment)")
    rec.add_argument("--link", metavar="QUERY", help="score a share link's query string instead (or as well)")
    rec.add_argument("--json", action="store_true", help="one JSON object per file per line")
    rec.set_defaults(func=cmd_recommend)
    prof = sub.add_parser("profiles", help="list the usage profiles", description="List the usage profiles.")
    prof.add_argument("--json", action="store_true", help="one JSON object per profile per line")
    prof.set_defaults(func=cmd_profiles)
    lnk = sub.add_parser("link", help="print the share-link query string of an answers file", description="Print the query string of a share link for an answers file.")
    lnk.add_argument("file", metavar="FILE")
    lnk.set_defaults(func=cmd_link)
    cmp_ = sub.add_parser(
        "compare",
        help="compare 2-6 assessments: the calls side by side, the answers that differ and what to agree on",
        description="Compare 2-6 answers files (YAML or JSON) or share links: each one's call, deployment, monthly cost and "
        "confidence; the answers that differ; which of them drive the different calls; and what to agree on first.",
    )
    cmp_.add_argument("inputs", nargs="+", metavar="FILE_OR_LINK", help="an answers file, '-' for standard input, or a share link (its URL or its query)")
    cmp_.add_argument("--json", action="store_true", help="one JSON object: assessments, differences, drivers, to_agree_on")
    cmp_.set_defaults(func=cmd_compare)
    rep = sub.add_parser("report", help="write the PDF summary, the decision record or the revisit reminder", description="Write the PDF summary (-o X.pdf), the Markdown decision record (-o X.md) or the revisit reminder as an iCalendar file (-o X.ics).")
    rep.add_argument("file", nargs="?", metavar="FILE", help="an answers file")
    rep.add_argument("--link", metavar="QUERY", help="a share link's query string instead of a file")
    rep.add_argument("-o", "--output", required=True, metavar="OUT.pdf|OUT.md|OUT.ics")
    rep.set_defaults(func=cmd_report)
    cat = sub.add_parser("catalog", help="check, show or describe the model and licence catalog", description="The model and licence catalog.")
    csub = cat.add_subparsers(dest="catalog_command", required=True, metavar="ACTION")
    chk = csub.add_parser("check", help="validate a catalog file; exit 1 and list every problem if it is bad")
    chk.add_argument("path", nargs="?", metavar="PATH", help=f"default: {CATALOG_PATH.relative_to(CATALOG_PATH.parent.parent)}")
    chk.set_defaults(func=cmd_catalog_check)
    show = csub.add_parser("show", help="print the catalog (normalised JSON with --json)")
    show.add_argument("--json", action="store_true", help='{"licenses": [...], "providers": [...], "models": [...]}')
    show.set_defaults(func=cmd_catalog_show)
    dif = csub.add_parser("diff", help="compare prices, context windows and modalities with a pinned public price list; exit 1 on an unreviewed disagreement")
    dif.add_argument("snapshot", nargs="?", metavar="SNAPSHOT", help="a LiteLLM model-price JSON file (default: the pinned snapshot in tests/data)")
    dif.add_argument("--json", action="store_true", help="one JSON object")
    dif.add_argument("--quiet", action="store_true", help="print only the summary and what needs a review")
    dif.set_defaults(func=cmd_catalog_diff)
    chg = csub.add_parser("changes", help="print the changelog lines that the edits since the previous git version of the catalog still need")
    chg.add_argument("path", nargs="?", metavar="PATH", help=f"default: {CATALOG_PATH.relative_to(CATALOG_PATH.parent.parent)}")
    chg.set_defaults(func=cmd_catalog_changes)
    sch = csub.add_parser("schema", help="print the catalog's JSON Schema")
    sch.set_defaults(func=cmd_catalog_schema)
    cost = sub.add_parser(
        "cost",
        help="monthly cost of a closed API, rented and self-hosted open weights and a hybrid, with the break-even",
        description="Cost each option at a daily volume and find the break-even. Defaults describe a typical "
        "setup: a frontier closed model against a strong open-weight model on rented GPUs.",
    )
    cost.add_argument("--tokens-per-day", dest="tokens_per_day", type=_number(0, 1e13), required=True, metavar="N", help="input + output tokens a day")
    cost.add_argument("--output-share", dest="output_share", type=_number(0, 1), metavar="F", help="share of tokens that are output (0-1)")
    cost.add_argument("--closed", dest="closed_model", metavar="MODEL", help="closed model id from the catalog")
    cost.add_argument("--open", dest="open_model", metavar="MODEL", help="open-weight model id from the catalog")
    cost.add_argument("--gpu", dest="gpu", metavar="GPU", help="GPU id (see data/costs.yaml)")
    cost.add_argument("--engineers", dest="engineers", type=_number(0, 1000), metavar="N", help="engineers running self-hosted serving")
    cost.add_argument("--frontier-share", dest="frontier_share", type=_number(0, 1), metavar="F", help="hybrid: share of tokens sent to the closed model (0-1)")
    cost.add_argument("--engineer-cost", dest="engineer_yearly_usd", type=_number(0, 1e8), metavar="USD", help="loaded yearly cost of one engineer")
    cost.add_argument("--gpu-hourly", dest="gpu_hourly_usd", type=_number(0.0001, 1000), metavar="USD", help="USD per GPU-hour (overrides the catalogued rate)")
    cost.add_argument("--peak-factor", dest="peak_factor", type=_number(1, 100), metavar="F", help="peak load ÷ average load")
    cost.add_argument("--min-replicas", dest="min_replicas", type=_number(1, 10000, integer=True, what="a whole number"), metavar="N", help="replicas kept up at the least")
    cost.add_argument("--throughput", dest="throughput_tokens_per_s", type=_number(0.001, 1e9), metavar="TOKENS_PER_S", help="tokens/s one replica serves (overrides the footprint)")
    cost.add_argument("--cached-share", dest="cached_input_share", type=_number(0, 1), metavar="F", help="share of input tokens served from the provider's cache")
    cost.add_argument("--batch-share", dest="batch_share", type=_number(0, 1), metavar="F", help="share of tokens sent as batch jobs")
    cost.add_argument("--hybrid-open", dest="hybrid_open", choices=["cheaper", "rented", "self_hosted"], help="hybrid: how the open side runs")
    cost.add_argument("--closed-price-in", dest="closed_price_in", type=_number(0, 10000), metavar="USD", help="a negotiated closed-model price, USD per million input tokens")
    cost.add_argument("--closed-price-out", dest="closed_price_out", type=_number(0, 10000), metavar="USD", help="a negotiated closed-model price, USD per million output tokens")
    cost.add_argument("--gpus-per-replica", dest="gpus_per_replica", type=_number(1, 1024, integer=True, what="a whole number"), metavar="N", help="GPUs in one self-hosted replica (checked against the model's memory)")
    cost.add_argument("--traffic", choices=["steady", "spiky", "unknown"], help="traffic shape, which sets the default peak factor")
    cost.add_argument("--json", action="store_true", help="one JSON object")
    cost.set_defaults(func=cmd_cost)
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
