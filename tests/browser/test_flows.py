"""What only a browser shows: the flow as a person clicks it, links, reloads, downloads."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.browser.helpers import by_key, go_step, headline, idle, open_app, open_tab, pick_profile
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

STEP_TITLES = ["Cost", "Control & residency", "Security & governance", "Ecosystem & support", "Performance parity", "Your scale", "Costs", "Checklist"]


def test_newcomer_picks_a_profile_walks_every_step_and_sees_the_result(page, server):
    open_app(page, server)
    pick_profile(page, "Most real teams, the hybrid router")
    for title in STEP_TITLES:
        page.get_by_role("heading", name=title.replace("Control & residency", "Control and data residency").replace("Security & governance", "Security and governance").replace("Ecosystem & support", "Ecosystem and support").replace("Your scale", "Your scale (for licences)")).first.wait_for()
        by_key(page, "nav_next").locator("button").first.click()
        idle(page)
    page.get_by_role("heading", name="Result").first.wait_for()
    assert headline(page).startswith("Hybrid: a router sends the hard requests")
    assert page.locator('.st-key-radar_chart [data-testid="stPlotlyChart"]').is_visible()
    open_tab(page, "Shortlist")
    page.get_by_text("Volume side: open-weight models").wait_for()
    page.get_by_text("Frontier side: closed models").wait_for()


def test_a_shared_link_opens_the_same_result_and_answers_in_a_fresh_browser(page, browser, server):
    open_app(page, server)
    pick_profile(page, "Cost-sensitive team at scale")
    go_step(page, "Performance parity")
    page.get_by_text("Images, audio or video too").click()
    idle(page)
    go_step(page, "Result")
    first = headline(page)
    open_tab(page, "Share and export")
    link = page.locator('[data-testid="stCode"]').filter(has_text="v=1").first.inner_text().strip()
    assert "modality=multimodal" in link and "step=result" in link
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        p2 = other.new_page()
        p2.goto(link.replace("localhost", "127.0.0.1") if "127.0.0.1" in server else link)
        p2.get_by_role("heading", name="Result").first.wait_for(timeout=45_000)
        idle(p2)
        assert headline(p2) == first
        go_step(p2, "Performance parity")
        assert p2.get_by_role("radio", name="Images, audio or video too").is_checked()
    finally:
        other.close()


def test_reloading_mid_questionnaire_loses_nothing(page, server):
    open_app(page, server)
    pick_profile(page, "Rapid prototyping and experimentation")
    go_step(page, "Control & residency")
    page.get_by_text("Air-gapped, no outside connection").click()
    idle(page)
    page.wait_for_function("() => location.search.includes('data_boundary=air_gapped')")
    page.reload()
    page.locator('[data-testid="stSidebar"]').first.wait_for()
    idle(page)
    assert page.get_by_role("radio", name="Air-gapped, no outside connection").is_checked()
    assert page.get_by_role("radio", name="Control & residency").is_checked()
    go_step(page, "Result")
    assert headline(page) == "Open weights, self-hosted on infrastructure you control"


def test_pdf_and_decision_record_download_and_hold_the_recommendation(page, server):
    open_app(page, server + "?v=1&profile=regulated_on_prem&title=Records%20platform&step=result")
    page.get_by_role("heading", name="Result").first.wait_for()
    open_tab(page, "Share and export")
    by_key(page, "build_pdf").locator("button").first.click()
    idle(page)
    with page.expect_download() as info:
        by_key(page, "dl_pdf").locator("button").first.click()
    pdf = info.value
    assert pdf.suggested_filename == "records-platform.pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(open(pdf.path(), "rb").read())).pages).split())
    assert "Decision: Open weights" in text and "Records platform" in text
    with page.expect_download() as info:
        by_key(page, "dl_adr").locator("button").first.click()
    record = open(info.value.path(), encoding="utf-8").read()
    assert record.startswith("# Records platform") and "Chosen option: “Open weights (self-hosted or rented)”" in record
    with page.expect_download() as info:
        by_key(page, "dl_yaml").locator("button").first.click()
    assert "profile: regulated_on_prem" in open(info.value.path(), encoding="utf-8").read()


def test_a_tampered_link_shows_its_warning_and_the_rest_works(page, server):
    open_app(page, server + "?v=1&profile=ship_fast&daily_tokens=lots&%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E=1&step=result")
    warning = page.locator('[data-testid="stAlertContentWarning"]').first
    warning.wait_for()
    assert "Dropped daily_tokens=lots" in warning.inner_text()
    assert "<img src=x onerror=alert(1)>" in warning.inner_text()  # shown as text
    assert page.locator("img[src='x']").count() == 0  # and not as markup
    assert headline(page) == "A closed model through a managed API"
    go_step(page, "Cost")
    assert page.get_by_role("radio", name="1 to 10 million tokens a day").is_checked()


def test_the_catalog_page_filters(page, server):
    open_app(page, server + "catalog")
    counter = page.get_by_text(re.compile(r"^\d+ of \d+ models$"))
    counter.wait_for()
    everything = counter.inner_text()
    shown, total = int(everything.split()[0]), int(everything.split()[2])
    assert shown < total  # retired models are hidden until the status filter asks for them
    by_key(page, "cat_weights").get_by_text("Open", exact=True).click()
    idle(page)
    filtered = counter.inner_text()
    assert int(filtered.split()[0]) < shown and filtered.endswith(f"of {total} models")
    by_key(page, "cat_search").locator("input").fill("llama")
    by_key(page, "cat_search").locator("input").press("Enter")
    idle(page)
    assert int(counter.inner_text().split()[0]) < int(filtered.split()[0])


def test_the_cost_chart_responds_to_the_volume(page, server):
    open_app(page, server + "?v=1&profile=cost_at_scale&step=costs")
    chart = page.locator('.st-key-cost_chart [data-testid="stPlotlyChart"]')
    chart.wait_for()
    idle(page)
    marker = chart.locator(".shapelayer path").first
    before = marker.get_attribute("d")
    box = by_key(page, "cost_tokens_per_day").locator("input")
    box.fill("2000000")
    box.press("Enter")
    idle(page)
    page.wait_for_function("() => location.search.includes('tokens_per_day=2000000')")
    after = chart.locator(".shapelayer path").first.get_attribute("d")
    assert before and after and before != after  # the "your volume" line moved


# hybrid_router, and ship_fast with two confirmed yeses in conflict (the conflict box on the first screen)
FIRST_SCREENS = {"hybrid_router": "profile=hybrid_router", "conflict": "profile=ship_fast&data_must_stay=yes&ship_fast_no_platform=yes"}


@pytest.mark.parametrize("case", list(FIRST_SCREENS))
def test_the_result_summary_fits_the_first_screen(page, server, case):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app(page, server + f"?v=1&{FIRST_SCREENS[case]}&step=result")
    page.get_by_text("What would change it").first.wait_for()
    idle(page)
    for text in ("Monthly cost:", "Bought from", "Confidence", "The three strongest reasons", "What would change it"):
        box = page.get_by_text(text).first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 800, (text, box)
    reasons = page.get_by_text("The three strongest reasons").locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]").locator("li")
    assert reasons.count() == 3
    last = reasons.nth(reasons.count() - 1).bounding_box()
    assert last["y"] + last["height"] <= 800, last
    flips = page.get_by_text("What would change it").locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]").locator("li")
    assert flips.count() >= 1
    box = flips.first.bounding_box()
    assert box["y"] + box["height"] <= 800, box
    if case == "conflict":
        assert "Must the data stay inside your own network? → Yes" in reasons.first.inner_text()  # what decided, first
        warning = page.locator('[data-testid="stAlert"]').filter(has_text="Two yeses pull in opposite directions").first
        assert warning.bounding_box()["y"] + warning.bounding_box()["height"] <= 800
        assert "To settle it" not in warning.inner_text()  # the rest waits in an expander
        assert page.locator('[data-testid="stExpander"]').filter(has_text="how to settle it").count() == 1
    page.screenshot(path=str(ROOT / "test-artifacts" / f"first-screen-1280x800-{case}.png"))


def test_the_uploader_states_the_apps_own_limit(page, server):
    open_app(page, server)
    uploader = by_key(page, "upload")
    uploader.wait_for()
    text = uploader.inner_text()
    assert "at most 64 KB" in text and "MB" not in text, text  # never Streamlit's own "1MB per file"
    zone = uploader.locator('[data-testid="stFileUploaderDropzoneInstructions"]')
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.st-key-upload [data-testid=stFileUploaderDropzoneInstructions] > div'), '::after').content.includes('64 KB')"
    )
    drawn = zone.evaluate("e => getComputedStyle(e.firstElementChild, '::after').content")
    assert "64 KB per file" in drawn and "MB" not in drawn, drawn


def test_a_new_step_opens_at_the_top(page, server):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app(page, server + "?v=1&profile=hybrid_router&step=control")
    page.get_by_role("heading", name="Control and data residency").first.wait_for()
    scrolled = "() => Math.max(document.querySelector('[data-testid=stMain]')?.scrollTop || 0, window.scrollY)"
    next_button = by_key(page, "nav_next").locator("button").first
    next_button.scroll_into_view_if_needed()
    assert page.evaluate(scrolled) > 100  # the Next button sits below the first screen
    next_button.click()
    page.get_by_role("heading", name="Security and governance").first.wait_for()
    page.wait_for_function(f"() => ({scrolled})() === 0")
    back = by_key(page, "nav_back").locator("button").first
    back.scroll_into_view_if_needed()
    back.click()
    page.get_by_role("heading", name="Control and data residency").first.wait_for()
    page.wait_for_function(f"() => ({scrolled})() === 0")


@pytest.mark.parametrize("path", ["", "?v=1&profile=hybrid_router&step=governance", "?v=1&profile=hybrid_router&step=costs", "?v=1&profile=hybrid_router&step=result", "catalog", "method"])
def test_a_phone_never_scrolls_the_page_sideways_and_step_labels_are_whole(browser, server, path):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(server + path)
        page.locator('[data-testid="stMain"]').first.wait_for()
        idle(page)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths  # tables may scroll inside themselves; the page does not
        # stMain is the container that scrolls: it must not scroll sideways either
        main = page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]'); return [m.scrollWidth, m.clientWidth]; }")
        assert main[0] <= main[1], main
        cut = page.evaluate(
            "() => [...document.querySelectorAll('.st-key-nav_next button, .st-key-nav_back button, [data-testid=stSidebar] [role=radiogroup] label')]"
            ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"
        )
        assert cut == [], cut
    finally:
        context.close()


def test_the_browser_back_button_returns_to_the_previous_step(page, server):
    open_app(page, server + "?v=1&profile=hybrid_router&step=control")
    page.get_by_role("heading", name="Control and data residency").first.wait_for()
    for heading in ("Security and governance", "Ecosystem and support"):
        by_key(page, "nav_next").locator("button").first.click()
        page.get_by_role("heading", name=heading).first.wait_for()
        idle(page)
    page.go_back()
    page.get_by_role("heading", name="Security and governance").first.wait_for()
    page.wait_for_function("() => location.search.includes('step=governance')")
    page.go_back()
    page.get_by_role("heading", name="Control and data residency").first.wait_for()
    page.wait_for_function("() => location.search.includes('step=control')")
    idle(page)
    assert "profile=hybrid_router" in page.url  # the answers came back with the step


def test_a_profile_chosen_then_next_loads_it(page, server):
    open_app(page, server)
    by_key(page, "start_profile").locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="Mature ecosystem, ship fast").click()
    idle(page)
    by_key(page, "nav_next").locator("button").first.click()  # Next, without "Start from this profile"
    page.get_by_role("heading", name="Cost").first.wait_for()
    page.wait_for_function("() => location.search.includes('profile=ship_fast')")
    assert page.get_by_role("radio", name="1 to 10 million tokens a day").is_checked()


def test_a_profile_chosen_then_a_sidebar_jump_keeps_it_until_it_is_loaded(page, server):
    open_app(page, server)
    by_key(page, "start_profile").locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="Mature ecosystem, ship fast").click()
    idle(page)
    go_step(page, "Costs")  # a jump from the sidebar, without loading the profile
    pending = page.get_by_text("its answers are not loaded").first
    pending.wait_for()
    by_key(page, "nav_next").locator("button").first.click()  # one step on
    page.get_by_role("heading", name="Checklist").first.wait_for()
    idle(page)
    assert page.get_by_text("its answers are not loaded").first.is_visible()  # still offered
    go_step(page, "Start")
    page.get_by_role("heading", name="Start").first.wait_for()
    assert by_key(page, "start_profile").locator("input").first.input_value() == "Mature ecosystem, ship fast"  # the selectbox kept it
    go_step(page, "Result")
    by_key(page, "load_pending_profile").locator("button").first.click()
    page.wait_for_function("() => location.search.includes('profile=ship_fast')")
    idle(page)
    assert page.get_by_text("its answers are not loaded").count() == 0


def test_the_step_survives_a_visit_to_the_catalog(page, server):
    open_app(page, server + "?v=1&profile=hybrid_router&step=performance")
    page.get_by_role("heading", name="Performance parity").first.wait_for()
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Catalog").first.click()
    page.get_by_role("heading", name="Catalog").first.wait_for()
    idle(page)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Assess").first.click()
    page.get_by_role("heading", name="Performance parity").first.wait_for()
