"""Replicas behind nginx that survive losing one (issue 13). Two Streamlit replicas run behind
Debian's nginx (deploy/nginx.conf.template, started by bench/replicas.py). Ten protocol users go
through nginx, and a third of the way in one replica gets SIGKILL. Every session on it must
reconnect to the survivor and rebuild its state from its URL, with no error and no answer lost.
The figures go to test-artifacts/replica-kill.json; `make bench` writes them into bench/RESULTS.md."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from bench import replicas
from tests.conftest import ROOT
from tests.test_load_protocol import run_async

ARTIFACTS = ROOT / "test-artifacts"


def require_nginx() -> None:
    if os.access(replicas.NGINX, os.X_OK):
        return
    message = f"nginx not found at {replicas.NGINX}: install it with `sudo apt-get install nginx` (make test does, as root)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def wait_until(condition, timeout: float = 10.0, what: str = "the condition"):
    """Poll ``condition`` every 50 ms until it returns something true; fail at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)  # the polling interval, not a wait for the outcome
    pytest.fail(f"{what} did not happen within {timeout} s")


@pytest.fixture(scope="module")
def stack():
    require_nginx()
    with replicas.running(2, directory=ARTIFACTS / "replicas") as s:
        yield s


def test_the_rendered_config_passes_nginx_own_check(tmp_path):
    require_nginx()
    conf = tmp_path / "nginx.conf"
    conf.write_text(replicas.render("127.0.0.1:8080", ["127.0.0.1:8501", "127.0.0.1:8502"], tmp_path))
    check = subprocess.run([replicas.NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    text = conf.read_text()
    assert "{{" not in text
    assert "hash $grid_affinity consistent;" in text
    assert text.count("max_fails=1 fail_timeout=10s;") == 2


def get(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as r:
        return r.headers, r.read()


def test_nginx_pins_a_client_to_one_replica_with_its_own_cookie_and_adds_the_security_headers(stack):
    headers, body = get(stack.url + "/")
    assert b"<html" in body.lower()
    for name, value in replicas.security_headers().items():
        assert headers[name] == value, name
    set_cookies = [c for c in headers.get_all("Set-Cookie") if c.startswith("grid_replica=")]
    assert len(set_cookies) == 1
    assert {"Path=/", "HttpOnly", "SameSite=Lax"} <= {part.strip() for part in set_cookies[0].split(";")}
    cookie = set_cookies[0].split(";")[0]
    affinity = cookie.split("=", 1)[1]
    for _ in range(6):  # a client that carries the cookie gets no new one, and the same replica
        headers, body = get(stack.url + "/_stcore/health", cookie)
        assert body == b"ok"
        assert not [c for c in headers.get_all("Set-Cookie") or [] if c.startswith("grid_replica=")]
        assert headers["X-Content-Type-Options"] == "nosniff"
    # nginx writes a request's log line just after its response: poll for all seven
    def logged():
        rows = [r for r in stack.requests() if r["affinity"] == affinity]
        return rows if len(rows) == 7 else None

    mine = wait_until(logged, what="seven access log lines for this client")
    assert len({r["served_by"] for r in mine}) == 1
    # the headers come on errors too
    with pytest.raises(urllib.error.HTTPError) as missing:
        get(stack.url + "/media/no-such-file.pdf", cookie)
    assert missing.value.headers["Content-Security-Policy"] == replicas.security_headers()["Content-Security-Policy"]


def test_losing_a_replica_mid_run_loses_no_session_and_no_answer(stack):
    result = run_async(lambda: replicas.kill_run(stack, users=10, duration=30, seed=13, think=(1.0, 3.0)), timeout=300)
    replicas.save(result)
    assert result["errors"] == 0, result["error_samples"]
    assert result["mixed_sessions"] == 0
    # the users were spread over both replicas before the kill, and the one killed held sessions
    assert len(result["sessions_before_kill"]) == 2 and all(result["sessions_before_kill"].values()), result["sessions_before_kill"]
    assert result["sessions_cut"] >= 1
    # every WebSocket the kill cut came back: reconnected, and through nginx to the survivor
    assert result["cut_not_recovered"] == []
    assert result["cut_and_recovered"] == result["sessions_cut"]
    assert result["cut_and_moved_to_survivor"] == result["sessions_cut"]
    # each rebuilt its state from its URL: its title and every answer it had changed (checked in
    # Session.recover, which counts a lost one as an error). The app writes its state back into
    # the URL on every run, so a survivor that had lost an answer would have rewritten it.
    assert result["answers_lost"] == 0
    assert all(r["lost"] == {} for r in result["recovery_detail"])
    assert result["answers_kept"] >= 1  # the check above had answers to check
    # every visit ended with a real PDF downloaded through nginx (Session.visit checks %PDF)
    assert result["visits"] >= 10 and result["pdf_downloads"] == result["visits"]
    assert result["recovery_max_s"] is not None and result["recovery_max_s"] < 30


def test_serve_stops_every_process_when_whatever_started_it_dies():
    """`make serve` killed with SIGTERM dies without passing the signal on; the starter notices that
    its parent is gone and stops the replicas and nginx, so nothing outlives it."""
    import signal
    import sys

    from bench.load import free_port

    require_nginx()
    port = free_port()
    log = ARTIFACTS / "serve-orphan.log"
    ARTIFACTS.mkdir(exist_ok=True)
    # a parent shell that starts the server in the background and waits, like make does
    parent = subprocess.Popen(
        ["/bin/sh", "-c", f"{sys.executable} -m bench.replicas --replicas 2 --port {port} > {log} 2>&1 & wait"],
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        pids: list[int] = []
        while time.monotonic() < deadline and len(pids) < 2:
            text = log.read_text() if log.exists() else ""
            pids = [int(line.split("pid ")[1].split()[0]) for line in text.splitlines() if "replica pid" in line]
            assert parent.poll() is None, text
            time.sleep(0.2)  # polling the log for the condition, with a deadline
        assert len(pids) == 2, log.read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
            assert r.status == 200
        parent.kill()  # the parent dies without a word to its child
        parent.wait()

        def alive(pid: int) -> bool:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return False
            return open(f"/proc/{pid}/stat").read().split(") ", 1)[1][0] != "Z"

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(alive(p) for p in pids):
            time.sleep(0.2)
        assert not any(alive(p) for p in pids), log.read_text()
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
    finally:
        try:
            os.killpg(parent.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
