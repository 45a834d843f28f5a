"""A whole-registry load at the speed of the database's own bulk paths.

A load writes every row of every agreement into tables it has just emptied. Through
SQLAlchemy's `insert()` each row is a dict compiled into parameters, and every secondary
index is kept up to date row by row: past a few hundred thousand provisions the indexes
outgrow SQLite's 2 MB page cache and each insert reads and writes index pages at random,
so the load grows faster than the registry (100,000 provisions in 28 s, 1,000,000 in
39 min). Here rows go as tuples through the driver (SQLite's `executemany`, PostgreSQL's
`COPY`), in batches and in the order the old path wrote them (so SQLite's rowids are the
same), and the secondary indexes of tables that start empty are dropped first and built
once after the rows, a single sort each. All of it runs inside the load's own
transaction: a failure still leaves the registry as it was, indexes included.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert, text
from sqlalchemy.exc import DBAPIError

from pactwatch.store import tables

Row = dict[str, Any]
BATCH_ROWS = 200_000
"""Rows held before they are written: enough for the driver's loop to dominate, small
enough that a million provisions never sit in memory as rows all at once."""

SQLITE_CACHE_KIB = 512 * 1024
"""SQLite's page cache during a load (the default is 2 MB): the index builds and the FTS
fill sort in it instead of spilling pages to the WAL file. (`temp_store` cannot change
inside a transaction, and the load is one; the sorter keeps to this cache first anyway.)"""

POSTGRESQL_INDEX_MEMORY = "512MB"
"""`maintenance_work_mem` for the load's index builds (the server's default is 64 MB)."""


@contextmanager
def tuned(connection: Connection) -> Iterator[None]:
    """Give the load memory to sort in, for this load only.

    SQLite's pragma belongs to the connection, not the transaction, so it is put back
    whatever happens; PostgreSQL's `SET LOCAL` ends with the transaction by itself.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SET LOCAL maintenance_work_mem = '{POSTGRESQL_INDEX_MEMORY}'"))
        yield
        return
    if connection.dialect.name != "sqlite":
        yield
        return
    cache = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")


def defer_checks(connection: Connection, names: Iterable[str]) -> list[str]:
    """Drop the secondary indexes of these tables (on PostgreSQL their foreign keys too);
    return the statements that bring them back, for `restore`.

    The statements are the database's own (`sqlite_master.sql`, `pg_indexes.indexdef`,
    `pg_get_constraintdef`), so each comes back exactly as the migrations made it. Primary
    keys and unique constraints stay: they check the rows as they arrive. A foreign key
    added back checks every row in one join, where COPY would fire a trigger per row;
    SQLite's checks are in-process lookups, and it cannot drop a constraint anyway.
    """
    wanted = sorted(set(names))
    quote = connection.dialect.identifier_preparer.quote
    if connection.dialect.name == "sqlite":
        found = connection.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN (SELECT value FROM json_each(:names)) ORDER BY name"
            ),
            {"names": json.dumps(wanted)},
        ).all()
        for name, _ in found:
            connection.exec_driver_sql(f"DROP INDEX {quote(str(name))}")
        return [str(sql) for _, sql in found]
    if connection.dialect.name != "postgresql":
        return []
    indexes = connection.execute(
        text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:names) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "  WHERE c.conindid = to_regclass(quote_ident(i.schemaname) || '.' "
            "  || quote_ident(i.indexname))) "
            "ORDER BY i.indexname"
        ),
        {"names": wanted},
    ).all()
    keys = connection.execute(
        text(
            "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace "
            "AND t.relname = ANY(:names) ORDER BY t.relname, c.conname"
        ),
        {"names": wanted},
    ).all()
    for table, name, _ in keys:
        connection.exec_driver_sql(
            f"ALTER TABLE {quote(str(table))} DROP CONSTRAINT {quote(str(name))}"
        )
    for name, _ in indexes:
        connection.exec_driver_sql(f"DROP INDEX {quote(str(name))}")
    return [str(sql) for _, sql in indexes] + [
        f"ALTER TABLE {quote(str(table))} ADD CONSTRAINT {quote(str(name))} {definition}"
        for table, name, definition in keys
    ]


def restore(connection: Connection, statements: Sequence[str], names: Iterable[str]) -> None:
    """Run `defer_checks`'s statements; on PostgreSQL then gather the tables' statistics,
    so the queries that follow in the load (and the first readers) plan on the new rows."""
    for statement in statements:
        connection.exec_driver_sql(statement)
    if connection.dialect.name == "postgresql":
        quote = connection.dialect.identifier_preparer.quote
        for name in sorted(set(names)):
            connection.exec_driver_sql(f"ANALYZE {quote(name)}")


def _fixed(
    fixes: Sequence[tuple[int, Callable[[Any], Any]]], value: tuple[Any, ...]
) -> tuple[Any, ...]:
    """A row's values with the columns' bind processors applied (SQLite's dates as text)."""
    out = list(value)
    for i, fix in fixes:
        if out[i] is not None:
            out[i] = fix(out[i])
    return tuple(out)


class RowWriter:
    """Holds rows per table and writes them in batches, parents before children.

    Each flush writes the tables in the metadata's dependency order, so a child's parent
    row is always written first (SQLite checks foreign keys row by row), and each table's
    rows in the order they were added.
    """

    def __init__(self, connection: Connection, batch_rows: int | None = None) -> None:
        self.connection = connection
        self.batch_rows = batch_rows or BATCH_ROWS
        self.pending: dict[Table, list[Row]] = defaultdict(list)
        self.held = 0
        self.order = {t: i for i, t in enumerate(tables.metadata.sorted_tables)}

    def add(self, table: Table, rows: Sequence[Row]) -> None:
        self.pending[table].extend(rows)
        self.held += len(rows)

    def flush_if_full(self) -> None:
        """Write what is held once it passes a batch; call it between whole parents (an
        agreement with all its rows), never between a parent and its children."""
        if self.held >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        for table in sorted(self.pending, key=self.order.__getitem__):
            rows = self.pending[table]
            if rows:
                write_rows(self.connection, table, rows)
        self.pending.clear()
        self.held = 0


def write_rows(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (dicts with the same keys) through the driver's bulk path."""
    dialect = connection.dialect
    names = [c.name for c in table.columns if c.name in rows[0]]
    fixes = [
        (i, fix)
        for i, name in enumerate(names)
        if (fix := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    get = itemgetter(*names)
    values: Iterable[tuple[Any, ...]] = (
        map(get, rows) if len(names) > 1 else ((row[names[0]],) for row in rows)
    )
    if fixes:
        values = map(partial(_fixed, fixes), values)
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(n) for n in names)
    if dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None
        statement = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for value in values:
                    copy.write_row(value)
        except dialect.loaded_dbapi.Error as error:
            # the driver's own error, as SQLAlchemy would have raised it (IntegrityError, ...)
            raise DBAPIError.instance(
                statement, None, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error
        return
    if dialect.name != "sqlite":
        connection.execute(insert(table), list(rows))
        return
    marks = ", ".join("?" for _ in names)
    connection.exec_driver_sql(
        f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", list(values)
    )
