"""A load generator that speaks Streamlit's websocket protocol, with no browser.

Each simulated user does what a browser does: it opens ``/_stcore/stream`` and sends ``BackMsg``
``rerun_script`` messages built with the protobuf classes that the ``streamlit`` package ships, then
reads ``ForwardMsg`` replies until ``script_finished``. One scenario (one "visit"):

1. open a share link (a random profile and a title unique to this visit);
2. go to the Cost step, then change its three answers, with think time (seeded random, 2-5 s);
3. go to the Costs step, then the Result step;
4. press "Build the PDF summary" and download the PDF over HTTP from the media URL the app sends,
   the same path a browser takes.

Every rerun's latency is measured from sending the ``BackMsg`` to ``script_finished``. An error is a
socket failure, a script that does not finish successfully, an exception element, a PDF that is not a
PDF, or an answer change that the share link does not show. A **mixed session** is a rerun whose URL
(``page_info_changed``) carries another visit's title.

    python -m bench.load --users 20 --duration 60            # starts its own server
    python -m bench.load --url http://127.0.0.1:8501 --users 5  # against a running server

The server's CPU and RSS are read from ``/proc/<pid>`` when the generator knows the server's PID.

Each session first loads the page over HTTP, as a browser does, and sends the cookies it got on its
WebSocket and its download: behind the replicas' nginx (``bench/replicas.py``) the affinity cookie
keeps a session on one replica. With ``reconnect`` on, a session whose connection drops reconnects
and reruns with the URL it holds, as a browser does; the time to recover is recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qsl

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ["cost_at_scale", "hybrid_router", "prototype", "regulated_on_prem", "ship_fast"]
COST_QUESTIONS = ["q_daily_tokens", "q_traffic_shape", "q_spend_model"]
STEPS = ["open", "to_cost", "answer", "to_costs", "to_result", "open_share", "build_pdf", "download_pdf"]
RUN_TIMEOUT = 120.0
RECONNECT_TIMEOUT = 30.0  # how long a dropped session keeps trying to reconnect
AFFINITY_COOKIE = "grid_replica"  # set by deploy/nginx.conf.template


class LoadError(Exception):
    """One visit failed; the message says where."""


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: list[str] = field(default_factory=list)
    mixed: int = 0
    visits: int = 0
    live: dict[str, str] = field(default_factory=dict)  # open sessions: title -> affinity cookie ("" without one)
    recoveries: list[dict] = field(default_factory=list)  # one per reconnect after a dropped connection

    def all_reruns(self) -> list[float]:
        return [v for s in STEPS if s != "download_pdf" for v in self.latencies[s]]


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


class Session:
    """One websocket session, driven as a browser drives it."""

    def __init__(self, base: str, title: str, stats: Stats, reconnect: bool = False):
        self.base = base.rstrip("/")
        self.title = title
        self.stats = stats
        self.reconnect = reconnect
        self.recovered = 0  # reconnects so far
        self.cookies: dict[str, str] = {}  # what the server set, sent back as a browser does
        self.changed_keys: set[str] = set()  # URL parameters this visit's answers changed
        self.url_writes = 0  # page_info_changed messages: the server writing the URL from its state
        self.query = ""
        self.page_hash = ""
        self.widgets: dict[str, object] = {}  # key -> element proto of the last run
        self.ids: dict[str, str] = {}  # key -> widget id of the last run
        self.sent: dict[str, WidgetState] = {}  # key -> state we hold for that widget
        self.ws = None

    async def __aenter__(self):
        # a browser loads the page first; behind the replicas' nginx that response sets the affinity cookie
        await asyncio.to_thread(self.get, self.base + "/")
        await self.connect()
        self.stats.live[self.title] = self.cookies.get(AFFINITY_COOKIE, "")
        return self

    async def __aexit__(self, *exc):
        self.stats.live.pop(self.title, None)
        await self.ws.close()

    async def connect(self) -> None:
        ws_url = self.base.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        headers = {"Cookie": self.cookie_header()} if self.cookies else None
        # no protocol-level pings: a browser never sends them, and a client ping that times out while
        # the server is saturated would count the client's own rule as the server's error
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=30, ping_interval=None, additional_headers=headers)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def get(self, url: str) -> bytes:
        """An HTTP GET carrying this session's cookies; keeps any cookie the response sets."""
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=RUN_TIMEOUT) as r:
            for header in r.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                self.cookies.update({name: morsel.value for name, morsel in jar.items()})
            return r.read()

    async def pause(self, seconds: float) -> None:
        """Think time. With reconnect on, a connection that drops meanwhile is reconnected at once,
        as a browser's is, and the rest of the think time follows."""
        end = time.monotonic() + seconds
        if not self.reconnect:
            await asyncio.sleep(seconds)
            return
        try:
            await asyncio.wait_for(self.ws.wait_closed(), seconds)
        except TimeoutError:
            return
        await self.recover("reconnect", None, time.perf_counter(), ConnectionError("closed while idle"))
        await asyncio.sleep(max(0.0, end - time.monotonic()))

    async def dropped(self, within: float = 5.0) -> bool:
        """Whether the connection has closed, or closes within `within` seconds."""
        try:
            await asyncio.wait_for(self.ws.wait_closed(), within)
            return True
        except TimeoutError:
            return False

    async def rerun(self, step: str, trigger: str | None = None) -> None:
        msg = self.backmsg(trigger)
        started = time.perf_counter()
        try:
            await self.run(step, msg)
        except TimeoutError:
            raise  # a server that does not answer has not dropped the connection
        except (OSError, websockets.exceptions.ConnectionClosed) as exc:
            if not self.reconnect:
                raise
            await self.recover(step, trigger, time.perf_counter(), exc)
            return
        self.stats.latencies.setdefault(step, []).append(time.perf_counter() - started)

    async def recover(self, step: str, trigger: str | None, failed: float, cause: BaseException) -> None:
        """What a browser does when its WebSocket drops: reconnect, and rerun with the URL it shows.
        Behind the replicas' nginx the affinity cookie may name a dead replica; nginx then passes the
        connection to one that is up, where a new server session rebuilds everything from the URL.
        Recorded in ``stats.recoveries``; an answer that the URL lost, or a lost title, is an error."""
        shown = dict(parse_qsl(self.query, keep_blank_values=True))
        writes = self.url_writes
        deadline = time.monotonic() + RECONNECT_TIMEOUT
        attempts = 0
        while True:
            attempts += 1
            try:
                await self.connect()
                await self.run(step, self.backmsg(trigger))
                break
            except (OSError, websockets.exceptions.WebSocketException) as exc:
                await self.ws.close()  # a connection that opened but failed its run is not reused
                if time.monotonic() > deadline:
                    raise LoadError(f"{self.title}: no reconnect within {RECONNECT_TIMEOUT:.0f} s after {cause!r}: {exc!r}") from exc
                await asyncio.sleep(0.25)  # a browser's reconnect backoff
        self.recovered += 1
        now = dict(parse_qsl(self.query, keep_blank_values=True))
        lost = {k: shown.get(k) for k in sorted(self.changed_keys) if now.get(k) != shown.get(k)}
        self.stats.recoveries.append({
            "title": self.title, "affinity": self.cookies.get(AFFINITY_COOKIE, ""), "step": step, "cause": type(cause).__name__,
            "seconds": round(time.perf_counter() - failed, 3), "recovered_wall": time.time(), "attempts": attempts,
            "url_rewritten": self.url_writes > writes, "kept": {k: now.get(k) for k in sorted(self.changed_keys) if k not in lost}, "lost": lost,
        })
        if now.get("title") != self.title:
            raise LoadError(f"{self.title}: the URL lost its title after reconnecting: {self.query[:120]}")
        if lost:
            raise LoadError(f"{self.title}: answers lost after reconnecting at {step}: {lost} became {[now.get(k) for k in lost]}")

    def backmsg(self, trigger: str | None = None) -> BackMsg:
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = self.query
        rs.page_script_hash = self.page_hash
        for key, state in self.sent.items():
            if key in self.ids:
                rs.widget_states.widgets.append(state)
        if trigger:
            if trigger not in self.ids:
                raise LoadError(f"{self.title}: no {trigger!r} on this step to press")
            w = WidgetState(id=self.ids[trigger])
            w.trigger_value = True
            rs.widget_states.widgets.append(w)
        return msg

    async def run(self, step: str, msg: BackMsg) -> None:
        """Send one rerun and read its replies until ``script_finished``."""
        await self.ws.send(msg.SerializeToString())
        widgets: dict[str, object] = {}
        ids: dict[str, str] = {}
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), RUN_TIMEOUT)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = fwd.new_session.page_script_hash or fwd.new_session.main_script_hash
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
                self.url_writes += 1
                if f"title={self.title}" not in self.query.split("&"):
                    self.stats.mixed += 1
                    raise LoadError(f"{self.title}: the URL carries another session's values: {self.query[:120]}")
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "add_block" and fwd.delta.add_block.WhichOneof("type") == "tab_container":
                wid = fwd.delta.add_block.tab_container.id  # st.tabs with a key is a widget: its value is the open tab's label
                if wid:
                    key = wid.rsplit("-", 1)[-1]
                    widgets[key] = fwd.delta.add_block.tab_container
                    ids[key] = wid
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                etype = element.WhichOneof("type")
                if etype == "exception":
                    raise LoadError(f"{self.title} at {step}: {element.exception.type}: {element.exception.message[:200]}")
                inner = getattr(element, etype)
                wid = getattr(inner, "id", "")
                if wid:
                    key = wid.rsplit("-", 1)[-1] if "-" in wid else wid
                    widgets[key] = inner
                    ids[key] = wid
            elif kind == "script_finished":
                status = fwd.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise LoadError(f"{self.title} at {step}: the script ended with status {status}")
                break
        self.widgets, self.ids = widgets, ids

    def set_radio(self, key: str, label: str) -> None:
        if key not in self.ids:
            raise LoadError(f"{self.title}: no widget {key!r} on this step (have {sorted(self.ids)[:12]})")
        options = list(self.widgets[key].options)
        if label not in options:
            raise LoadError(f"{self.title}: {label!r} is not an option of {key}")
        w = WidgetState(id=self.ids[key])
        w.string_value = label
        self.sent[key] = w

    def set_tab(self, key: str, label: str) -> None:
        if key not in self.ids:
            raise LoadError(f"{self.title}: no tabs {key!r} on this step")
        w = WidgetState(id=self.ids[key])
        w.string_value = label
        self.sent[key] = w

    async def go(self, step_label: str, step: str) -> None:
        self.set_radio("step", step_label)
        await self.rerun(step)


