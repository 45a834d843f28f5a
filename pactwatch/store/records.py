"""An agreement's contract JSON, stored as parts and assembled on read.

A whole record at 2,000 provisions is about a megabyte of JSON; keeping it as one text
made every edit of one provision rewrite it. The agreement's row now keeps its record with
the provisions array empty (`agreements.record`, still valid JSON with every other field,
which is what the rules and the agreement page read from it) and the offset inside that
array (`provisions_at`); each provision's JSON is its own row's `provisions.record`, the
very text it has inside the whole record. A reader gets the whole record as the head with
the provisions' texts, in position order and joined by ", ", put at that offset: exactly
the text `load.record_json` gives for the same agreement, assembled by the database in one
statement (so it reads one snapshot).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, ScalarSelect, func, literal_column, select

from pactwatch.store import tables, versions

_OPEN = '"provisions": ['


def stored_record(data: Mapping[str, Any]) -> tuple[str, int]:
    """The agreement row's `record` for a contract JSON dict, and `provisions_at`."""
    keys = list(data)
    cut = keys.index("provisions") if "provisions" in keys else len(keys)
    before = {k: data[k] for k in keys[:cut]}
    text = json.dumps({**data, "provisions": []}, ensure_ascii=False)
    opening = json.dumps(before, ensure_ascii=False)[:-1] + (", " if before else "") + _OPEN
    at = len(opening)
    if text[:at] != opening or text[at] != "]":  # not the shape json.dumps gives: refuse
        raise ValueError("the record's provisions cannot be located")
    return text, at


def whole(record: str, at: int | None, provisions: str | None) -> str:
    """The whole contract JSON from the stored head and the provisions' joined texts."""
    if at is None:
        return record
    return record[:at] + (provisions or "") + record[at:]


def _joined(connection: Connection) -> ScalarSelect[Any]:
    """The agreement's provision texts in position order, joined by ", " (a subquery)."""
    p, a = tables.provisions, tables.agreements
    if connection.dialect.name == "sqlite":
        # An aggregate over an ordered subquery keeps its order: SQLite never flattens
        # a subquery with ORDER BY into an aggregate (before 3.44 it has no ORDER BY here).
        ordered = (
            select(p.c.record)
            .where(p.c.agreement_id == a.c.id)
            .order_by(p.c.position)
            .correlate(a)
            .subquery()
        )
        return select(func.group_concat(ordered.c.record, ", ")).scalar_subquery()
    agg = func.string_agg(p.c.record, literal_column("', ' ORDER BY provisions.position"))
    return select(agg).where(p.c.agreement_id == a.c.id).correlate(a).scalar_subquery()


@dataclass(frozen=True)
class Stored:
    """One agreement's whole record with its write version and content version."""

    record: str
    version: int
    content_version: str


def read(connection: Connection, agreement_id: str) -> Stored | None:
    """The whole record of one agreement, its version and content version (one statement)."""
    a, v = tables.agreements, versions.agreement_versions
    row = connection.execute(
        select(a.c.record, a.c.provisions_at, _joined(connection), a.c.version, v.c.version)
        .join_from(a, v, v.c.agreement_id == a.c.id)
        .where(a.c.id == agreement_id)
    ).one_or_none()
    if row is None:
        return None
    return Stored(whole(str(row[0]), row[1], row[2]), int(row[3]), str(row[4]))


def read_all(connection: Connection, ids: list[str] | None = None) -> list[str]:
    """Whole records of these agreements (all: None), in signing order."""
    a = tables.agreements
    query = select(a.c.record, a.c.provisions_at, _joined(connection)).order_by(
        a.c.signed_on.nulls_last(), a.c.id
    )
    if ids is not None:
        query = query.where(a.c.id.in_(ids))
    return [whole(str(r[0]), r[1], r[2]) for r in connection.execute(query)]


def exists(connection: Connection, agreement_id: str) -> bool:
    """Whether the agreement is stored (without assembling its record)."""
    a = tables.agreements
    return connection.execute(select(a.c.id).where(a.c.id == agreement_id)).first() is not None
