"""PostgreSQL's quick reads on the event loop's own thread, when the server shares the machine.

A quick read sent to a held-read thread (`held_reads`) crosses threads twice: the loop
hands it over, the thread waits for the interpreter, runs, waits for the server, waits for
the interpreter again, and hands the answer back through the loop's wake-up pipe. Measured
at 100,000 provisions, 32 connections and two worker processes, uncached, that hand-off
and the interpreter's contention between the loop and four threads cost more than the
read: run on the loop, blocking on one held connection, a filtered page took 0.96-0.99 ms
of the service's CPU instead of 1.16-1.43, a search with facets 1.24-1.28 instead of
1.51-2.07, and p99 fell from 39-60 ms to 23-33 (`docs/performance.md`).

Blocking the loop costs nothing when the server is on the same machine: while the loop
waits, the server works on the cores the service would otherwise use (and the service's
other worker processes take the rest). Across a network the wait is the wire, during
which one loop could have served other requests, so a server elsewhere keeps the threads;
`ServiceConfig.reads_on_loop` says which (`on_this_machine`, unless set).

A read that outlasts `LIMIT_MS` (a lock held by a load rebuilding indexes, a cold cache at
a million provisions) is cancelled by the server, answered on a held-read thread instead,
and the loop sends its reads to the threads for `PAUSE_S`: the loop is never blocked for
longer than the limit at a time, and a long stall is not met read after read. The time a
read waits on the server counts towards the loop's read turn (`turns.charge`), as the CPU
it spends does, so a write still waits for at most one turn's worth of reads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError

from pactwatch.api.held_reads import HeldConnections, held_reads, kept_on
from pactwatch.api.turns import charge

T = TypeVar("T")
LIMIT_MS = 250
"""The longest one read may hold the loop: the server cancels it after this."""
PAUSE_S = 5.0
"""After a read outlasted the limit, how long reads go to the threads instead."""
QUERY_CANCELED = "57014"
LOOP_READS = "_pactwatch_loop_reads"
"""The attribute of the engine its `LoopReads` is kept in."""
LOOP_WRITES = "_pactwatch_loop_writes"
"""The attribute of the registry its `writer.LoopWrites` is kept in."""
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})


def on_this_machine(url: URL) -> bool:
    """Whether the URL's server is on this machine: a Unix socket, or a loopback address."""
    host = url.host or url.query.get("host") or ""
    if isinstance(host, tuple):  # a query given twice
        host = host[0]
    return host.startswith("/") or host in LOCAL_HOSTS or host.startswith("127.")


class LoopConnections:
    """A connection held by each event loop's thread, for work run on it while the loop
    waits (one loop per worker process; a test may run several, each on a thread of its
    own); the work goes to `held`'s threads instead while paused, and when the server
    gave it up for `gives_up` (the limit `limit_sql` sets on each connection)."""

    limit_sql = ""
    """The setting that bounds how long the loop waits, with `{ms}` for the limit."""
    gives_up = ""
    """The SQLSTATE the server answers when the limit was reached."""

    def __init__(
        self, held: HeldConnections, limit_ms: int = LIMIT_MS, pause_s: float = PAUSE_S
    ) -> None:
        self.held = held
        self.limit_ms = limit_ms
        self.pause_s = pause_s
        self.paused_until = 0.0
        self._connections: dict[int, Connection] = {}

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` on this thread, blocking on its held connection; on one of `held`'s
        threads while paused or when the server gave it up at the limit."""
        if time.monotonic() < self.paused_until:
            return await self.held.run(work)
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return self._here(work)
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) != self.gives_up:
                raise
            self.paused_until = time.monotonic() + self.pause_s
        finally:
            self.waited((time.perf_counter() - wall) - (time.thread_time() - cpu))
        return await self.held.run(work)

    def waited(self, seconds: float) -> None:
        """Told how long the loop waited on the server for one piece of work."""

    def _here(self, work: Callable[[], T]) -> T:
        thread = threading.get_ident()
        kept = self._connections.pop(thread, None)
        connection, (result, error) = self.held._answer(kept, work, self._limit)
        if connection is not None:
            self._connections[thread] = connection
        if error is not None:
            raise error
        out: T = result
        return out

    def _limit(self, connection: Connection) -> None:
        """Bound this connection's waits (`limit_sql`). It is never handed back to the
        pool, where the setting would outlive it: a lost one is invalidated, and `close`
        invalidates it."""
        connection.exec_driver_sql(self.limit_sql.format(ms=int(self.limit_ms)))
        connection.commit()  # a SET inside a transaction is undone with it

    def close(self) -> None:
        """Let this thread's connection go (closed, not pooled: see `_limit`); the app's
        shutdown calls it on the loop's thread."""
        connection = self._connections.pop(threading.get_ident(), None)
        if connection is not None:
            self.held.forget(connection)
            connection.invalidate()
            connection.close()


class LoopReads(LoopConnections):
    """Quick reads on the loop: the server cancels one after `limit_ms`, and the time the
    loop waited counts towards its read turn."""

    limit_sql = "SET statement_timeout = {ms}"
    gives_up = QUERY_CANCELED

    def waited(self, seconds: float) -> None:
        charge(seconds)


def loop_reads(engine: Engine) -> LoopReads:
    """The engine's loop reads, made on first use and kept on the engine."""
    return kept_on(engine, LOOP_READS, lambda: LoopReads(held_reads(engine)))