async def visit(base: str, title: str, rng: random.Random, stats: Stats, think: tuple[float, float], reconnect: bool = False) -> None:
    async def pause():
        await s.pause(rng.uniform(*think))

    async def reach(move, key: str, where: str) -> None:
        """Make a move (a step or a tab) and check that ``key`` is on the page. A click whose run a dying
        replica never finished is lost with it; the session comes back from its URL where it last was,
        so after a reconnect the user makes the move again, as a person would."""
        recovered = s.recovered
        await move()
        if key not in s.ids and s.recovered > recovered:
            await move()
        if key not in s.ids:
            raise LoadError(f"{title}: {key!r} is not on {where}")

    async def to_cost():
        await s.go("Cost", "to_cost")

    async def to_costs():
        await s.go("Costs", "to_costs")

    async def to_result():
        await s.go("Result", "to_result")

    async def open_share():
        if "result_tab" not in s.ids:
            await to_result()
        s.set_tab("result_tab", "Share and export")  # only the open tab is drawn
        await s.rerun("open_share")

    async with Session(base, title, stats, reconnect) as s:
        s.query = f"v=1&profile={rng.choice(PROFILES)}&title={title}"
        await s.rerun("open")
        await pause()
        await reach(to_cost, COST_QUESTIONS[0], "the Cost step")
        for key in COST_QUESTIONS:
            await pause()
            if key not in s.ids and s.recovered:  # a reconnect while thinking brought the session back elsewhere
                await reach(to_cost, key, "the Cost step")
            before = s.query
            options = list(s.widgets[key].options)
            current = s.sent[key].string_value if key in s.sent else None
            s.set_radio(key, rng.choice([o for o in options if o != current]))
            await s.rerun("answer")
            shown = dict(parse_qsl(before, keep_blank_values=True))
            s.changed_keys.update(k for k, v in parse_qsl(s.query, keep_blank_values=True) if shown.get(k) != v)
            if s.query == before:
                # the answer may equal the profile's: the link then need not change; check the widget
                if key not in s.widgets:
                    raise LoadError(f"{title}: {key} vanished after it was changed")
        await pause()
        await reach(to_costs, "cost_reset", "the Costs step")
        await pause()
        await reach(to_result, "result_tab", "the Result step")
        await pause()
        await reach(open_share, "build_pdf", "the Share and export tab")
        await s.rerun("build_pdf", trigger="build_pdf")
        pdf = s.widgets.get("dl_pdf")
        if pdf is None or not getattr(pdf, "url", ""):
            raise LoadError(f"{title}: no PDF download after Build the PDF summary")
        started = time.perf_counter()
        try:
            body = await asyncio.to_thread(s.get, s.base + pdf.url)
        except OSError as exc:
            if not (reconnect and await s.dropped()):
                raise
            # the replica that built the PDF died, and the file with it: reconnect and build it again
            await s.recover("build_pdf", "build_pdf", time.perf_counter(), exc)
            pdf = s.widgets.get("dl_pdf")
            if pdf is None or not getattr(pdf, "url", ""):
                raise LoadError(f"{title}: no PDF download after reconnecting") from exc
            started = time.perf_counter()
            body = await asyncio.to_thread(s.get, s.base + pdf.url)
        stats.latencies["download_pdf"].append(time.perf_counter() - started)
        if not body.startswith(b"%PDF"):
            raise LoadError(f"{title}: the PDF download is not a PDF ({body[:20]!r})")
        # the URL must still say this visit's title and the answers changed above
        if f"title={title}" not in s.query.split("&"):
            stats.mixed += 1
            raise LoadError(f"{title}: the final URL carries another session's values")


