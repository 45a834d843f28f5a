"""Full-text search over provisions: SQLite FTS5, or PostgreSQL's own text search.

SQLite keeps a separate FTS5 index filled from the provision tables; PostgreSQL needs no
second table: a GIN index over `to_tsvector('english', provisions.search_text)` (declared in
`tables.py` and created by the first migration) serves the same queries. Both stem words
(FTS5's porter tokenizer, PostgreSQL's `english` configuration), and both search the terms
`synonyms.expand` makes of a query: US and UK spellings, listed synonyms, and partner names
in English, Ukrainian or Romanian. They sit behind `matches` (a filter for any provisions
query), `search` (ids, best first) and `explain` (what matched, for the reader).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    tuple_,
)

from pactwatch.model.codes import party_name
from pactwatch.store import synonyms, tables

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
ap = tables.agreement_parties


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
    INSERT INTO {FTS_TABLE} (rowid, agreement_id, provision_id, {", ".join(FTS_COLUMNS)})
    SELECT p.rowid, p.agreement_id, p.id, p.section, p.action, p.object, p.summary, p.condition,
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


FILL_ONE = _FILL + " WHERE p.agreement_id = :a AND p.id = :p"
"""Index one provision; its FTS row shares the provision row's rowid, so an edit of one
provision finds its row by rowid instead of scanning the index's unindexed columns."""


def refresh(connection: Connection, agreement_id: str) -> None:
    """Re-index one agreement's provisions (after a curator's edit)."""
    if connection.dialect.name != "sqlite":
        return
    connection.execute(
        text(f"DELETE FROM {FTS_TABLE} WHERE agreement_id = :a"), {"a": agreement_id}
    )
    connection.execute(text(_FILL + " WHERE p.agreement_id = :a"), {"a": agreement_id})


def matches(dialect: str, query: str) -> ColumnElement[bool]:
    """A filter on `tables.provisions` rows whose words match `query` (bound, never spliced).

    Each term of the query (`synonyms.expand`) must match: one of its alternatives in the
    provision's words or, for a term naming a party, the provision's agreement being one
    that party signed."""
    terms = synonyms.expand(query)
    if not terms:
        return false()
    p = tables.provisions
    words = [t for t in terms if not t.parties]
    out: list[ColumnElement[bool]] = []
    if words:
        out.append(_words_match(dialect, words))
    for term in terms:
        if term.parties:
            signed = select(ap.c.agreement_id).where(ap.c.party.in_(term.parties))
            out.append(or_(p.c.agreement_id.in_(signed), _words_match(dialect, [term])))
    return and_(*out)


def _words_match(dialect: str, terms: Sequence[synonyms.Term]) -> ColumnElement[bool]:
    p = tables.provisions
    if dialect == "sqlite":
        hits = select(_fts.c.agreement_id, _fts.c.provision_id).where(
            _fts.c[FTS_TABLE].op("MATCH")(fts5_query(terms))
        )
        return tuple_(p.c.agreement_id, p.c.id).in_(hits)
    return tables.SEARCH_VECTOR.op("@@")(ts_query(terms))


def fts5_query(terms: Sequence[synonyms.Term]) -> str:
    """FTS5 syntax for terms: alternatives ORed, terms ANDed, every word quoted.

    What the reader typed matches as words in any order ("air defence" finds "defence of
    the air space"), as it did before synonyms; a listed alternative matches as a phrase."""
    groups = []
    for term in terms:
        typed, *others = term.alternatives
        loose = " AND ".join(_quoted(w) for w in typed.split())
        groups.append(" OR ".join([f"({loose})", *(_quoted(a) for a in others)]))
    return " AND ".join(f"({g})" for g in groups)


def ts_query(terms: Sequence[synonyms.Term]) -> ColumnElement[Any]:
    """A PostgreSQL tsquery for terms, as `fts5_query` builds them for SQLite."""
    combined: ColumnElement[Any] | None = None
    for term in terms:
        typed, *others = term.alternatives
        either: ColumnElement[Any] = func.plainto_tsquery(_ENGLISH, typed)
        for alternative in others:
            either = either.op("||")(func.phraseto_tsquery(_ENGLISH, alternative))
        combined = either if combined is None else combined.op("&&")(either)
    assert combined is not None
    return combined


def _quoted(words: str) -> str:
    return '"' + words.replace('"', '""') + '"'


def has_words(connection: Connection, words: str) -> bool:
    """Whether any provision holds these words as a phrase (stemmed)."""
    probe: Select[Any]
    if connection.dialect.name == "sqlite":
        probe = (
            select(literal_column("1"))
            .select_from(_fts)
            .where(_fts.c[FTS_TABLE].op("MATCH")(_quoted(words)))
        )
    else:
        phrase = func.phraseto_tsquery(_ENGLISH, words)
        probe = (
            select(literal_column("1"))
            .select_from(tables.provisions)
            .where(tables.SEARCH_VECTOR.op("@@")(phrase))
        )
    return connection.execute(probe.limit(1)).first() is not None


def explain(connection: Connection, query: str) -> list[str]:
    """How a query matched, for the reader: the spellings, synonyms and partners used.

    Only alternatives that hold words in the registry are named, and a party only when an
    agreement in the registry has it."""
    notes: list[str] = []
    for term in synonyms.expand(query):
        if term.parties:
            signed = connection.execute(
                select(ap.c.party).where(ap.c.party.in_(term.parties)).distinct()
            ).scalars()
            for code in signed:
                notes.append(f"partner '{term.typed}' → {party_name(str(code))}")
        found = [a for a in term.extra if has_words(connection, a)]
        if found:
            listed = ", ".join(f"'{a}'" for a in found)
            notes.append(f"matched {listed} for '{term.typed}'")
    return notes


def search(connection: Connection, query: str, limit: int = 50) -> list[tuple[str, str]]:
    """(agreement_id, provision_id) pairs matching a full-text query, best first."""
    terms = synonyms.expand(query)
    if not terms:
        return []
    if connection.dialect.name == "sqlite":
        rank: ColumnElement[Any] = literal_column("rank")
        rows = connection.execute(
            select(_fts.c.agreement_id, _fts.c.provision_id)
            .where(_fts.c[FTS_TABLE].op("MATCH")(fts5_query(terms)))
            .order_by(rank)
            .limit(limit)
        )
    else:
        p = tables.provisions
        tsquery = ts_query(terms)
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
