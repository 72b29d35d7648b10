"""Saved files, the PDF summary (text, QR code, fonts, long notes), the decision record, and
the CLI commands link / recommend --link / report."""

import io
import json
import os
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from pypdf import PdfReader

from grid.answers import AnswerFile, answer_file_dict, parse_answer_file
from grid.cli import main
from grid.pdf import find_font, missing_glyphs
from grid.profiles import load_profiles
from grid.prose import lead_reasons
from grid.questionnaire import load_questionnaire
from grid.report import add_months, assessment_of, decision_record, pdf_report, revisit_date, share_link
from tests.conftest import ROOT, assert_reads_as_prose

import zxingcpp  # the PyPI package zxing-cpp (pinned in requirements.txt)

TODAY = date(2026, 11, 21)
BASE = "http://localhost:8501/"
P = load_profiles()
Q = load_questionnaire()
GOLDEN = ROOT / "tests" / "golden" / "decision_record_hybrid_router.md"


def big_scale_state(**extra):
    answers = dict(P["hybrid_router"].answers)
    answers["monthly_active_users"] = "100m_to_700m"  # over 100M users: the Tongyi Qianwen licence excludes Qwen-72B (通义千问)
    return AnswerFile(profile="hybrid_router", answers=answers, checklist=dict(P["hybrid_router"].checklist), title="Support assistant — model choice ≥ 2026", notes="Café naïve — “quoted” ≥ 10 %.\n通义千问 and Kimi reviewed.", **extra)


@pytest.fixture(scope="module")
def pdf_bytes():
    return pdf_report(big_scale_state(), today=TODAY, base=BASE)


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces folded to one space (lines wrap)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_a_cjk_font_is_installed_and_embedded():
    if not find_font().covers_cjk and not os.environ.get("CI"):
        pytest.skip("no CJK font: install fonts-wqy-microhei (make test does, as root); CI fails instead")
    assert find_font().covers_cjk, "install fonts-wqy-microhei (make test does, as root)"
    assert missing_glyphs("通义千问 Café — ≥ “”") == set()


# Arabic, Hebrew and emoji in the title and the notes: the main (CJK) font has no glyph for them.
RTL_TITLE = "מודל שפה — اختيار النموذج 🚀"
RTL_NOTES = "Hebrew: שלום עולם.\nArabic: مرحبا بالعالم.\nEmoji: 😀 ✅ & <b>kept as typed</b> <font name=\"GridSans\">x</font>"
FALLBACK_PACKAGES = {"GridArabic": "fonts-noto-core", "GridHebrew": "fonts-noto-core", "GridSymbols": "fonts-symbola"}
# which font family must draw each character (the family name reportlab embeds)
EXPECTED_FAMILY = {**{ch: "NotoSansArabic" for ch in "مرحبالعماختيارنوذج"}, **{ch: "NotoSansHebrew" for ch in "שלוםעודפה"}, "😀": "Symbola", "✅": "Symbola", "🚀": "Symbola"}


def require_fallback_fonts():
    found = {name for name, _ in find_font().fallbacks}
    need = sorted({pkg for name, pkg in FALLBACK_PACKAGES.items() if name not in found})
    if need:
        message = f"no fallback font for Arabic, Hebrew or emoji: install {' '.join(need)} (make test does, as root)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message + "; CI fails instead")


def drawn_fonts(data: bytes) -> dict[str, set[str]]:
    """Each character drawn in the PDF, and the names of the embedded fonts that draw it (pdfium)."""
    import ctypes

    import pypdfium2.raw as raw

    fonts: dict[str, set[str]] = {}
    doc = pdfium.PdfDocument(data)
    for page in doc:
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            size = raw.FPDFText_GetFontInfo(textpage.raw, i, None, 0, None)
            name = ctypes.create_string_buffer(size)
            raw.FPDFText_GetFontInfo(textpage.raw, i, name, size, None)
            code = raw.FPDFText_GetUnicode(textpage.raw, i)
            if 0xD800 <= code < 0xDC00:  # pdfium reports a character past U+FFFF as its two UTF-16 halves
                code = 0x10000 + ((code - 0xD800) << 10) + (raw.FPDFText_GetUnicode(textpage.raw, i + 1) - 0xDC00)
            elif 0xDC00 <= code < 0xE000:
                continue
            fonts.setdefault(chr(code), set()).add(name.value.decode())
    return fonts


