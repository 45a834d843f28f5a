"""The registry's generation: one value that changes whenever its content changes.

Readers key their ETags and response caches on it, so a cached answer is reused exactly as
long as nothing was loaded or written since. A load sets it from the content itself
(loading the same data twice gives the same database, byte for byte); a curator's write
chains it from the previous generation and the new record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from pactwatch.store import cursor_rows, tables

ROW = 1


def digest(parts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:20]


_STATE = tables.registry_state
_READ = select(_STATE.c.generation).where(_STATE.c.id == ROW)
_ADVANCE = update(_STATE).where(_STATE.c.id == ROW).values(generation=bindparam("value"))
"""Built once: every write reads and advances the generation."""


def generation(connection: Connection) -> str:
    """The current generation ("empty" before the first load)."""
    value = connection.execute(_READ).scalar_one_or_none()
    return str(value) if value is not None else "empty"


def read_generation(connection: Connection) -> str:
    """`generation` on the driver's cursor (`cursor_rows`): a service whose workers share
    the registry asks before every answer, and SQLAlchemy's result machinery cost more
    than the lookup."""
    found = cursor_rows.rows(connection, _READ, {})
    return str(found[0][0]) if found and found[0][0] is not None else "empty"


_BEFORE = "pactwatch_generation_before"


def read_before(connection: Connection) -> str | None:
    """The generation a write read (and locked) with its first statement (`seen`), if it did:
    the write then needs no statement of its own to read it."""
    value = connection.info.pop(_BEFORE, None)
    return None if value is None else str(value)


def seen(connection: Connection, value: str | None) -> None:
    """Note the generation this transaction read while it held the registry's row locked."""
    connection.info[_BEFORE] = "empty" if value is None else value


def set_generation(connection: Connection, value: str) -> None:
    connection.execute(delete(tables.registry_state))
    connection.execute(insert(tables.registry_state).values(id=ROW, generation=value))


def advance(connection: Connection, change: str, current: str | None = None) -> str:
    """A new generation after a write: the previous one (`current`, when the caller read
    it in this transaction) chained with what changed."""
    value = digest([generation(connection) if current is None else current, change])
    connection.execute(_ADVANCE, {"value": value})
    return value
