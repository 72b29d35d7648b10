"""Small helpers for driving a Streamlit page."""

from __future__ import annotations

import time

IDLE_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def idle(page, settle: float = 0.3) -> None:
    """Wait until Streamlit has finished its rerun (no running indicator), twice in a row."""
    for _ in range(2):
        page.wait_for_function(IDLE_JS, timeout=45_000)
        time.sleep(settle)


def open_app(page, url: str) -> None:
    page.goto(url)
    page.locator('[data-testid="stSidebar"]').first.wait_for()
    idle(page)


def by_key(page, key: str):
    """The element Streamlit renders for the widget with this key."""
    return page.locator(f".st-key-{key}")


def pick_profile(page, name: str) -> None:
    by_key(page, "start_profile").locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name=name).click()
    idle(page)
    by_key(page, "use_profile").locator("button").first.click()
    idle(page)


def go_step(page, title: str) -> None:
    page.locator('[data-testid="stSidebar"] label').filter(has_text=title).first.click()
    idle(page)


def headline(page) -> str:
    return page.locator('[data-testid="stHeadingWithActionElements"] h3').first.inner_text()


def open_tab(page, name: str) -> None:
    """Open one of the result page's tabs."""
    page.get_by_role("tab", name=name).first.click()
    idle(page)
