"""Events recorded through the service: checked, idempotent by content, with history.

One transaction reads the agreements the event names, checks the event against them (the
checks `pactwatch event add` runs, passed in by the caller), inserts it with its links,
appends one history row per agreement it names (who, when, the event as "after"); the
caller (`Registry`) owns the transaction and advances the registry's generation. An event
whose content is already recorded is not written again: the caller gets the recorded one
back, so a retried POST is harmless.

A deletion is the same in reverse: the row and its links go, with one history row per
agreement the event named (the event as "before"), in one transaction. It works on the
stored row as it is, without reading it back through the model, so an event recorded
before a check existed (say, one dated in year 9999) can still be removed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select

from pactwatch.model import Agreement, Event, Problem
from pactwatch.store import records, tables
from pactwatch.store.events import (
    event_by_fingerprint,
    event_by_id,
    event_links,
    events,
    insert_events,
)
from pactwatch.store.write import WriteRejected, record_history

EventCheck = Callable[[Event, Mapping[str, Agreement]], list[Problem]]
REGISTRY_WIDE = "*"
"""The history's agreement id for an event that names no agreement (a registry-wide trigger)."""


@dataclass(frozen=True)
class EventSaved:
    event: Event
    created: bool
    agreements: tuple[str, ...] = ()
    """The agreements the event names (none: a registry-wide trigger)."""


def save_event(connection: Connection, event: Event, actor: str, check: EventCheck) -> EventSaved:
    """Record `event` unless an event with the same content exists (then return that one)."""
    same = event_by_fingerprint(connection, event.fingerprint())
    if same is not None:
        return EventSaved(same, False)
    taken = event_by_id(connection, event.id)
    if taken is not None:
        # Without a lock (PostgreSQL) an equal event may have committed between the reads.
        if taken.fingerprint() == event.fingerprint():
            return EventSaved(taken, False)
        raise id_taken(event.id)
    named = sorted(event.agreement_ids())
    a = tables.agreements
    rows = connection.execute(select(a.c.id, a.c.version).where(a.c.id.in_(named))).all()
    agreements = {
        agreement.id: agreement
        for agreement in map(Agreement.model_validate_json, records.read_all(connection, named))
    }
    problems = check(event, agreements)
    if problems:
        raise WriteRejected(422, problems)
    insert_events(connection, [event])
    after = event.model_dump_json()
    versions = {r.id: int(r.version) for r in rows}
    for agreement_id in named or [REGISTRY_WIDE]:
        entity = ("event", agreement_id, None)
        record_history(connection, actor, entity, versions.get(agreement_id, 0), None, after)
    return EventSaved(event, True, tuple(named))


def delete_event(connection: Connection, event_id: str, actor: str) -> tuple[str, list[str]]:
    """Remove the event `event_id` with its links, with history; its stored record and the
    agreements it named, or a 404."""
    query = select(events.c.record, events.c.fingerprint).where(events.c.id == event_id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    row = connection.execute(query).one_or_none()
    if row is None:
        raise WriteRejected.one(404, "id", "unknown-event", f"no event with id {event_id!r}")
    record = str(row[0])
    linked = select(event_links.c.agreement_id).where(event_links.c.event_id == event_id)
    named = sorted(set(connection.execute(linked).scalars()))
    a = tables.agreements
    rows = connection.execute(select(a.c.id, a.c.version).where(a.c.id.in_(named))).all()
    versions = {str(r.id): int(r.version) for r in rows}
    connection.execute(delete(event_links).where(event_links.c.event_id == event_id))
    connection.execute(delete(events).where(events.c.id == event_id))
    for agreement_id in named or [REGISTRY_WIDE]:
        entity = ("event", agreement_id, None)
        record_history(connection, actor, entity, versions.get(agreement_id, 0), record, None)
    return record, named


def id_taken(event_id: str) -> WriteRejected:
    return WriteRejected.one(
        409,
        "id",
        "duplicate-event-id",
        f"event id {event_id!r} is used by an event with other content; "
        "choose another id or leave it out (one is derived from the content)",
    )
