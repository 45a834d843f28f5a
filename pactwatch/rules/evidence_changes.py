"""Changes in a provision's status that recorded evidence made, for the feed and alerts.

A reviewed event naming a provision (a delivery, an approval, a payment) can move it from
"no evidence recorded" to "in progress" or "fulfilled". Each such move is a change dated by
the event (at the end of its day, week, month or year: when it had certainly happened),
with a stable id (provision, new status, event), so a feed reader and a webhook receiver
see it once however often the feed is rebuilt. Provisions with mechanisms are left to the
obligations' own changes; drafts and background events never move anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pactwatch.model import Agreement, Event, Provision
from pactwatch.rules.changes import Change, changes, newest_first
from pactwatch.rules.obligations import Obligation
from pactwatch.rules.status import STATUS_LABELS, Evidence, Status, status_from_evidence
from pactwatch.rules.timing import iso, require_aware


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    agreement: str
    provision: str
    state: Status
    previous: Status
    event: Event
    rule: str

    @property
    def id(self) -> str:
        """Stable across runs: the provision, the status it entered, and the event."""
        return f"{self.agreement}/{self.provision}#{self.state}@{self.event.id}"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.state]

    def title(self) -> str:
        return (
            f"{self.agreement} {self.provision}: {self.label} "
            f"({self.event.kind} {self.event.id} {self.event.dated()})"
        )

    def summary(self) -> str:
        return self.rule

    def tags(self) -> list[str]:
        return ["provision", self.state]

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": iso(self.at),
            "state": self.state,
            "label": self.label,
            "previous": self.previous,
            "provision": {"agreement": self.agreement, "id": self.provision},
            "event": {
                "id": self.event.id,
                "kind": self.event.kind,
                "on": self.event.when(),
                "precision": self.event.date_precision,
            },
            "rule": self.rule,
        }


def status_changes(
    agreements: Sequence[Agreement], events: Sequence[Event], now: datetime
) -> list[StatusChange]:
    """Every status change evidence made up to `now`, newest first (ties by id)."""
    require_aware(now)
    by_ref: dict[str, list[Event]] = {}
    for event in events:
        if not event.is_evidence() or event.earliest() > now:
            continue
        for ref in event.provisions:
            by_ref.setdefault(ref, []).append(event)
    found: list[StatusChange] = []
    for agreement in agreements:
        with_mechanisms = {m.provision for m in agreement.mechanisms}
        for provision in agreement.provisions:
            bearing = by_ref.get(f"{agreement.id}/{provision.id}")
            if not bearing or provision.id in with_mechanisms:
                continue
            found += provision_changes(agreement, provision, bearing, now)
    return newest_first(found)


def provision_changes(
    agreement: Agreement, provision: Provision, evidence: Sequence[Event], now: datetime
) -> list[StatusChange]:
    """The status changes of one provision without mechanisms, from the evidence naming it
    that had happened by `now` (in any order), oldest first: its status after each event,
    as `assess_provision` gives it from the events up to that one, each event read once."""
    bearing = sorted(evidence, key=lambda e: (e.earliest(), e.id))
    read = [Evidence.of(e) for e in bearing]
    found: list[StatusChange] = []
    previous: Status = "no_evidence"
    for i, event in enumerate(bearing):
        status, _, rule = status_from_evidence(provision, read[: i + 1])
        if status != previous:
            found.append(
                StatusChange(
                    min(event.latest(), now), agreement.id, provision.id, status, previous,
                    event, rule,
                )
            )  # fmt: skip
            previous = status
    return found


def feed_changes(
    agreements: Sequence[Agreement],
    events: Sequence[Event],
    obligations: Sequence[Obligation],
    now: datetime,
) -> list[Change | StatusChange]:
    """What the feed shows: obligation changes and evidence's status changes, newest first."""
    merged: list[Change | StatusChange] = [
        *changes(obligations, now),
        *status_changes(agreements, events, now),
    ]
    return newest_first(merged)
