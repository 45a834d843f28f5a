"""How fast does `load` build the registry, against a raw-sqlite lower bound?

Builds synthetic agreements (default 200 x 100 provisions), loads them with
`pactwatch.store.load_registry` (one transaction, normalised tables, FTS5), and in the
same run inserts the same provisions as flat rows with sqlite3's executemany: the least
work any SQLite loader must do. Prints both and the ratio.

    .venv/bin/python -m benchmarks.load_registry [--agreements N] [--provisions M]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from pactwatch.model import Agreement, Provision, Span
from pactwatch.model.taxonomy import domain_ids
from pactwatch.store import load_registry, open_engine


def synthetic(agreements: int, provisions: int) -> list[Agreement]:
    domains = sorted(domain_ids())
    return [
        Agreement(
            id=f"bench-{a:04d}",
            title=f"Synthetic agreement {a}",
            parties=["UA", "RO"],
            signed_on=date(2024, 1 + a % 12, 1 + a % 28),
            provisions=[
                Provision(
                    id=f"p{p:04d}",
                    actors=["RO"],
                    beneficiaries=["UA"],
                    action="provide",
                    object=f"item {p} of agreement {a}",
                    domains=[domains[(a + p) % len(domains)]],
                    summary=f"Synthetic commitment {p} about {domains[p % len(domains)]}.",
                    spans=[Span(source="seed", start=p, end=p + 10)],
                )
                for p in range(provisions)
            ],
        )
        for a in range(agreements)
    ]


def time_pactwatch(records: list[Agreement], db: Path) -> float:
    engine = open_engine(str(db))
    start = time.perf_counter()
    load_registry(engine, records)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def time_raw_sqlite(records: list[Agreement], db: Path) -> float:
    rows = [(a.id, p.id, p.action, p.object, p.domains[0]) for a in records for p in a.provisions]
    start = time.perf_counter()
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE p (a TEXT, id TEXT, action TEXT, object TEXT, d TEXT)")
        connection.executemany("INSERT INTO p VALUES (?, ?, ?, ?, ?)", rows)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--agreements", type=int, default=200)
    parser.add_argument("--provisions", type=int, default=100)
    args = parser.parse_args()
    records = synthetic(args.agreements, args.provisions)
    total = args.agreements * args.provisions
    with tempfile.TemporaryDirectory() as folder:
        ours = time_pactwatch(records, Path(folder) / "pactwatch.db")
        floor = time_raw_sqlite(records, Path(folder) / "raw.db")
    print(f"provisions loaded:      {total:,}")
    print(f"pactwatch load:         {ours:.3f} s  ({total / ours:,.0f} provisions/s)")
    print(f"raw sqlite executemany: {floor:.3f} s  ({total / floor:,.0f} rows/s, lower bound)")
    print(f"ratio (ours / floor):   {ours / floor:.1f}x")


if __name__ == "__main__":
    main()
