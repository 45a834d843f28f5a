"""The registry as one object: opened once from `--db`, the only way anything writes to it.

The command line builds a `Registry` for one command and the service one for its life
(in the spirit of sqlite-utils' `Database`). Every kind of change has one method here,
and each runs in one transaction that records history and then calls `_changed`, the one
place the registry's generation advances; after the commit, the listeners (the service's
response cache) hear which agreements changed. So a trigger recorded from the command line
is seen by a service already running on the same database, as a curator's POST is.
"""

from __future__ import annotations

import getpass
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import IntegrityError

from pactwatch.model import Agreement, Event, PactwatchError
from pactwatch.store import event_write, provision_write, state, tokens, write
from pactwatch.store.checkpoints import Checkpoints
from pactwatch.store.engine import database_url, open_engine, reader
from pactwatch.store.events import event_by_fingerprint
from pactwatch.store.load import LoadReport, create_schema, load_registry
from pactwatch.store.pipeline import idle, pipelined
from pactwatch.store.read import ensure_loaded
from pactwatch.store.tokens import TokenInfo as TokenInfo
from pactwatch.store.write_queue import WriteQueue, lock_path

Listener = Callable[[frozenset[str] | None, tuple[str, str] | None], None]
"""Told after a commit which agreements changed (None: the whole registry, as a load) and
the generation the transaction moved from and to (None for a load), so a cache can tell
its own service's writes from anyone else's."""
_CHANGED = "pactwatch_changed"
_GENERATIONS = "pactwatch_generations"


