"""Open the registry from a path or URL, with SQLite set up for safe transactions.

Python's sqlite3 driver does not wrap DDL in transactions by default; we take control of
BEGIN ourselves so that a failed load (schema and rows alike) rolls back completely.
Writers take the database lock up front (BEGIN IMMEDIATE) so two curators cannot both
read a version and then both write; readers (`reader(engine)`) begin a plain deferred
transaction so that under WAL they never wait for each other or for a writer.
PostgreSQL URLs are given the psycopg 3 driver, so `postgresql://...` just works.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event

from pactwatch.settings import default_db
from pactwatch.store import pipeline

READONLY = "pactwatch_readonly"


def database_url(db: str | None = None) -> str:
    """A file path becomes an SQLite URL; anything with a scheme is used as given."""
    value = db or default_db()
    return value if "://" in value else f"sqlite:///{value}"


def driver_url(url: str) -> str:
    """`postgresql://` (and `postgres://`) with the psycopg 3 driver named."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def open_engine(db: str | None = None) -> Engine:
    url = driver_url(database_url(db))
    if url.startswith("sqlite"):
        # The connection used last goes out first: quick reads run one after another on
        # the event loop, so they keep reusing one connection and its page cache, which
        # SQLite empties on every connection after any other connection writes
        # (`benchmarks/reads_beside_writes.py`); handed out in turn, each pooled
        # connection refilled its cache after every write.
        engine = create_engine(url, connect_args={"check_same_thread": False}, pool_use_lifo=True)
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=30, pool_pre_ping=True)
    pipeline.install(engine)
    return engine


_READER = "_pactwatch_reader"


def reader(engine: Engine) -> Engine:
    """The same engine and pool, for reads: on SQLite its transactions do not lock writers out.

    Made once per engine and kept on it: building the option engine costs more than a
    small query.
    """
    found: Engine | None = getattr(engine, _READER, None)
    if found is None:
        found = engine.execution_options(**{READONLY: True})
        setattr(engine, _READER, found)
    return found


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        readonly = connection.get_execution_options().get(READONLY, False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")
