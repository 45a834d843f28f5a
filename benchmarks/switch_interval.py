"""What the interpreter's switch interval costs a thread of SQLite statements beside a busy
event loop (`verbs.tune_for_serving`).

    .venv/bin/python -m benchmarks.switch_interval [--statements 30] [--rounds 20]

The main thread stands for the event loop answering reads (pure Python, never letting go
of the interpreter); a second thread runs a write's worth of SQLite statements, and the
driver lets go of the interpreter around each one. Prints the writer's wall time per
round at the default interval and at the service's, beside the same statements with the
main thread idle (the lower bound). Figures only: no thresholds.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from pactwatch.verbs.service import SWITCH_INTERVAL


def write(db: Path, statements: int) -> float:
    """Wall ms of one transaction of `statements` small writes, on a connection of its own."""
    connection = sqlite3.connect(db, isolation_level=None)
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    for i in range(statements):
        connection.execute("INSERT OR REPLACE INTO t VALUES (?, ?)", (i % 50, "x" * 200))
    connection.execute("COMMIT")
    took = (time.perf_counter() - started) * 1000
    connection.close()
    return took


def busy_until(done: threading.Event) -> None:
    total = 0
    while not done.is_set():
        for i in range(2_000):
            total += i * i


def rounds(db: Path, statements: int, n: int, interval: float | None) -> list[float]:
    """Writer times for `n` rounds; `interval` None: the main thread stays idle."""
    times: list[float] = []
    for _ in range(n):
        done = threading.Event()
        out: list[float] = []

        def writer(done: threading.Event = done, out: list[float] = out) -> None:
            out.append(write(db, statements))
            done.set()

        thread = threading.Thread(target=writer)
        if interval is not None:
            sys.setswitchinterval(interval)
        thread.start()
        if interval is None:
            done.wait()
        else:
            busy_until(done)
        thread.join()
        times += out
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--statements", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    default = sys.getswitchinterval()
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "switch.db"
        with sqlite3.connect(db) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        cases = [
            ("main thread idle (lower bound)", None),
            (f"busy loop, default {default * 1000:g} ms", default),
            (f"busy loop, service's {SWITCH_INTERVAL * 1000:g} ms", SWITCH_INTERVAL),
        ]
        print(f"{options.statements} statements per write, {options.rounds} rounds")
        print(f"{'writer beside':40} {'p50 ms':>8} {'max ms':>8}")
        for label, interval in cases:
            times = rounds(db, options.statements, options.rounds, interval)
            print(f"{label:40} {statistics.median(times):8.1f} {max(times):8.1f}")
        sys.setswitchinterval(default)


if __name__ == "__main__":
    main()
