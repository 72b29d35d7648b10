"""The PDF summary, built in-process with reportlab: no browser, charts drawn as vectors.

One main font draws almost every string: it must cover Latin with accents, dashes, ≥ and the CJK
of model names and notes. ``find_font`` looks for WenQuanYi Micro Hei (Debian package
``fonts-wqy-microhei``, which ``make`` installs), then other CJK TrueType fonts; without one the
PDF still builds with reportlab's Vera font and says which characters it could not draw.

A character the main font has no glyph for is drawn with the first fallback font that has one:
Noto Sans Arabic and Noto Sans Hebrew (``fonts-noto-core``), then Symbola (``fonts-symbola``),
a monochrome font with the emoji and many symbols (colour emoji fonts cannot be embedded by
reportlab). Right-to-left text is drawn with its own glyphs but in the order it was typed:
reportlab neither reorders it (bidi) nor joins Arabic letters, and the PDF says so when the title
or the notes hold such text.
"""

from __future__ import annotations

import io
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional
from xml.sax.saxutils import escape

import qrcode
from qrcode.exceptions import DataOverflowError
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from grid.assessment import Assessment, break_even_point, lifecycle_warnings, option_curves
from grid.catalog import Catalog
from grid.changes import catalog_version
from grid.cost import RANGE_MAX, RANGE_MIN
from grid.engine import REC_LABEL
from grid.options import money, tokens_short
from grid.prose import ASSUMPTION_LABEL, answer_words, assumption_rows, deployment_phrase, humanize, lead_reasons, named, option_phrase, points_words  # noqa: F401 (ASSUMPTION_LABEL: re-exported)
from grid.sensitivity import BREAK_EVEN, RANGES_TEXT, Swing, figure_text, money_ticks, sensitivity, table_rows, unmoved
from grid.licensing import license_clauses
from grid.questionnaire import AXIS_IDS, Questionnaire

FONT = "GridSans"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


#: Fonts for the characters the main font has no glyph for, in the order they are tried: the
#: registered name, then the files to look for (Debian packages fonts-noto-core and fonts-symbola).
FALLBACK_FONTS = (
    ("GridArabic", ("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")),
    ("GridHebrew", ("/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",)),
    ("GridSymbols", ("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", "/usr/share/fonts/truetype/ancient-scripts/Symbola.ttf")),
)


@dataclass(frozen=True)
class FontChoice:
    name: str
    path: Optional[str]
    covers_cjk: bool
    fallbacks: tuple[tuple[str, str], ...] = ()  # (registered name, file) of each fallback font found


@lru_cache(maxsize=1)
def find_font() -> FontChoice:
    """Register the PDF fonts once per process: the main font (a CJK TrueType font preferred),
    and every fallback font that is installed."""
    fallbacks = tuple(_register_fallbacks())
    wanted = [os.environ["GRID_PDF_FONT"]] if os.environ.get("GRID_PDF_FONT") else []
    for path in [*wanted, *FONT_CANDIDATES]:
        if Path(path).is_file():
            try:
                font = TTFont(FONT, path, subfontIndex=0) if path.endswith(".ttc") else TTFont(FONT, path)
            except Exception:
                continue
            pdfmetrics.registerFont(font)
            return FontChoice(FONT, path, covers_cjk=ord("千") in font.face.charToGlyph, fallbacks=fallbacks)
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(vera)))
    return FontChoice(FONT, str(vera), covers_cjk=False, fallbacks=fallbacks)


def _register_fallbacks() -> list[tuple[str, str]]:
    found = []
    for name, paths in FALLBACK_FONTS:
        for path in paths:
            if Path(path).is_file():
                try:
                    pdfmetrics.registerFont(TTFont(name, path))
                except Exception:
                    continue
                found.append((name, path))
                break
    return found


@lru_cache(maxsize=1)
def _cmaps() -> tuple[dict[int, int], tuple[tuple[str, dict[int, int]], ...]]:
    """The main font's code point → glyph map, and each fallback font's name and map."""
    choice = find_font()
    return pdfmetrics.getFont(FONT).face.charToGlyph, tuple((name, pdfmetrics.getFont(name).face.charToGlyph) for name, _ in choice.fallbacks)


_STICKY = ("Mn", "Me", "Cf")  # combining marks, variation selectors, joiners: drawn with the character before them


