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
            "< 10 ms",
            worst < 0.010,
        )
    ]


def bench_apptest() -> list[Row]:
    from streamlit.testing.v1 import AppTest

    hello = AppTest.from_file(str(ROOT / "bench" / "hello.py"), default_timeout=60)
    hello.run()
    base = statistics.median(timed(hello.run, 15))

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.selectbox(key="start_profile").set_value("hybrid_router").run()
    at.button(key="use_profile").click().run()
    at.radio(key="step").set_value("result").run()
    options = ["10m_to_100m", "over_100m"]
    state = {"i": 0}

    def rerun_after_one_change() -> None:
        state["i"] += 1
        at.session_state["q_daily_tokens"] = options[state["i"] % 2]
        at.run()

    rerun_after_one_change()
    if at.exception:
        raise SystemExit(f"the app raised during the benchmark: {at.exception}")
    value = statistics.median(timed(rerun_after_one_change, 15))
    ratio = value / base
    return [
        Row(
            "AppTest: rerun of the result page after one answer changes",
            ms(value),
            f"hello-world rerun {ms(base)}",
            ratio,
            "≤ 4×",
            ratio <= 4,
        )
    ]


def table(rows: list[Row]) -> str:
    lines = ["| figure | value | baseline | ratio | goal | met? |", "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
        lines.append(f"| {r.figure} | {r.value} | {r.baseline} | {ratio} | {r.goal} | {'yes' if r.met else 'NO'} |")
    return "\n".join(lines)


def main() -> None:
    rows = bench_scoring() + bench_apptest()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"Measured {stamp} on {platform.machine()}, Python {platform.python_version()}, "
        f"{__import__('os').cpu_count()} cores. Reproduce with `make bench`."
    )
    text = f"{header}\n\n{table(rows)}\n"
    print(text)
    (ROOT / "bench" / "RESULTS.md").write_text("# Benchmark results\n\n" + text, encoding="utf-8")


if __name__ == "__main__":
    main()
