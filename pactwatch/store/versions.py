"""What a page says about a whole agreement, kept beside it so no page reads the whole record.

An agreement's content version (the one its citation and permalinks carry) is a hash of
its parts (`content_hash.py`); the agreement page also says how many provisions nobody has
reviewed. Computing either reads every provision: at 2,000 provisions that is tens of
milliseconds per page. `agreement_versions` keeps both, with the sum of the parts' hashes
the version is made from, so a write of one provision subtracts that provision's old hash
and adds its new one (two small hashes, whatever the agreement's size) instead of
serialising the record. A load and a whole-record write fill the row from the record
(`version_row`). The row
also keeps the record's head (everything but the provisions), which no provision edit
changes, so the page never has the database cut a megabyte of JSON per request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    bindparam,
    select,
)

from pactwatch.store import content_hash, tables

agreement_versions = Table(
    "agreement_versions",
    tables.metadata,
    Column(
        "agreement_id",
        String,
        ForeignKey("agreements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", String, nullable=False, comment="the content version pages cite"),
    Column(
        "unreviewed",
        Integer,
        nullable=False,
        comment="provisions whose review state is not reviewed",
    ),
    Column(
        "head",
        Text,
        nullable=False,
        comment="the contract JSON without its provisions, as the agreement page reads it",
    ),
    Column(
        "content_sum",
        LargeBinary,
        nullable=False,
        comment="the sum of the head's and each provision's hash: what the version hashes",
    ),
    comment="each agreement's content version, unreviewed count and head; kept by writes",
)


def unreviewed(provision: dict[str, Any]) -> bool:
    review = provision.get("review")
    return not isinstance(review, dict) or review.get("state") != "reviewed"


def version_row(agreement_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """The row of one agreement, from its contract JSON as a dict (`model_dump(mode="json")`)."""
    total = content_hash.of_record(data)
    provisions = data.get("provisions", ())
    return {
        "agreement_id": agreement_id,
        "version": content_hash.version_of_sum(total),
        "unreviewed": sum(1 for p in provisions if unreviewed(p)),
        "head": json.dumps(
            {k: v for k, v in data.items() if k != "provisions"}, ensure_ascii=False
        ),
        "content_sum": total,
    }


@dataclass(frozen=True)
class PageFacts:
    """What the agreement page needs about the whole record, read from one row."""

    head: str
    version: str
    unreviewed: int
    provisions: int


def page_facts(connection: Connection, agreement_id: str) -> PageFacts | None:
    v, a = agreement_versions, tables.agreements
    row = connection.execute(
        select(v.c.head, v.c.version, v.c.unreviewed, a.c.provision_count)
        .join(a, a.c.id == v.c.agreement_id)
        .where(v.c.agreement_id == agreement_id)
    ).one_or_none()
    return None if row is None else PageFacts(str(row[0]), str(row[1]), int(row[2]), int(row[3]))


def provision_records(connection: Connection, agreement_id: str, ids: Iterable[str]) -> list[str]:
    """The stored JSON of some provisions of one agreement (primary-key lookups), in order."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    p = tables.provisions
    query = (
        select(p.c.record)
        .where(p.c.agreement_id == agreement_id, p.c.id.in_(wanted))
        .order_by(p.c.position)
    )
    return [str(r) for r in connection.execute(query).scalars()]


def _first_cited() -> Any:
    s, p = tables.spans, tables.provisions
    owned = (s.c.agreement_id == p.c.agreement_id) & (s.c.provision_id == p.c.id)
    first_source = select(s.c.source_id).where(owned).order_by(s.c.position).limit(1)
    return (
        select(first_source.scalar_subquery())
        .where(p.c.agreement_id == bindparam("aid"), select(s.c.position).where(owned).exists())
        .order_by(p.c.position)
        .limit(1)
    )


_FIRST_CITED = _first_cited()


def _spans(agreement_id: str) -> Any:
    s, p = tables.spans, tables.provisions
    return (
        select(s.c.provision_id, s.c.source_id, s.c.start, s.c.end)
        .join(p, (p.c.agreement_id == s.c.agreement_id) & (p.c.id == s.c.provision_id))
        .where(s.c.agreement_id == agreement_id)
        .order_by(p.c.position, s.c.position)
    )


def first_cited(connection: Connection, agreement_id: str) -> str | None:
    """The source the record's first span points into (None: no provision has a span).

    Walks the provisions in order and stops at the first with a span: ordering the
    agreement's spans by their provision's position instead read and sorted every span
    of the agreement to keep one (54 ms at 20,000 provisions).
    """
    return connection.execute(_FIRST_CITED, {"aid": agreement_id}).scalar_one_or_none()


def spans_in_order(
    connection: Connection, agreement_id: str, source_id: str
) -> list[tuple[str, str, int, int]]:
    """(provision, source, start, end) of every span into one source, in the record's
    order: what the source panel marks, read from the spans table, not the record."""
    query = _spans(agreement_id).where(tables.spans.c.source_id == source_id)
    return [(str(a), str(b), int(c), int(d)) for a, b, c, d in connection.execute(query)]
