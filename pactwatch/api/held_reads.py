"""PostgreSQL's quick reads on a few threads that each hold one connection.

Profiled uncached at 32 connections, a PostgreSQL read spent more of the service's CPU
on getting a connection than on its query: anyio's 40 worker threads outnumbered the
pool's 10 connections, so most requests opened an overflow connection (a new server
backend) and closed it afterwards; each checkout pinged the server, and each read was
wrapped in BEGIN ... ROLLBACK, four round trips for one SELECT. Here a quick answer runs
on one of `WORKERS` threads, each holding an autocommit connection of the same engine
for as long as the thread lives (a statement is its own snapshot, as under READ COMMITTED, the
engine's default, where each statement of a transaction also sees its own), so a read is
its statements alone, prepared by psycopg after a few executions on that connection.

A held connection goes through the same engine (its events, its dialect), so whatever
listens to the engine sees every statement. A worker idle for `IDLE_S` closes its
connection and ends; one whose connection was lost reconnects and runs the read again.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from pactwatch.store.engine import reader

T = TypeVar("T")
WORKERS = 4
"""Enough to keep the server busy while the interpreter works; more only contend for it."""
IDLE_S = 10.0
_HELD = "_pactwatch_held_reads"
_local = threading.local()


class HeldConnections:
    """Up to `workers` threads that each hold one connection of `engine` while they live,
    running the work `run` is given; shared by the held reads and the held writer."""

    retry_lost = True
    """Run the work again on a new connection when the held one was lost (a read may be
    repeated; a write may not, since it may have committed)."""

    def __init__(self, engine: Engine, workers: int, idle_s: float, name: str) -> None:
        self.engine = engine
        self.workers = workers
        self.idle_s = idle_s
        self.name = name
        self._tasks: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0
        self._held: dict[int, Connection] = {}

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` on a worker, with its connection in use (`_using`)."""
        future: Future[T] = Future()
        with self._lock:
            self._tasks.put((work, future))
            if self._tasks.qsize() > self._idle and self._threads < self.workers:
                self._threads += 1
                self._idle += 1  # it takes a task as soon as it starts
                threading.Thread(target=self._work, name=self.name, daemon=True).start()
        return await asyncio.wrap_future(future)

    def connections(self) -> list[Connection]:
        """The connections the workers hold now (one per worker)."""
        with self._lock:
            return list(self._held.values())

    def _using(self, connection: Connection) -> AbstractContextManager[object]:
        """What makes the work use `connection`."""
        raise NotImplementedError

    def forget(self, connection: Connection) -> None:
        """No longer count `connection` among those held (its holder let it go)."""
        with self._lock:
            for thread, held in list(self._held.items()):
                if held is connection:
                    del self._held[thread]

    def _hold(self, connection: Connection | None) -> None:
        with self._lock:
            if connection is None:
                self._held.pop(threading.get_ident(), None)
            else:
                self._held[threading.get_ident()] = connection

    def _work(self) -> None:
        """Take work until idle for `idle_s`. A worker counts as idle again before it hands
        its answer back, so the caller's next task finds it rather than starting another."""
        connection: Connection | None = None
        try:
            while True:
                try:
                    work, future = self._tasks.get(timeout=self.idle_s)
                except queue.Empty:
                    with self._lock:
                        if self._tasks.qsize() == 0:
                            self._idle -= 1
                            self._threads -= 1
                            return
                    continue
                with self._lock:
                    self._idle -= 1
                if future.set_running_or_notify_cancel():
                    connection, outcome = self._answer(connection, work)
                else:
                    outcome = None
                with self._lock:
                    self._idle += 1
                if outcome is not None:
                    result, error = outcome
                    if error is None:
                        future.set_result(result)
                    else:
                        future.set_exception(error)
        finally:
            self._hold(None)
            if connection is not None:
                connection.close()

    def _answer(
        self,
        connection: Connection | None,
        work: Callable[[], Any],
        opened: Callable[[Connection], None] | None = None,
    ) -> tuple[Connection | None, tuple[Any, BaseException | None]]:
        """Run one task: the connection to keep (None once it was lost), and the answer or
        the error. `opened` sets up each connection this opens."""
        attempts = 2 if self.retry_lost else 1
        for attempt in range(1, attempts + 1):
            if connection is None:
                try:
                    connection = self.engine.connect()
                    if opened is not None:
                        opened(connection)
                except BaseException as error:
                    if connection is not None:
                        connection.invalidate()
                        connection.close()
                    return None, (None, error)
                self._hold(connection)
            try:
                with self._using(connection):
                    return connection, (work(), None)
            except DBAPIError as error:
                if not error.connection_invalidated:
                    return connection, (None, error)
                self._hold(None)
                connection.close()
                connection = None
                if attempt == attempts:
                    return None, (None, error)
            except BaseException as error:
                return connection, (None, error)
        raise AssertionError("unreachable: the last attempt returns")


class HeldReads(HeldConnections):
    """A few worker threads for one engine's reads, each with an autocommit connection."""

    def __init__(self, engine: Engine, workers: int = WORKERS, idle_s: float = IDLE_S) -> None:
        super().__init__(
            engine.execution_options(isolation_level="AUTOCOMMIT"), workers, idle_s, "held-read"
        )
        self.source = engine

    @contextmanager
    def _using(self, connection: Connection) -> Iterator[None]:
        """`read_connection` hands this connection out for `source` while the read runs."""
        _local.held = (self.source, connection)
        try:
            yield
        finally:
            _local.held = None


_made = threading.RLock()
K = TypeVar("K")


def kept_on(owner: object, attribute: str, make: Callable[[], K]) -> K:
    """What `make` makes, made on first use and kept on `owner` (an engine, a registry):
    once, though two threads ask at once; `make` may itself ask for another. Every read
    asks, so one already made is returned without the lock."""
    found: K | None = getattr(owner, attribute, None)
    if found is not None:
        return found
    with _made:
        found = getattr(owner, attribute, None)
        if found is None:
            found = make()
            setattr(owner, attribute, found)
        return found


def held_reads(engine: Engine) -> HeldReads:
    """The engine's held readers, made on first use and kept on the engine."""
    return kept_on(engine, _HELD, lambda: HeldReads(engine))


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """The connection this worker holds for `engine`, else a reader's from the pool."""
    held: tuple[Engine, Connection] | None = getattr(_local, "held", None)
    if held is None or held[0] is not engine:
        with reader(engine).connect() as connection:
            yield connection
        return
    connection = held[1]
    try:
        yield connection
    finally:
        if not connection.invalidated:  # a lost one is replaced by the worker
            connection.rollback()  # ends SQLAlchemy's autobegun transaction: no round trip
