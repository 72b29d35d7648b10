"""The benchmark: each figure beside a baseline measured in the same run, so that the ratios hold
on a noisy machine. Not part of the test suite. ``python -m bench`` (or ``make bench``) prints a
Markdown table and writes it to ``bench/RESULTS.md``."""

from __future__ import annotations

import platform
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grid import score  # noqa: E402
from grid.profiles import load_profiles  # noqa: E402


@dataclass
class Row:
    figure: str
    value: str
    baseline: str
    ratio: Optional[float]
    goal: str
    met: bool


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def ms(x: float) -> str:
    return f"{x * 1000:.2f} ms"


def bench_scoring() -> list[Row]:
    profiles = load_profiles()
    medians = {}
    for pid, p in profiles.items():
        score(p.answers, p.checklist)  # warm
        medians[pid] = statistics.median(timed(lambda p=p: score(p.answers, p.checklist), 200))
    worst_id = max(medians, key=medians.get)
    worst = medians[worst_id]
    empty = statistics.median(timed(lambda: score({}), 200))
    return [
        Row(
            "Score one answer set with its flips (slowest profile median, 200 runs)",
            f"{ms(worst)} ({worst_id})",
            f"empty answer set {ms(empty)}",
            worst / empty if empty else None,
            "< 5 ms",
            worst < 0.005,
        ),
        bench_assess(empty),
    ]


def bench_assess(engine_alone: float) -> Row:
    """The one downward pass the pages, PDF and CLI render: options, costs, axes, call, deployment
    and the flips, each flip re-checking the options it changes."""
    from grid.assessment import assess

    profiles = load_profiles()
    medians = {}
    for pid, p in profiles.items():
        assess(p.answers, p.checklist)  # warm the catalog and cost data
        medians[pid] = statistics.median(timed(lambda p=p: assess(p.answers, p.checklist), 20))
    worst_id = max(medians, key=medians.get)
    worst = medians[worst_id]
    return Row(
        "Assess one answer set in one pass: options, costs, call, deployment and flips (slowest profile median, 20 runs)",
        f"{ms(worst)} ({worst_id})",
        f"engine alone, no options {ms(engine_alone)}",
        worst / engine_alone if engine_alone else None,
        "< 100 ms",
        worst < 0.1,
    )


def synthetic_catalog_text(n_models: int) -> str:
    """The shipped catalog with its models repeated under new ids until there are ``n_models``."""
    import yaml

    from grid.catalog import CATALOG_PATH

    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    models = data["models"]
    data["models"] = [{**models[i % len(models)], "id": f"synthetic-{i}"} for i in range(n_models)]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def bench_catalog() -> list[Row]:
    from grid.catalog import CATALOG_PATH, parse_catalog_text, read_catalog

    shipped = statistics.median(timed(lambda: read_catalog(CATALOG_PATH), 5))
    text = synthetic_catalog_text(10_000)
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        cat = parse_catalog_text(text, "synthetic")
        runs.append(time.perf_counter() - t0)
    big = statistics.median(runs)
    if cat.problems or len(cat.models) != 10_000:
        raise SystemExit(f"the synthetic catalog did not validate: {cat.problems[:3]}")
    mb = len(text.encode()) / 1e6
    return [
        Row("Catalog load and validation: the shipped catalog", ms(shipped), "—", None, "—", True),
        Row(
            f"Catalog load and validation: 10,000 synthetic models ({mb:.1f} MB of YAML, median of 3)",
            f"{big:.2f} s",
            f"shipped catalog {ms(shipped)}",
            big / shipped,
            "< 2 s",
            big < 2.0,
        ),
    ]


def bench_shortlist() -> list[Row]:
    from datetime import date

    from grid.catalog import load_catalog
    from grid.questionnaire import load_questionnaire
    from grid.shortlist import build_shortlist

    q = load_questionnaire()
    cat = load_catalog()
    p = load_profiles()["hybrid_router"]
    r = score(p.answers)
    today = date.today()
    value = statistics.median(timed(lambda: build_shortlist(r, p.answers, cat, q, today), 100))
    base = statistics.median(timed(lambda: score(p.answers), 100))
    return [Row("Full shortlist for one result (hybrid profile, both sides)", ms(value), f"scoring {ms(base)}", value / base, "< 20 ms", value < 0.020)]