async def user(base: str, uid: int, seed: int, deadline: float, stats: Stats, think, max_visits: int | None, reconnect: bool = False) -> None:
    rng = random.Random(seed * 100_003 + uid)
    n = 0
    while time.monotonic() < deadline and (max_visits is None or n < max_visits):
        title = f"load-{seed}-{uid}-{n}"
        try:
            await visit(base, title, rng, stats, think, reconnect)
            stats.visits += 1
        except (LoadError, OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as exc:
            stats.errors.append(f"{type(exc).__name__}: {exc}"[:300])
        n += 1


class ServerProbe:
    """CPU and RSS of a server process, read from /proc."""

    def __init__(self, pid: int):
        self.pid = pid
        self.tick = os.sysconf("SC_CLK_TCK")
        self.samples: list[tuple[float, float, int]] = []  # (time, cpu seconds, rss bytes)

    def sample(self) -> tuple[float, float, int]:
        stat = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(stat[11]) + int(stat[12])) / self.tick
        rss = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
        point = (time.monotonic(), cpu, rss)
        self.samples.append(point)
        return point

    async def watch(self, stop: asyncio.Event, every: float = 1.0) -> None:
        while not stop.is_set():
            self.sample()
            try:
                await asyncio.wait_for(stop.wait(), every)
            except asyncio.TimeoutError:
                pass


