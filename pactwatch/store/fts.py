"""Full-text search over provisions: SQLite FTS5 when the registry is SQLite.

Kept in one module so another backend (PostgreSQL's own text search) can sit beside it
behind the same two calls.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

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


def rebuild(connection: Connection) -> None:
    """Rebuild the index from the provision tables.

    Dropping and recreating (inside the load's transaction) rather than deleting rows keeps
    the index's bytes identical across loads of the same data.
    """
    if connection.dialect.name != "sqlite":
        return
    connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
    create(connection)
    connection.execute(
        text(f"""
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
    """)
    )


def search(connection: Connection, query: str, limit: int = 50) -> list[tuple[str, str]]:
    """(agreement_id, provision_id) pairs matching a full-text query, best first."""
    if connection.dialect.name != "sqlite":
        raise NotImplementedError("full-text search needs the SQLite registry for now")
    rows = connection.execute(
        text(
            f"SELECT agreement_id, provision_id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q "
            "ORDER BY rank LIMIT :limit"
        ),
        {"q": _quote_terms(query), "limit": limit},
    )
    return [(str(a), str(p)) for a, p in rows]


def _quote_terms(query: str) -> str:
    """Each word as a quoted FTS5 string, so user punctuation is never FTS syntax."""
    words = [w.replace('"', '""') for w in query.split()]
    return " ".join(f'"{w}"' for w in words) or '""'
