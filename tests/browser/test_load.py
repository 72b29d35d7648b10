"""Five architects at once in real browsers: concurrent sessions against one server, each from a
link to its PDF. Zero errors and nothing mixed between sessions. This is the one browser-based
concurrency test; load itself is measured at the server by the protocol generator (bench/load.py,
tests/test_load_protocol.py), because a crowd of browsers on a small machine measures the browsers."""

from __future__ import annotations

import asyncio
import io
import json
import statistics
import threading
import time
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from grid.profiles import load_profiles
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, require_chromium, start_server, stop_server
from tests.browser.helpers import IDLE_JS

pytestmark = pytest.mark.browser

SESSIONS = 5
SESSION_TIMEOUT = 180  # seconds for one session's whole flow
PROFILES = list(load_profiles().items())


async def one_session(browser, base: str, i: int) -> dict:
    pid, profile = PROFILES[i % len(PROFILES)]
    title = f"Load session {i:02d}"
    link = f"{base}?v=1&profile={pid}&title={quote(title)}&step=result"
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = await context.new_page()
    page.set_default_timeout(SESSION_TIMEOUT * 1000)
    try:
        t0 = time.perf_counter()
        await page.goto(link)
        await page.get_by_role("heading", name="Result").first.wait_for()
        await page.locator('[data-testid="stHeadingWithActionElements"] h3').first.wait_for()
        time_to_result = time.perf_counter() - t0
        await page.wait_for_function(IDLE_JS)
        await page.get_by_role("tab", name="Share and export").first.click()
        await page.locator(".st-key-build_pdf button").first.click()
        await page.locator(".st-key-dl_pdf button").first.wait_for()
        async with page.expect_download() as info:
            await page.locator(".st-key-dl_pdf button").first.click()
        download = await info.value
        data = open(await download.path(), "rb").read()
        total = time.perf_counter() - t0
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
        expected = {"open": "Open weights", "closed": "Closed API", "hybrid": "Hybrid router"}[profile.expected.recommendation]
        mixed = title not in text or f"Decision: {expected}" not in text
        return {"session": i, "profile": pid, "time_to_result": time_to_result, "time_to_pdf": total, "mixed": mixed, "error": None}
    except Exception as e:  # recorded, and the test fails on any
        return {"session": i, "profile": pid, "error": f"{type(e).__name__}: {str(e)[:200]}"}
    finally:
        await context.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, to tell server work from browser work."""
    from bench.load import ServerProbe

    return ServerProbe(pid).sample()[1]


async def run(base: str, server_pid: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            alone = [await asyncio.wait_for(one_session(browser, base, 100 + k), SESSION_TIMEOUT) for k in range(3)]
            cpu0, wall0 = cpu_seconds(server_pid), time.perf_counter()
            crowd = await asyncio.wait_for(
                asyncio.gather(*(one_session(browser, base, i) for i in range(SESSIONS))), SESSION_TIMEOUT * 2
            )
            server_cpu, wall = cpu_seconds(server_pid) - cpu0, time.perf_counter() - wall0
        finally:
            await browser.close()
    return {"alone": alone, "crowd": list(crowd), "server_cpu_s": server_cpu, "crowd_wall_s": wall}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def test_five_concurrent_browser_sessions_from_link_to_pdf():
    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    proc, base = start_server()  # its own server, so that its CPU time is this run's alone
    box: dict = {}

    def work() -> None:  # its own thread: the session's sync Playwright keeps a loop on this one
        try:
            box["outcome"] = asyncio.run(run(base, proc.pid))
        except BaseException as e:  # re-raised below, in the test's thread
            box["error"] = e

    try:
        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(SESSION_TIMEOUT * 4)
    finally:
        stop_server(proc)
    if "error" in box:
        raise box["error"]
    assert "outcome" in box, "the load run did not finish in time"
    outcome = box["outcome"]
    runs = outcome["alone"] + outcome["crowd"]
    errors = [r for r in runs if r["error"]]
    assert errors == [], errors
    assert not [r for r in runs if r["mixed"]], "a PDF held another session's title or result"
    alone = statistics.median(r["time_to_result"] for r in outcome["alone"])
    crowd = [r["time_to_result"] for r in outcome["crowd"]]
    report = {
        "sessions": SESSIONS,
        "alone_median_s": round(alone, 3),
        "crowd_median_s": round(statistics.median(crowd), 3),
        "crowd_p95_s": round(p95(crowd), 3),
        "median_ratio": round(statistics.median(crowd) / alone, 2),
        "p95_ratio": round(p95(crowd) / alone, 2),
        "crowd_median_to_pdf_s": round(statistics.median(r["time_to_pdf"] for r in outcome["crowd"]), 3),
        "crowd_wall_s": round(outcome["crowd_wall_s"], 1),
        "server_cpu_s": round(outcome["server_cpu_s"], 1),
        "server_share_of_two_cores": round(outcome["server_cpu_s"] / (2 * outcome["crowd_wall_s"]), 2),
        "errors": 0,
        "mixed": 0,
    }
    (ARTIFACTS / "load.json").write_text(json.dumps(report, indent=2))
    print("load:", report)
