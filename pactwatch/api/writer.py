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
writes (until it is idle for `IDLE_S`), so a write sends its transaction's statements
and nothing else. One thread is
enough: writes to one registry take turns in the database anyway.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from pactwatch.api.config import ServiceConfig
from pactwatch.store.registry import Registry

T = TypeVar("T")
IDLE_S = 5.0
"""A writer idle this long returns its connection to the pool and ends; the next write
starts another, on a connection the pool pings, so a server restart or a closed service
leaves no connection held."""
_WRITER = "_pactwatch_held_writer"


class HeldWriter:
    """One thread running a registry's writes on a connection it holds while it lives."""

    def __init__(self, registry: Registry, idle_s: float = IDLE_S) -> None:
        self.registry = registry
        self.idle_s = idle_s
        self._tasks: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running = False

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` on the writer's thread, with `Registry.holding` its connection."""
        future: Future[T] = Future()
        with self._lock:
            self._tasks.put((work, future))
            if not self._running:
                self._running = True
                threading.Thread(target=self._work, name="held-write", daemon=True).start()
        return await asyncio.wrap_future(future)

    def _work(self) -> None:
        connection: Connection | None = None
        try:
            while True:
                try:
                    work, future = self._tasks.get(timeout=self.idle_s)
                except queue.Empty:
                    with self._lock:
                        if self._tasks.empty():
                            self._running = False
                            return
                    continue
                if not future.set_running_or_notify_cancel():
                    continue
                if connection is None:
                    try:
                        connection = self.registry.engine.connect()
                    except BaseException as error:
                        future.set_exception(error)
                        continue
                try:
                    with self.registry.holding(connection):
                        future.set_result(work())
                except DBAPIError as error:
                    if error.connection_invalidated:
                        connection.close()
                        connection = None
                    future.set_exception(error)
                except BaseException as error:
                    future.set_exception(error)
        finally:
            if connection is not None:
                connection.close()


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
