"""The app through nginx in Chromium (issue 13): the Content-Security-Policy that nginx adds
(bench/replicas.py, deploy/nginx.conf.template) must block nothing the app does. The walk covers
the steps whose change runs the app's scroll-to-top snippet (an inline script in a srcdoc iframe,
allowed by its hash), the charts, a PDF built and downloaded through nginx, and the other pages."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from bench import replicas
from tests.browser.conftest import ARTIFACTS, require_chromium
from tests.browser.helpers import by_key, go_step, idle, open_tab
from tests.test_replicas import require_nginx

pytestmark = pytest.mark.browser

# every violation, whether or not the browser also logs it to the console
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber})`));
"""


@pytest.fixture(scope="module")
def behind_nginx():
    require_chromium()
    require_nginx()
    with replicas.running(2, directory=ARTIFACTS / "replicas-browser") as stack:
        yield stack


def test_the_app_through_nginx_renders_and_breaks_no_content_security_policy(behind_nginx, page):
    console, outside = [], []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    # nothing is fetched from anywhere but the app's own origin (the page icon was once a Material
    # Symbols icon, which Streamlit fetched from fonts.gstatic.com)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((behind_nginx.url, "data:", "blob:", "about:")) else None)
    page.add_init_script(COLLECT_VIOLATIONS)
    response = page.goto(f"{behind_nginx.url}/?v=1&profile=hybrid_router&title={quote('Behind nginx')}")
    for name, value in replicas.security_headers().items():
        assert response.headers[name.lower()] == value, name
    page.get_by_text("Open / closed LLM decision grid").first.wait_for()
    page.locator('[data-testid="stSidebar"] label').filter(has_text="Start").first.wait_for()
    idle(page)
    for step in ("Cost", "Costs", "Checklist", "Result"):
        go_step(page, step)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for()
    open_tab(page, "Share and export")
    by_key(page, "build_pdf").locator("button").first.click()
    by_key(page, "dl_pdf").locator("button").first.wait_for()
    with page.expect_download() as download:
        by_key(page, "dl_pdf").locator("button").first.click()
    with open(download.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    for name in ("Catalog", "Method"):
        page.get_by_role("link", name=name).first.click()
        idle(page)
    assert {c["name"] for c in page.context.cookies()} >= {"grid_replica"}
    violations = page.evaluate("window.__cspViolations")
    assert violations == [] and console == [], violations + console
    assert outside == []
