"""axe-core on every page. The project's own content must cause no violation at all; the only
one allowed is Streamlit's own markup, listed here and in the README."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.helpers import idle

pytestmark = pytest.mark.browser

# (rule id, a fragment of the offending element's HTML): markup Streamlit renders, not ours.
STREAMLIT_OWN = {
    ("presentation-role-conflict", 'data-testid="stFileUploaderDropzone"'),
}

PAGES = {
    "start": "",
    "cost step": "?v=1&profile=hybrid_router&step=cost",
    "checklist": "?v=1&profile=hybrid_router&step=checklist",
    "costs": "?v=1&profile=hybrid_router&step=costs",
    "result": "?v=1&profile=hybrid_router&step=result",
    "catalog": "catalog",
    "method": "method",
    "tampered link": "?v=1&daily_tokens=lots&step=result",
    "since this decision": "?v=1&profile=hybrid_router&cd=20261121&step=result",
    "compare, empty": "compare",
    "compare, two links": "compare?compare=" + quote("v=1&profile=prototype&title=A", safe="") + "&compare=" + quote("v=1&profile=regulated_on_prem&title=B", safe=""),
}


@pytest.mark.parametrize("name", PAGES)
def test_no_accessibility_violation_from_the_projects_content(page, server, name):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(server + PAGES[name])
    page.locator('[data-testid="stSidebar"]').first.wait_for()
    idle(page)
    violations = Axe().run(page).response["violations"]
    ours = [
        (v["id"], v["impact"], n["html"][:120])
        for v in violations
        for n in v["nodes"]
        if not any(rule == v["id"] and fragment in n["html"] for rule, fragment in STREAMLIT_OWN)
    ]
    assert ours == [], ours
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
