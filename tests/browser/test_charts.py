"""What only the drawn charts show: labels that plotly renders (or silently drops) and whether they
run into each other, on a wide screen and on a phone."""

from __future__ import annotations

import pytest

from tests.browser.helpers import idle

pytestmark = pytest.mark.browser

WIDTHS = [1280, 375]

# Every text element of a chart that holds `text`, with its box on the screen.
BOXES_JS = """([root, text]) => [...document.querySelectorAll(root + ' svg text')]
  .filter(t => t.textContent.includes(text))
  .map(t => { const r = t.getBoundingClientRect(); return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })"""

# The radial tick labels that a spoke (an angular grid line) crosses: each spoke's points, taken into
# the label's own (rotated) frame, against the label's box.
SPOKE_HITS_JS = """(root) => {
  const svg = document.querySelector(root);
  const labels = [...svg.querySelectorAll('.polarlayer .radial-axis text')].filter(t => t.textContent.trim());
  const spokes = [...svg.querySelectorAll('.polarlayer .angular-grid path.angularaxisgrid')];
  const hits = [];
  for (const t of labels) {
    const b = t.getBBox(); const inv = t.getScreenCTM().inverse();
    for (const s of spokes) {
      const m = s.getScreenCTM(); const n = s.getTotalLength();
      for (let i = 0; i <= 400; i++) {
        const p = s.getPointAtLength(n * i / 400);
        const x = m.a * p.x + m.c * p.y + m.e, y = m.b * p.x + m.d * p.y + m.f;
        const u = inv.a * x + inv.c * y + inv.e, v = inv.b * x + inv.d * y + inv.f;
        if (u >= b.x - 1 && u <= b.x + b.width + 1 && v >= b.y - 1 && v <= b.y + b.height + 1) { hits.push(t.textContent); break; }
      }
    }
  }
  return {labels: labels.map(t => t.textContent), spokes: spokes.length, hits};
}"""


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def open_at(browser, server, width: int, query: str, chart: str):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(45_000)
    page.goto(server + query)
    page.locator(f".st-key-{chart} .main-svg").first.wait_for()
    idle(page)
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
def test_the_cost_chart_labels_the_volume_names_money_and_keeps_its_labels_apart(browser, server, width):
    context, page = open_at(browser, server, width, "?v=1&profile=hybrid_router&step=costs", "cost_chart")
    try:
        root = ".st-key-cost_chart"
        volume = page.evaluate(BOXES_JS, [root, "your volume"])
        assert len(volume) == 1, volume  # drawn, not dropped by the log axis
        ticks = page.evaluate(f"() => [...document.querySelectorAll('{root} .ytick text')].map(t => t.textContent)")
        assert ticks and all(t.startswith("$") for t in ticks), ticks
        titles = page.evaluate(f"() => [...document.querySelectorAll('{root} .g-xtitle text, {root} .g-ytitle text')].map(t => t.textContent)")
        assert any("Tokens a day" in t for t in titles) and any("USD a month" in t for t in titles), titles
        closed = page.evaluate(BOXES_JS, [root, "Break-even vs closed"])
        rented = page.evaluate(BOXES_JS, [root, "Break-even vs rented"])
        assert len(closed) == 1 and len(rented) == 1, (closed, rented)
        assert not overlap(closed[0], rented[0]), (closed, rented)
        line = page.evaluate(f"() => {{ const r = document.querySelector('{root} .shapelayer path').getBoundingClientRect(); return {{left: r.left - 1, right: r.right + 1, top: r.top, bottom: r.bottom}}; }}")
        for label in (closed[0], rented[0]):
            assert not overlap(label, line), (label, line)  # no break-even label crosses the dashed volume line
            assert not overlap(label, volume[0]), (label, volume)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_radar_tick_labels_sit_between_the_spokes(browser, server, width):
    context, page = open_at(browser, server, width, "?v=1&profile=hybrid_router&step=result", "radar_chart")
    try:
        found = page.evaluate(SPOKE_HITS_JS, ".st-key-radar_chart")
        assert found["spokes"] == 5 and {"−50", "0", "+50"} <= set(found["labels"]), found
        assert found["hits"] == [], found
    finally:
        context.close()


def test_the_hidden_chart_that_loads_plotly_early_is_out_of_sight_and_off_the_layout(page, server):
    page.goto(server + "?v=1&profile=hybrid_router&step=performance")
    page.locator('[data-testid="stSidebar"]').first.wait_for()
    idle(page)
    page.locator(".st-key-nav_next button").first.click()  # the session's second run sends it
    hidden = page.locator(".st-key-chart_code_preload")
    hidden.locator(".main-svg").first.wait_for(state="attached")  # drawn: plotly's code is loaded
    idle(page)
    assert not hidden.is_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 812})
        idle(page)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths  # the page never scrolls sideways for it