def font_runs(text: str) -> list[tuple[Optional[str], str]]:
    """``text`` cut into runs that one font draws: ``None`` for the main font, else the name of
    the fallback font with glyphs for the run. A character no font has stays with the main font
    (``missing_glyphs`` names it); spaces, combining marks and joiners stay with the run they
    are in when its font has them."""
    main, fallbacks = _cmaps()
    if all(ord(ch) in main or ch.isspace() for ch in text):
        return [(None, text)] if text else []
    runs: list[tuple[Optional[str], str]] = []
    current: Optional[str] = None
    current_map = main
    start = 0
    for i, ch in enumerate(text):
        code = ord(ch)
        if current is not None and code in current_map and (ch.isspace() or unicodedata.category(ch) in _STICKY):
            continue  # stays in the fallback run
        font, cmap = None, main
        if code not in main and not ch.isspace():
            for name, fmap in fallbacks:
                if code in fmap:
                    font, cmap = name, fmap
                    break
        if font != current:
            if i > start:
                runs.append((current, text[start:i]))
            current, current_map, start = font, cmap, i
    runs.append((current, text[start:]))
    return runs


def markup(text: str) -> str:
    """Paragraph markup for plain text: escaped, each run in the font that has its glyphs."""
    return "".join(escape(chunk) if font is None else f'<font name="{font}">{escape(chunk)}</font>' for font, chunk in font_runs(text))


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` that neither the main font nor a fallback font can draw."""
    main, fallbacks = _cmaps()
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in main and not any(ord(ch) in fmap for _, fmap in fallbacks)}


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds right-to-left letters (Hebrew, Arabic, ...)."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


RTL_NOTE = (
    "Right-to-left text (Arabic, Hebrew) is drawn with its own letters, but left to right in the order it was typed: "
    "this PDF neither reorders it nor joins Arabic letters. The decision record and the saved file keep it as typed."
)


def _to_unicode_cmap(make: Any) -> Any:
    """reportlab's ToUnicode map writes a code point past U+FFFF as five hex digits, which PDF
    readers reject, so an emoji is drawn but cannot be copied or searched. Write it in UTF-16
    (a surrogate pair), as the PDF reference asks."""
    if getattr(make, "grid_astral", False):
        return make

    def cmap(fontname: str, subset: Any) -> str:
        return re.sub(
            r"^(<[0-9A-F]{2}>) <([0-9A-F]{5,6})>$",
            lambda m: f"{m.group(1)} <{chr(int(m.group(2), 16)).encode('utf-16-be').hex().upper()}>",
            make(fontname, subset),
            flags=re.M,
        )

    cmap.grid_astral = True  # type: ignore[attr-defined]
    return cmap


ttfonts.makeToUnicodeCMap = _to_unicode_cmap(ttfonts.makeToUnicodeCMap)


def draw_text(canvas: Any, x: float, y: float, text: str, size: float) -> None:
    """Draw one line of plain text on a canvas, each run in the font that has its glyphs."""
    for font, chunk in font_runs(text):
        name = font or FONT
        canvas.setFont(name, size)
        canvas.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, name, size)


# ----------------------------------------------------------------------------- styles
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, alignment=TA_LEFT, splitLongWords=True)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=23, spaceAfter=4),
        "h1": ParagraphStyle("h1", parent=base, fontSize=13.5, leading=18, spaceBefore=10, spaceAfter=4, textColor=colors.HexColor("#1f2d3d")),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11, leading=15, spaceBefore=6, spaceAfter=2, textColor=colors.HexColor("#1f2d3d")),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=colors.HexColor("#444444")),
        "headline": ParagraphStyle("headline", parent=base, fontSize=12.5, leading=17, textColor=colors.HexColor("#0b3d91")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5),
        "grey": ParagraphStyle("grey", parent=base, fontSize=8, leading=10.5, spaceAfter=4, textColor=colors.HexColor("#777777")),
    }


def _has_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff" for ch in text)


_CJK_STYLES: dict[str, ParagraphStyle] = {}


def p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: escaped, so nothing in it is read as markup. Lines break between
    words; only text with CJK (which has no spaces) may break between characters, so a text
    extractor reads "in production", never "inproduction"."""
    if _has_cjk(text):
        style = _CJK_STYLES.setdefault(style.name, ParagraphStyle(style.name + "-cjk", parent=style, wordWrap="CJK"))
    return Paragraph(markup(text).replace("\n", "<br/>"), style)


def _table(rows: list[list[str]], widths: list[float], s: dict[str, ParagraphStyle]) -> Table:
    data = [[p(c, s["cell"]) for c in row] for row in rows]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#b8c4d0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return t


# ----------------------------------------------------------------------------- charts
def radar_drawing(axes: dict[str, Optional[int]], q: Questionnaire, size: float = 62 * mm) -> Drawing:
    d = Drawing(size * 1.9, size * 1.25)
    cx, cy, r = size * 0.95, size * 0.6, size * 0.45
    n = len(AXIS_IDS)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = math.pi / 2 - 2 * math.pi * i / n
        radius = r * (value + 100) / 200
        return cx + radius * math.cos(angle), cy + radius * math.sin(angle)

    for ring in (-100, -50, 0, 50, 100):
        pts = [c for i in range(n) for c in point(i, ring)]
        d.add(Polygon(pts, strokeColor=colors.HexColor("#777777") if ring == 0 else colors.HexColor("#cccccc"), strokeWidth=0.8 if ring == 0 else 0.4, fillColor=None, strokeDashArray=[2, 2] if ring == 0 else None))
    for i, a in enumerate(AXIS_IDS):
        x, y = point(i, 100)
        d.add(Line(cx, cy, x, y, strokeColor=colors.HexColor("#cccccc"), strokeWidth=0.4))
        value = axes.get(a)
        label = f"{q.axis_by_id[a].short} {'—' if value is None else f'{value:+d}'}"
        anchor = "middle" if abs(x - cx) < 5 else ("start" if x > cx else "end")
        d.add(String(x + (4 if anchor == "start" else -4 if anchor == "end" else 0), y + (5 if y >= cy else -10), label, fontName=FONT, fontSize=8, textAnchor=anchor))
    pts = [c for i, a in enumerate(AXIS_IDS) for c in point(i, axes.get(a) or 0)]
    d.add(Polygon(pts, strokeColor=colors.HexColor("#1f6feb"), strokeWidth=1.2, fillColor=colors.Color(0.12, 0.43, 0.92, alpha=0.25)))
    d.add(String(4, 4, "Centre −100 (closed) · dotted ring 0 · edge +100 (open)", fontName=FONT, fontSize=7, fillColor=colors.HexColor("#555555")))
    return d


LINES = {
    "closed_api": ("Closed API", "#d1495b"),
    "closed_cloud": ("Closed, your cloud", "#b35c00"),
    "rented_open": ("Rented open weights", "#2e8b57"),
    "self_hosted": ("Self-hosted", "#1f6feb"),
    "hybrid": ("Hybrid", "#8250df"),
}


GLOSSARY = [
    ("ZDR", "Zero data retention: the seller keeps no prompts or outputs after answering."),
    ("DPA", "Data processing agreement: the contract under which a seller processes personal data for you."),
    ("MAU", "Monthly active users: some licences change above a number of them."),
    ("Break-even", "The daily volume at which self-hosting costs the same as paying per token."),
    ("Replica", "One running copy of a self-hosted model, on the GPUs it needs; two at the least, so one can fail."),
    ("Tier", "The catalog's capability class of a model: efficient, strong or frontier."),
    ("Seller", "Where a model is bought: the lab's own API, a cloud's endpoint, an inference provider, or your own GPUs."),
]


def footer_canvas(title: str, day: date, page_width: float = A4[0], margin: float = 18 * mm, baseline: float = 9 * mm) -> type:
    """A canvas that writes 'title · date · page N of M' on every page (two passes: M is known at the
    end). The comparison's landscape PDF uses it with its own width and margin."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 7.5)
                self.setFillColor(colors.HexColor("#555555"))
                label = title if len(title) <= 90 else title[:89] + "…"
                draw_text(self, margin, baseline, f"{label} · {day.isoformat()}", 7.5)
                self.setFont(FONT, 7.5)
                self.drawRightString(page_width - margin, baseline, f"page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _alternative(a: Assessment) -> Any:
    """The best allowed alternative to the chosen option: the cheapest other priced, allowed option."""
    if a.costs is None:
        return None
    chosen = a.result.deployment_option
    others = [o for o in a.costs.options() if o.allowed and o.monthly_usd is not None and o.option != chosen]
    return min(others, key=lambda o: o.monthly_usd) if others else None


def _deployment_words(r: Any, catalog: Catalog) -> str:
    words = deployment_phrase(r)
    seller = r.deployment_seller
    if not seller:
        return words
    names = [("your own GPUs" if x == "self" else catalog.provider_by_id[x].name if x in catalog.provider_by_id else x) for x in seller.split(" + ")]
    return f"{words}, bought from {' and '.join(names)}"


def _tick(v: float) -> str:
    """A power of ten on a money axis: $0.10, $1, $100, $10k, $1M."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if v >= size:
            return f"${v / size:g}{suffix}"
    return f"${v:g}" if v >= 1 else f"${v:.2f}"


RULED_OUT_GREY = "#9a9a9a"


def _legend_rows(entries: list[tuple[str, str, bool]], width: float) -> list[list[tuple[float, str, str, bool]]]:
    """The legend's entries (label, colour, ruled out) laid out left to right, onto a new row where
    the next would run past the right edge: (x, label, colour, ruled out) per row."""
    rows: list[list[tuple[float, str, str, bool]]] = [[]]
    x = 0.0
    for label, colour, ruled in entries:
        w = 17 + pdfmetrics.stringWidth(label, FONT, 7)
        if rows[-1] and x + w > width:
            rows.append([])
            x = 0.0
        rows[-1].append((x, label, colour, ruled))
        x += w + 14
    return rows


def why_ruled_out(o: Any) -> str:  # o: OptionCost
    """Why a forbidden option is ruled out: each constraint's sentence, one full stop at the end."""
    return "; ".join(b.text.rstrip(".") for b in o.blocked_by) + "." if o.blocked_by else o.detail


def cost_drawing(
    rows: list[dict[str, Any]],
    you: float,
    breakevens: list[tuple[float, str]],
    ruled_out: tuple[str, ...] = (),
    width: float = 170 * mm,
    height: float = 75 * mm,
) -> Drawing:
    """Monthly cost against daily volume, log-log. ``breakevens`` are (volume, label) against the
    closed side, each marked on the closed line it was computed against; ``ruled_out`` are the
    options a hard constraint forbids: a grey legend entry each ("ruled out"), never a priced line."""
    find_font()  # the legend is measured in the PDF's font
    left, bottom, right = 42, 28, width - 8
    entries = [(label + (": ruled out" if key in ruled_out else ""), RULED_OUT_GREY if key in ruled_out else colour, key in ruled_out)
               for key, (label, colour) in LINES.items() if key in ruled_out or any(r.get(key) for r in rows)]
    legend = _legend_rows(entries, right - left)
    d = Drawing(width, height + 11 * (len(legend) - 1))
    top = height - 22
    ys = [v for r in rows for k, v in r.items() if k != "tokens_per_day" and v]
    ylo = 10 ** math.floor(math.log10(max(min(ys), 1e-3))) if ys else 1
    yhi = 10 ** math.ceil(math.log10(max(ys))) if ys else 10

    def X(v: float) -> float:
        return left + (math.log10(v) - math.log10(RANGE_MIN)) / (math.log10(RANGE_MAX) - math.log10(RANGE_MIN)) * (right - left)

    def Y(v: float) -> float:
        v = min(max(v, ylo), yhi)
        return bottom + (math.log10(v) - math.log10(ylo)) / (math.log10(yhi) - math.log10(ylo)) * (top - bottom)

    d.add(Rect(left, bottom, right - left, top - bottom, strokeColor=colors.HexColor("#999999"), strokeWidth=0.5, fillColor=None))
    for e in range(5, 11):
        x = X(10**e)
        d.add(Line(x, bottom, x, top, strokeColor=colors.HexColor("#e3e3e3"), strokeWidth=0.4))
        d.add(String(x, bottom - 10, {5: "100k", 6: "1M", 7: "10M", 8: "100M", 9: "1B", 10: "10B"}[e], fontName=FONT, fontSize=7, textAnchor="middle"))
    e = math.log10(ylo)
    while e <= math.log10(yhi) + 1e-9:
        y = Y(10**e)
        d.add(Line(left, y, right, y, strokeColor=colors.HexColor("#e3e3e3"), strokeWidth=0.4))
        d.add(String(left - 3, y - 3, _tick(10**e), fontName=FONT, fontSize=6.5, textAnchor="end"))
        e += 1
    d.add(String((left + right) / 2, 4, "Tokens a day (input + output, log scale)", fontName=FONT, fontSize=7.5, textAnchor="middle"))
    d.add(String(left + 3, top - 9, "USD a month (log scale)", fontName=FONT, fontSize=7, fillColor=colors.HexColor("#555555")))
    for key, (label, colour) in LINES.items():
        pts: list[float] = []
        prev: Optional[float] = None
        for r in rows:
            v = r.get(key)
            if v is None:
                continue
            if key == "self_hosted" and prev is not None and v != prev:
                pts += [X(r["tokens_per_day"]), Y(prev)]  # draw the step
            pts += [X(r["tokens_per_day"]), Y(v)]
            prev = v
        if len(pts) >= 4:
            d.add(PolyLine(pts, strokeColor=colors.HexColor(colour), strokeWidth=1.3, strokeDashArray=[3, 2] if key == "hybrid" else None))
    if RANGE_MIN <= you <= RANGE_MAX:
        d.add(Line(X(you), bottom, X(you), top, strokeColor=colors.HexColor("#333333"), strokeWidth=0.8, strokeDashArray=[2, 2]))
        d.add(String(X(you) + 2, top - 8, "your volume", fontName=FONT, fontSize=7))
    for value, label in breakevens:
        if RANGE_MIN <= value <= RANGE_MAX and (point := break_even_point(rows, value)) is not None:
            y = Y(point[1])
            d.add(Circle(X(value), y, 2.5, fillColor=colors.black, strokeColor=None))
            d.add(String(X(value) - 3, y + 5, label, fontName=FONT, fontSize=6.5, textAnchor="end"))
    for i, row in enumerate(legend):
        y = height - 8 - 11 * i + 11 * (len(legend) - 1)
        for x, label, colour, ruled in row:
            d.add(Line(left + x, y, left + x + 14, y, strokeColor=colors.HexColor(colour), strokeWidth=1.5, strokeDashArray=[1.5, 1.5] if ruled else None))
            d.add(String(left + x + 17, y - 3, label, fontName=FONT, fontSize=7, fillColor=colors.HexColor(RULED_OUT_GREY if ruled else "#000000")))
    return d


TORNADO_COLOURS = (("low", "#1f6feb", "Input at the low end of its range"), ("high", "#d1495b", "Input at the high end of its range"))


def tornado_drawing(swings: list[Swing], width: float = 170 * mm) -> Optional[Drawing]:
    """One option's tornado: for each input that moves the cost, a bar from the base cost (the
    dashed line) to the cost at each end of the input's range, largest swing at the top."""
    rows = [x for x in swings if x.moves]
    if not rows:
        return None
    base = rows[0].base or 0.0
    row_h, top_pad, bottom_pad = 20, 18, 30
    height = top_pad + bottom_pad + row_h * len(rows)
    left, right = 62 * mm, width - 16 * mm
    values = [base] + [v for x in rows for v in (x.at_low, x.at_high) if v is not None]
    pad = (max(values) - min(values)) * 0.15  # room for the figures at the bars' ends
    ticks = money_ticks(max(min(values) - pad, 0.0), max(values) + pad)
    lo, hi = ticks[0], ticks[-1] if ticks[-1] > ticks[0] else ticks[0] + 1

    def X(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (right - left)

    d = Drawing(width, height)
    bottom, top = bottom_pad, height - top_pad
    x = left
    for _, colour, label in TORNADO_COLOURS:
        d.add(Rect(x, top + 6, 8, 6, fillColor=colors.HexColor(colour), strokeColor=None))
        d.add(String(x + 11, top + 6, label, fontName=FONT, fontSize=7))
        x += 11 + pdfmetrics.stringWidth(label, FONT, 7) + 14
    for t in ticks:
        d.add(Line(X(t), bottom, X(t), top, strokeColor=colors.HexColor("#e3e3e3"), strokeWidth=0.4))
        d.add(String(X(t), bottom - 10, money(t), fontName=FONT, fontSize=6.5, textAnchor="middle"))
    d.add(String((left + right) / 2, 4, "USD a month (dashed line: the cost at your inputs)", fontName=FONT, fontSize=7.5, textAnchor="middle"))
    for i, x_ in enumerate(rows):
        y = top - (i + 1) * row_h
        d.add(String(left - 4, y + row_h / 2 - 3, f"{x_.label} {x_.range_text}", fontName=FONT, fontSize=7, textAnchor="end"))
        for j, (end, colour, _) in enumerate(TORNADO_COLOURS):
            v = getattr(x_, f"at_{end}")
            if v is None:
                continue
            y0 = y + row_h / 2 + (1 if j == 0 else -7)
            x0, x1 = sorted((X(base), X(v)))
            d.add(Rect(x0, y0, max(x1 - x0, 0.6), 6, fillColor=colors.HexColor(colour), strokeColor=None))
            right_side = v >= base
            d.add(String(x1 + 2 if right_side else x0 - 2, y0 + 0.5, money(v), fontName=FONT, fontSize=6, textAnchor="start" if right_side else "end"))
    d.add(Line(X(base), bottom, X(base), top, strokeColor=colors.HexColor("#333333"), strokeWidth=0.8, strokeDashArray=[2, 2]))
    return d


class QRFlowable(Flowable):
    """A QR code drawn as one vector path: each row's dark runs become one rectangle."""

    def __init__(self, matrix: list[list[bool]], size: float):
        super().__init__()
        self.matrix = matrix
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        n = len(self.matrix)
        cell = self.size / n
        c = self.canv
        c.setFillColor(colors.white)
        c.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        path = c.beginPath()
        for row, line in enumerate(self.matrix):
            col = 0
            while col < n:
                if line[col]:
                    start = col
                    while col < n and line[col]:
                        col += 1
                    path.rect(start * cell, self.size - (row + 1) * cell, (col - start) * cell, cell)
                else:
                    col += 1
        c.setFillColor(colors.black)
        c.drawPath(path, stroke=0, fill=1)


def qr_matrix(link: str) -> Optional[list[list[bool]]]:
    """The QR modules of a link (quiet zone included), or None if it does not fit a QR code."""
    for level in (qrcode.constants.ERROR_CORRECT_M, qrcode.constants.ERROR_CORRECT_L):
        try:
            # a fixed mask pattern is valid QR and skips scoring all eight masks (~0.3 s)
            qr = qrcode.QRCode(error_correction=level, border=4, mask_pattern=0)
            qr.add_data(link)
            qr.make(fit=True)
            return qr.get_matrix()
        except (DataOverflowError, ValueError):
            continue
    return None


def qr_flowable(link: str, size: float = 38 * mm) -> tuple[Optional[Flowable], Optional[str]]:
    matrix = qr_matrix(link)
    if matrix is None:
        return None, "The link is too long for a QR code; use the link text above."
    return QRFlowable(matrix, size), None


# ----------------------------------------------------------------------------- the document
def _money(x: Optional[float]) -> str:
    return "not costed" if x is None else f"${x:,.0f}"


def build_pdf(a: Assessment, *, title: str, notes: str, link: str, catalog: Optional[Catalog] = None, catalog_date: Optional[date] = None) -> bytes:
    """The PDF summary of one assessment. Everything it shows comes from ``a``; only the chart's
    series are drawn from the assessment's own inputs."""
    from grid.catalog import load_catalog
    from grid.cost import load_cost_data
    from grid.questionnaire import load_questionnaire

    q = load_questionnaire()
    catalog = catalog or load_catalog()
    cost_data = load_cost_data()
    today = a.today or date.today()
    revisit = a.revisit or today
    answers, cost_inputs = a.answers, a.cost_inputs
    find_font()
    s = _styles()
    r = a.result
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title or "Open / closed LLM decision",
        author="Open / closed LLM decision grid",
        subject=r.headline,
    )
    width = A4[0] - 36 * mm
    story: list[Any] = []
    doc_title = title or "Open / closed LLM decision"
    # ---- page 1: the executive summary, for a reader who reads nothing else
    story.append(p(doc_title, s["title"]))
    newest = catalog.newest_checked
    story.append(
        p(
            f"{today.isoformat()} · questionnaire version {q.version} · catalog dated {(catalog_date or catalog_version() or 'unknown')!s}"
            f" (checked up to {newest.isoformat() if newest else 'unknown'})"
            f" · revisit by {revisit.isoformat()}",
            s["small"],
        )
    )
    if has_rtl(title) or has_rtl(notes):
        story.append(p(RTL_NOTE, s["small"]))
    story.append(Spacer(1, 6))
    story.append(p(f"Decision: {REC_LABEL[r.recommendation]}. {r.headline}.", s["headline"]))
    story.append(p(f"Deployment: {_deployment_words(r, catalog)}.", s["body"]))
    if a.costs is not None and r.deployment_option:
        chosen = getattr(a.costs, r.deployment_option)
        alt = _alternative(a)
        line = f"Monthly cost: {money(chosen.monthly_usd)} a month for {option_phrase(chosen.option, chosen.label)}"
        if alt is not None:
            line += f", against {money(alt.monthly_usd)} for the best allowed alternative ({option_phrase(alt.option, alt.label)}: {alt.detail})"
        story.append(p(line + ".", s["body"]))
    story.append(p(f"Confidence: {r.confidence}. {points_words(r.confidence_note)}", s["body"]))
    story.append(p("The three strongest reasons", s["h2"]))
    for lead in lead_reasons(r, q):
        tag = f" ({lead.tag})" if lead.kind != "reason" else ""
        story.append(p(f"• {lead.question_label} → {lead.answer_label}{tag}. {lead.text}", s["body"]))
    story.append(p("What would change the decision", s["h2"]))
    nearest = [f for f in r.flips if f.recommendation != r.recommendation and f.kind != "checklist"][:2] or r.flips[:2]
    if nearest:
        for f in nearest:
            story.append(p(f"• {f.question_label} → {f.to_label}: {f.text or REC_LABEL[f.recommendation]}.", s["body"]))
    else:
        story.append(p("No single answer change alters this decision.", s["body"]))
    if r.conflict:
        story.append(p(f"Conflict: {r.conflict}", s["body"]))
    link_block: list[Any] = [p(f"Revisit by {revisit.isoformat()}; the link restores this assessment", s["h2"]), p(link, s["small"])]
    qr, why = qr_flowable(link)
    link_block.append(qr if qr is not None else p(why or "", s["small"]))
    story.append(KeepTogether(link_block))
    story.append(PageBreak())

    # ---- the details
    story.append(p("How the decision was made", s["h1"]))
    story.append(p(f"Deployment: {_deployment_words(r, catalog)}. {humanize(r.deployment_reason.text, q)}", s["body"]))
    if r.disagreement:
        story.append(p(r.disagreement, s["body"]))
    for c in r.constraints:
        story.append(p(f"Hard constraint ({answer_words(q, c.question, c.answer)}): {c.text}", s["body"]))

    story.append(p("Lean on each axis", s["h1"]))
    story.append(radar_drawing(r.axes, q))

    story.append(p("Why", s["h1"]))
    for reason in r.reasons:
        if reason.contribution or reason.kind == "cost":
            pts = f" ({reason.contribution:+.1f} toward {reason.direction})" if round(reason.contribution, 1) else ""
            story.append(p(f"• {reason.question_label} → {reason.answer_label}{pts}. {reason.text}", s["body"]))
    neutral = [x for x in r.reasons if not x.contribution and x.kind != "cost"]
    if neutral:
        story.append(p("Neutral or context answers: " + "; ".join(f"{x.question_label} → {x.answer_label}" for x in neutral), s["small"]))

    story.append(p("How the call was made", s["h2"]))
    for i, step in enumerate(r.path, 1):
        story.append(p(f"{i}. {humanize(step, q)}", s["body"]))
    story.append(p("Checklist path", s["h2"]))
    rows = [["Item", "Answer", "Source"]]
    for stp in r.checklist.path:
        rows.append([q.checklist_by_id[stp.item].question, stp.answer, {"yours": "your answer", "suggested": "suggested from your answers (decides nothing until confirmed)", "default": "no suggestion"}[stp.source]])
    story.append(_table(rows, [width * 0.62, width * 0.13, width * 0.25], s))

    story.append(p("What would change this", s["h1"]))
    if r.flips:
        rows = [["If", "were", "the result would be"]]
        rows += [[f.question_label, f.to_label, f.text or REC_LABEL[f.recommendation]] for f in r.flips]
        story.append(_table(rows, [width * 0.5, width * 0.25, width * 0.25], s))
    else:
        story.append(p("No single answer change flips this recommendation.", s["body"]))

    story.append(p("Shortlist", s["h1"]))
    story.append(p(a.shortlist.scale_note, s["small"]))
    for warning in lifecycle_warnings(a, catalog, revisit):
        story.append(p(f"Lifecycle: {warning}", s["body"]))
    for cand in a.shortlist.candidates:
        m = catalog.model_by_id[cand.model]
        name = _name(m)
        terms = catalog.license_by_id[cand.license].name if cand.license else catalog.provider_by_id[cand.provider].name  # type: ignore[index]
        price = (
            f"${cand.price.input_usd_per_mtok:,.2f} in / ${cand.price.output_usd_per_mtok:,.2f} out per million tokens ({cand.price.seller}, checked {cand.price.checked})"
            if cand.price
            else "no price in the catalog"
        )
        block = [p(f"[{cand.role}] {name} — {m.developer} · {terms} · {cand.tier}{' · STALE' if cand.stale else ''}", s["h2"]), p(price, s["small"])]
        block += [p(f"• {f}", s["body"]) for f in cand.flags]
        if cand.license:
            lic = catalog.license_by_id[cand.license]
            block.append(p("Licence clauses: " + " ".join(text for _, text in license_clauses(lic, m.developer)), s["small"]))
        story.append(KeepTogether(block))
    if a.shortlist.excluded:
        story.append(p("Excluded models", s["h2"]))
        rows = [["Model", "Why it is excluded"]]
        rows += [[_name(catalog.model_by_id[e.model]), e.reason] for e in a.shortlist.excluded]
        story.append(_table(rows, [width * 0.3, width * 0.7], s))

    story.append(p("Cost", s["h1"]))
    if a.costs is not None:
        rows_c = option_curves(answers, cost_inputs, today=today, revisit=a.revisit, questionnaire=q, catalog=catalog, cost_data=cost_data, points=61)
        be = [(v, f"break-even {tokens_short(v)}/day") for v in (a.costs.break_even_tokens_per_day,) if v]
        ruled = [o for o in a.costs.options() if not o.allowed]
        story.append(cost_drawing(rows_c, a.costs.tokens_per_day, be, ruled_out=tuple(o.option for o in ruled)))
        if ruled:  # a forbidden option is shown greyed out with its reason, never as a contender
            story.append(p("\n".join(f"{LINES[o.option][0]}, not drawn — ruled out: {why_ruled_out(o)}" for o in ruled), s["grey"]))
        rows = [["Option", "USD a month", "Model, seller and how"]]
        for o in a.costs.options():
            if not o.allowed:
                rows.append([o.label, "ruled out", why_ruled_out(o)])
                continue
            cheapest = f" ({a.costs.cheapest_words()})" if a.costs.cheapest_allowed == o.option else ""
            rows.append([o.label + cheapest, _money(o.monthly_usd), f"{o.detail}" + (f" · {o.seller_name}" if o.seller_name else "")])
        story.append(_table(rows, [width * 0.22, width * 0.14, width * 0.64], s))
        story.append(
            p(
                "Break-even, self-hosted against the closed API: "
                + (f"{tokens_short(a.costs.break_even_tokens_per_day)} tokens a day. " if a.costs.break_even_tokens_per_day else "none in range. ")
                + named(a.costs.break_even_reason, {g.id: g.name for g in cost_data.gpus}),
                s["body"],
            )
        )
        sens = sensitivity(a, questionnaire=q, catalog=catalog, cost_data=cost_data)
        if sens is not None and sens.swings:
            header = ["Input (range)", "Low end → result", "High end → result", "Swing"]
            for i, (key, swings) in enumerate(sens.swings.items()):
                role = "chosen" if key == sens.chosen else "best allowed alternative"
                name = next((o.label for o in a.costs.options() if o.option == key), key)
                block: list[Any] = [p("What moves the cost", s["h2"]), p(RANGES_TEXT, s["small"])] if i == 0 else []
                block.append(p(f"{name} ({role}): {money(swings[0].base)} a month at your inputs", s["body"]))
                drawing = tornado_drawing(swings)
                if drawing is not None:
                    block += [drawing, _table([header] + table_rows(swings), [width * 0.34, width * 0.25, width * 0.25, width * 0.16], s)]
                else:
                    block.append(p("No input moves it over these ranges.", s["small"]))
                if drawing is not None and unmoved(swings):
                    block.append(p("No effect on this option: " + ", ".join(unmoved(swings)) + ".", s["small"]))
                story.append(KeepTogether(block))
            rows_b = table_rows(sens.break_even)
            be_base = sens.break_even[0].base if sens.break_even else None
            block = [p(f"Break-even volume, self-hosted against the closed API: {figure_text(BREAK_EVEN, be_base)} at your inputs", s["body"])]
            block.append(_table([header] + rows_b, [width * 0.34, width * 0.25, width * 0.25, width * 0.16], s) if rows_b else p("No input moves it over these ranges.", s["small"]))
            story.append(KeepTogether(block))
        story.append(p("Assumptions", s["h2"]))
        rows = [["Assumption", "Value", "Source"]] + [list(row) for row in assumption_rows(a.costs.assumptions, q, catalog, cost_data)]
        story.append(_table(rows, [width * 0.22, width * 0.18, width * 0.60], s))
    else:
        story.append(p(a.cost_problem or "Costs could not be computed.", s["body"]))

    story.append(p(f"Revisit this decision by {revisit.isoformat()}: parity and prices move, so re-run the grid every few months.", s["body"]))

    if notes:
        story.append(p("Notes", s["h1"]))
        for para in notes.split("\n"):
            story.append(p(para if para.strip() else " ", s["body"]))

    story.append(p("Sources", s["h1"]))
    for url in _sources(a, catalog):
        story.append(p(url, s["small"]))
    story.append(KeepTogether([p("Glossary", s["h1"]), _table([["Term", "Meaning"]] + [[t, d] for t, d in GLOSSARY], [width * 0.18, width * 0.82], s)]))
    doc.build(story, canvasmaker=footer_canvas(doc_title, today))
    return buf.getvalue()
def _name(m: Any) -> str:
    return f"{m.name} ({m.native_name})" if m.native_name else m.name


def _sources(a: Assessment, catalog: Catalog) -> list[str]:
    urls: list[str] = []
    for cand in a.shortlist.candidates:
        m = catalog.model_by_id[cand.model]
        urls += [f"{m.name}: {src.url} (checked {src.checked.isoformat()})" for src in m.sources]
        if cand.price:
            urls.append(f"{m.name} price: {cand.price.source} (checked {cand.price.checked})")
        if cand.license:
            lic = catalog.license_by_id[cand.license]
            urls += [f"{lic.name}: {src.url} (checked {src.checked.isoformat()})" for src in lic.sources]
        if cand.provider:
            prov = catalog.provider_by_id[cand.provider]
            urls += [f"{prov.name}: {src.url} (checked {src.checked.isoformat()})" for src in prov.sources]
    seen: set[str] = set()
    return [u for u in urls if not (u in seen or seen.add(u))]  # type: ignore[func-returns-value]