def test_arabic_hebrew_and_emoji_in_the_title_and_notes_are_drawn_with_fonts_that_have_them():
    from reportlab.pdfbase.ttfonts import TTFont

    require_fallback_fonts()
    assert missing_glyphs(RTL_TITLE + RTL_NOTES) == set()
    state = big_scale_state().model_copy(update={"title": RTL_TITLE, "notes": RTL_NOTES})
    data = pdf_report(state, today=TODAY, base=BASE)
    drawn = drawn_fonts(data)
    files = {Path(path).stem.split("_")[0].split("-")[0]: path for _, path in find_font().fallbacks}  # NotoSansArabic -> its file
    for ch, family in EXPECTED_FAMILY.items():
        assert ch in drawn, f"{ch!r} is not in the PDF"
        assert all(family in name for name in drawn[ch]), (ch, drawn[ch])  # every occurrence: title, footer, notes
        assert ord(ch) in TTFont("probe", files[family]).face.charToGlyph  # and that font has a glyph for it
    # the fonts are embedded in the PDF (TrueType subsets), not named for the reader to find
    reader = PdfReader(io.BytesIO(data))
    embedded = {str(f["/BaseFont"]).split("+")[-1]: "/FontFile2" in f["/FontDescriptor"] for page in reader.pages for f in (x.get_object() for x in page["/Resources"]["/Font"].values()) if "/FontDescriptor" in f}
    for family in ("NotoSansArabic-Regular", "NotoSansHebrew-Regular", "Symbola"):
        assert embedded.get(family) is True, embedded
    text = pdf_text(data)
    assert "😀 ✅ & <b>kept as typed</b> <font name=\"GridSans\">x</font>" in text  # escaped, and emoji copy as emoji
    assert "Right-to-left text (Arabic, Hebrew) is drawn with its own letters" in text  # the limitation is said


def test_a_pdf_without_right_to_left_text_does_not_carry_the_note(pdf_bytes):
    assert "Right-to-left" not in pdf_text(pdf_bytes)


def test_pdf_text_holds_the_recommendation_reasons_a_chinese_name_and_the_link(pdf_bytes):
    text = pdf_text(pdf_bytes)
    state = big_scale_state()
    link = share_link(state, BASE)
    squashed = "".join(text.split())
    assert "Decision: Hybrid router." in text
    assert "At 30 million tokens a day" in text and "Deployment: a hybrid router, bought from" in text  # the cost reason and the deployment
    assert "通义千问" in text  # a Chinese model name from the catalog (and the notes)
    assert "Café naïve" in text and "≥" in text and "—" in text
    assert "".join(link.split()) in squashed  # the link, wrapped over lines
    assert "Support assistant — model choice ≥ 2026" in text
    assert f"revisit by {add_months(TODAY, 6).isoformat()}" in text
    for heading in ("How the decision was made", "Lean on each axis", "Why", "Checklist path", "What would change this", "Shortlist", "Excluded models", "Cost", "Assumptions", "Notes", "Sources", "Glossary"):
        assert heading in text, heading


