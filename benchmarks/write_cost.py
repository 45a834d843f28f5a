"""What one curator's edit of one provision costs, beside a lower bound and the old path.

For each backend and each agreement size (2,000 and 20,000 provisions per agreement by
default, two such agreements in the registry, `serve_load.synthetic_registry`), in one
process:

- `bare UPDATE of the row`: the lower bound, the provision's `record` and `object`
  changed by one UPDATE in one transaction, nothing else kept;
- `edit, text only`: `Registry.save_provision` with a PUT that changes the provision's
  object (what `serve_scaling`'s curators send): its row, FTS row, history, versions;
- `edit, domains move`: a PATCH that moves the provision between domains, so the cube,
  the matrix cells of two domains and the rendered compare answer change too;
- `whole rewrite (old path)`: the same text edit through `write.save_provision`, which
  validates the whole record and rewrites the agreement (the path before edits wrote only
  what they change; fewer repetitions, it is slow).

Each figure is CPU time per edit, the median of --repeat runs of --edits edits; on
PostgreSQL the server's backend CPU (from /proc, 10 ms ticks averaged over the edits) is
shown beside the client's. The edits go through the curator's check (`check_agreement`
over the sources on this machine) as the API's do.

Run: .venv/bin/python -m benchmarks.write_cost [--sizes 2000,20000]
     [--backends sqlite,postgresql] [--pg postgresql://...] (default PACTWATCH_TEST_PG_URL;
     PostgreSQL: works in a schema of its own, dropped after)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

from benchmarks.serve_load import synthetic_registry
from pactwatch.curate.validate import check_agreement
from pactwatch.model import Agreement, Problem
from pactwatch.settings import source_dirs
from pactwatch.sources import SourceLibrary
from pactwatch.store import load_registry, open_engine, write
from pactwatch.store.registry import Registry

SCHEMA = "write_cost_bench"
AGREEMENT = "ua-gb-00"
PROVISION = "p00007"


class ServerClock:
    """CPU time of this engine's PostgreSQL backends, read from /proc (same machine)."""

    def __init__(self, engine: Engine) -> None:
        self.pids: set[int] = set()
        event.listen(engine, "connect", self._connected)

    def _connected(self, dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        self.pids.add(int(cursor.fetchone()[0]))
        cursor.close()

    def seconds(self) -> float:
        total = 0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a connection closed: the pool keeps the one the edits use
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")


def _check(library: SourceLibrary) -> Callable[[Agreement], list[Problem]]:
    return lambda agreement: check_agreement(agreement, "request", library)


def measure(
    work: Callable[[int], object], edits: int, repeat: int, clock: ServerClock | None
) -> tuple[float, float | None]:
    """Median client CPU ms per edit, and the server's (PostgreSQL) over all runs."""
    runs = []
    server_start = clock.seconds() if clock else 0.0
    counter = 0
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(edits):
            work(counter)
            counter += 1
        runs.append((time.process_time() - start) * 1000 / edits)
    server = None if clock is None else (clock.seconds() - server_start) * 1000 / counter
    return statistics.median(runs), server


def row(
    backend: str, size: int, label: str, figures: tuple[float, float | None], floor: float
) -> str:
    client, server = figures
    shown = f"{server:9.2f}" if server is not None else " " * 9
    return f"{backend:10} {size:>7,} {label:28} {client:9.2f} {shown} {client / floor:8.1f}x"


def run(url: str, backend: str, size: int, edits: int, repeat: int, clock_on: bool) -> None:
    engine = open_engine(url)
    load_registry(engine, synthetic_registry(2, 2 * size))
    engine.dispose()
    registry = Registry.open(url)
    clock = ServerClock(registry.engine) if clock_on else None
    registry.engine.dispose()
    check = _check(SourceLibrary(source_dirs()))
    with registry.engine.connect() as connection:
        current = connection.execute(
            text("SELECT record FROM provisions WHERE agreement_id = :a AND id = :p"),
            {"a": AGREEMENT, "p": PROVISION},
        ).scalar_one()
    base = json.loads(current)

    def bare(n: int) -> None:
        changed = {**base, "object": f"bare {n}"}
        with registry.engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE provisions SET record = :r, object = :o "
                    "WHERE agreement_id = :a AND id = :p"
                ),
                {"r": json.dumps(changed), "o": changed["object"], "a": AGREEMENT, "p": PROVISION},
            )

    def text_edit(n: int) -> None:
        body = {**base, "object": f"edited {n}"}
        registry.save_provision(AGREEMENT, body, "bench", check, "*")

    def domains_edit(n: int) -> None:
        domains = ["cyber"] if n % 2 else ["air_defence", "cyber"]
        patch = write.Patch(PROVISION, {"domains": domains, "object": f"moved {n}"})
        registry.save_provision(AGREEMENT, patch, "bench", check, "*")

    def whole(n: int) -> None:
        body = {**base, "object": f"rewritten {n}"}
        with registry._transaction() as connection:
            written = write.save_provision(connection, AGREEMENT, body, "bench", check, "*")
            registry._changed(connection, [AGREEMENT], f"provision:{written.etag}")

    for warm in (bare, text_edit, domains_edit):
        warm(-1)
    floor = measure(bare, edits, repeat, clock)
    print(row(backend, size, "bare UPDATE of the row", floor, floor[0]), flush=True)
    for label, work in (("edit, text only", text_edit), ("edit, domains move", domains_edit)):
        print(row(backend, size, label, measure(work, edits, repeat, clock), floor[0]), flush=True)
    slow = max(1, edits // 10)
    old = measure(whole, slow, 1, clock)
    print(row(backend, size, "whole rewrite (old path)", old, floor[0]), flush=True)
    registry.close()


@contextmanager
def postgresql(url: str) -> Iterator[str]:
    """The server's URL inside a schema of this benchmark's own, dropped afterwards."""
    engine = open_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{SCHEMA}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--pg", default=os.environ.get("PACTWATCH_TEST_PG_URL", ""))
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    print(f"{'backend':10} {'per agr.':>7} {'':28} {'cpu ms':>9} {'server ms':>9} {'x floor':>9}")
    backends = options.backends.split(",")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes if "sqlite" in backends else []:
            db = str(Path(folder) / f"write-{size}.db")
            run(db, "sqlite", size, options.edits, options.repeat, False)
    if options.pg and "postgresql" in backends:
        with postgresql(options.pg) as url:
            for size in sizes:
                run(url, "postgresql", size, options.edits, options.repeat, True)
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
