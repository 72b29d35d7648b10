"""The comparison as a PDF, built in-process with reportlab like the PDF summary.

It uses the summary's fonts and text helpers from ``grid.pdf``: the main font (a CJK TrueType font
when one is installed) and the fallback fonts, chosen per character, so names and titles in any
script are drawn and survive text extraction. Everything it shows comes from one ``Comparison``.

Landscape A4, so that six people fit side by side. Page 1 holds the summary, the figures side by
side, what drives the different calls and the list to agree on. Every answer follows, with the
ones that differ shaded and marked ≠, then the link that restores the comparison and its QR code.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any, Optional

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from grid.compare import Comparison, cost_words, move_text, side_by_side
from grid.pdf import FONT, RTL_NOTE, find_font, footer_canvas, has_rtl, p, qr_flowable

PAGE = landscape(A4)
MARGIN = 14 * mm
DIFFERS = colors.HexColor("#fff1c2")  # the shade of a row whose answers differ
HEADER = colors.HexColor("#e8eef6")


def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("cmp-body", fontName=FONT, fontSize=9.5, leading=13, alignment=TA_LEFT, splitLongWords=True)
    return {
        "title": ParagraphStyle("cmp-title", parent=base, fontSize=17, leading=22, spaceAfter=3),
        "h1": ParagraphStyle("cmp-h1", parent=base, fontSize=13, leading=17, spaceBefore=9, spaceAfter=3, textColor=colors.HexColor("#1f2d3d")),
        "body": base,
        "headline": ParagraphStyle("cmp-headline", parent=base, fontSize=11.5, leading=15.5, textColor=colors.HexColor("#0b3d91")),
        "small": ParagraphStyle("cmp-small", parent=base, fontSize=8, leading=10.5, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cmp-cell", parent=base, fontSize=8, leading=10.2),
    }


def _table(rows: list[list[str]], widths: list[float], s: dict[str, ParagraphStyle], shaded: Optional[list[bool]] = None) -> Table:
    """A table of plain text (each cell escaped by ``p``), with a header row; rows marked in
    ``shaded`` (one flag per body row) get the "differs" shade."""
    data = [[p(c, s["cell"]) for c in row] for row in rows]
    t = Table(data, colWidths=widths, repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#b8c4d0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, flag in enumerate(shaded or [], 1):
        if flag:
            commands.append(("BACKGROUND", (0, i), (-1, i), DIFFERS))
    t.setStyle(TableStyle(commands))
    return t


def build_compare_pdf(c: Comparison, *, link: Optional[str] = None, today: Optional[date] = None) -> bytes:
    """The PDF of a comparison. ``link`` (the Compare page's own link) is printed with its QR code."""
    today = today or date.today()
    find_font()
    s = styles()
    title = f"Comparison of {len(c.people)} assessments"
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=title,
        author="Open / closed LLM decision grid",
        subject=c.summary(),
    )
    width = PAGE[0] - 2 * MARGIN
    n = len(c.people)
    story: list[Any] = [p(title, s["title"]), p(f"{today.isoformat()} · " + " · ".join(c.names), s["small"])]
    if any(has_rtl(name) for name in c.names):
        story.append(p(RTL_NOTE, s["small"]))
    story += [Spacer(1, 4), p(c.summary(), s["headline"])]

    story.append(p("Side by side", s["h1"]))
    first = width * 0.16
    story.append(_table(side_by_side(c), [first] + [(width - first) / n] * n, s))
    problems = [f"{x.name}: {cost_words(x)}" for x in c.people if x.cost_problem]
    story += [p(x, s["small"]) for x in problems]

    story.append(p("What drives the different calls", s["h1"]))
    if c.drivers:
        for r in c.drivers:
            block: list[Paragraph] = [p(f"{r.label} — {c.values_text(r)}.", s["body"])]
            block += [p(f"    • {move_text(m)[:1].upper() + move_text(m)[1:]}", s["small"]) for m in r.moves]
            story.append(KeepTogether(block))
    elif c.same_call:
        story.append(p("Everyone reaches the same call.", s["body"]))
    else:
        story.append(p("No single answer that differs moves one person's call to another's; the calls differ through several answers together.", s["body"]))

    story.append(p("To agree on", s["h1"]))
    if c.to_agree_on:
        story += [p(f"{i}. {r.label}" + (" — drives the call" if r.driver else ""), s["body"]) for i, r in enumerate(c.to_agree_on, 1)]
    else:
        story.append(p("Nothing: every answer given is the same.", s["body"]))

    story.append(p("Answers", s["h1"]))
    story.append(p("Rows whose answers differ are shaded and marked ≠.", s["small"]))
    rows = [["≠", "Question"] + c.names] + [["≠" if r.differs else "", r.label] + list(r.value_labels) for r in c.rows]
    mark, question = width * 0.03, width * 0.25
    story.append(_table(rows, [mark, question] + [(width - mark - question) / n] * n, s, shaded=[r.differs for r in c.rows]))

    if link:
        block = [p("The link that restores this comparison", s["h1"]), p(link, s["small"])]
        qr, why = qr_flowable(link, size=36 * mm)
        block.append(qr if qr is not None else p(why or "", s["small"]))
        story.append(KeepTogether(block))
    doc.build(story, canvasmaker=footer_canvas(title, today, PAGE[0], MARGIN, 8 * mm))
    return buf.getvalue()