async def run_level(base: str, users: int, duration: float, seed: int, think, pid: int | None, max_visits: int | None = None,
                    stats: Stats | None = None, reconnect: bool = False) -> dict:
    """One level of load. Pass ``stats`` to watch the run from another task; ``reconnect`` makes
    sessions whose connection drops reconnect as a browser does (``Session.recover``)."""
    stats = stats if stats is not None else Stats()
    probe = ServerProbe(pid) if pid else None
    stop = asyncio.Event()
    watcher = None
    if probe:
        start = probe.sample()
        watcher = asyncio.create_task(probe.watch(stop))
    t0 = time.monotonic()
    deadline = t0 + duration
    # stagger the arrivals over the first think interval, as real users do not all click at once
    async def staggered(uid: int):
        await asyncio.sleep(random.Random(seed + uid).uniform(0, think[1]))
        await user(base, uid, seed, deadline, stats, think, max_visits, reconnect)

    await asyncio.gather(*(staggered(u) for u in range(users)))
    elapsed = time.monotonic() - t0
    row: dict = {"users": users, "seconds": round(elapsed, 1), "visits": stats.visits, "errors": len(stats.errors), "mixed_sessions": stats.mixed}
    runs = stats.all_reruns()
    row["reruns"] = len(runs)
    row["reruns_per_s"] = round(len(runs) / elapsed, 2) if elapsed else None
    for q in (50, 95, 99):
        v = pct(runs, q)
        row[f"p{q}_ms"] = round(v * 1000, 1) if v is not None else None
    row["per_step"] = {
        s: {f"p{q}_ms": (round(pct(v, q) * 1000, 1) if v else None) for q in (50, 95, 99)} | {"n": len(v)}
        for s, v in stats.latencies.items()
    }
    row["error_samples"] = stats.errors[:5]
    if reconnect:
        row["recoveries"] = len(stats.recoveries)
    if probe:
        stop.set()
        await watcher
        end = probe.sample()
        row["server_cpu_pct"] = round(100 * (end[1] - start[1]) / (end[0] - start[0]), 1)
        row["rss_start_mb"] = round(start[2] / 2**20, 1)
        row["rss_peak_mb"] = round(max(s[2] for s in probe.samples) / 2**20, 1)
        row["rss_end_mb"] = round(end[2] / 2**20, 1)
    return row


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int | None = None, script: str = "app.py", log: Path | None = None, extra: list[str] | None = None, timeout: float = 90) -> tuple[subprocess.Popen, str]:
    """Start one Streamlit server on loopback and wait for its health endpoint."""
    port = port or free_port()
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true", *(extra or [])],
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_healthy(proc, base, timeout, "streamlit", log)
    return proc, base


