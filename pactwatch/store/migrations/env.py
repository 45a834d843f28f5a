"""Alembic environment: always run programmatically, on the connection the caller passes.

`pactwatch.store.migrate.migrate` hands over a connection that is already inside a
transaction, so the schema change and whatever the caller does next (a load) commit or
roll back together, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from pactwatch.store import tables
from pactwatch.store.migrate import include_object


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
