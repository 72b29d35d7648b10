"""Several Streamlit replicas of the app behind nginx, and what happens when one of them dies (issue 13).

The app keeps each assessment in the page's URL, so it scales out by adding replicas behind a proxy
that keeps each user on one replica (the WebSocket and the downloads must reach the server that
holds the session). This module starts N replicas on free loopback ports with
``bench.load.start_server`` (each waited for on its ``/_stcore/health``), renders
``deploy/nginx.conf.template`` for them into a scratch directory, runs Debian's nginx from that
directory, and stops everything it started on exit, Ctrl-C or SIGTERM.

    python -m bench.replicas                         # 2 replicas behind http://127.0.0.1:8080 (make serve)
    python -m bench.replicas --replicas 3 --port 9000
    python -m bench.replicas --kill-test [--results] # load through nginx, SIGKILL one replica a third in

The kill test runs the protocol load generator (``bench.load``) through nginx with reconnection on:
a session whose replica dies reconnects, as a browser does, and reruns with the URL it shows; nginx
sends it to a replica that is up, and the new server session rebuilds everything from the URL.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import grp
import hashlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from bench.load import ROOT, Stats, free_port, run_level, start_server, stop_server, visit, wait_healthy, write_results

TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
NGINX = "/usr/sbin/nginx"
# What the app needs in Chromium, and nothing more (tests/browser/test_replicas_browser.py fails on
# any violation): Streamlit's bundle runs from its own origin, and its protobuf decoder compiles
# WebAssembly; its components style themselves inline; images and fonts come from the origin or
# data:/blob: URLs (the page icon is the app's own PNG, app_pages/icon.png: a Material Symbols icon
# would be fetched from fonts.gstatic.com); the WebSocket is same-origin ('self' covers ws: and wss:
# on the page's host).
# Inline scripts are allowed by hash only (see inline_script_hashes).
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


def inline_script_hashes() -> list[str]:
    """A 'sha256-...' source for each inline script the app runs: the one in Streamlit's own
    index.html, and the app's scroll-to-top snippet (one text per step), which runs in a srcdoc
    iframe and so falls under the page's policy. Computed from the installed files, so an upgrade
    of Streamlit or a change to the snippet keeps its hash right."""
    import streamlit

    from app_pages.link_guard import RECHECK_HTML
    from app_pages.ui import SCROLL_JS, STEPS

    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    texts = inline.findall(index) + [t for step in STEPS for t in inline.findall(SCROLL_JS.format(nonce=step))]
    texts += inline.findall(RECHECK_HTML)  # the first visits' check for a link Streamlit dropped (app_pages/link_guard.py)
    return sorted({f"'sha256-{base64.b64encode(hashlib.sha256(t.encode()).digest()).decode()}'" for t in texts})


def security_headers() -> dict[str, str]:
    """The headers nginx adds to every response (Streamlit sets none of them itself)."""
    return {
        "Content-Security-Policy": CSP.format(hashes=" ".join(inline_script_hashes())),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "SAMEORIGIN",
        "Referrer-Policy": "same-origin",
    }


KILL_RESULTS = ROOT / "test-artifacts" / "replica-kill.json"
START, END = "<!-- replicas:start -->", "<!-- replicas:end -->"


def render(listen: str, upstreams: list[str], directory: Path, template: Path = TEMPLATE) -> str:
    """The nginx configuration for these replica addresses, with every path under ``directory``."""
    user = ""
    if os.geteuid() == 0:  # workers drop root; Debian's unprivileged account
        group = "nogroup" if _group_exists("nogroup") else "nobody"
        user = f"user nobody {group};"
    values = {
        "user": user,
        "dir": str(directory),
        "listen": listen,
        "servers": "\n".join(f"        server {u} max_fails=1 fail_timeout=10s;" for u in upstreams),
        "csp": security_headers()["Content-Security-Policy"],
    }
    text = template.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{ %s }}" % name, value)
    if "{{" in text:
        raise ValueError(f"{template}: a placeholder was left unfilled near {text[text.index('{{'):][:40]!r}")
    return text


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


@dataclass
class Stack:
    url: str  # nginx's base URL, no trailing slash
    replicas: list[tuple[subprocess.Popen, str]]  # (process, base URL) of each replica
    nginx: subprocess.Popen
    dir: Path

    @property
    def access_log(self) -> Path:
        return self.dir / "access.log"

    def upstream(self, base: str) -> str:
        """A replica's address as nginx's $upstream_addr names it."""
        return base.split("://", 1)[1]

    def process(self, upstream: str) -> subprocess.Popen:
        return next(p for p, base in self.replicas if self.upstream(base) == upstream)

    def requests(self) -> list[dict]:
        """nginx's access log, one dict a request; ``served_by`` is the replica that answered (the
        last one tried)."""
        rows = []
        if self.access_log.exists():
            for line in self.access_log.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                row["served_by"] = row["upstream"].split(", ")[-1] if row["upstream"] else ""
                rows.append(row)
        return rows


def _stop_all(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        stop_server(proc)


@contextmanager
def running(replicas: int = 2, port: int | None = None, host: str = "127.0.0.1", directory: Path | None = None, timeout: float = 90) -> Iterator[Stack]:
    """N replicas behind nginx on ``host:port`` (a free loopback port by default); stops them all on
    exit. Logs and nginx's files go to ``directory``, or to a scratch directory removed on exit."""
    scratch = directory is None
    directory = Path(directory or tempfile.mkdtemp(prefix="grid-nginx-"))
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)  # nginx's workers run as nobody when started as root: they need its temp dirs
    for old in ("access.log", "error.log"):  # a reused directory starts with empty logs
        (directory / old).unlink(missing_ok=True)
    started: list[subprocess.Popen] = []
    try:
        # start the replicas side by side; start_server waits for each one's /_stcore/health
        with ThreadPoolExecutor(replicas) as pool:
            futures = [pool.submit(start_server, log=directory / f"replica-{i + 1}.log", timeout=timeout) for i in range(replicas)]
            outcomes = []
            for f in futures:
                try:
                    outcomes.append(f.result())
                except Exception as e:  # stop the others below, then report the first failure
                    outcomes.append(e)
        started += [o[0] for o in outcomes if isinstance(o, tuple)]
        failed = [o for o in outcomes if not isinstance(o, tuple)]
        if failed:
            raise failed[0]
        bases = [base for _, base in outcomes]
        port = port or free_port()
        conf = directory / "nginx.conf"
        conf.write_text(render(f"{host}:{port}", [base.split("://", 1)[1] for base in bases], directory), encoding="utf-8")
        nginx = subprocess.Popen(
            [NGINX, "-p", str(directory), "-c", str(conf), "-g", "daemon off;"],
            stdout=open(directory / "nginx.out", "w"),
            stderr=subprocess.STDOUT,
        )
        started.append(nginx)
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"
        wait_healthy(nginx, url, timeout, what="nginx", log=directory / "error.log")
        yield Stack(url=url, replicas=list(zip(started[:replicas], bases)), nginx=nginx, dir=directory)
    finally:
        _stop_all(started[::-1])  # nginx first, then the replicas
        if scratch:
            shutil.rmtree(directory, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The kill test: load through nginx, one replica killed a third of the way in


def live_per_replica(stack: Stack, stats: Stats) -> Counter:
    """How many of the generator's open sessions each replica holds, from the replica nginx chose
    for each session's first request (its page load, which set the affinity cookie)."""
    first = {r["affinity"]: r["served_by"] for r in stack.requests() if r["uri"] == "/" and r["served_by"]}
    return Counter(first[a] for a in stats.live.values() if a in first)


async def kill_run(stack: Stack, users: int = 10, duration: float = 40.0, seed: int = 13, think: tuple[float, float] = (1.0, 3.0), max_visits: int | None = None) -> dict:
    """Run the protocol load generator through nginx with reconnection on; once a third of
    ``duration`` has passed and every replica holds open sessions, SIGKILL the replica holding the
    most. Returns the figures and the evidence (see ``summarise``)."""
    # one untimed visit straight to each replica, so that no replica's cold start is measured
    await asyncio.gather(*(visit(base, f"warmup-{seed}-{i}", random.Random(seed + i), Stats(), (0.0, 0.0)) for i, (_, base) in enumerate(stack.replicas)))
    stats = Stats()
    t0 = time.monotonic()

    async def killer() -> dict:
        deadline = t0 + duration
        while True:  # poll the condition: a third of the way in, with every replica holding sessions
            live = live_per_replica(stack, stats)
            if time.monotonic() - t0 >= duration / 3 and len(live) == len(stack.replicas):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"no moment in the run when every replica held an open session: {dict(live)}")
            await asyncio.sleep(0.1)
        victim = max(live, key=live.get)
        at = time.time()
        os.kill(stack.process(victim).pid, signal.SIGKILL)
        return {"replica": victim, "at_s": round(time.monotonic() - t0, 1), "wall": at, "live_sessions": dict(live)}

    row, kill = await asyncio.gather(
        run_level(stack.url, users, duration, seed, think, pid=None, max_visits=max_visits, stats=stats, reconnect=True),
        killer(),
    )
    return await summarise(stack, row, kill, stats, users=users, duration=duration, seed=seed, think=think)


