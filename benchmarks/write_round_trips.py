"""A PostgreSQL edit's wall time on a busy interpreter: one pipeline against a round trip
per statement.

    PACTWATCH_TEST_PG_URL=postgresql://... .venv/bin/python -m benchmarks.write_round_trips
        [--edits 100] [--busy 0,2] [--rounds 3]

The service's writer is one thread holding its connection (`api/writer.py`), beside the
event loop and the held readers in the same interpreter. Each time the edit waits for the
server, the thread gives up the interpreter, and when the answer comes it waits again for
the interpreter (up to the switch interval, 5 ms, while another thread runs Python) and
for a core. So the edit's wall time grows with its round trips. Here one thread holding its
connection (`Registry.holding`) edits one provision of a synthetic registry (the curators'
PUT of `serve_scaling`, through `Registry.save_provision` and the curator's check) while
`--busy` other threads run Python without pause, with the edit's statements in one
pipeline (`store/pipeline.py`: three round trips) and, alternately, with the pipeline
turned off (each statement its own round trip: six). Figures: p50 and p99 wall ms per edit
over all rounds; "x plain" divides the pipeline's p50 by the plain path's.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, text

from benchmarks.serve_load import provision_record, synthetic_registry
from pactwatch.curate.validate import check_agreement
from pactwatch.model import Agreement, Problem
from pactwatch.settings import source_dirs
from pactwatch.sources import SourceLibrary
from pactwatch.store import load_registry, open_engine
from pactwatch.store import registry as registry_module
from pactwatch.store.registry import Registry

SCHEMA = "write_round_trips_bench"


@contextlib.contextmanager
def _plain(connection: Connection) -> Iterator[Connection]:
    yield connection


def _busy(stop: threading.Event) -> None:
    while not stop.is_set():
        sum(range(2000))


def _edits(registry: Registry, agreement_id: str, base: dict[str, Any], edits: int) -> list[float]:
    library = SourceLibrary(source_dirs())

    def check(agreement: Agreement) -> list[Problem]:
        return check_agreement(agreement, "request", library)

    took: list[float] = []
    with registry.engine.connect() as connection, registry.holding(connection):
        for n in range(edits):
            body = {**base, "object": f"bench {time.monotonic_ns()} {n}"}
            started = time.perf_counter()
            registry.save_provision(agreement_id, body, "bench", check, "*")
            took.append((time.perf_counter() - started) * 1000)
    return took


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--busy", default="0,2")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    url = os.environ.get("PACTWATCH_TEST_PG_URL", "")
    if not url:
        raise SystemExit("set PACTWATCH_TEST_PG_URL to a PostgreSQL server")
    url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{SCHEMA}"
    engine = open_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    agreements = synthetic_registry(50, 10000)
    load_registry(engine, agreements)
    engine.dispose()
    registry = Registry.open(url)
    agreement_id = agreements[0].id
    base = provision_record(registry.engine, agreement_id)
    names = vars(registry_module)  # the name `Registry` looks `pipelined` up by
    pipelined = names["pipelined"]
    figures: dict[tuple[int, bool], list[float]] = {}
    try:
        _edits(registry, agreement_id, base, 10)  # warm: psycopg prepares its statements
        for _ in range(options.rounds):
            for busy in (int(b) for b in options.busy.split(",")):
                for pipeline in (True, False):
                    names["pipelined"] = pipelined if pipeline else _plain
                    stop = threading.Event()
                    threads = [threading.Thread(target=_busy, args=(stop,)) for _ in range(busy)]
                    for thread in threads:
                        thread.start()
                    try:
                        took = _edits(registry, agreement_id, base, options.edits)
                    finally:
                        stop.set()
                        for thread in threads:
                            thread.join()
                    figures.setdefault((busy, pipeline), []).extend(took)
    finally:
        names["pipelined"] = pipelined
        with registry.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        registry.close()
    print(f"{'busy threads':>12} {'statements':22} {'p50 ms':>8} {'p99 ms':>8} {'x plain':>8}")
    for busy in (int(b) for b in options.busy.split(",")):
        plain = _pct(figures[(busy, False)], 0.5)
        for pipeline in (True, False):
            values = figures[(busy, pipeline)]
            label = "one pipeline" if pipeline else "one round trip each"
            print(
                f"{busy:>12} {label:22} {_pct(values, 0.5):8.2f} {_pct(values, 0.99):8.2f} "
                f"{_pct(values, 0.5) / plain:8.2f}"
            )
    print(f"Load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")


if __name__ == "__main__":
    main()
