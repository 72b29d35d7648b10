"""The Compare page in a real browser: a three-link comparison opened from the page's own link."""

from __future__ import annotations

import pytest

from grid.compare import page_query
from tests.browser.helpers import by_key, idle, open_app

pytestmark = pytest.mark.browser

QUERIES = [
    "v=1&profile=prototype&title=Alice",
    "v=1&profile=regulated_on_prem&title=Bob",
    "v=1&profile=hybrid_router&title=Carol",
]


def test_three_links_in_the_compare_pages_address_are_compared(page, server):
    open_app(page, server + "compare?" + page_query(QUERIES))
    side = by_key(page, "compare_side_by_side")
    for name in ("Alice", "Bob", "Carol"):
        side.locator("th").filter(has_text=name).first.wait_for()
    idle(page)
    assert side.locator("tr").filter(has_text="Call").first.inner_text().split("\t")[1:] == ["Closed API", "Open weights", "Hybrid router"]

    answers = by_key(page, "compare_answers")
    differing = answers.locator("tr").filter(has_text="Must you be able to inspect and audit the model itself?").first
    assert differing.locator("strong").count() == 5  # the mark, the question and the three answers
    assert differing.locator("td").first.inner_text() == "≠"
    same = answers.locator("tr").filter(has_text="Inputs the model must handle").first
    assert same.locator("strong").count() == 0 and same.locator("td").first.inner_text() == ""

    agree = by_key(page, "compare_agree").locator("li")
    assert agree.count() == 19
    assert agree.first.inner_text() == "Must you be able to inspect and audit the model itself? — drives the call"
    assert "drives the call" not in agree.last.inner_text()
    # the address still holds the three links: the Assess page's link handling left it alone
    search = page.evaluate("location.search")
    assert search == "?" + page_query(QUERIES)
    assert page.locator('[data-testid="stCode"]').filter(has_text="compare=").first.inner_text().strip() == server + "compare" + search

    # to the Assess page and back: each page keeps its own address, and the comparison survives
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Assess").first.click()
    page.get_by_role("heading", name="Open / closed LLM decision grid").first.wait_for()
    page.wait_for_function("() => !location.pathname.endsWith('/compare') && !location.search.includes('compare=')")
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Compare").first.click()
    page.wait_for_function("() => location.pathname.endsWith('/compare') && location.search.includes('compare=')")
    side.locator("th").filter(has_text="Carol").first.wait_for()
    assert page.evaluate("location.search") == search