def bench_reports() -> list[Row]:
    from datetime import date

    from grid.answers import AnswerFile
    from grid.links import to_params
    from grid.questionnaire import load_questionnaire
    from grid.report import decision_record, pdf_report

    profiles = load_profiles()
    p = profiles["hybrid_router"]
    state = AnswerFile(
        profile=None,
        answers=dict(p.answers),
        checklist={"data_must_stay": "no", "high_steady_volume": "unsure", "ship_fast_no_platform": "no", "need_frontier": "unsure", "mix": "yes"},
        title="Support assistant: model choice",
        notes="Reviewed with the platform team. 通义千问 and Kimi are on the volume side.",
    )
    today = date.today()
    t0 = time.perf_counter()
    pdf_report(state, today=today)
    cold = time.perf_counter() - t0
    warm = statistics.median(timed(lambda: pdf_report(state, today=today), 5))
    record = statistics.median(timed(lambda: decision_record(state, today=today), 10))
    base = statistics.median(timed(lambda: score(state.answers, state.checklist), 50))
    q = load_questionnaire()
    longest = {x.id: max((o.id for o in x.options), key=len) for x in q.questions}
    link = to_params(AnswerFile(answers=longest, checklist={c.id: "unsure" for c in q.checklist}), q, profiles, step="checklist").query
    return [
        Row("PDF summary of a fully answered assessment (median of 5, font loaded)", ms(warm), f"first build in the process {ms(cold)}", warm / cold, "< 1 s", warm < 1.0),
        Row("Decision record (Markdown)", ms(record), f"scoring {ms(base)}", record / base, "—", True),
        Row("Share link of a fully answered assessment (longest options, all checklist answers set)", f"{len(link)} characters", "—", None, "≤ 800", len(link) <= 800),
    ]


