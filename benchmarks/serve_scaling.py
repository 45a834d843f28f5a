"""How the service scales: every query at several registry sizes, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.serve_scaling [--sizes 10000,100000,1000000]
        [--backends sqlite,postgresql] [--seconds 5] [--keep FOLDER] [--workers N]

For each size, builds the synthetic registry of `serve_load` (50 agreements) on each
backend (PostgreSQL: the server in PACTWATCH_BENCH_PG_URL, in a schema of its own), prints
its load time and size, then runs wrk at 32 connections against the filtered provisions
JSON, search with facets, the compare matrix and an agreement's page, with the response
cache on and off, and Datasette's filtered JSON on the same SQLite file as the peer. wrk
asks for gzip as common clients do (`CLIENT`), which only the matrix uses; its uncached
row is repeated without, for a client that cannot take gzip. The
agreement page is also timed at one connection (its latency, not the server's throughput).
Last, two curators edit one provision at a time (PUT, one request after the other) of
two other agreements while wrk reads the filtered JSON, once with the cache on and once
off: the readers' p50/p99 and the writes' p50/p99 (each write is one provision of an
agreement with 200 or 2,000 provisions, the writes per second both curators together);
then the same writes with no readers, the write path's own latency, and in its "cpu ms"
the service's CPU per write (all its processes; on PostgreSQL not the server's).

"cpu ms" is CPU per request of the serving processes: the service, and on PostgreSQL
also the database server's backends of that database ("db ms", read from /proc), since
Datasette and the SQLite service run their queries in-process.

Figures only, no thresholds: the machine may be shared, so compare rows of one run.
The floors the service is held to are printed beside them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import make_url, text

from benchmarks.serve_load import (
    Figures,
    free_port,
    serve,
    stop,
    synthetic_registry,
    wrk,
)
from pactwatch import verbs
from pactwatch.model import Agreement
from pactwatch.store import load_registry, open_engine

PG_ENV = "PACTWATCH_BENCH_PG_URL"
CLIENT = ("Accept-Encoding: gzip, deflate",)
"""What browsers, curl --compressed and Python's HTTP libraries send; every row sends it
(Datasette compresses nothing, the service only the matrix) but the "identity" one."""
SCHEMA = "pactwatch_bench"


@dataclass(frozen=True)
class Registry:
    backend: str
    size: int
    url: str
    load_s: float
    mb: float


def _pg_url() -> str:
    url = os.environ.get(PG_ENV) or os.environ.get("PACTWATCH_TEST_PG_URL", "")
    if not url:
        raise SystemExit(f"set {PG_ENV} to a PostgreSQL server for the PostgreSQL rows")
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{SCHEMA}"


def reused(size: int, folder: Path) -> Registry | None:
    """An SQLite registry kept by an earlier run (`--keep`), with the load time it took."""
    db, note = folder / f"bench-{size}.db", folder / f"bench-{size}.json"
    if not (db.exists() and note.exists()):
        return None
    took = float(json.loads(note.read_text())["load_s"])
    return Registry("sqlite", size, str(db), took, db.stat().st_size / 1e6)


def reused_pg(size: int, folder: Path) -> Registry | None:
    """The PostgreSQL registry an earlier run kept (`--keep`), when the schema still holds
    the registry of `size` it noted: its load time is read from the note."""
    note = folder / f"bench-pg-{size}.json"
    if not note.exists():
        return None
    url = _pg_url()
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = :s AND tablename = :t"),
                {"s": SCHEMA, "t": "provisions"},
            ).scalar_one()
            held = found and connection.execute(text("SELECT count(*) FROM provisions")).scalar()
    finally:
        engine.dispose()
    kept = json.loads(note.read_text())
    if held != size:
        note.unlink()
        return None
    return Registry("postgresql", size, url, float(kept["load_s"]), float(kept["mb"]))


def build(
    backend: str, size: int, folder: Path, agreements: list[Agreement], keep: bool = False
) -> Registry:
    if backend == "sqlite" and (found := reused(size, folder)) is not None:
        return found
    if backend == "postgresql" and keep and (found := reused_pg(size, folder)) is not None:
        return found
    if backend == "sqlite":
        url = str(folder / f"bench-{size}.db")
    else:
        url = _pg_url()
        engine = open_engine(url)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        engine.dispose()
    engine = open_engine(url)
    started = time.perf_counter()
    load_registry(engine, agreements)
    took = time.perf_counter() - started
    if backend == "sqlite":
        mb = Path(url).stat().st_size / 1e6
        (folder / f"bench-{size}.json").write_text(json.dumps({"load_s": took}))
    else:
        with engine.connect() as connection:
            total = connection.execute(
                text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :s AND c.relkind = 'r'"
                ),
                {"s": SCHEMA},
            ).scalar_one()
        mb = int(total) / 1e6
        if keep:  # one schema: a kept registry of another size is replaced, note and all
            for other in folder.glob("bench-pg-*.json"):
                other.unlink()
            note = folder / f"bench-pg-{size}.json"
            note.write_text(json.dumps({"load_s": took, "mb": mb}))
    engine.dispose()
    return Registry(backend, size, url, took, mb)


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process, its reaped children and its live descendants (a
    service's worker processes) have used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:  # ended meanwhile
        return 0.0
    children = [int(c) for t in tasks for c in (t / "children").read_text().split()]
    return sum(int(v) for v in fields[11:15]) / TICK + sum(cpu_seconds(c) for c in children)


class BackendCpu:
    """CPU used by the PostgreSQL server's backends of one database while a block runs.

    The server is another process: without its share, a PostgreSQL row's CPU per request
    would leave out the queries themselves, which Datasette's and SQLite's rows include.
    Backends are found in /proc by the title PostgreSQL gives them (user, database,
    client); one that ends during the block counts up to its last sample.
    """

    INTERVAL_S = 0.1

    def __init__(self, database: str) -> None:
        self.title = f" {database} ".encode()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._follow, daemon=True)

    def _sample(self) -> dict[int, float]:
        found: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                title = Path(f"/proc/{entry}/cmdline").read_bytes()
                if title.startswith(b"postgres: ") and self.title in title:
                    found[int(entry)] = cpu_seconds(int(entry))
            except OSError:  # ended between the listing and the read
                continue
        return found

    def _follow(self) -> None:
        while not self._done.wait(self.INTERVAL_S):
            self.last.update(self._sample())

    def __enter__(self) -> BackendCpu:
        self.first = self._sample()
        self.last = dict(self.first)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()
        self.last.update(self._sample())

    @property
    def seconds(self) -> float:
        return sum(used - self.first.get(pid, 0.0) for pid, used in self.last.items())


@dataclass(frozen=True)
class Measured:
    figures: Figures
    cpu_ms: float
    """Server CPU per request: steadier than req/s on a machine shared with other work.
    On PostgreSQL, the service's and the database server's backends' together."""
    db_ms: float = 0.0
    """Of `cpu_ms`, the PostgreSQL backends' share."""


