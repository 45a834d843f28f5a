"""What the feed reads of a registry: links from evidence to provisions, the latest first,
and the provisions it meets, with their evidence.

A feed shows the newest changes, and a provision's status changes only with evidence
naming it (`rules.evidence_changes`), each change dated by the event's latest instant.
So `rules.newest_changes` walks these links from the latest date down, reads each
provision it meets once, and stops when no provision still unread can have changed later
than the changes it holds: it reads the provisions with evidence since the newest changes,
not every agreement and event (through revision 0018's indexes).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, and_, column, false, or_, select, true, values

from pactwatch.model import Agreement, Event, Provision
from pactwatch.store.events import event_links, events
from pactwatch.store.rule_events import by_code_point, read_until, rules_agreement
from pactwatch.store.tables import provisions

WALK_ROWS = 2_000
"""Links fetched at a time on the walk: a feed stops after the first few hundred."""


def _evidence(now: datetime) -> list[object]:
    """Links of events that may be evidence dated by `now` (NULL flags: a row from before
    revision 0008, which the reader checks on the record)."""
    link = event_links
    return [
        link.c.target == "provision",
        link.c.earliest_utc <= read_until(now),
        or_(link.c.happened.is_(None), link.c.happened == true()),
        or_(link.c.background.is_(None), link.c.background == false()),
        or_(link.c.draft.is_(None), link.c.draft == false()),
    ]


def newest_evidence(
    connection: Connection, now: datetime
) -> Iterator[tuple[str, str, datetime | None]]:
    """(agreement, provision, the event's latest instant) for each link from evidence to a
    provision, the latest first; links whose instant is not in the columns (None) come
    before all others. Read `WALK_ROWS` at a time through `ix_event_links_latest`."""
    link = event_links
    base = select(link.c.agreement_id, link.c.target_id, link.c.latest_utc).where(
        *_evidence(now)  # type: ignore[arg-type]
    )
    for agreement_id, provision_id, _ in connection.execute(
        base.where(link.c.latest_utc.is_(None))
    ):
        yield str(agreement_id), str(provision_id), None
    ordered = base.where(link.c.latest_utc.is_not(None)).order_by(
        by_code_point(connection, link.c.latest_utc).desc()
    )
    streamed = {"stream_results": True, "yield_per": WALK_ROWS}
    for agreement_id, provision_id, latest in connection.execute(
        ordered, execution_options=streamed
    ):
        yield str(agreement_id), str(provision_id), datetime.fromisoformat(latest)


Key = tuple[str, str]
"""(agreement id, provision id)."""


def _keys(keys: Collection[Key]) -> Any:
    """The keys as a table of constants to join from, so the database looks each one up
    in an index (a row-value IN list led SQLite to scan an index of every link instead)."""
    wanted = values(column("agreement_id", String), column("provision_id", String), name="wanted")
    return wanted.data(sorted(keys)).cte("wanted")


def provisions_evidence(
    connection: Connection, keys: Collection[Key], now: datetime
) -> dict[Key, list[Event]]:
    """The events naming each of these provisions that are evidence and had begun by `now`,
    through `ix_event_links_target`, in one statement."""
    link, e, wanted = event_links, events, _keys(keys)
    query = (
        select(link.c.agreement_id, link.c.target_id, e.c.record)
        .select_from(wanted)
        .join(
            link,
            and_(
                link.c.agreement_id == wanted.c.agreement_id,
                link.c.target_id == wanted.c.provision_id,
                link.c.target == "provision",
            ),
        )
        .join(e, e.c.id == link.c.event_id)
    )
    found: dict[Key, list[Event]] = {key: [] for key in keys}
    for agreement_id, provision_id, record in connection.execute(query):
        event = Event.model_validate_json(record)
        if event.is_evidence() and event.earliest() <= now:
            found[(str(agreement_id), str(provision_id))].append(event)
    return found


def provisions_of(connection: Connection, keys: Collection[Key]) -> dict[Key, Provision]:
    """These provisions (those still in the registry), in one statement."""
    p, wanted = provisions, _keys(keys)
    query = (
        select(p.c.agreement_id, p.c.id, p.c.record)
        .select_from(wanted)
        .join(p, and_(p.c.agreement_id == wanted.c.agreement_id, p.c.id == wanted.c.provision_id))
    )
    return {
        (str(a), str(i)): Provision.model_validate_json(record)
        for a, i, record in connection.execute(query)
        if record is not None
    }


@dataclass
class FeedReads:
    """The reads above on one open connection, with each agreement read once."""

    connection: Connection
    agreements: dict[str, Agreement | None] = field(default_factory=dict)

    def newest_evidence(self, now: datetime) -> Iterator[tuple[str, str, datetime | None]]:
        return newest_evidence(self.connection, now)

    def agreement(self, agreement_id: str) -> Agreement | None:
        if agreement_id not in self.agreements:
            self.agreements[agreement_id] = rules_agreement(self.connection, agreement_id)
        return self.agreements[agreement_id]

    def provisions(self, keys: Collection[Key]) -> dict[Key, Provision]:
        return provisions_of(self.connection, keys)

    def evidence(self, keys: Collection[Key], now: datetime) -> dict[Key, list[Event]]:
        return provisions_evidence(self.connection, keys, now)
