"""Where a curator's write (and its token check) runs: the event loop on SQLite, else one
thread per service that keeps its own connection.

A write's task loses its place every time it gives up the loop: whatever became ready
meanwhile runs first. Through anyio's thread pool each hop cost three such turns (a
checkpoint, the pool's limiter, the thread's answer), and each write took two hops (the
token, then the write), each on a connection checked out of the pool and pinged first.

On SQLite the work runs on the loop itself: a thread would wait for the interpreter at
every statement beside a stream of reads, for several times the write's own few
milliseconds; on the loop it holds the loop no longer than it works (writers of one
process queue on `Registry`'s lock, those of other worker processes on its lock file). On
other databases a write waits on the network, so it runs on `HeldWriter`'s one thread: a
hop is one turn (the thread's answer), and the thread keeps its connection between
writes, so a write sends its transaction's statements and nothing else. One thread is
enough: writes to one registry take turns in the database anyway.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from pactwatch.api.config import ServiceConfig
from pactwatch.store.registry import Registry

T = TypeVar("T")
IDLE_S = 5.0
"""A held connection unused this long goes back to the pool, and the next write takes one
afresh (the pool pings it), so a server restart costs no write an error."""
_WRITER = "_pactwatch_held_writer"


class HeldWriter:
    """One thread running a registry's writes on a connection it holds."""

    def __init__(self, registry: Registry, idle_s: float = IDLE_S) -> None:
        self.registry = registry
        self.idle_s = idle_s
        self.connection: Connection | None = None
        self.used = 0.0
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="held-write")

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` on the writer's thread, with `Registry.holding` its connection."""
        return await asyncio.wrap_future(self._thread.submit(self._run, work))

    def _run(self, work: Callable[[], T]) -> T:
        if self.connection is not None and time.monotonic() - self.used > self.idle_s:
            self._let_go()
        if self.connection is None:
            self.connection = self.registry.engine.connect()
        try:
            with self.registry.holding(self.connection):
                return work()
        except DBAPIError as error:
            if error.connection_invalidated:
                self._let_go()
            raise
        finally:
            self.used = time.monotonic()

    def _let_go(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def close(self) -> None:
        """Return the connection to the pool once the writes queued so far are done."""
        self._thread.submit(self._let_go).result()
        self._thread.shutdown()


_made = threading.Lock()


def held_writer(registry: Registry) -> HeldWriter:
    """The registry's writer, made on first use and kept on it."""
    with _made:
        found: HeldWriter | None = getattr(registry, _WRITER, None)
        if found is None:
            found = HeldWriter(registry)
            setattr(registry, _WRITER, found)
        return found


async def write_turn(config: ServiceConfig, work: Callable[[], T]) -> T:
    """Run a write (or a token check) where it waits least: see the module's docstring."""
    if config.engine.dialect.name == "sqlite":
        return work()
    return await held_writer(config.writes).run(work)
