"""The feed's newest changes, without reading the whole registry.

`feed_changes` works out every change the registry has seen, from every agreement and
event held in memory: right for a webhook catching up, but a feed shows the newest few,
and at 1,000 agreements and 500,000 events the whole took a minute and 1.7 GB. Here the
obligations' changes come from `due`'s indexed evaluation, and the provisions' from a walk
over the links from evidence to provisions, the latest first (`Reads.newest_evidence`):
each provision met is read once, with its own evidence, and its changes are worked out as
`feed_changes` works them out (`provision_changes`). A change is dated by its event's
latest instant, so once `limit` changes are held that are later than the walk's position,
no provision still unread can change later than them, and the walk stops there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from heapq import heappush, heappushpop
from typing import Protocol

from pactwatch.model import Agreement, Event, Provision
from pactwatch.rules.changes import Change, changes, newest_first
from pactwatch.rules.evidence_changes import StatusChange, provision_changes
from pactwatch.rules.indexed import Reads as DueReads
from pactwatch.rules.indexed import evaluate_indexed
from pactwatch.rules.obligations import Obligation
from pactwatch.rules.timing import require_aware

Key = tuple[str, str]
"""(agreement id, provision id)."""
BATCH = 256
"""Provisions read together on the walk: one statement each for their records and their
evidence, rather than one per provision."""


class Reads(Protocol):
    """What the walk asks of a registry (`store.feed_reads.FeedReads`)."""

    def newest_evidence(self, now: datetime) -> Iterator[tuple[str, str, datetime | None]]:
        """(agreement, provision, latest instant) per link from possible evidence to a
        provision, the latest first; None (not known without the record) before all."""
        ...

    def agreement(self, agreement_id: str) -> Agreement | None:
        """The agreement's rules document: its mechanisms, without provisions."""
        ...

    def provisions(self, keys: Collection[Key]) -> dict[Key, Provision]: ...

    def evidence(self, keys: Collection[Key], now: datetime) -> dict[Key, list[Event]]:
        """The evidence naming each provision that had begun by `now`."""
        ...


def newest_status_changes(reads: Reads, now: datetime, limit: int) -> list[StatusChange]:
    """The `limit` newest changes of provision status by `now`, newest first (ties by id):
    the first `limit` of `status_changes` over the whole registry."""
    require_aware(now)
    found: list[StatusChange] = []
    newest: list[datetime] = []  # the `limit` latest instants of `found`, least first
    seen: set[Key] = set()
    batch: list[Key] = []
    for agreement_id, provision_id, latest in reads.newest_evidence(now):
        key = (agreement_id, provision_id)
        if key not in seen:
            seen.add(key)
            batch.append(key)
        if len(batch) < BATCH:
            continue
        for change in _changes_of(reads, batch, now):
            found.append(change)
            (heappush if len(newest) < limit else heappushpop)(newest, change.at)
        batch = []
        if latest is not None and len(newest) == limit and newest[0] > min(latest, now):
            break  # every provision still unread changes at `latest` at the latest
    else:
        found += _changes_of(reads, batch, now)
    return newest_first(found)[:limit]


def _changes_of(reads: Reads, keys: list[Key], now: datetime) -> list[StatusChange]:
    """These provisions' status changes; none for a provision with mechanisms (its
    obligations' changes speak for it) or one no longer in the registry."""
    if not keys:
        return []
    found: list[StatusChange] = []
    kept = reads.provisions(keys)
    evidence = reads.evidence(list(kept), now)
    for key, provision in kept.items():
        agreement = reads.agreement(key[0])
        if agreement is None or any(m.provision == key[1] for m in agreement.mechanisms):
            continue
        found += provision_changes(agreement, provision, evidence[key], now)
    return found


def newest_changes(
    reads: Reads, obligations: Sequence[Obligation], now: datetime, limit: int
) -> list[Change | StatusChange]:
    """The feed's first `limit` items: `feed_changes` cut at `limit`, from `obligations`
    (every obligation at `now`) and the walk."""
    merged: list[Change | StatusChange] = [
        *changes(obligations, now)[:limit],
        *newest_status_changes(reads, now, limit),
    ]
    return newest_first(merged)[:limit]


def newest_feed(
    due_reads: DueReads, reads: Reads, now: datetime, limit: int
) -> list[Change | StatusChange]:
    """`newest_changes` from every obligation at `now`, as `due` evaluates them."""
    return newest_changes(reads, evaluate_indexed(due_reads, now), now, limit)
