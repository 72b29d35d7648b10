"""The short protocol-level load test that CI runs (issue 13): 20 simulated users speak Streamlit's
websocket protocol to one server for 60 s, from a share link to the PDF download. It fails on any
error or on any session that sees another session's values. Timing figures belong to `make bench`."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bench.load import ServerProbe, run_level, start_server, stop_server
from tests.conftest import ROOT


def run_async(coro_fn, timeout: float = 600):
    """Run a coroutine in a thread of its own: the browser tests' sync Playwright leaves an event
    loop running on the main thread when they run first, and asyncio.run refuses to nest."""
    box: dict = {}

    def work() -> None:
        try:
            box["value"] = asyncio.run(coro_fn())
        except BaseException as e:  # re-raised in the test's thread
            box["error"] = e

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout)
    if "error" in box:
        raise box["error"]
    assert "value" in box, f"the coroutine did not finish within {timeout} s"
    return box["value"]


@pytest.fixture(scope="module")
def server():
    log = ROOT / "test-artifacts"
    log.mkdir(exist_ok=True)
    proc, base = start_server(log=log / "server-protocol-load.log")
    yield proc, base
    stop_server(proc)


def test_twenty_protocol_users_for_a_minute_see_no_error_and_no_other_session(server):
    proc, base = server
    row = run_async(lambda: run_level(base, users=20, duration=60, seed=13, think=(2.0, 5.0), pid=proc.pid, max_visits=3))
    assert row["errors"] == 0, row["error_samples"]
    assert row["mixed_sessions"] == 0
    # every user finished at least one whole visit, and every step of the scenario was measured
    assert row["visits"] >= 20
    for step, figures in row["per_step"].items():
        assert figures["n"] >= 20, (step, figures)
    assert row["server_cpu_pct"] > 0


def test_a_session_that_sees_a_foreign_title_counts_as_mixed(server):
    """The mixing detector itself can fail: a visit whose URL names another title is caught."""
    from bench import load

    proc, base = server
    stats = load.Stats()

    async def one():
        async with load.Session(base, "mine", stats) as s:
            s.query = "v=1&profile=prototype&title=someone-else"
            await s.rerun("open")
            await s.go("Cost", "to_cost")  # the app rewrites the URL here, and the title is not ours

    with pytest.raises(load.LoadError, match="another session"):
        run_async(one)
    assert stats.mixed == 1


def test_capacity_is_the_first_level_whose_p95_passes_twice_one_session():
    from bench.load import capacity

    rows = [{"users": 1, "p95_ms": 100.0}, {"users": 10, "p95_ms": 150.0}, {"users": 25, "p95_ms": 201.0}, {"users": 50, "p95_ms": 900.0}]
    assert capacity(rows) == (25, 200.0)
    assert capacity(rows[:2]) == (None, 200.0)
    assert capacity(rows[1:]) == (None, None)


def test_the_load_section_replaces_itself_and_keeps_the_rest(tmp_path):
    from bench.load import END, START, write_results

    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark results\n\n| figure |\n")
    write_results(f"{START}\nfirst\n{END}\n", path)
    write_results(f"{START}\nsecond\n{END}\n", path)
    text = path.read_text()
    assert "| figure |" in text and "second" in text and "first" not in text
    assert text.count(START) == 1


def test_a_cold_server_serves_many_sessions_that_reach_the_costs_step_at_once():
    """The first sessions of a fresh process import numpy, pandas and plotly on several script
    threads at once. plotly looks numpy up in sys.modules without importing it, so a half-imported
    numpy made the Costs step fail for some users (seen in CI). Every session must succeed."""
    from bench import load

    log = ROOT / "test-artifacts"
    log.mkdir(exist_ok=True)
    proc, base = start_server(log=log / "server-cold-start.log")
    stats = load.Stats()

    async def one(i: int):
        async with load.Session(base, f"cold-{i}", stats) as s:
            s.query = f"v=1&profile=prototype&title=cold-{i}"
            await s.rerun("open")
            await s.go("Costs", "to_costs")
            await s.go("Result", "to_result")

    async def crowd():
        return await asyncio.gather(*(one(i) for i in range(16)), return_exceptions=True)

    try:
        outcomes = run_async(crowd)
    finally:
        stop_server(proc)
    failures = [repr(o)[:300] for o in outcomes if isinstance(o, BaseException)]
    assert failures == []
    assert len(stats.latencies["to_costs"]) == 16


def test_accepted_connections_get_tcp_nodelay_even_from_a_proto_zero_listener():
    """Streamlit binds its listener with proto=0, and asyncio sets TCP_NODELAY only where proto is
    IPPROTO_TCP; app_pages.tcp widens the check (measured: a hello-world rerun 90 → 50 ms)."""
    import asyncio.base_events as base_events
    import socket

    from app_pages.tcp import no_delay

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    try:
        assert accepted.proto == 0 and accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        no_delay()
        base_events._set_nodelay(accepted)  # what asyncio's transport calls for each accepted socket
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        for s in (client, accepted, listener):
            s.close()


def test_the_load_section_reports_capacity_and_each_soak_round():
    from types import SimpleNamespace

    from bench.load import results_section

    step = {"open": {"p50_ms": 20.0, "p95_ms": 30.0, "n": 2}}
    rows = [
        {"users": 1, "visits": 2, "reruns_per_s": 0.3, "p50_ms": 30.0, "p95_ms": 100.0, "p99_ms": 120.0, "errors": 0, "mixed_sessions": 0, "per_step": step},
        {"users": 25, "visits": 50, "reruns_per_s": 7.0, "p50_ms": 40.0, "p95_ms": 250.0, "p99_ms": 900.0, "errors": 0, "mixed_sessions": 0, "per_step": step},
    ]
    soak = [{"round": i, "users": 25, "visits": 50, "errors": 0, "mixed_sessions": 0, "rss_start_mb": 200.0, "rss_peak_mb": 250.0, "rss_after_ttl_mb": 190.0 + i} for i in (1, 2)]
    text = results_section(rows, 50.0, SimpleNamespace(duration=60, think=(2.0, 5.0), seed=1, settle=140), soak)
    assert "**Capacity: 25 users**" in text and "(200.0 ms)" in text
    assert "| 2 | 50 | 0 | 0 | 200.0 | 250.0 | 192.0 |" in text
    assert "median of 20: 50.0 ms" in text