def wait_healthy(proc: subprocess.Popen, base: str, timeout: float, what: str, log: Path | None = None) -> None:
    """Wait until ``base`` answers ``/_stcore/health`` with 200 (through a proxy too); kill ``proc``
    and raise if it exits or the deadline passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}" + (f"; see {log}" if log else ""))
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            try:  # wait for the server to exit (a failure) for at most 0.3 s, then ask its health again
                proc.wait(timeout=0.3)
            except subprocess.TimeoutExpired:
                pass
    proc.kill()
    raise RuntimeError(f"{what} did not answer {base}/_stcore/health within {timeout} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


async def settle_rss(probe: ServerProbe, seconds: float) -> float:
    """RSS in MB after the sessions have closed and the server has had `seconds` to drop them."""
    await asyncio.sleep(seconds)
    return round(probe.sample()[2] / 2**20, 1)


async def hello_rerun_ms(base: str, runs: int = 20) -> float:
    """Median rerun of the hello-world app over the same protocol: the same-run baseline. One
    untimed session runs first: the app's TCP_NODELAY setting (app_pages/tcp.py) takes effect from
    its first run on, so a process's first connection keeps Nagle's algorithm, and the measured
    server, warmed by the untimed visit in ``main``, serves every timed session without it."""
    async with Session(base, "hello-warmup", Stats()) as s:
        await s.rerun("open")
    stats = Stats()
    async with Session(base, "hello", stats) as s:
        for _ in range(runs):
            await s.rerun("open")
    return round(statistics.median(stats.latencies["open"]) * 1000, 1)


def capacity(rows: list[dict]) -> tuple[int | None, float | None]:
    """The first user count whose p95 passes 2x the single-session p95 (None if none did)."""
    alone = next((r for r in rows if r["users"] == 1), None)
    if not alone or not alone["p95_ms"]:
        return None, None
    limit = 2 * alone["p95_ms"]
    for r in sorted(rows, key=lambda r: r["users"]):
        if r["users"] > 1 and r["p95_ms"] and r["p95_ms"] > limit:
            return r["users"], limit
    return None, limit


START, END = "<!-- load:start -->", "<!-- load:end -->"


def results_section(rows: list[dict], hello_ms: float | None, args, soak: list[dict] | None = None) -> str:
    from datetime import datetime, timezone

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cap, limit = capacity(rows)
    lines = [
        START,
        "## Load at the server (protocol generator, `python -m bench.load`)",
        "",
        f"Measured {stamp}, one server process, loopback, {os.cpu_count()} cores; {args.duration:.0f} s per level, "
        f"think time {args.think} s (seed {args.seed}). Each visit opens a share link, changes three answers, "
        "visits Costs and Result, builds the PDF and downloads it. Latency runs from the `BackMsg` to "
        "`script_finished`; the PDF download is a plain HTTP GET and is not counted among the reruns. "
        "One untimed visit warms the server first. A level ends when its users finish the visit under way "
        "at the deadline, so a saturated level runs longer than its nominal time.",
        "",
    ]
    if hello_ms is not None:
        lines += [f"Same-run baseline: a hello-world app's rerun over the same protocol, median of 20: {hello_ms} ms.", ""]
    lines += [
        "| users | visits | reruns/s | p50 ms | p95 ms | p99 ms | errors | mixed sessions | server CPU | RSS start → peak → 5 s after close (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        rss = f"{r.get('rss_start_mb')} → {r.get('rss_peak_mb')} → {r.get('rss_after_close_mb')}" if "rss_start_mb" in r else "—"
        cpu = f"{r['server_cpu_pct']} %" if "server_cpu_pct" in r else "—"
        lines.append(f"| {r['users']} | {r['visits']} | {r['reruns_per_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['errors']} | {r['mixed_sessions']} | {cpu} | {rss} |")
    last = rows[-1] if rows else {}
    if "rss_after_ttl_mb" in last:
        lines += ["", f"RSS {args.settle:.0f} s after the last sessions closed (past Streamlit's 120 s session TTL): "
                  f"{last['rss_after_ttl_mb']} MB, against {rows[0].get('rss_start_mb')} MB when the first level started."]
    lines.append("")
    if limit is None:
        lines.append("Capacity: not found (no single-session level was run).")
    elif cap is None:
        lines.append(f"Capacity: above {max(r['users'] for r in rows)} users; no level's p95 passed 2× the single session ({limit:.1f} ms).")
    else:
        lines.append(f"**Capacity: {cap} users**, the first level whose p95 passed 2× the single session ({limit:.1f} ms).")
    if soak:
        lines += ["", f"Memory over repeated rounds: {len(soak)} rounds of {soak[0]['users']} users for {args.duration:.0f} s each, "
                  f"each followed by {args.settle or 140:.0f} s with no session (past the 120 s session TTL). Every round replays the "
                  "same seeded visits, so the app's bounded caches (assessments, charts) fill in the first round; RSS that still "
                  "grows round after round would be memory kept per session.", "",
                  "| round | visits | errors | mixed | RSS at start (MB) | peak (MB) | after the TTL (MB) |", "|---|---|---|---|---|---|---|"]
        lines += [f"| {x['round']} | {x['visits']} | {x['errors']} | {x['mixed_sessions']} | {x['rss_start_mb']} | {x['rss_peak_mb']} | {x['rss_after_ttl_mb']} |" for x in soak]
    alone = next((r for r in rows if r["users"] == 1), None)
    if alone:
        lines += ["", "Per step, one session alone (p50 / p95 ms): " + "; ".join(
            f"{k} {v['p50_ms']} / {v['p95_ms']}" for k, v in alone["per_step"].items() if v["n"])]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_results(section: str, path: Path = ROOT / "bench" / "RESULTS.md", markers: tuple[str, str] = (START, END)) -> None:
    """Put ``section`` between its markers in RESULTS.md, keeping the rest; append it if absent."""
    start, end = markers
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section.rstrip("\n") + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="a running server; without it the generator starts one on a free loopback port")
    p.add_argument("--pid", type=int, help="the running server's PID, for CPU and RSS")
    p.add_argument("--users", default="1,25,50,100", help="comma-separated user counts, run one after another")
    p.add_argument("--duration", type=float, default=60, help="seconds per level")
    p.add_argument("--think", default="2,5", help="think time range in seconds")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-visits", type=int, default=None, help="stop each user after this many visits")
    p.add_argument("--json", type=Path, help="write the rows here")
    p.add_argument("--settle", type=float, default=0, help="after the last level, wait this many seconds (past the session TTL) and read RSS again")
    p.add_argument("--results", action="store_true", help="write the table into bench/RESULTS.md, with a hello-world baseline from the same run")
    p.add_argument("--soak-rounds", type=int, default=0, help="after the levels, run this many rounds of --soak-users users, each followed by --settle seconds, and read RSS after each: a leak per session grows round after round")
    p.add_argument("--soak-users", type=int, default=25)
    args = p.parse_args(argv)
    try:
        levels = [int(x) for x in args.users.split(",")]
        lo, hi = (float(x) for x in args.think.split(","))
    except ValueError:
        print("--users takes integers such as 1,25,50 and --think two numbers such as 2,5", file=sys.stderr)
        return 2
    proc = None
    base, pid = args.url, args.pid
    if not base:
        proc, base = start_server()
        pid = proc.pid
    rows: list[dict] = []
    soak: list[dict] = []
    hello_ms = None
    try:
        if args.results:
            hproc, hbase = start_server(script="bench/hello.py")
            try:
                hello_ms = asyncio.run(hello_rerun_ms(hbase))
            finally:
                stop_server(hproc)
        if levels:
            # one untimed visit first, so that the first level does not carry the server's cold start
            asyncio.run(visit(base, f"warmup-{args.seed}", random.Random(args.seed), Stats(), (0.0, 0.0)))
        for n in levels:
            row = asyncio.run(run_level(base, n, args.duration, args.seed, (lo, hi), pid, args.max_visits))
            if pid:
                row["rss_after_close_mb"] = asyncio.run(settle_rss(ServerProbe(pid), 5))
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "per_step"}), flush=True)
        if pid and args.settle and rows:
            # closed sessions linger for server.disconnectedSessionTTL (120 s by default); after it,
            # RSS should come back near where the first level started, or something leaks per session
            rows[-1]["rss_after_ttl_mb"] = asyncio.run(settle_rss(ServerProbe(pid), args.settle))
        for r in range(args.soak_rounds if pid else 0):
            # the same seed every round: the same answer sets, so the app's bounded caches fill in the
            # first round, and RSS that still grows after it is memory kept per session
            row = asyncio.run(run_level(base, args.soak_users, args.duration, args.seed + 1000, (lo, hi), pid, args.max_visits))
            soak.append({"round": r + 1, "users": args.soak_users, "visits": row["visits"], "errors": row["errors"], "mixed_sessions": row["mixed_sessions"],
                         "rss_start_mb": row["rss_start_mb"], "rss_peak_mb": row["rss_peak_mb"], "rss_after_ttl_mb": asyncio.run(settle_rss(ServerProbe(pid), args.settle or 140))})
            print(json.dumps(soak[-1]), flush=True)
    finally:
        if proc:
            stop_server(proc)
    if args.json:
        args.json.write_text(json.dumps({"levels": rows, "soak": soak} if soak else rows, indent=2))
    if args.results:
        section = results_section(rows, hello_ms, args, soak)
        write_results(section)
        print(section)
    return 1 if any(r["errors"] or r["mixed_sessions"] for r in rows + soak) else 0


if __name__ == "__main__":
    sys.exit(main())
