"""Real-browser fixtures: a Streamlit server on a free loopback port, Debian's Chromium driven by
Playwright (never a downloaded browser), and a screenshot of every test kept as an artifact."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bench import load
from tests.conftest import ROOT

CHROMIUM = os.environ.get("GRID_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"


def require_chromium() -> None:
    if Path(CHROMIUM).is_file():
        return
    message = f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium` (make test does, as root)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


free_port = load.free_port


def start_server(script: str = "app.py", timeout: float = 90) -> tuple[subprocess.Popen, str]:
    """One Streamlit server on a free loopback port (the same starter as the load generator's), its
    log kept as an artifact. Returns the process and the base URL with a trailing slash."""
    port = free_port()
    proc, base = load.start_server(port=port, script=script, log=ARTIFACTS / f"server-{Path(script).stem}-{port}.log", timeout=timeout)
    return proc, base + "/"


stop_server = load.stop_server


@pytest.fixture(scope="session")
def server():
    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    proc, url = start_server()
    yield url
    stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(45_000)
    yield pg
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    try:
        pg.screenshot(path=str(shots / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()
