"""A built SELECT run on the driver's own cursor: the hottest reads, on either backend.

Measured on one PostgreSQL connection, a filtered page cost the service 0.45 ms of CPU
through `Connection.execute` and 0.15 ms through psycopg's cursor with the same SQL: the
difference is SQLAlchemy's execution context and result machinery, which these
statements do not need (their columns are text, integers and dates, which psycopg
returns as SQLAlchemy would, with no processor on either side). So the statements the
query module builds once per shape are compiled once here and sent to the cursor.

The engine's cursor events are still fired around each statement, so what listens to
the engine (the query-plan tests, a statement log) sees these as it sees any other, and
a driver error is handled as `execute` handles it (a lost connection is invalidated and
the error raised as SQLAlchemy's `DBAPIError`).
Statements whose compiled form needs SQLAlchemy's processing (a date, on SQLite) go
through `execute`. SQLite's cursor saves the same machinery on the event loop's reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import Compiled

Prepared = tuple[Executable, str, Compiled] | tuple[Executable, None, None]
_COMPILED: dict[tuple[int, str], Prepared] = {}
"""By the statement's identity and the dialect it is compiled for (one statement may serve
both backends in one process); only statements built once per shape come here."""


def _prepared(connection: Connection, statement: Executable) -> Prepared:
    key = (id(statement), connection.dialect.name)
    found = _COMPILED.get(key)
    if found is not None and found[0] is statement:
        return found
    compiled = statement.compile(dialect=connection.dialect)  # type: ignore[attr-defined]
    plain = not compiled._bind_processors and not compiled.escaped_bind_names
    results = getattr(compiled, "_result_columns", [])
    dialect = connection.dialect
    plain = plain and all(
        c[-1].dialect_impl(dialect).result_processor(dialect, None) is None for c in results
    )
    made: Prepared = (statement, str(compiled), compiled) if plain else (statement, None, None)
    _COMPILED[key] = made
    return made


def rows(
    connection: Connection,
    statement: Executable,
    params: dict[str, Any],
    text_as_bytes: bool = False,
) -> Sequence[Sequence[Any]]:
    """Every row of a once-built SELECT, as tuples in the statement's column order.

    `text_as_bytes`: on PostgreSQL, text columns come back as their UTF-8 bytes (the
    binary format of text is its bytes), for an answer sent on as it is stored.
    """
    _, sql, compiled = _prepared(connection, statement)
    if sql is None or compiled is None:
        return connection.execute(statement, params).all()
    if connection.dialect.name == "sqlite":
        return _sqlite_rows(connection, sql, compiled, params)
    values: Any = compiled.construct_params(params)
    driver = connection.connection.driver_connection
    assert driver is not None
    if not text_as_bytes:
        return _fetched(connection, _kept_cursor(connection, driver), sql, values, {})
    with driver.cursor() as cursor:
        from psycopg.types.string import ByteaBinaryLoader  # PostgreSQL only

        cursor.adapters.register_loader("text", ByteaBinaryLoader)
        return _fetched(connection, cursor, sql, values, {"binary": True})


_CURSOR = "pactwatch_cursor"


def _kept_cursor(connection: Connection, driver: Any) -> Any:
    """One psycopg cursor per database connection, made on its first statement and kept
    with it (in the pool's record of it): making a cursor copies the connection's
    adapters, a fifth of what a one-row statement costs the client. A connection runs one
    statement at a time, and each `execute` starts the cursor afresh. (Text sent on as
    bytes takes a cursor of its own each time: the matrix's, which is not kept.)"""
    info = connection.connection.info
    kept: tuple[Any, Any] | None = info.get(_CURSOR)
    if kept is None or kept[0] is not driver or kept[1].closed:
        kept = info[_CURSOR] = (driver, driver.cursor())
    return kept[1]


def _sqlite_rows(
    connection: Connection, sql: str, compiled: Compiled, params: dict[str, Any]
) -> Sequence[Sequence[Any]]:
    """The same on SQLite's cursor, inside the connection's transaction.

    `Connection.execute` would begin the transaction (the engine's `begin` event sends
    BEGIN); the cursor does not, so it is begun here first: a page and its facets must
    read one snapshot. SQLite's statements take their values by position.
    """
    if not connection.in_transaction():
        connection.begin()
    named = compiled.construct_params(params) or {}
    values = tuple(named[name] for name in getattr(compiled, "positiontup", None) or [])
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        return _fetched(connection, cursor, sql, values, {})
    finally:
        cursor.close()


def _fetched(
    connection: Connection, cursor: Any, sql: str, values: Any, options: dict[str, Any]
) -> list[Any]:
    """Run on the cursor with the engine's cursor events around it, as `execute` does."""
    dispatch = connection.dispatch
    for before in dispatch.before_cursor_execute:
        sql, values = before(connection, cursor, sql, values, None, False)
    try:
        cursor.execute(sql, values, **options)
        found: list[Any] = cursor.fetchall()
    except connection.dialect.loaded_dbapi.Error as error:
        # as `execute` does: a lost connection is invalidated, the error wrapped
        connection._handle_dbapi_exception(error, sql, values, cursor, None)
        raise  # not reached: the call above raises
    for after in dispatch.after_cursor_execute:
        after(connection, cursor, sql, values, None, False)
    return found