async def summarise(stack: Stack, row: dict, kill: dict, stats: Stats, **run) -> dict:
    victim = kill["replica"]
    survivors = [stack.upstream(b) for _, b in stack.replicas if stack.upstream(b) != victim]
    streams = "/_stcore/stream"

    def evidence(rows: list[dict]) -> tuple[set, set]:
        # the WebSockets open on the victim when it died: logged when cut, at or after the kill
        cut = {r["affinity"] for r in rows if r["uri"] == streams and r["served_by"] == victim and r["msec"] >= kill["wall"]}
        # their sessions' WebSockets opened afterwards, served by a survivor
        moved = {r["affinity"] for r in rows if r["uri"] == streams and r["served_by"] in survivors and r["msec"] > kill["wall"]}
        return cut, moved

    # a session's last WebSocket is logged when it closes, a moment after the client's close returns
    deadline = time.monotonic() + 10
    while True:
        rows = stack.requests()
        cut, moved = evidence(rows)
        if cut <= moved or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    recovered = {r["affinity"] for r in stats.recoveries}
    seconds = sorted(r["seconds"] for r in stats.recoveries)
    since_kill = [r["recovered_wall"] - kill["wall"] for r in stats.recoveries]
    before = Counter(r["served_by"] for r in rows if r["uri"] == "/" and r["msec"] < kill["wall"] and r["served_by"])
    served = Counter(r["served_by"] for r in rows if r["served_by"])
    name = {stack.upstream(b): f"replica {i + 1} ({stack.upstream(b)})" for i, (_, b) in enumerate(stack.replicas)}  # in start order
    return {
        "users": run["users"],
        "replicas": len(stack.replicas),
        "duration_s": run["duration"],
        "think_s": list(run["think"]),
        "seed": run["seed"],
        "seconds": row["seconds"],
        "visits": row["visits"],
        "errors": row["errors"],
        "error_samples": row["error_samples"],
        "mixed_sessions": row["mixed_sessions"],
        "pdf_downloads": row["per_step"]["download_pdf"]["n"],
        "rerun_p50_ms": row["p50_ms"],
        "rerun_p95_ms": row["p95_ms"],
        "killed": name[victim],
        "killed_at_s": kill["at_s"],
        "open_sessions_at_kill": {name[k]: kill["live_sessions"].get(k, 0) for k in name},
        "sessions_before_kill": {name[k]: before.get(k, 0) for k in name},
        "requests_per_replica": {name[k]: served.get(k, 0) for k in name},
        "sessions_cut": len(cut),
        "cut_and_recovered": len(cut & recovered),
        "cut_and_moved_to_survivor": len(cut & moved),
        "cut_not_recovered": sorted(cut - recovered),
        "recoveries": len(stats.recoveries),
        "recovery_p50_s": round(statistics.median(seconds), 3) if seconds else None,
        "recovery_max_s": round(max(seconds), 3) if seconds else None,
        "kill_to_last_recovery_s": round(max(since_kill), 3) if since_kill else None,
        "answers_lost": sum(len(r["lost"]) for r in stats.recoveries),
        "answers_kept": sum(len(r["kept"]) for r in stats.recoveries),
        "recovery_detail": stats.recoveries,
    }


