"""Events in the registry: one row per event (its record as JSON) and its links.

The event tables sit on the registry's metadata, so `pactwatch load` creates and replaces
them together with the agreements in its one transaction. Each event's content fingerprint
is unique: recording the same fact twice is a no-op, not a second row.

Webhook deliveries are kept on their own metadata: a reload of the dataset must not forget
which alerts were already sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    exists,
    insert,
    inspect,
    or_,
    select,
)

from pactwatch.model import Event
from pactwatch.store import tables

events = Table(
    "events",
    tables.metadata,
    Column("id", String, primary_key=True),
    Column("kind", String, nullable=False),
    Column("subkind", String),
    Column("at", String, comment="exact instant with its offset, when known"),
    Column("on", String, comment="(partial) date, when no exact instant is known"),
    Column(
        "precision",
        String,
        comment="instant, day, week, month or year: how precisely the date is known",
    ),
    Column("earliest_utc", String, nullable=False, comment="ISO 8601 UTC, for sorting"),
    Column("description", Text),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("record", Text, nullable=False, comment="the event JSON, as loaded"),
    Column(
        "latest_utc",
        String,
        comment="ISO 8601 UTC: the last instant the event's date may stand for",
    ),
    Column("happened", Boolean, comment="false: the act did not happen"),
    Column("background", Boolean, comment="context, never evidence"),
    Column("draft", Boolean, comment="proposed, not yet reviewed"),
    Column("actors", Text, comment="the record's actors as JSON"),
    Index("ix_events_kind", "kind", "earliest_utc", "id"),
    Index("ix_events_kind_happened", "kind", "happened", "earliest_utc", "id"),
)
"""`latest_utc`, `happened`, `background`, `draft` and `actors` repeat what the record says, so
the rules' reads (`rule_events.py`) take an event's facts from columns without parsing it; NULL
(a row written before revision 0008 that it could not read) sends a reader to the record."""

event_links = Table(
    "event_links",
    tables.metadata,
    Column("event_id", String, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("agreement_id", String, nullable=False),
    Column("target", String, nullable=False, comment="agreement, provision or mechanism"),
    Column("target_id", String, comment="provision or mechanism id"),
    Column("kind", String, nullable=False, comment="the event's kind, repeated for the index"),
    Column("earliest_utc", String, nullable=False, comment="the event's, repeated for the index"),
    Column("latest_utc", String, comment="the event's, repeated for the index"),
    Column("happened", Boolean, comment="the event's, repeated for the index"),
    Column("background", Boolean, comment="the event's, repeated for the index"),
    Column("draft", Boolean, comment="the event's, repeated for the index"),
    Column("subkind", String, comment="the event's, repeated for the rules"),
    Column("at", String, comment="the event's, repeated for the rules"),
    Column("on", String, comment="the event's, repeated for the rules"),
    Column("precision", String, comment="the event's, repeated for the rules"),
    Index("ix_event_links_agreement", "agreement_id", "event_id"),
    Index(
        "ix_event_links_kind",
        "agreement_id",
        "kind",
        "earliest_utc",
        "event_id",
        "target",
        "target_id",
        "latest_utc",
        "happened",
        "background",
        "draft",
        "subkind",
        "at",
        "on",
        "precision",
    ),
    Index(
        "ix_event_links_latest",
        "target",
        "latest_utc",
        "earliest_utc",
        "agreement_id",
        "target_id",
        "happened",
        "background",
        "draft",
    ),
    Index("ix_event_links_target", "agreement_id", "target_id", "target", "event_id"),
)
"""`kind`, `earliest_utc`, `latest_utc` and the flags repeat the event's (an event is never
changed in place, only recorded and deleted), so the rules find the meeting that decides a
period of one agreement's duty by one range of `ix_event_links_kind`, reading the index
alone (`rule_events.period_meetings`); with `subkind`, `at`, `on` and `precision` (revision
0016) the index also holds all the rules read of the meeting it finds. The feed walks the
links to provisions newest first through `ix_event_links_latest`, and reads one
provision's evidence through `ix_event_links_target` (revision 0018)."""

delivery_metadata = MetaData()
webhook_deliveries = Table(
    "webhook_deliveries",
    delivery_metadata,
    Column("url", Text, primary_key=True),
    Column("key", String, primary_key=True, comment="the idempotency key sent"),
    Column("delivered_at", String, nullable=False),
)


