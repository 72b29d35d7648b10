"""A link with more than 1,000 parameters, opened in a real browser on a fresh server.

Streamlit ignores such a query before the app runs. The app wraps Streamlit's filter when it is
first imported, in the first visit's run, after that visit's query was already filtered; so the
first visit to a fresh server is the hard case (the browser reloads once), and a later one the plain
case (the wrapper is in place)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import start_server, stop_server
from tests.browser.helpers import idle

pytestmark = pytest.mark.browser

CROWDED = "v=1&profile=ship_fast&modality=text_only&" + "&".join(["x"] * 1197)  # 1,200 parameters, 2.5 KB


@pytest.fixture
def fresh_server():
    proc, url = start_server()  # its own server: no visit has imported the app yet
    yield url
    stop_server(proc)


def open_crowded(page, url: str) -> None:
    page.goto(url + "?" + CROWDED)
    page.get_by_text("This link has 1,200 parameters").first.wait_for(timeout=45_000)
    idle(page)


@pytest.mark.parametrize("visit", ["first visit to a fresh server", "a later visit"])
def test_a_link_with_1200_parameters_loads_and_says_how_many_it_had(page, browser, fresh_server, visit):
    if visit == "a later visit":
        warm = browser.new_context()
        try:
            first = warm.new_page()
            first.goto(fresh_server)
            first.locator('[data-testid="stSidebar"]').first.wait_for(timeout=45_000)
        finally:
            warm.close()
    open_crowded(page, fresh_server)
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="This link has 1,200 parameters").first.inner_text()
    assert "far more than a link made by this app" in alert and "Ignored unknown parameters: x." in alert
    page.wait_for_function("() => location.search.includes('profile=ship_fast') && location.search.split('&').length < 20")
    assert "modality=text_only" in page.url  # the app's own link, with what was valid in the crowded one
