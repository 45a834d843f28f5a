"""Alembic environment: always run programmatically, on the connection the caller passes.

`pactwatch.store.migrate.migrate` hands over a connection that is already inside a
transaction, so the schema change and whatever the caller does next (a load) commit or
roll back together, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection

from pactwatch.store import tables

IGNORED_PREFIXES = ("provisions_fts", "sqlite_")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave SQLite's FTS5 shadow tables and PostgreSQL's expression index to their own code."""
    if name is None:
        return True
    if type_ == "table" and name.startswith(IGNORED_PREFIXES):
        return False
    return not (type_ == "index" and name == "ix_provisions_search")


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=tables.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run(context.config.attributes["connection"])
