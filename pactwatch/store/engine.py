"""Open the registry from a path or URL, with SQLite set up for safe transactions.

Python's sqlite3 driver does not wrap DDL in transactions by default; we take control of
BEGIN ourselves so that a failed load (schema and rows alike) rolls back completely.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event

from pactwatch.settings import default_db


def database_url(db: str | None = None) -> str:
    """A file path becomes an SQLite URL; anything with a scheme is used as given."""
    value = db or default_db()
    return value if "://" in value else f"sqlite:///{value}"


def open_engine(db: str | None = None) -> Engine:
    url = database_url(db)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
