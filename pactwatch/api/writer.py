"""Where a curator's write (and its token check) runs: the event loop on SQLite, else one
thread per service that keeps its own connection.

A write's task loses its place every time it gives up the loop: whatever became ready
meanwhile runs first. Through anyio's thread pool each hop cost three such turns (a
checkpoint, the pool's limiter, the thread's answer), and each write took two hops (the
token, then the write), each on a connection checked out of the pool and pinged first.

On SQLite the work runs on the loop itself: a thread would wait for the interpreter at
every statement beside a stream of reads, for several times the write's own few
milliseconds; on the loop it holds the loop no longer than it works. Writers queue for
their turn (`store/write_queue.py`): when another holds it (a whole write on a thread of
this process, a write of another worker process), the edit waits on a thread, where the
loop serves reads meanwhile, then takes its turn on the loop. Waiting on the loop had
held every read of the worker for the other write's few milliseconds, at each write.
A PostgreSQL server on the same machine is treated the same way (`LoopWrites`): while the
loop waits for it, the server works on the cores the service would use. Measured at
100,000 provisions beside 32 readers, an edit's p50 fell from 35-42 ms on the writer's
thread to 23-25 ms on the loop, and two curators' writes a second rose from 56-68 to
91-100, with readers' p99 about the same (68-82 ms before, 74-89 after). A server
elsewhere makes a write wait on the network, so it runs on `HeldWriter`'s one thread: a
hop is one turn (the thread's answer), and the thread keeps its connection between
writes (until it is idle for `IDLE_S`), so a write sends its transaction's statements
and nothing else. One thread is enough: writes to one registry take turns in the
database anyway.

A write that validates whole records (an agreement's PUT or PATCH, a new provision, an
event checked against the agreements it names) costs tens to hundreds of milliseconds of
CPU at a few thousand provisions: on SQLite it runs on a worker thread (`whole_write`),
where the interpreter still switches to the loop every few milliseconds, rather than
holding the loop, and every read with it, for all of that time; elsewhere it goes to the
held writer like an edit.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TypeVar

import anyio.to_thread
from sqlalchemy import Connection

from pactwatch.api.config import ServiceConfig
from pactwatch.api.held_reads import HeldConnections, kept_on
from pactwatch.api.loop_reads import LOOP_WRITES, LoopConnections
from pactwatch.store.registry import Registry

T = TypeVar("T")
IDLE_S = 5.0
"""A writer idle this long returns its connection to the pool and ends; the next write
starts another, on a connection the pool pings, so a server restart or a closed service
leaves no connection held."""
_WRITER = "_pactwatch_held_writer"


class HeldWriter(HeldConnections):
    """One thread running a registry's writes on a connection it holds while it lives."""

    retry_lost = False

    def __init__(self, registry: Registry, idle_s: float = IDLE_S) -> None:
        super().__init__(registry.engine, 1, idle_s, "held-write")
        self.registry = registry

    def _using(self, connection: Connection) -> AbstractContextManager[object]:
        return self.registry.holding(connection)


def held_writer(registry: Registry) -> HeldWriter:
    """The registry's writer, made on first use and kept on it."""
    return kept_on(registry, _WRITER, lambda: HeldWriter(registry))


LOCK_NOT_AVAILABLE = "55P03"


class LoopWrites(LoopConnections):
    """Edits on the event loop's own connection (a server on this machine): one that waits
    for a lock past `limit_ms` (another transaction holds the rows it changes: a load, a
    long edit) is given up by the server, run again on the held writer's thread, which
    waits as long as it takes, and edits go there for the pause. Given up before anything
    was written, so running it again is safe."""

    limit_sql = "SET lock_timeout = {ms}"
    gives_up = LOCK_NOT_AVAILABLE


def loop_writes(registry: Registry) -> LoopWrites:
    """The registry's loop writes, made on first use and kept on it."""
    return kept_on(registry, LOOP_WRITES, lambda: LoopWrites(held_writer(registry)))


async def write_turn(config: ServiceConfig, work: Callable[[], T]) -> T:
    """Run a write (or, off SQLite, a token check) where it waits least: see the module's
    docstring."""
    if config.engine.dialect.name == "sqlite":
        queue = config.writes.writing
        if queue.busy():  # wait off the loop, which serves reads meanwhile
            await anyio.to_thread.run_sync(queue.wait)
        return work()
    if config.writes_on_loop:
        return await loop_writes(config.writes).run(work)
    return await held_writer(config.writes).run(work)


async def whole_write(config: ServiceConfig, work: Callable[[], T]) -> T:
    """Run a write that validates whole records: a worker thread on SQLite, so the loop keeps
    serving while it works, else the held writer (see the module's docstring)."""
    if config.engine.dialect.name == "sqlite":
        return await anyio.to_thread.run_sync(work)
    return await held_writer(config.writes).run(work)