def cli_actor() -> str:
    """Who wrote, for the history, when a change comes from the command line."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@dataclass
class Registry:
    engine: Engine
    url: str
    listeners: list[Listener]
    writing: WriteQueue = field(default_factory=WriteQueue, repr=False, compare=False)
    """On SQLite, writers queue here rather than in SQLite's busy handler (`write_queue`
    says why); `share_writes` makes the queue reach other processes."""
    _held: threading.local = field(default_factory=threading.local, repr=False, compare=False)
    checkpoints: Checkpoints | None = field(default=None, repr=False, compare=False)
    """On SQLite, set by `checkpoint_in_background`: told of every commit."""

    @classmethod
    def open(cls, db: str | None = None, *, must_exist: bool = True) -> Registry:
        """The registry at `db` (default: PACTWATCH_DB or pactwatch.db).

        `must_exist`: reading or writing an SQLite file that is not there is an error,
        never a new empty file (only `load` and `serve` create one)."""
        url = database_url(db)
        target = sqlite_file(db)
        if must_exist and target is not None and not target.exists():
            message = "no registry here yet; run `pactwatch load` first"
            raise PactwatchError.at(str(target), "", "registry-empty", message)
        registry = cls(open_engine(db), url, [])
        if must_exist:
            ensure_loaded(registry.engine, url)
        return registry

    def close(self) -> None:
        self.engine.dispose()

    def share_writes(self) -> None:
        """Queue this registry's SQLite writers with other processes' (several workers of
        one service on one file); a no-op on other databases."""
        target = sqlite_file(self.url)
        if target is not None:
            self.writing.shared = lock_path(target)

    def checkpoint_in_background(self) -> None:
        """Copy SQLite's log back on a thread after writes, never inside a commit (for the
        service, whose writes commit on its event loop: `store/checkpoints.py`); a no-op
        on other databases. Connections already open take it too."""
        target = sqlite_file(self.url)
        if target is None or self.checkpoints is not None:
            return
        self.checkpoints = Checkpoints(target)
        event.listen(self.engine, "connect", _no_commit_checkpoints)
        self.engine.pool.dispose()  # the idle ones reconnect with it

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def reader(self) -> Engine:
        """The engine for reads: on SQLite they never lock a writer out."""
        return reader(self.engine)

    def create_schema(self) -> None:
        with self.engine.begin() as connection:
            create_schema(connection)

    # The one write path -------------------------------------------------------------

    @contextmanager
    def holding(self, connection: Connection) -> Iterator[None]:
        """Run this thread's writes and token checks on `connection`, which the caller keeps
        open between them (a writer thread holding its connection), instead of taking one
        from the pool each time: no checkout, no ping, only the transaction's statements."""
        self._held.connection = connection
        try:
            yield
        finally:
            self._held.connection = None

    def _begin(self, pipeline: bool = False) -> AbstractContextManager[Connection]:
        held: Connection | None = getattr(self._held, "connection", None)
        if held is None:
            return _pooled_transaction(self.engine) if pipeline else self.engine.begin()
        if held.in_transaction():  # a token check's autobegun read: end it, no round trip
            held.rollback()
        return _held_transaction(held, pipeline)

    @contextmanager
    def _transaction(self, pipeline: bool = False) -> Iterator[Connection]:
        """One transaction; after it commits, listeners hear what `_changed` recorded.
        `pipeline`: on PostgreSQL, its statements go in one pipeline (`store.pipeline`)."""
        changed: list[frozenset[str] | None] = []
        generations: list[str] = []  # before the first change, after each change
        queue = self.writing.turn() if self.engine.dialect.name == "sqlite" else nullcontext()
        with queue, self._begin(pipeline) as connection:
            connection.info[_CHANGED] = changed
            connection.info[_GENERATIONS] = generations
            try:
                yield connection
            finally:
                connection.info.pop(_CHANGED, None)
                connection.info.pop(_GENERATIONS, None)
                state.read_before(connection)  # never left for the next transaction
        if self.checkpoints is not None:
            self.checkpoints.wrote()
        if changed:
            scope = None if None in changed else frozenset().union(*filter(None, changed))
            moved = (generations[0], generations[-1]) if len(generations) > 1 else None
            for listener in self.listeners:
                listener(scope, moved)

    def _changed(
        self, connection: Connection, agreement_ids: Iterable[str] | None, change: str
    ) -> str:
        """Advance the generation for a change to these agreements (None: all of them).

        Every write calls this, inside its transaction; readers' ETags and response caches
        key on the generation, and listeners are told the agreements after the commit."""
        moved = connection.info.setdefault(_GENERATIONS, [])
        if not moved:
            moved.append(state.read_before(connection) or state.generation(connection))
        value = state.advance(connection, change, moved[-1])
        moved.append(value)
        scope = None if agreement_ids is None else frozenset(agreement_ids)
        connection.info.setdefault(_CHANGED, []).append(scope)
        return value

    # Agreements and provisions --------------------------------------------------------

    def save_agreement(
        self,
        data: dict[str, Any] | write.Patch,
        actor: str,
        check: write.Checker,
        if_match: str | None = None,
        create: bool = False,
    ) -> write.Written:
        with self._transaction() as connection:
            written = write.save_agreement(connection, data, actor, check, if_match, create)
            assert written.agreement is not None
            self._changed(connection, [written.agreement.id], f"agreement:{written.etag}")
        return written

    def save_provision(
        self,
        agreement_id: str,
        data: dict[str, Any] | write.Patch,
        actor: str,
        check: write.Checker,
        if_match: str | None,
        create: bool = False,
    ) -> write.Written:
        with self._transaction(pipeline=not create) as connection:
            written = provision_write.save_provision(
                connection, agreement_id, data, actor, check, if_match, create
            )
            self._changed(connection, [agreement_id], f"provision:{written.etag}")
        return written

    # Events -----------------------------------------------------------------------

    def record_event(
        self,
        event: Event,
        actor: str,
        check: event_write.EventCheck,
        also: Callable[[], object] | None = None,
    ) -> event_write.EventSaved:
        """Record `event` (once: equal content returns the recorded one); `also` runs inside
        the transaction after the insert (the command line writes the events file there, so
        file and registry change together)."""
        try:
            with self._transaction() as connection:
                saved = event_write.save_event(connection, event, actor, check)
                if saved.created:
                    if also is not None:
                        also()
                    names = saved.agreements or None
                    self._changed(connection, names, f"event:{event.id}:{event.fingerprint()}")
                return saved
        except IntegrityError:
            # A concurrent writer recorded the same content (or id) between read and insert.
            with self.reader().connect() as connection:
                same = event_by_fingerprint(connection, event.fingerprint())
            if same is None:
                raise event_write.id_taken(event.id) from None
            return event_write.EventSaved(same, False)

    def delete_event(self, event_id: str, actor: str) -> str:
        with self._transaction() as connection:
            record, named = event_write.delete_event(connection, event_id, actor)
            self._changed(connection, named or None, f"event-deleted:{event_id}:{record}")
        return record

    # Loads ------------------------------------------------------------------------

    def load(
        self, agreements: list[Agreement], also: Callable[[Connection], object] | None = None
    ) -> LoadReport:
        """Replace the content with a dataset; its generation comes from the content."""
        report = load_registry(self.engine, agreements, also=also)
        if self.checkpoints is not None:
            self.checkpoints.wrote()
        for listener in self.listeners:
            listener(None, None)
        return report

    # Tokens -----------------------------------------------------------------------

    def create_token(self, name: str, expires_at: datetime | None = None) -> str:
        with self.engine.begin() as connection:
            create_schema(connection)
            return tokens.create_token(connection, name, expires_at)

    def list_tokens(self) -> list[TokenInfo]:
        with self.reader().connect() as connection:
            return tokens.list_tokens(connection)

    def revoke_token(self, name: str) -> None:
        with self.engine.begin() as connection:
            tokens.revoke_token(connection, name)

    def token_owner(self, token: str, on: Connection | None = None) -> str | None:
        """Whose token this is (None: unknown, expired or revoked). `on`: a connection the
        caller holds for reads (the service's event loop's), else the writer's or a
        reader's."""
        if on is not None:
            return tokens.token_owner(on, token)
        held: Connection | None = getattr(self._held, "connection", None)
        if held is not None:
            with _autocommit(held):
                try:
                    return tokens.token_owner(held, token)
                finally:
                    held.rollback()
        with self.reader().connect() as connection:
            return tokens.token_owner(connection, token)


@contextmanager
def _held_transaction(connection: Connection, pipeline: bool = False) -> Iterator[Connection]:
    """A transaction on a connection its holder keeps: committed, or rolled back on error."""
    with pipelined(connection) if pipeline else nullcontext(), connection.begin():
        yield connection


@contextmanager
def _pooled_transaction(engine: Engine) -> Iterator[Connection]:
    """`engine.begin()` with the transaction's statements in one pipeline."""
    with engine.connect() as connection, pipelined(connection), connection.begin():
        yield connection


@contextmanager
def _autocommit(connection: Connection) -> Iterator[None]:
    """A held PostgreSQL connection's reads with no transaction around them: the token's
    one SELECT is then one round trip, not three (BEGIN, SELECT, ROLLBACK)."""
    if connection.dialect.name != "postgresql":
        yield
        return
    raw: Any = connection.connection.driver_connection
    if not idle(raw):
        yield
        return
    raw.autocommit = True
    try:
        yield
    finally:
        raw.autocommit = False


def _no_commit_checkpoints(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


def sqlite_file(db: str | None) -> Path | None:
    """The SQLite file `db` names, or None for another database or an in-memory one."""
    url = database_url(db)
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or ":memory:" in url:
        return None
    return Path(url[len(prefix) :])