def kill_test(replicas: int = 2, users: int = 10, duration: float = 40.0, seed: int = 13, think: tuple[float, float] = (1.0, 3.0), max_visits: int | None = None, directory: Path | None = None) -> dict:
    with running(replicas, directory=directory) as stack:
        result = asyncio.run(kill_run(stack, users, duration, seed, think, max_visits))
    save(result)
    return result


def save(result: dict, path: Path = KILL_RESULTS) -> None:
    """Keep the kill test's figures and evidence as an artifact (test-artifacts/replica-kill.json)."""
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")


def results_section(r: dict) -> str:
    from datetime import datetime, timezone

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    think = "–".join(f"{x:g}" for x in r["think_s"])

    def per_replica(figures: dict) -> str:  # "replica 1: 5, replica 2: 7" (the ports are in the JSON)
        return ", ".join(f"{k.split(' (')[0]}: {v}" for k, v in figures.items())

    lines = [
        START,
        "## Losing a replica behind nginx (`python -m bench.replicas --kill-test`)",
        "",
        f"Measured {stamp}, {r['replicas']} replicas behind Debian's nginx (`deploy/nginx.conf.template`, "
        f"cookie-hash affinity, passive health checks), loopback, {os.cpu_count()} cores. {r['users']} protocol users "
        f"for {r['duration_s']:g} s (think time {think} s, seed {r['seed']}) through nginx; {r['killed_at_s']} s in, the "
        f"replica holding the most open sessions got SIGKILL. A session whose WebSocket dropped reconnected through "
        "nginx and reran with the URL it held, as a browser does. Recovery runs from the client seeing the drop to "
        "the first `script_finished` on the survivor.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| users / replicas | {r['users']} / {r['replicas']} |",
        f"| visits completed / PDFs downloaded through nginx | {r['visits']} / {r['pdf_downloads']} |",
        f"| replica killed, and when | {r['killed'].split(' (')[0]}, {r['killed_at_s']} s in |",
        f"| sessions started before the kill, per replica | {per_replica(r['sessions_before_kill'])} |",
        f"| open sessions at the kill, per replica | {per_replica(r['open_sessions_at_kill'])} |",
        f"| WebSockets cut by the kill / recovered / now on the survivor | {r['sessions_cut']} / {r['cut_and_recovered']} / {r['cut_and_moved_to_survivor']} |",
        f"| recovery p50 / max | {_s(r['recovery_p50_s'])} / {_s(r['recovery_max_s'])} |",
        f"| kill to the last session recovered | {_s(r['kill_to_last_recovery_s'])} |",
        f"| answers checked after recovery: kept / lost | {r['answers_kept']} / {r['answers_lost']} |",
        f"| errors / mixed sessions | {r['errors']} / {r['mixed_sessions']} |",
        f"| rerun p50 / p95 over the whole run | {r['rerun_p50_ms']} ms / {r['rerun_p95_ms']} ms |",
        f"| requests served per replica over the run (HTTP and WebSocket, from nginx's log) | {per_replica(r['requests_per_replica'])} |",
        END,
    ]
    return "\n".join(lines) + "\n"


