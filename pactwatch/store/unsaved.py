"""What only the registry holds: writes a load from `data/` would silently throw away.

A load replaces the registry's content with the dataset's. Events, triggers and curator
edits recorded through the service or `pactwatch trigger` live only in the registry until
someone copies them into `data/`; before replacing anything, `load` asks here what would
be lost and refuses (unless told `--replace`).

Only what a write made counts, never what an earlier load brought: an event is the
registry's own when the history has its creation; an agreement's record is when its latest
history row is at its current version (a load resets versions to 1, a write bumps them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, func, inspect, select

from pactwatch.model import Agreement, Event
from pactwatch.store import content_hash, tables, versions
from pactwatch.store.events import events
from pactwatch.store.load import record_json


@dataclass(frozen=True)
class Unsaved:
    events: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    agreements: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.events or self.triggers or self.agreements)

    def line(self) -> str:
        """One line naming what a load would drop."""
        parts = []
        if self.triggers:
            parts.append(f"{len(self.triggers)} trigger(s) ({_some(self.triggers)})")
        if self.events:
            parts.append(f"{len(self.events)} other event(s) ({_some(self.events)})")
        if self.agreements:
            parts.append(f"edits to {len(self.agreements)} agreement(s) ({_some(self.agreements)})")
        return (
            f"the registry holds {' and '.join(parts)} that data/ does not; loading would drop "
            "them: add them to data/ (e.g. `pactwatch export yaml`, data/events/), or load "
            "with --replace to drop them"
        )


def _some(names: tuple[str, ...], shown: int = 3) -> str:
    more = f", +{len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def unsaved(
    connection: Connection, agreements: Mapping[str, Agreement], incoming: list[Event]
) -> Unsaved:
    """What loading `agreements` and `incoming` events over this registry would drop."""
    found = inspect(connection)
    if not (found.has_table("history") and found.has_table("events")):
        return Unsaved()  # a new registry, or one older than events: nothing written yet
    h = tables.history
    created = {
        str(json.loads(after).get("id"))
        for after in connection.execute(
            select(h.c.after).where(h.c.entity == "event", h.c.action == "create")
        ).scalars()
        if after
    }
    keep = {event.fingerprint() for event in incoming}
    lost_events = [
        (str(row.id), str(row.kind))
        for row in connection.execute(
            select(events.c.id, events.c.kind, events.c.fingerprint).order_by(events.c.id)
        )
        if row.id in created and row.fingerprint not in keep
    ]
    return Unsaved(
        events=tuple(i for i, kind in lost_events if kind != "trigger"),
        triggers=tuple(i for i, kind in lost_events if kind == "trigger"),
        agreements=tuple(_edited(connection, agreements)),
    )


def _edited(connection: Connection, incoming: Mapping[str, Agreement]) -> list[str]:
    """Agreements whose last write is still their current record and differs from data/:
    compared by content version (a registry older than revision 0010, by the whole
    record it stores)."""
    h, a, v = tables.history, tables.agreements, versions.agreement_versions
    latest = (
        select(h.c.agreement_id, func.max(h.c.id).label("last"))
        .where(h.c.entity.in_(("agreement", "provision")))
        .group_by(h.c.agreement_id)
        .subquery()
    )
    parts = {c["name"] for c in inspect(connection).get_columns("agreements")}
    by_version = "provisions_at" in parts
    stored = v.c.version if by_version else a.c.record
    query = select(a.c.id, stored.label("stored"), a.c.version, h.c.version.label("written"))
    if by_version:
        query = query.join(v, v.c.agreement_id == a.c.id)
    rows = connection.execute(
        query.add_columns(h.c.action)
        .join(latest, latest.c.agreement_id == a.c.id)
        .join(h, h.c.id == latest.c.last)
        .order_by(a.c.id)
    ).all()
    edited = []
    for row in rows:
        if int(row.written) != int(row.version):
            continue  # a load came after the last write
        if int(row.version) == 1 and row.action != "create":
            continue
        new = incoming.get(str(row.id))
        if new is None or _content(new, by_version) != row.stored:
            edited.append(str(row.id))
    return edited


def _content(agreement: Agreement, by_version: bool) -> str:
    if by_version:
        return content_hash.version_of_record(agreement.model_dump(mode="json"))
    return record_json(agreement)