def measured(
    label: str,
    url: str,
    seconds: int,
    process: subprocess.Popen[bytes],
    connections: int = 32,
    database: str | None = None,
    headers: tuple[str, ...] = CLIENT,
) -> Measured:
    backends = BackendCpu(database) if database else None
    before = cpu_seconds(process.pid)
    if backends is None:
        figures = wrk(label, url, seconds, connections, headers)
    else:
        with backends:
            figures = wrk(label, url, seconds, connections, headers)
    used = cpu_seconds(process.pid) - before
    db = backends.seconds if backends else 0.0
    # wrk's 1 s warm-up is included in `used`: count its requests at the measured rate
    requests = figures.rps * (seconds + 1) if figures.rps else 0
    if not requests:
        return Measured(figures, float("nan"), float("nan"))
    return Measured(figures, (used + db) * 1000 / requests, db * 1000 / requests)


def database_of(registry: Registry) -> str | None:
    """The PostgreSQL database whose backends serve `registry` (None on SQLite)."""
    return make_url(registry.url).database if registry.backend == "postgresql" else None


def target() -> str:
    return synthetic_registry(50, 50)[12].id


def queries(base: str, aid: str) -> dict[str, str]:
    return {
        "filtered JSON": f"{base}/api/v1/provisions?domain=air_defence&agreement={aid}&limit=50",
        "search + facets": f"{base}/api/v1/search?domain=air_defence&agreement={aid}&limit=20",
        "matrix": f"{base}/api/v1/compare",
        "agreement page": f"{base}/agreements/{aid}",
    }


def start(registry: Registry, cache: bool, workers: int) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    bin_dir = Path(sys.executable).parent
    command = [str(bin_dir / "pactwatch"), "serve", "--db", registry.url, "--port", str(port)]
    command += ["--workers", str(workers)]
    process = serve([*command, "--cache" if cache else "--no-cache"], port)
    return f"http://127.0.0.1:{port}", process


