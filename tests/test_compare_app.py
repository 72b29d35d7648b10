"""The Compare page, driven with AppTest: one test per behaviour a user relies on."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from grid.compare import COMPARE_KEY, PACKED_KEY, _pack
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
PAGE = "app_pages/compare.py"
ALICE = "http://localhost:8501/?v=1&profile=prototype&title=Alice"
BOB = "http://localhost:8501/?v=1&profile=regulated_on_prem&title=Bob"
CAROL = "v=1&profile=hybrid_router&title=Carol"


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def open_compare(query_params: dict | None = None) -> AppTest:
    """The Compare page as a browser opens it: its first run is on this page, with its address."""
    at = new_app()
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def plain(markdown: str) -> str:
    """Markdown as it reads: the escapes that show text literally taken out."""
    return re.sub(r"\\(.)", r"\1", markdown)


def text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def paste(at: AppTest, *links: str) -> AppTest:
    at.text_area(key="compare_links").set_value("\n".join(links)).run()
    at.button(key="compare_go").click().run()
    assert not at.exception
    return at


def test_the_empty_page_says_what_to_do():
    at = open_compare()
    assert at.title[0].value == "Compare"
    assert "Paste 2 to 6 share links" in plain(at.info[0].value)
    assert dict(at.query_params) == {}


def test_pasting_two_links_shows_them_side_by_side_with_the_differences_marked():
    at = paste(open_compare(), ALICE, BOB)
    body = text(at)
    assert "The two assessments reach different calls: Closed API \\(Alice\\); Open weights \\(Bob\\)\\." in body
    assert "| **Call** | **Closed API** | **Open weights** |" in body  # side by side
    assert "| Differs | Question | Alice | Bob |" in body
    assert "| **≠** | **Must you be able to inspect and audit the model itself?** | **Not needed** | **Required** |" in body
    assert "|  | Inputs the model must handle | Text only | Text only |" in body  # the same: not marked
    assert "1. Must you be able to inspect and audit the model itself? — **drives the call**" in body
    assert [s.value for s in at.header] == ["Side by side", "What drives the different calls", "To agree on", "Answers", "Share and export"]
    # the page's own link holds both, and the text area now lists them as they are compared
    assert at.query_params[COMPARE_KEY] == ["v=1&profile=prototype&title=Alice", "v=1&profile=regulated_on_prem&title=Bob"]
    assert at.text_area(key="compare_links").value.splitlines() == [
        "http://localhost:8501/?v=1&profile=prototype&title=Alice",
        "http://localhost:8501/?v=1&profile=regulated_on_prem&title=Bob",
    ]


def test_only_the_differences_on_request():
    at = paste(open_compare(), ALICE, BOB)
    at.toggle(key="compare_only_diff").set_value(True).run()
    body = text(at)
    assert "Must you be able to inspect and audit the model itself?" in body and "Inputs the model must handle" not in body.split("| Differs | Question |")[1]


def test_the_page_link_restores_the_comparison():
    first = paste(open_compare(), ALICE, BOB, CAROL)
    params = {COMPARE_KEY: list(first.query_params[COMPARE_KEY])}
    again = open_compare(params)
    assert text(again) == text(first)
    assert not again.warning and not again.error  # nothing read it as an Assess link ("Ignored unknown parameters")
    assert again.query_params[COMPARE_KEY] == params[COMPARE_KEY]
    assert [s.value for s in again.code][-1].endswith("compare?" + "&".join(
        "compare=" + q.replace("=", "%3D").replace("&", "%26") for q in params[COMPARE_KEY]
    ))


def test_a_compressed_page_link_restores_too():
    queries = ["v=1&profile=prototype&title=Alice", "v=1&profile=regulated_on_prem&title=Bob"]
    at = open_compare({PACKED_KEY: _pack(queries)})
    assert "Closed API \\(Alice\\); Open weights \\(Bob\\)" in text(at)
    assert dict(at.query_params) == {COMPARE_KEY: queries}  # rewritten in the plain form, which fits


def test_a_refused_page_link_says_so_and_breaks_nothing():
    at = open_compare({PACKED_KEY: "not*base64"})
    assert "The comparison's link was refused; nothing was changed." in plain(at.error[0].value)
    assert "Paste 2 to 6 share links" in plain(at.info[0].value)
    at = open_compare({COMPARE_KEY: [ALICE.split("?")[1], "colour=blue"]})
    assert "Link 2: nothing in it is part of an assessment" in plain(at.error[0].value)
    assert "1 assessment loaded; add at least one more" in plain(at.info[0].value)


def test_a_bad_link_among_good_ones_changes_nothing():
    at = paste(open_compare(), ALICE, BOB)
    before = (text(at), dict(at.query_params))
    at.text_area(key="compare_links").set_value(f"{ALICE}\n{BOB}\nhttp://localhost:8501/?colour=blue").run()
    at.button(key="compare_go").click().run()
    assert not at.exception
    assert "Nothing was compared; the comparison below is unchanged." in plain(at.error[0].value)
    assert "Link 3: nothing in it is part of an assessment; it was not loaded." in plain(at.error[0].value)
    assert dict(at.query_params) == before[1]
    assert text(at).endswith(before[0][-2000:])
    at.text_area(key="compare_links").set_value(ALICE).run()
    at.button(key="compare_go").click().run()
    assert "A comparison takes 2 to 6 assessments; 1 was given." in plain(at.error[0].value)


def test_uploaded_files_are_compared_and_become_links():
    at = open_compare()
    at.text_area(key="compare_links").set_value(ALICE).run()
    at.file_uploader[0].set_value([
        ("bob.yaml", b"profile: regulated_on_prem\n", "application/x-yaml"),
        ("broken.yaml", b"answers:\n  daily_tokens: lots\n", "application/x-yaml"),
    ]).run()
    at.button(key="compare_go").click().run()
    assert "broken.yaml: answers.daily_tokens: 'lots' is not an option of daily_tokens" in plain(at.error[0].value)
    assert "Nothing was compared" in plain(at.error[0].value)
    at.file_uploader[0].set_value([("bob.yaml", b"profile: regulated_on_prem\n", "application/x-yaml")]).run()
    at.button(key="compare_go").click().run()
    assert not at.exception and not at.error
    assert "Closed API \\(Alice\\); Open weights \\(bob\\.yaml\\)" in text(at)
    assert at.query_params[COMPARE_KEY][1] == "v=1&profile=regulated_on_prem&title=bob.yaml"


def test_switching_pages_keeps_both_pages_links():
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("ship_fast").run()
    at.button(key="use_profile").click().run()
    assess_params = dict(at.query_params)
    assert assess_params["profile"] == "ship_fast"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "v" not in at.query_params  # the Assess page's link is not written into this page's address
    paste(at, ALICE, BOB)
    compare_params = dict(at.query_params)
    assert set(compare_params) == {COMPARE_KEY}
    at.switch_page("app_pages/assess.py").run()
    assert not at.exception and COMPARE_KEY not in at.query_params
    assert at.query_params["profile"] == "ship_fast" and at.session_state["step"] == "cost"
    at.switch_page(PAGE).run()
    assert dict(at.query_params) == compare_params and "Closed API \\(Alice\\)" in text(at)
    at.switch_page("app_pages/assess.py").run()
    assert dict(at.query_params) == assess_params


def test_the_exports_are_offered_and_the_pdf_holds_the_comparison():
    from pypdf import PdfReader
    import io

    at = paste(open_compare(), ALICE, BOB)
    assert "Download the comparison (Markdown)" in [b.proto.label for b in at.get("download_button")]
    at.button(key="compare_build_pdf").click().run()
    assert not at.exception
    assert "Download the PDF" in [b.proto.label for b in at.get("download_button")]
    link, data = at.session_state["_compare_pdf"]
    assert link == at.code[-1].value and link.startswith("http://localhost:8501/compare?compare=")
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Comparison of 2 assessments" in pdf and "Alice" in pdf and "Bob" in pdf and "To agree on" in pdf


def test_titles_from_links_are_shown_literally():
    hostile = "v=1&profile=prototype&title=" + "%2A%2Abold%2A%2A%20%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%20%5Bx%5D(javascript%3Ay)%20%7C"
    at = paste(open_compare(), hostile, BOB)
    body = "\n".join([text(at), *(h.value for h in at.header)])
    assert not re.search(r"(?<!\\)<img", body) and not re.search(r"(?<!\\)\*\*bold", body) and not re.search(r"(?<!\\)\]\(javascript", body)
    assert "\\*\\*bold\\*\\* \\<img src=x onerror=alert\\(1\\)\\> \\[x\\]\\(javascript:y\\) \\|" in body
