"""How fast does `load` build the registry, against a lower bound in the same run?

For each size, builds the synthetic registry of `serve_load` (50 agreements, as
`serve_scaling` loads them) and, per backend:

- `load`: `pactwatch.store.load_registry`, the whole load (schema, rows, indexes, summary
  cube and matrix, FTS5 on SQLite, the generation) in one transaction;
- `floor`: the same rows (`agreement_rows`, made before the clock starts) inserted into
  tables with the same columns and no key, index, constraint or FTS: sqlite3's
  `executemany`, or PostgreSQL's `COPY`, in one transaction. The least work any loader
  of these rows must do on that database;
- `floor + rows`: the floor plus making the rows from the records, the part of the load
  that is Python.

Prints seconds, provisions per second, the ratio to the floor, and the registry's size.

    .venv/bin/python -m benchmarks.load_registry [--sizes 10000,100000]
        [--backends sqlite,postgresql]

PostgreSQL: the server in PACTWATCH_BENCH_PG_URL (or PACTWATCH_TEST_PG_URL), in schemas of
its own that are dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, text

from benchmarks.serve_load import synthetic_registry
from pactwatch.model import Agreement
from pactwatch.store import load_registry, open_engine, tables
from pactwatch.store.load import agreement_rows

SCHEMA = "pactwatch_load_bench"
FLOOR_SCHEMA = "pactwatch_load_floor"
Rows = dict[Table, list[dict[str, Any]]]


def pg_url(schema: str) -> str:
    url = os.environ.get("PACTWATCH_BENCH_PG_URL") or os.environ.get("PACTWATCH_TEST_PG_URL")
    if not url:
        raise SystemExit("set PACTWATCH_BENCH_PG_URL to a PostgreSQL server for its rows")
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def reset(url: str, schema: str, drop_only: bool = False) -> None:
    engine = open_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        if not drop_only:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()


def all_rows(agreements: Sequence[Agreement]) -> Rows:
    rows: Rows = defaultdict(list)
    for agreement in agreements:
        for table, items in agreement_rows(agreement).items():
            rows[table].extend(items)
    return rows


def plain(rows: Rows) -> list[tuple[str, list[str], list[tuple[Any, ...]]]]:
    """Each table's name, columns and rows as tuples (dates as ISO text), parents first."""
    out = []
    for table in tables.metadata.sorted_tables:
        items = rows.get(table)
        if not items:
            continue
        names = [c.name for c in table.columns if c.name in items[0]]
        values = [tuple(_plain(r[n]) for n in names) for r in items]
        out.append((table.name, names, values))
    return out


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def floor_sqlite(data: list[tuple[str, list[str], list[tuple[Any, ...]]]], db: Path) -> float:
    started = time.perf_counter()
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("BEGIN")
    for name, names, values in data:
        columns = ", ".join(f'"{n}"' for n in names)
        connection.execute(f'CREATE TABLE "{name}" ({columns})')
        marks = ", ".join("?" for _ in names)
        connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', values)
    connection.execute("COMMIT")
    connection.close()
    return time.perf_counter() - started


def floor_postgresql(data: list[tuple[str, list[str], list[tuple[Any, ...]]]]) -> float:
    url = pg_url(FLOOR_SCHEMA)
    reset(url, FLOOR_SCHEMA)
    engine = open_engine(url)
    started = time.perf_counter()
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor:
            for name, names, values in data:
                columns = ", ".join(f'"{n}" text' for n in names)
                cursor.execute(f'CREATE TABLE "{name}" ({columns})')
                listed = ", ".join(f'"{n}"' for n in names)
                with cursor.copy(f'COPY "{name}" ({listed}) FROM STDIN') as copy:
                    for value in values:
                        copy.write_row(value)
    took = time.perf_counter() - started
    engine.dispose()
    reset(url, FLOOR_SCHEMA, drop_only=True)
    return took


def size_mb(engine: Engine, path: Path | None) -> float:
    if path is not None:
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    with engine.connect() as connection:
        total = connection.execute(
            text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        ).scalar_one()
    return int(total or 0) / 1e6


def timed_load(backend: str, agreements: list[Agreement], folder: Path) -> tuple[float, float]:
    path = folder / "registry.db" if backend == "sqlite" else None
    url = str(path) if path is not None else pg_url(SCHEMA)
    if path is None:
        reset(url, SCHEMA)
    engine = open_engine(url)
    started = time.perf_counter()
    load_registry(engine, agreements)
    took = time.perf_counter() - started
    mb = size_mb(engine, None) if path is None else 0.0
    engine.dispose()  # SQLite: the WAL goes into the file, whose size is then the registry's
    if path is not None:
        mb = size_mb(engine, path)
    else:
        reset(url, SCHEMA, drop_only=True)
    return took, mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(
        f"{'backend':10} {'provisions':>10} {'what':14} {'s':>8} {'prov/s':>9} "
        f"{'x floor':>7} {'MB':>6}"
    )
    for size in [int(s) for s in args.sizes.split(",")]:
        agreements = synthetic_registry(50, size)
        started = time.perf_counter()
        data = plain(all_rows(agreements))
        rows_s = time.perf_counter() - started
        for backend in args.backends.split(","):
            with tempfile.TemporaryDirectory() as scratch:
                folder = Path(scratch)
                if backend == "sqlite":
                    floor = floor_sqlite(data, folder / "floor.db")
                else:
                    floor = floor_postgresql(data)
                ours, mb = timed_load(backend, agreements, folder)
            for what, seconds, megabytes in (
                ("floor", floor, None),
                ("floor + rows", floor + rows_s, None),
                ("load", ours, mb),
            ):
                shown = f"{megabytes:6.0f}" if megabytes is not None else f"{'':6}"
                print(
                    f"{backend:10} {size:>10,} {what:14} {seconds:8.1f} {size / seconds:9,.0f} "
                    f"{seconds / floor:7.2f} {shown}",
                    flush=True,
                )
    load = os.getloadavg()
    print(f"\nLoad average now: {load[0]:.1f} (5 min {load[1]:.1f}) on {os.cpu_count()} cores.")


if __name__ == "__main__":
    main()
