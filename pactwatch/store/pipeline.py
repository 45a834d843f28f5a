"""A PostgreSQL transaction's statements sent together, in psycopg's pipeline mode.

Each statement of a curator's edit used to be one round trip (BEGIN, the locking read,
the row, the version and history, the generation read and update, COMMIT), and on a
busy service the writer's thread waited for the interpreter and a core at each of them.
In pipeline mode psycopg queues a statement and returns at once; the queue goes to the
server, and the answers come back, only when something needs an answer: a statement that
returns rows, or the COMMIT. So an edit is its locking read (with the BEGIN before it),
then everything else with the COMMIT, then the pipeline's closing sync: three round
trips, whatever the edit writes (seven before, and more for an edit moving domains).

SQLAlchemy decides whether a statement returns rows from the cursor just after it runs,
which in pipeline mode has no answer yet; `install`'s listener therefore syncs the pipeline
right after any statement that may return rows (a SELECT, or anything with RETURNING), so
its answer is there when SQLAlchemy looks. An error in a queued statement is raised at the
next sync, so it still ends the transaction before its COMMIT is acknowledged: the
transaction changes whole or not at all, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event

_PIPELINE = "pactwatch_pipeline"
_ROWS = re.compile(r"^\s*(?:SELECT|VALUES|SHOW|TABLE)\b|\bRETURNING\b", re.IGNORECASE)
"""A statement whose rows SQLAlchemy reads: its answer is fetched before it returns. A
statement wrongly taken for one costs one round trip more, never a wrong answer."""


def install(engine: Engine) -> None:
    """Let `pipelined` work on this engine's connections (PostgreSQL only)."""

    @event.listens_for(engine, "after_cursor_execute")
    def _answer_rows(
        connection: Connection,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        _context: Any,
        _many: bool,
    ) -> None:
        pipeline = connection.info.get(_PIPELINE)
        if pipeline is not None and _ROWS.search(statement):
            pipeline.sync()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if _PIPELINE in connection.info:
            connection.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "commit")
    def _commit(connection: Connection) -> None:
        pipeline = connection.info.get(_PIPELINE)
        if pipeline is not None and idle(_raw(connection)):
            pipeline.sync()  # nothing answered since the BEGIN: psycopg must see it began


def idle(raw: Any) -> bool:
    """Whether this psycopg connection has no transaction open. psycopg is imported here,
    not with the module: a process that only ever opens SQLite never loads it (9 MB)."""
    from psycopg.pq import TransactionStatus

    return bool(raw.info.transaction_status == TransactionStatus.IDLE)


def _raw(connection: Connection) -> Any:
    return connection.connection.driver_connection


@contextmanager
def pipelined(connection: Connection) -> Iterator[Connection]:
    """Send `connection`'s statements in one pipeline while the block runs: enter it before
    the transaction begins and leave it after the commit. Elsewhere than PostgreSQL, or
    inside a transaction already begun, it does nothing.

    psycopg itself would send its BEGIN and wait for the answer before the first statement;
    so the connection is put in autocommit for the block and the BEGIN is sent as a
    statement of the pipeline when SQLAlchemy begins (`install`). psycopg still sends the
    COMMIT (or ROLLBACK), since the server says a transaction is open."""
    raw = _raw(connection) if connection.dialect.name == "postgresql" else None
    if raw is None or not idle(raw) or connection.in_transaction():
        yield connection
        return
    raw.autocommit = True
    try:
        with raw.pipeline() as pipeline:
            connection.info[_PIPELINE] = pipeline
            try:
                yield connection
            finally:
                connection.info.pop(_PIPELINE, None)
    finally:
        if idle(raw):
            raw.autocommit = False
        else:  # the block failed past its rollback: never reuse the connection
            connection.invalidate()
