"""What a curator's write costs SQLite readers on other connections, with and without mmap.

    .venv/bin/python -m benchmarks.reads_beside_writes [--size 10000] [--reads 4000]
        [--every 10] [--rounds 3]

Readers of a WAL database keep a page cache per connection, and SQLite empties it at the
start of a connection's next read transaction whenever another connection has written
since: so every curator's write (100 a second beside 32 readers in `serve_scaling`)
empties every pooled reader's cache, and each read after it fetches its pages again with
a read() each. With `PRAGMA mmap_size` those pages come from the file's memory map (the
OS's cache) instead; only the pages still in the write-ahead log are read.

One process, one SQLite file of the synthetic registry (`serve_load`, 50 agreements).
`READERS` reader connections (a pool that hands its connections out in turn), or one
(a pool that hands out the one used last), take turns answering the filtered provisions
JSON query of `serve_scaling` (`query.provision_page`, the service's function); a writer
on its own connection edits one provision (`Registry.save_provision`, the curators' PUT)
after every `--every` reads. Each row is the readers' CPU per read (thread CPU, the writes'
own time excluded), median of `--rounds` alternating rounds, beside the same reads with no
writes (the peer): "x alone" is how much the writes make each read cost.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event

from benchmarks.serve_load import provision_record, synthetic_registry
from benchmarks.serve_scaling import target
from pactwatch.curate.validate import check_agreement
from pactwatch.settings import source_dirs
from pactwatch.sources import SourceLibrary
from pactwatch.store import load_registry, open_engine, query
from pactwatch.store.registry import Registry

READERS = 8
MMAP_BYTES = 1 << 30
"""`PRAGMA mmap_size` when mmap is on: address space, not memory."""


def _reads(
    registry: Registry, readers: list[Connection], aid: str, reads: int, every: int, mmap: bool
) -> float:
    """CPU ms per read over `reads` reads, with a write after every `every` (0: none)."""
    for connection in readers:
        connection.exec_driver_sql(f"PRAGMA mmap_size={MMAP_BYTES if mmap else 0}")
        connection.commit()
    f = query.ProvisionFilter(agreement=aid, domain="air_defence")
    order = query.Sort("agreement")
    edited = next(a.id for a in synthetic_registry(50, 50) if a.id != aid)
    base = provision_record(registry.engine, edited)
    library = SourceLibrary(source_dirs())

    def check(agreement: object) -> list[object]:
        return list(check_agreement(agreement, "request", library))  # type: ignore[arg-type]

    spent = 0.0
    for n in range(reads):
        if every and n % every == 0:
            body = {**base, "object": f"bench {time.monotonic_ns()}"}
            registry.save_provision(edited, body, "bench", check, "*")  # type: ignore[arg-type]
        connection = readers[n % len(readers)]
        started = time.thread_time()
        with connection.begin():
            page = query.provision_page(connection, f, order, 50)
        spent += time.thread_time() - started
        assert page.items
    return spent * 1000 / reads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--reads", type=int, default=4000)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--autocheckpoint",
        type=int,
        default=1000,
        help="PRAGMA wal_autocheckpoint, in pages (SQLite's default: 1000): how large the "
        "write-ahead log grows between checkpoints",
    )
    options = parser.parse_args()
    aid = target()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "registry.db"
        engine = open_engine(str(path))
        load_registry(engine, synthetic_registry(50, options.size))
        engine.dispose()
        registry = Registry.open(str(path))
        pages = options.autocheckpoint

        @event.listens_for(registry.engine, "connect")
        def _checkpoints(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={pages}")

        readers = [registry.reader().connect() for _ in range(READERS)]
        figures: dict[tuple[int, bool, bool], list[float]] = {}
        for _ in range(options.rounds):
            for count in (READERS, 1):
                for mmap in (False, True):
                    for writes in (False, True):
                        every = options.every if writes else 0
                        ms = _reads(registry, readers[:count], aid, options.reads, every, mmap)
                        figures.setdefault((count, mmap, writes), []).append(ms)
        for connection in readers:
            connection.close()
        registry.close()
    print(f"wal_autocheckpoint={options.autocheckpoint}")
    print(
        f"{'provisions':>10} {'readers':>7} {'mmap':5} {'writes':24} {'cpu ms/read':>11} "
        f"{'x alone':>8}"
    )
    for count in (READERS, 1):
        for mmap in (False, True):
            alone = statistics.median(figures[(count, mmap, False)])
            for writes in (False, True):
                ms = statistics.median(figures[(count, mmap, writes)])
                label = f"one per {options.every} reads" if writes else "none"
                print(
                    f"{options.size:>10,} {count:>7} {'on' if mmap else 'off':5} {label:24} "
                    f"{ms:11.3f} {ms / alone:8.2f}"
                )


if __name__ == "__main__":
    main()