def test_the_qr_code_decodes_to_the_link_on_the_summary_page(pdf_bytes):
    link = share_link(big_scale_state(), BASE)
    doc = pdfium.PdfDocument(pdf_bytes)
    found = []
    for i in range(len(doc)):
        image = doc[i].render(scale=3).to_pil()
        found += [(i, r.text) for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert found == [(0, link)]


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_page_one_is_an_executive_summary(pdf_bytes):
    from grid.options import money

    a = assessment_of(big_scale_state(), TODAY)
    r = a.result
    first = page_texts(pdf_bytes)[0]
    assert "Decision: Hybrid router." in first
    assert "Deployment: a hybrid router, bought from xAI API (SpaceXAI) and Amazon Bedrock." in first
    chosen = getattr(a.costs, r.deployment_option)
    assert f"Monthly cost: {money(chosen.monthly_usd)} a month" in first and "best allowed alternative" in first
    assert f"Confidence: {r.confidence}." in first
    assert "The three strongest reasons" in first and "What would change the decision" in first
    leads = lead_reasons(r, Q)
    assert [x.kind for x in leads] == ["checklist", "reason", "reason"]  # what decided first: the confirmed "mix"
    for lead in leads:  # whole sentences, with their word boundaries intact
        assert " ".join(lead.text.split()) in first, lead.text
    assert f"Revisit by {r and a.revisit.isoformat()}" in first


def test_every_page_has_a_footer_with_the_title_date_and_page_n_of_m(pdf_bytes):
    pages = page_texts(pdf_bytes)
    for n, text in enumerate(pages, 1):
        assert text.endswith(f"Support assistant — model choice ≥ 2026 · {TODAY.isoformat()} page {n} of {len(pages)}"), text[-120:]


def test_the_pdf_speaks_in_labels_not_ids_and_keeps_word_boundaries(pdf_bytes):
    import re

    text = pdf_text(pdf_bytes)
    prose = re.sub(r"https?://\S+", " ", text)
    prose = " ".join(w for w in prose.split() if not any(c in w for c in "=&%"))  # the share link, wrapped over lines
    ids = sorted(set(re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", prose)))
    assert ids == [], ids
    assert not re.search(r"\b\d{4,}\.0\b", prose), "no float noise such as 30000000.0"
    assert not re.search(r"\$\d+\.\d\b", prose), "money at sensible precision: $0.20, not $0.2"
    for glued in ("inproduction", "anda ", "ofthe", "tothe"):
        assert glued not in text.replace(" ", " "), glued
    every_reason = [" ".join(x.text.split()) for x in assessment_of(big_scale_state(), TODAY).result.reasons if x.contribution or x.kind == "cost"]
    assert len(every_reason) >= 5
    squashed = " ".join(text.split())
    assert all(reason in squashed for reason in every_reason if reason and not any("\u3000" <= ch <= "\u9fff" for ch in reason))


def test_the_glossary_is_on_the_last_page(pdf_bytes):
    last = page_texts(pdf_bytes)[-1]
    for term in ("ZDR", "DPA", "MAU", "Break-even", "Replica", "Tier"):
        assert term in last, term


def test_long_notes_wrap_across_pages():
    notes = "\n".join(f"Line {i:03d}: the board asked about data residency, cost at scale and the exit plan." for i in range(22))[:2000]
    short = pdf_report(big_scale_state(), today=TODAY, base=BASE)
    long = pdf_report(big_scale_state().model_copy(update={"notes": notes}), today=TODAY, base=BASE)
    assert len(PdfReader(io.BytesIO(long)).pages) >= len(PdfReader(io.BytesIO(short)).pages)
    text = pdf_text(long)
    for line in notes.splitlines():  # every line survives, however the pages break
        assert line[:40] in text, line


def test_markup_in_user_text_is_printed_not_interpreted():
    state = big_scale_state().model_copy(update={"title": "<b>bold</b> & <font size=40>x</font>", "notes": "<para>not markup</para>"})
    text = pdf_text(pdf_report(state, today=TODAY, base=BASE))
    assert "<b>bold</b> & <font size=40>x</font>" in text and "<para>not markup</para>" in text


def test_saved_file_round_trip():
    state = big_scale_state(costs={"tokens_per_day": 5e7, "engineers": 2.0}, revisit=date(2027, 3, 1))
    text = yaml.safe_dump(answer_file_dict(state), sort_keys=False, allow_unicode=True)
    assert parse_answer_file(yaml.safe_load(text), Q, P) == state


@pytest.mark.parametrize(
    "content,message",
    [
        ({"title": "x" * 121}, "title: 121 characters; at most 120 are allowed"),
        ({"notes": "x" * 2001}, "notes: 2001 characters; at most 2000 are allowed"),
        ({"revisit": "next spring"}, "revisit: 'next spring' is not a date (YYYY-MM-DD)"),
        ({"title": ["a"]}, "title: must be text"),
        ({"costs": {"output_share": 3}}, "costs.output_share"),
    ],
)
def test_saved_file_fields_are_checked(content, message):
    from grid.errors import InvalidAnswers

    with pytest.raises(InvalidAnswers) as info:
        parse_answer_file(content, Q, P)
    assert message in str(info.value)


def test_revisit_defaults_to_six_months():
    assert revisit_date(AnswerFile(answers={}, checklist={}), date(2026, 8, 31)) == date(2027, 2, 28)
    assert revisit_date(AnswerFile(answers={}, checklist={}, revisit=date(2027, 1, 1)), TODAY) == date(2027, 1, 1)


def test_decision_record_matches_the_golden_file():
    record = decision_record(big_scale_state(), today=TODAY, base=BASE)
    if os.environ.get("GRID_UPDATE_GOLDEN"):
        GOLDEN.write_text(record, encoding="utf-8")
    assert record == GOLDEN.read_text(encoding="utf-8"), "if the change is intended: GRID_UPDATE_GOLDEN=1 pytest tests/test_reports.py"


def test_decision_record_has_the_madr_sections():
    record = decision_record(big_scale_state(), today=TODAY, base=BASE)
    for heading in ("* Status: proposed", "## Context and problem statement", "## Decision drivers", "## Considered options", "## Decision outcome", "### Consequences", "## Pros and cons of the options", "## Shortlist", "## What would change this decision", "* Revisit by: 2027-05-21"):
        assert heading in record, heading
    assert "Chosen option: “A hybrid router”" in record


def test_upload_is_all_or_nothing():
    from app_pages.share_ui import MAX_UPLOAD_BYTES, read_upload

    good = yaml.safe_dump(answer_file_dict(big_scale_state()), allow_unicode=True).encode()
    state, message = read_upload("a.yaml", good)
    assert state == big_scale_state() and message.startswith("Restored a.yaml")
    for name, data, text in [
        ("big.yaml", b"#" * (MAX_UPLOAD_BYTES + 1), "at most 65,536"),
        ("bad.yaml", b"answers:\n  daily_tokens: lots\n", "'lots' is not an option of daily_tokens"),
        ("tag.yaml", b"answers: !!python/object/apply:os.system ['id']\n", "unsupported YAML tag"),
        ("bin.yaml", b"\xff\xfe\x00", "not UTF-8 text"),
        ("list.json", b"[1, 2]", "the top level must be a mapping"),
    ]:
        state, message = read_upload(name, data)
        assert state is None and text in message and message.endswith("Nothing was changed.")


# ---------------------------------------------------------------------- CLI
def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def test_cli_link_prints_the_query(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("profile: ship_fast\ntitle: Chat\nanswers:\n  modality: text_only\n")
    code, out, _ = run("link", str(f))
    assert code == 0 and out.strip() == "v=1&profile=ship_fast&modality=text_only&title=Chat"


def test_cli_recommend_link_warns_on_stderr_and_scores_the_rest():
    code, out, err = run("recommend", "--link", "v=1&profile=ship_fast&colour=red&mix=maybe", "--json")
    assert code == 0
    assert json.loads(out)["recommendation"] == "closed"
    assert "Ignored unknown parameters: colour." in err and "Dropped mix=maybe" in err


def test_cli_recommend_link_with_nothing_valid_exits_2():
    code, out, err = run("recommend", "--link", "colour=red")
    assert code == 2 and out == "" and "nothing valid" in err


def test_cli_report_writes_pdf_and_markdown(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump(answer_file_dict(big_scale_state()), allow_unicode=True))
    code, out, _ = run("report", str(f), "-o", str(tmp_path / "x.pdf"))
    assert code == 0 and (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
    code, out, _ = run("report", "--link", "v=1&profile=prototype", "-o", str(tmp_path / "x.md"))
    assert code == 0 and "## Decision outcome" in (tmp_path / "x.md").read_text()


@pytest.mark.parametrize(
    "args,message",
    [
        (["profiles/none.yaml", "-o", "x.txt"], "must end in .pdf or .md"),
        (["-o", "x.pdf"], "exactly one of FILE or --link"),
        (["--link", "colour=red", "-o", "x.pdf"], "nothing valid"),
        (["no/such.yaml", "-o", "x.pdf"], "file not found"),
    ],
)
def test_cli_report_bad_input(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run("report", *args)
    assert code == 2 and message in err


def test_pdf_and_decision_record_say_when_a_recommended_model_retires_before_the_revisit_date(monkeypatch):
    import grid.report
    from grid.assessment import assess, lifecycle_warnings
    from grid.catalog import Catalog, load_catalog

    state = AnswerFile(profile="ship_fast", answers=dict(P["ship_fast"].answers), checklist={}, revisit=date(2027, 9, 1))
    a = assess(state.answers, state.checklist, today=TODAY, revisit=date(2027, 9, 1))
    cat = load_catalog()
    model_id = a.shortlist.candidates[0].model
    name = cat.model_by_id[model_id].name
    models = tuple(
        m.model_copy(update={"status": "deprecated", "retires_on": date(2027, 3, 1), "lifecycle_source": m.sources[0]}) if m.id == model_id else m
        for m in cat.models
    )
    aged = Catalog(licenses=cat.licenses, providers=cat.providers, models=models)
    expected = f"{name} retires on 2027-03-01, before this decision's revisit date (2027-09-01)"
    assert any(expected in w for w in lifecycle_warnings(a, aged, date(2027, 9, 1)))
    assert not any("before this decision" in w for w in lifecycle_warnings(a, aged, date(2027, 1, 1)))
    monkeypatch.setattr(grid.report, "load_catalog", lambda: aged)
    assert expected in decision_record(state, today=TODAY, base=BASE, assessment=a)
    assert expected in pdf_text(pdf_report(state, today=TODAY, base=BASE, catalog=aged, assessment=a))


# ----------------------------------------------------------------------------- words, not ids
CONFLICT_STATE = AnswerFile(
    profile="ship_fast",
    answers=dict(P["ship_fast"].answers),
    checklist={**P["ship_fast"].checklist, "data_must_stay": "yes", "ship_fast_no_platform": "yes"},
)
STATES = {pid: AnswerFile(profile=pid, answers=dict(p.answers), checklist=dict(p.checklist)) for pid, p in P.items()}
STATES["conflict"] = CONFLICT_STATE


def assert_prose(text, where):
    assert_reads_as_prose(text, where, catalog_ids=False)


@pytest.mark.parametrize("case", list(STATES))
def test_the_decision_record_reads_as_prose(case):
    record = decision_record(STATES[case], today=TODAY, base=BASE)
    assert_prose(record, case)


def test_the_decision_record_names_hard_constraints_and_blocks_by_their_labels():
    record = decision_record(STATES["regulated_on_prem"], today=TODAY, base=BASE)
    assert "* Hard constraint: Where may prompts and outputs go? → Only our own cloud account or data centre." in record
    assert "(Which cloud runs your workloads today? → Our own data centre)" in record


@pytest.mark.parametrize("case", ["regulated_on_prem", "conflict", "prototype"])
def test_the_pdf_reads_as_prose(case):
    data = pdf_report(STATES[case], today=TODAY, base=BASE)
    assert_prose(pdf_text(data), case)


def test_page_one_leads_with_the_confirmed_checklist_item_that_decided():
    first = page_texts(pdf_report(CONFLICT_STATE, today=TODAY, base=BASE))[0]
    reasons = first.split("The three strongest reasons", 1)[1].split("What would change the decision", 1)[0]
    assert reasons.lstrip().startswith("• Must the data stay inside your own network? → Yes (you confirmed it: it decides).")
    assert "toward closed" not in reasons
    assert "Deployment: self-hosted open weights, bought from your own GPUs." in first


def own_cloud_state() -> AnswerFile:
    """The hybrid profile on its own cloud only: the vendor's API is ruled out, your cloud's endpoint is not."""
    answers = {**P["hybrid_router"].answers, "data_boundary": "own_cloud_only"}
    return AnswerFile(profile="hybrid_router", answers=answers, checklist=dict(P["hybrid_router"].checklist), title="Own cloud only", notes="")


def test_the_pdf_cost_chart_shows_a_ruled_out_option_greyed_with_its_reason_and_no_line():
    from grid.options import tokens_short

    a = assessment_of(own_cloud_state(), TODAY)
    assert not a.costs.closed_api.allowed and a.costs.closed_cloud.allowed
    text = pdf_text(pdf_report(own_cloud_state(), today=TODAY, base=BASE))
    chart = text.split("Tokens a day (input + output, log scale)", 1)[1].split("Option USD a month", 1)[0]  # the chart and its caption
    assert "Closed API: ruled out" in chart  # its legend entry
    reason = a.costs.closed_api.blocked_by[0].text.rstrip(".")
    assert f"Closed API, not drawn — ruled out: {reason}" in chart
    assert ".." not in chart
    # the break-even was computed against your cloud's endpoint: it is marked, on that line
    assert f"break-even {tokens_short(a.costs.break_even_tokens_per_day)}/day" in chart


def _y_on(line, x: float) -> float:
    pts = list(zip(line.points[::2], line.points[1::2]))
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if x0 <= x <= x1 and x1 > x0:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    raise AssertionError(f"{x} is off the line")


@pytest.mark.parametrize("profile, change", [("hybrid_router", {"data_boundary": "own_cloud_only"}), ("ship_fast", {}), ("ship_fast", {"data_boundary": "own_cloud_only"})])
def test_the_pdf_break_even_marker_sits_on_the_line_it_was_computed_against(profile, change):
    from reportlab.graphics.shapes import Circle, PolyLine
    from reportlab.lib import colors

    from grid.assessment import option_curves
    from grid.catalog import load_catalog
    from grid.cost import CostInputs, load_cost_data
    from grid.options import World
    from grid.pdf import LINES, cost_drawing

    answers = {**P[profile].answers, **change}
    a = assessment_of(AnswerFile(profile=profile, answers=answers, checklist=dict(P[profile].checklist)), TODAY)
    facts = World(Q, load_catalog(), load_cost_data(), CostInputs(), TODAY, a.revisit).facts(answers)
    against = facts.cheapest_closed  # the closed option the cost report computes the break-even against
    be = a.costs.break_even_tokens_per_day
    assert against and be
    rows = option_curves(answers, today=TODAY, revisit=a.revisit, points=61)
    d = cost_drawing(rows, a.costs.tokens_per_day, [(be, "break-even")])
    marker = next(x for x in d.contents if isinstance(x, Circle))
    line = next(x for x in d.contents if isinstance(x, PolyLine) and x.strokeColor == colors.HexColor(LINES[against][1]))
    assert abs(_y_on(line, marker.cx) - marker.cy) < 0.5, (against, marker.cy, _y_on(line, marker.cx))