def measure(
    registry: Registry, seconds: int, aid: str, workers: int, pages: bool = True
) -> list[Measured]:
    rows: list[Measured] = []
    database = database_of(registry)
    for cache in (False, True):
        tag = "cached" if cache else "no cache"
        base, process = start(registry, cache, workers)
        try:
            for name, url in queries(base, aid).items():
                if pages or name != "agreement page":
                    label = f"{name} ({tag})"
                    rows.append(measured(label, url, seconds, process, 32, database))
                if name == "matrix" and not cache:
                    label = f"matrix, identity: no gzip asked ({tag})"
                    rows.append(measured(label, url, seconds, process, 32, database, ()))
            if not cache and pages:
                page = queries(base, aid)["agreement page"]
                label = "agreement page, 1 connection (no cache)"
                rows.append(measured(label, page, seconds, process, 1, database))
        finally:
            stop(process)
    return rows


def datasette(db: Path, seconds: int, aid: str) -> Measured:
    port = free_port()
    found = shutil.which("datasette", path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit("datasette is not installed: pip install -e '.[bench]'")
    settings = ["--setting", "suggest_facets", "off", "--setting", "default_page_size", "50"]
    process = serve([found, "serve", "-i", str(db), "-p", str(port), *settings], port)
    url = (
        f"http://127.0.0.1:{port}/{db.stem}/provisions.json?primary_domain=air_defence"
        f"&agreement_id={aid}&_nocount=1&_size=50"
    )
    try:
        return measured("datasette filtered JSON", url, seconds, process)
    finally:
        stop(process)


class Curator:
    """One curator's HTTP client: one connection kept alive for all its writes, as a
    browser or a `requests.Session` keeps it (`fresh`: a new connection for each, as
    `urllib` opens, so each write also pays a TCP handshake and the worker's accept)."""

    def __init__(self, base: str, fresh: bool = False) -> None:
        parts = urlsplit(base)
        self.host, self.port, self.fresh = parts.hostname or "127.0.0.1", parts.port, fresh
        self.connection: http.client.HTTPConnection | None = None

    def request(
        self, path: str, method: str = "GET", body: bytes | None = None, **headers: str
    ) -> tuple[int, str | None, bytes]:
        """The answer; a kept connection the server closed while it was idle (uvicorn after
        5 s: a curator waits for the other's first read of a large agreement) is opened
        again and the request sent once more, as HTTP clients do for a stale connection."""
        stale = self.connection is not None
        try:
            return self._once(path, method, body, headers)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            if not stale:
                raise
            return self._once(path, method, body, headers)

    def _once(
        self, path: str, method: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str | None, bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if self.fresh or response.will_close:
            self.close()
        if response.status >= 400:
            raise OSError(f"{method} {path}: HTTP {response.status} {raw[:200]!r}")
        return response.status, response.getheader("ETag"), raw

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def editors(
    registry: Registry,
    seconds: int,
    aid: str,
    workers: int,
    cache: bool,
    read: bool = True,
    fresh: bool = False,
) -> tuple[Measured | None, list[float], int, float]:
    """Two curators editing provisions of two other agreements while wrk reads (`read`),
    with the response cache on or off: the readers' figures, each write's latency (ms) and
    how many writes were refused (an error or a timeout: retried with If-Match *).
    Without readers, the writes' own latency, apart from a server saturated by wrk, and
    the service's CPU per write (ms, all its processes; NaN beside readers). Each curator
    keeps its connection (`fresh`: opens one per write, `Curator`)."""
    token = verbs.create_token(f"bench-{time.monotonic_ns()}", registry.url)
    base, process = start(registry, cache, workers)
    agreements = [a.id for a in synthetic_registry(50, 50)]
    edited = [a for a in agreements if a != aid][:2]
    latencies: list[float] = []
    refused: list[int] = []
    done = threading.Event()
    ready = threading.Barrier(len(edited) + 1)

    def edit(agreement_id: str) -> None:
        client = Curator(base, fresh)
        _, tag, raw = client.request(f"/api/v1/agreements/{agreement_id}")
        record = json.loads(raw)
        ready.wait()  # the record is read before the timed window opens
        n = 0
        while not done.is_set():
            provision = dict(record["provisions"][n % len(record["provisions"])])
            provision["object"] = f"edited {n}"
            path = f"/api/v1/agreements/{agreement_id}/provisions/{provision['id']}"
            started = time.perf_counter()
            try:
                _, tag, _ = client.request(
                    path,
                    "PUT",
                    json.dumps(provision).encode(),
                    **{
                        "Authorization": f"Bearer {token}",
                        "If-Match": tag or "*",
                        "Content-Type": "application/json",
                    },
                )
            except OSError as error:
                refused.append(1)
                print(f"refused: {error}", file=sys.stderr, flush=True)  # why, for the reader
                tag = "*"
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            n += 1
        client.close()

    threads = [threading.Thread(target=edit, args=(a,)) for a in edited]
    try:
        for thread in threads:
            thread.start()
        ready.wait()
        if not read:
            before = cpu_seconds(process.pid)
            time.sleep(seconds)
            spent = cpu_seconds(process.pid) - before
            count = len(latencies)
            return None, latencies, len(refused), spent * 1000 / count if count else float("nan")
        reads = measured(
            f"filtered JSON while 2 curators edit ({'cached' if cache else 'no cache'})",
            queries(base, aid)["filtered JSON"],
            seconds,
            process,
            database=database_of(registry),
        )
    finally:
        done.set()
        for thread in threads:
            thread.join()
        stop(process)
    return reads, latencies, len(refused), float("nan")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the SQLite registries in this folder, and reuse those already there "
        "(a 1,000,000-provision load takes long; its first load time is printed); on "
        "PostgreSQL, reuse the schema's registry when a note here says it holds this size",
    )
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="only the filtered JSON, search and matrix rows: at 1,000,000 provisions an "
        "agreement page and a whole-agreement write outlast wrk's timeout",
    )
    parser.add_argument(
        "--writes-only",
        action="store_true",
        help="only the rows of two curators editing (with and without readers)",
    )
    parser.add_argument(
        "--fresh-connections",
        action="store_true",
        help="curators open a new connection for each write (as urllib does) instead of "
        "keeping one alive; the rows say which",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="the service's worker processes (default: one per core; Datasette runs one)",
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    sizes = [int(s) for s in options.sizes.split(",")]
    backends = options.backends.split(",")
    aid = target()
    print(f"{'backend':10} {'provisions':>10} {'query':48} {'req/s':>8} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'non-2xx':>7} {'x ds':>6} {'cpu ms':>7} {'x ds cpu':>8} "
          f"{'db ms':>6}")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        folder = options.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            peer: Measured | None = None
            agreements = synthetic_registry(50, size)  # made once, loaded on each backend
            for backend in backends:
                registry = build(backend, size, folder, agreements, options.keep is not None)
                print(
                    f"{backend:10} {size:>10,} loaded in {registry.load_s:.1f} s, "
                    f"{registry.mb:.0f} MB",
                    flush=True,
                )
                if backend == "sqlite":
                    peer = datasette(Path(registry.url), options.seconds, aid)
                    _row(backend, size, peer, peer)
                rows = (
                    []
                    if options.writes_only
                    else measure(
                        registry, options.seconds, aid, options.workers, not options.reads_only
                    )
                )
                for row in rows:
                    _row(backend, size, row, peer)
                if not options.reads_only:
                    for cache, read in ((True, True), (False, True), (True, False)):
                        reads, writes, refused, write_cpu = editors(
                            registry,
                            options.seconds,
                            aid,
                            options.workers,
                            cache,
                            read,
                            options.fresh_connections,
                        )
                        if reads is not None:
                            _row(backend, size, reads, peer)
                        label = f"writes by 2 curators ({'cache on' if cache else 'cache off'})"
                        if not read:
                            label = "writes by 2 curators, no readers"
                        if options.fresh_connections:
                            label = label.replace("curators", "curators*")
                        print(
                            f"{backend:10} {size:>10,} {label:48} "
                            f"{len(writes) / options.seconds:8.1f} {_pct(writes, 0.5):8.1f} "
                            f"{_pct(writes, 0.99):8.1f} {refused:7d}"
                            + ("" if read else f" {'':6} {write_cpu:7.2f}"),
                            flush=True,
                        )
                if backend == "sqlite" and options.keep is None:
                    Path(registry.url).unlink()
    print(
        "\nFloors: uncached filtered JSON, search + facets and matrix each at least 3x "
        "Datasette's filtered JSON, p99 under 50 ms at 32 connections; the agreement page "
        "under 50 ms p50; while 2 curators edit, readers' p99 under 100 ms and writes' p99 "
        "under 50 ms. PostgreSQL rows are compared with Datasette on the SQLite file of the "
        f"same size. Load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"the service ran {options.workers} worker process(es)."
    )


def _row(backend: str, size: int, m: Measured, peer: Measured | None) -> None:
    f = m.figures
    ratio = f.rps / peer.figures.rps if peer and peer.figures.rps else float("nan")
    cpu_ratio = peer.cpu_ms / m.cpu_ms if peer and m.cpu_ms else float("nan")
    print(
        f"{backend:10} {size:>10,} {f.label:48} {f.rps:8.0f} {f.p50_ms:8.1f} {f.p99_ms:8.1f} "
        f"{f.errors:7d} {ratio:6.2f} {m.cpu_ms:7.2f} {cpu_ratio:8.2f}"
        + (f" {m.db_ms:6.2f}" if m.db_ms else ""),
        flush=True,
    )


if __name__ == "__main__":
    main()