def _row(event: Event) -> dict[str, object]:
    return {
        "id": event.id,
        "kind": event.kind,
        "subkind": event.subkind,
        "at": event.at.isoformat() if event.at else None,
        "on": event.on,
        "precision": event.date_precision,
        "earliest_utc": event.earliest().isoformat(),
        "description": event.description,
        "fingerprint": event.fingerprint(),
        "record": event.model_dump_json(),
        "latest_utc": event.latest().isoformat(),
        "happened": event.happened,
        "background": event.background,
        "draft": event.is_draft,
        "actors": json.dumps(event.actors),
    }


def _links(event: Event) -> list[dict[str, object]]:
    links: list[tuple[str, str, str | None]] = [(a, "agreement", None) for a in event.agreements]
    for target, refs in (("provision", event.provisions), ("mechanism", event.mechanisms)):
        links.extend((ref.split("/", 1)[0], target, ref.split("/", 1)[1]) for ref in refs)
    same = {
        "event_id": event.id,
        "kind": event.kind,
        "earliest_utc": event.earliest().isoformat(),
        "latest_utc": event.latest().isoformat(),
        "happened": event.happened,
        "background": event.background,
        "draft": event.is_draft,
        "subkind": event.subkind,
        "at": event.at.isoformat() if event.at else None,
        "on": event.on,
        "precision": event.date_precision,
    }
    return [
        {**same, "position": i, "agreement_id": a, "target": t, "target_id": x}
        for i, (a, t, x) in enumerate(links)
    ]


def insert_events(connection: Connection, items: Iterable[Event]) -> int:
    """Insert events (already checked and free of duplicates); the caller owns the transaction."""
    batch = list(items)
    if batch:
        connection.execute(insert(events), [_row(e) for e in batch])
        links = [link for e in batch for link in _links(e)]
        if links:
            connection.execute(insert(event_links), links)
    return len(batch)


def has_events_table(engine: Engine) -> bool:
    return inspect(engine).has_table("events")


def read_events(engine: Engine) -> list[Event]:
    """Every event in the registry, by time then id (none when it has no event table yet)."""
    if not has_events_table(engine):
        return []
    with engine.connect() as connection:
        records = connection.execute(
            select(events.c.record).order_by(events.c.earliest_utc, events.c.id)
        ).scalars()
        return [Event.model_validate_json(r) for r in records]


def find_events(
    connection: Connection, agreement: str | None = None, kind: str | None = None
) -> list[Event]:
    """Events by time then id, of one kind and/or bearing on one agreement.

    An event bears on an agreement when it names it (directly, or through a provision or
    mechanism) or names none at all: a registry-wide trigger opens every agreement's clock.
    """
    query = select(events.c.record).order_by(events.c.earliest_utc, events.c.id)
    if kind is not None:
        query = query.where(events.c.kind == kind)
    if agreement is not None:
        links = select(event_links.c.event_id).where(event_links.c.event_id == events.c.id)
        named = exists(links.where(event_links.c.agreement_id == agreement))
        query = query.where(or_(named, ~exists(links)))
    return [Event.model_validate_json(r) for r in connection.execute(query).scalars()]


def event_by_id(connection: Connection, event_id: str) -> Event | None:
    record = connection.execute(
        select(events.c.record).where(events.c.id == event_id)
    ).scalar_one_or_none()
    return None if record is None else Event.model_validate_json(record)


def event_by_fingerprint(connection: Connection, fingerprint: str) -> Event | None:
    record = connection.execute(
        select(events.c.record).where(events.c.fingerprint == fingerprint)
    ).scalar_one_or_none()
    return None if record is None else Event.model_validate_json(record)


def delivered_keys(engine: Engine, url: str) -> set[str]:
    with engine.begin() as connection:
        webhook_deliveries.create(connection, checkfirst=True)
        rows = connection.execute(
            select(webhook_deliveries.c.key).where(webhook_deliveries.c.url == url)
        ).scalars()
        return set(rows)


def mark_delivered(engine: Engine, url: str, keys: Sequence[str]) -> None:
    if not keys:
        return
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with engine.begin() as connection:
        webhook_deliveries.create(connection, checkfirst=True)
        connection.execute(
            insert(webhook_deliveries),
            [{"url": url, "key": key, "delivered_at": now} for key in keys],
        )