def _s(x: float | None) -> str:
    return "—" if x is None else f"{x * 1000:.0f} ms"


def serve(replicas: int, port: int, host: str) -> int:
    with running(replicas, port=port, host=host) as stack:
        print(f"{replicas} replicas behind nginx on http://{host}:{port}  (scratch dir {stack.dir}; Ctrl-C stops all)", flush=True)
        for proc, base in stack.replicas:
            print(f"  replica pid {proc.pid} on {base}", flush=True)
        # until Ctrl-C or SIGTERM, or nginx exits, or whatever started us is gone: `make serve` that
        # receives SIGTERM dies without passing it on, and the replicas must not outlive it
        parent = os.getppid()
        while True:
            try:
                return stack.nginx.wait(timeout=1)
            except subprocess.TimeoutExpired:
                if os.getppid() != parent:
                    print("the process that started this one is gone; stopping", flush=True)
                    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.replicas", description=__doc__.split("\n\n")[0])
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--port", type=int, default=8080, help="nginx's port (serve mode)")
    p.add_argument("--host", default="127.0.0.1", help="nginx's address (serve mode)")
    p.add_argument("--kill-test", action="store_true", help="run the load generator through nginx and SIGKILL one replica a third in")
    p.add_argument("--users", type=int, default=10)
    p.add_argument("--duration", type=float, default=40)
    p.add_argument("--think", default="1,3")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--results", action="store_true", help="write the kill test's figures into bench/RESULTS.md")
    args = p.parse_args(argv)
    # Ctrl-C and SIGTERM unwind the stack, so that every process started here is stopped (SIGINT is
    # set explicitly: a shell starts background jobs with it ignored)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not (os.access(NGINX, os.X_OK)):
        print(f"nginx not found at {NGINX}: run `bash scripts/system-deps --with-nginx` (as root) or `apt-get install nginx`", file=sys.stderr)
        return 2
    if not args.kill_test:
        try:
            return serve(args.replicas, args.port, args.host)
        except KeyboardInterrupt:
            return 130
    lo, hi = (float(x) for x in args.think.split(","))
    result = kill_test(args.replicas, args.users, args.duration, args.seed, (lo, hi))
    print(json.dumps({k: v for k, v in result.items() if k != "recovery_detail"}, indent=2))
    if args.results:
        section = results_section(result)
        write_results(section, markers=(START, END))
        print(section)
    ok = result["errors"] == 0 and result["mixed_sessions"] == 0 and not result["cut_not_recovered"] and result["answers_lost"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