def result_page_app():
    """An AppTest on the result page of the hybrid profile, run once."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.selectbox(key="start_profile").set_value("hybrid_router").run()
    at.button(key="use_profile").click().run()
    at.radio(key="step").set_value("result").run()
    if at.exception:
        raise SystemExit(f"the app raised during the benchmark: {at.exception}")
    return at


def bench_apptest() -> list[Row]:
    from streamlit.testing.v1 import AppTest

    hello = AppTest.from_file(str(ROOT / "bench" / "hello.py"), default_timeout=60)
    hello.run()
    base = statistics.median(timed(hello.run, 40))

    at = result_page_app()
    at.run()
    plain = statistics.median(timed(at.run, 40))
    options = ["10m_to_100m", "over_100m"]
    state = {"i": 0}

    def rerun_after_one_change() -> None:
        state["i"] += 1
        at.session_state["q_daily_tokens"] = options[state["i"] % 2]
        at.run()

    rerun_after_one_change()
    if at.exception:
        raise SystemExit(f"the app raised during the benchmark: {at.exception}")
    value = statistics.median(timed(rerun_after_one_change, 40))
    return [
        Row("AppTest: plain rerun of the result page (median of 40)", ms(plain), f"hello-world rerun {ms(base)}", plain / base, "≤ 4×", plain / base <= 4),
        Row("AppTest: rerun of the result page after one answer changes (median of 40)", ms(value), f"hello-world rerun {ms(base)}", value / base, "≤ 4×", value / base <= 4),
    ]


def profile_result_rerun(runs: int = 30, top: int = 30) -> str:
    """cProfile of the result page's reruns, taken inside the script thread (AppTest runs the
    script in a thread of its own, where a profiler on the main thread sees only a wait)."""
    import cProfile
    import io
    import pstats

    import streamlit.runtime.scriptrunner.script_runner as script_runner

    profiler = cProfile.Profile()
    original = script_runner.exec_func_with_error_handling
    at = result_page_app()

    def profiled(func, ctx):
        profiler.enable()
        try:
            return original(func, ctx)
        finally:
            profiler.disable()

    script_runner.exec_func_with_error_handling = profiled
    try:
        for _ in range(runs):
            at.run()
    finally:
        script_runner.exec_func_with_error_handling = original
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def bench_catalog_once() -> list[Row]:
    """Reruns across every page in one process: how many times the catalog file is read."""
    from streamlit.testing.v1 import AppTest

    import grid.catalog as catalog_module

    calls = []
    real = catalog_module.read_catalog

    def counting(path=catalog_module.CATALOG_PATH):
        calls.append(path)
        return real(path)

    catalog_module.read_catalog = counting
    catalog_module.load_catalog.cache_clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        for page in ("app_pages/catalog.py", "app_pages/method.py", "app_pages/assess.py"):
            at.switch_page(page).run()
        for step in ("costs", "result", "cost"):
            at.radio(key="step").set_value(step).run()
        for _ in range(3):
            at.run()
    finally:
        catalog_module.read_catalog = real
    return [Row("Catalog reads in one process over 10 reruns across every page", str(len(calls)), "—", None, "1", len(calls) == 1)]


def bench_browser() -> list[Row]:
    """Navigation to the first question visible, this app against a hello-world app on the same
    server settings, each in fresh browser contexts (median of 5)."""
    from pathlib import Path

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server

    if not Path(CHROMIUM).is_file():
        return [Row("Browser: first question visible (Chromium not installed: skipped)", "—", "—", None, "≤ 1.5×", False)]
    from playwright.sync_api import sync_playwright

    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    app_proc, app_url = start_server("app.py")
    hello_proc, hello_url = start_server("bench/hello.py")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)

            def first_visible(url: str, text: str) -> float:
                context = browser.new_context()
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(url)
                page.get_by_text(text, exact=True).first.wait_for(timeout=60_000)
                elapsed = time.perf_counter() - t0
                context.close()
                return elapsed

            first_visible(app_url + "?step=cost", "Under 1 million tokens a day")  # warm both servers
            first_visible(hello_url, "Hello, world")
            app = statistics.median(first_visible(app_url + "?step=cost", "Under 1 million tokens a day") for _ in range(5))
            hello = statistics.median(first_visible(hello_url, "Hello, world") for _ in range(5))
            browser.close()
    finally:
        stop_server(app_proc)
        stop_server(hello_proc)
    return [Row("Browser: navigation to the first question visible (median of 5)", ms(app), f"hello-world app {ms(hello)}", app / hello, "≤ 1.5×", app / hello <= 1.5)]


def bench_cost_chart() -> list[Row]:
    """Next from Your scale to the Costs step's chart drawn (its SVG in the page), the first time in
    a fresh browser context, against the same click once the browser has drawn the chart before
    (median of 3 each). The session runs once before (a step earlier, then Next), so that the
    hidden chart that loads plotly's code early (cost_ui.preload_chart_code) has been sent; the
    figure says so when the page has none."""
    from pathlib import Path

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server
    from tests.browser.helpers import by_key, idle

    goal = "< 1 s"
    if not Path(CHROMIUM).is_file():
        return [Row("Browser: first cost chart of a session (Chromium not installed: skipped)", "—", "—", None, goal, False)]
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    chart = ".st-key-cost_chart .main-svg"
    preloaded = []

    def next_to_chart(page) -> float:
        t0 = time.perf_counter()
        by_key(page, "nav_next").locator("button").first.click()
        page.locator(chart).first.wait_for(state="attached", timeout=60_000)
        return time.perf_counter() - t0

    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    proc, url = start_server("app.py")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            first, again = [], []
            for _ in range(3):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.set_default_timeout(60_000)
                page.goto(url + "?v=1&profile=hybrid_router&step=performance")
                page.locator('[data-testid="stSidebar"]').first.wait_for()
                idle(page)
                by_key(page, "nav_next").locator("button").first.click()  # to Your scale: the session's second run
                idle(page)
                try:
                    page.locator(".st-key-chart_code_preload .main-svg").first.wait_for(state="attached", timeout=10_000)
                    preloaded.append(True)
                except PlaywrightTimeout:
                    preloaded.append(False)
                idle(page)
                first.append(next_to_chart(page))
                idle(page)
                by_key(page, "nav_back").locator("button").first.click()
                idle(page)
                again.append(next_to_chart(page))
                context.close()
            browser.close()
    finally:
        stop_server(proc)
    value, base = statistics.median(first), statistics.median(again)
    note = "" if all(preloaded) else " (no chart-code preload on the page)"
    return [Row(f"Browser: Next to the first cost chart drawn in a session (median of 3){note}", ms(value), f"chart drawn before in the session {ms(base)}", value / base, goal, value < 1.0)]


def table(rows: list[Row]) -> str:
    lines = ["| figure | value | baseline | ratio | goal | met? |", "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
        lines.append(f"| {r.figure} | {r.value} | {r.baseline} | {ratio} | {r.goal} | {'yes' if r.met else 'NO'} |")
    return "\n".join(lines)


KEPT_SECTIONS = [("<!-- rerun-history:start -->", "<!-- rerun-history:end -->"), ("<!-- load:start -->", "<!-- load:end -->"), ("<!-- replicas:start -->", "<!-- replicas:end -->")]


def main() -> None:
    if "--profile" in sys.argv[1:]:
        print(profile_result_rerun())
        return
    rows = bench_apptest() + bench_browser() + bench_cost_chart() + bench_scoring() + bench_shortlist() + bench_reports() + bench_catalog() + bench_catalog_once()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"Measured {stamp} on {platform.machine()}, Python {platform.python_version()}, "
        f"{__import__('os').cpu_count()} cores. Reproduce with `make bench`."
    )
    text = f"{header}\n\n{table(rows)}\n"
    print(text)
    path = ROOT / "bench" / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    # keep the sections that `python -m bench.load --results` (protocol load) and
    # `python -m bench.replicas --kill-test --results` (losing a replica) write, each between its markers
    kept = [old[old.index(start):old.index(end) + len(end)] for start, end in KEPT_SECTIONS if start in old and end in old]
    path.write_text("# Benchmark results\n\n" + text + "".join(f"\n{section}\n" for section in kept), encoding="utf-8")


if __name__ == "__main__":
    main()
