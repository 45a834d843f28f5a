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

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event
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


class Rider:
    """A statement sent along with the next one this thread sends (`riding`)."""

    def __init__(self, statement: Executable, params: dict[str, Any]) -> None:
        self.statement = statement
        self.params = params
        self.rows: Sequence[Sequence[Any]] | None = None
        """Its rows once sent; None while it was not (the caller then runs it itself)."""


_riding = threading.local()


@contextmanager
def riding(statement: Executable, params: dict[str, Any]) -> Iterator[Rider]:
    """Inside, the first statement `rows` sends on PostgreSQL takes `statement` with it,
    before it, in one pipeline: one round trip for both (each still its own snapshot).

    Every uncached answer of a shared service reads the registry's generation first; on
    two busy cores each round trip is a wait for the server to be scheduled, and such
    waits made the tail of the latency.
    """
    rider = Rider(statement, params)
    _riding.rider = rider
    try:
        yield rider
    finally:
        _riding.rider = None


def riders_go_first(engine: Engine) -> None:
    """Make a statement that does not go through `rows` (one SQLAlchemy sends itself: a
    text query, a count of a beneficiary) send a pending rider alone before it, so a
    rider is always read before whatever follows it. Once per engine."""
    if getattr(engine, _RIDERS_FIRST, False):
        return
    setattr(engine, _RIDERS_FIRST, True)

    def first(connection: Connection, *_: Any) -> None:
        rider: Rider | None = getattr(_riding, "rider", None)
        if rider is not None and connection.dialect.name != "sqlite":
            _riding.rider = None
            rider.rows = rows(connection, rider.statement, rider.params)

    event.listen(engine, "before_cursor_execute", first)


_RIDERS_FIRST = "_pactwatch_riders_first"


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
    rider: Rider | None = getattr(_riding, "rider", None)
    with driver.cursor() as cursor:
        if text_as_bytes:
            from psycopg.types.string import ByteaBinaryLoader  # PostgreSQL only

            cursor.adapters.register_loader("text", ByteaBinaryLoader)
        options = {"binary": text_as_bytes or None}
        if rider is not None:
            _riding.rider = None
            _, rider_sql, rider_compiled = _prepared(connection, rider.statement)
            if rider_sql is not None and rider_compiled is not None:
                first = (rider_sql, rider_compiled.construct_params(rider.params))
                found, rider.rows = _pipelined(connection, driver, first, (sql, values), options)
                return found
        return _fetched(connection, cursor, sql, values, options)


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


def _pipelined(
    connection: Connection,
    driver: Any,
    first: tuple[str, Any],
    second: tuple[str, Any],
    options: dict[str, Any],
) -> tuple[list[Any], list[Any]]:
    """Two statements in one pipeline (sent together with one Sync), the second's rows
    and the first's, with the engine's cursor events around each as `_fetched` does."""
    dispatch = connection.dispatch
    with driver.cursor() as one, driver.cursor() as two:
        sent: list[tuple[Any, str, Any]] = []
        for cursor, (sql, values) in ((one, first), (two, second)):
            for before in dispatch.before_cursor_execute:
                sql, values = before(connection, cursor, sql, values, None, False)
            sent.append((cursor, sql, values))
        try:
            with driver.pipeline():
                one.execute(sent[0][1], sent[0][2])
                two.execute(sent[1][1], sent[1][2], **options)
            ridden: list[Any] = one.fetchall()
            found: list[Any] = two.fetchall()
        except connection.dialect.loaded_dbapi.Error as error:
            connection._handle_dbapi_exception(error, sent[1][1], sent[1][2], two, None)
            raise  # not reached: the call above raises
        for cursor, sql, values in sent:
            for after in dispatch.after_cursor_execute:
                after(connection, cursor, sql, values, None, False)
    return found, ridden


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
