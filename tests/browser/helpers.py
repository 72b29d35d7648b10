"""Small helpers for driving a Streamlit page."""

from __future__ import annotations

IDLE_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
# Settled: no rerun indicator, and the page's DOM has not changed for 300 ms (a MutationObserver
# installed on the first call records the last change). A condition on the page, not a sleep.
SETTLED_JS = """() => {
  if (!window.__gridObserver) {
    window.__gridLast = performance.now();
    window.__gridObserver = new MutationObserver(() => { window.__gridLast = performance.now(); });
    window.__gridObserver.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  }
  return !document.querySelector('[data-testid="stStatusWidget"]') && performance.now() - window.__gridLast > 300;
}"""


def idle(page) -> None:
    """Wait until Streamlit has finished its rerun and the page has stopped changing."""
    page.wait_for_function(SETTLED_JS, timeout=45_000, polling=100)


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
