"""Full-text search over provisions: SQLite FTS5, or PostgreSQL's own text search.

SQLite keeps a separate FTS5 index filled from the provision tables; PostgreSQL needs no
second table: a GIN index over `to_tsvector('english', provisions.search_text)` (declared in
`tables.py` and created by the first migration) serves the same queries. Both sit behind
`matches` (a filter for any provisions query) and `search` (ids, best first).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    column,
    func,
    literal_column,
    select,
    table,
    text,
    tuple_,
)

from pactwatch.store import tables

FTS_TABLE = "provisions_fts"
FTS_COLUMNS = (
    "section",
    "action",
    "object",
    "summary",
    "condition",
    "timing",
    "domains",
    "instruments",
    "partners",
    "flags",
)
_fts = table(FTS_TABLE, column("agreement_id"), column("provision_id"), column(FTS_TABLE))
_ENGLISH: ColumnElement[Any] = literal_column("'english'::regconfig")


def create(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    columns = ", ".join(FTS_COLUMNS)
    connection.execute(
        text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            f"agreement_id UNINDEXED, provision_id UNINDEXED, {columns}, "
            "tokenize='porter unicode61')"
        )
    )


def drop(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))


_FILL = f"""
    INSERT INTO {FTS_TABLE} (agreement_id, provision_id, {", ".join(FTS_COLUMNS)})
    SELECT p.agreement_id, p.id, p.section, p.action, p.object, p.summary, p.condition,
           p.timing,
           (SELECT group_concat(domain, ' ') FROM provision_domains d
             WHERE d.agreement_id = p.agreement_id AND d.provision_id = p.id),
           (SELECT group_concat(name, ' ') FROM provision_instruments i
             WHERE i.agreement_id = p.agreement_id AND i.provision_id = p.id),
           (SELECT group_concat(name, ' ') FROM provision_partners pp
             WHERE pp.agreement_id = p.agreement_id AND pp.provision_id = p.id),
           (SELECT group_concat(flag, ' ') FROM provision_flags f
             WHERE f.agreement_id = p.agreement_id AND f.provision_id = p.id)
    FROM provisions p
"""


def rebuild(connection: Connection) -> None:
    """Rebuild the whole index from the provision tables (after a load).

    Dropping and recreating (inside the load's transaction) rather than deleting rows keeps
    the index's bytes identical across loads of the same data.
    """
    if connection.dialect.name != "sqlite":
        return
    connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
    create(connection)
    connection.execute(text(_FILL))


def refresh(connection: Connection, agreement_id: str) -> None:
    """Re-index one agreement's provisions (after a curator's edit)."""
    if connection.dialect.name != "sqlite":
        return
    connection.execute(
        text(f"DELETE FROM {FTS_TABLE} WHERE agreement_id = :a"), {"a": agreement_id}
    )
    connection.execute(text(_FILL + " WHERE p.agreement_id = :a"), {"a": agreement_id})


def matches(dialect: str, query: str) -> ColumnElement[bool]:
    """A filter on `tables.provisions` rows whose words match `query` (bound, never spliced)."""
    p = tables.provisions
    if dialect == "sqlite":
        hits = select(_fts.c.agreement_id, _fts.c.provision_id).where(
            _fts.c[FTS_TABLE].op("MATCH")(quote_terms(query))
        )
        return tuple_(p.c.agreement_id, p.c.id).in_(hits)
    return tables.SEARCH_VECTOR.op("@@")(func.plainto_tsquery(_ENGLISH, query))


def search(connection: Connection, query: str, limit: int = 50) -> list[tuple[str, str]]:
    """(agreement_id, provision_id) pairs matching a full-text query, best first."""
    if connection.dialect.name == "sqlite":
        rank: ColumnElement[Any] = literal_column("rank")
        rows = connection.execute(
            select(_fts.c.agreement_id, _fts.c.provision_id)
            .where(_fts.c[FTS_TABLE].op("MATCH")(quote_terms(query)))
            .order_by(rank)
            .limit(limit)
        )
    else:
        p = tables.provisions
        tsquery = func.plainto_tsquery(_ENGLISH, query)
        rows = connection.execute(
            select(p.c.agreement_id, p.c.id)
            .where(tables.SEARCH_VECTOR.op("@@")(tsquery))
            .order_by(func.ts_rank(tables.SEARCH_VECTOR, tsquery).desc(), p.c.agreement_id)
            .limit(limit)
        )
    return [(str(a), str(p)) for a, p in rows]


def quote_terms(query: str) -> str:
    """Each word as a quoted FTS5 string, so user punctuation is never FTS syntax."""
    words = [w.replace('"', '""') for w in query.split()]
    return " ".join(f'"{w}"' for w in words) or '""'
