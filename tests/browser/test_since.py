"""What only a browser shows of "since this decision": an old link opens with the panel above the
result's tabs, and one click re-runs it with today's catalog."""

from __future__ import annotations

import pytest

from grid.changes import load_changelog
from tests.browser.helpers import by_key, idle, open_app

pytestmark = pytest.mark.browser


def test_an_old_link_with_a_stale_catalog_date_shows_what_changed_since(page, server):
    today = load_changelog().version.strftime("%Y%m%d")
    open_app(page, server + "?v=1&profile=hybrid_router&cd=20261121&step=result")
    panel = by_key(page, "since_panel")
    panel.get_by_text("Since this decision (2026-11-21)").wait_for()
    panel.get_by_text("Catalog changes that touch this result").wait_for()
    assert "The call would" in panel.inner_text()
    # the panel sits between the summary and the tabs
    assert page.evaluate(
        """() => {
            const panel = document.querySelector('.st-key-since_panel');
            const tabs = document.querySelector('[data-testid="stTabs"]');
            return !!(panel.compareDocumentPosition(tabs) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    by_key(page, "since_rerun").locator("button").first.click()
    page.wait_for_function(f"() => location.search.includes('cd={today}')")
    idle(page)
    panel.wait_for(state="detached")
    assert "profile=hybrid_router" in page.url
