"""The rules engine: agreements + events + now -> obligations, all in memory, no I/O.

Events are indexed once by the agreement they bear on (triggers without agreements bear on
every agreement), sorted by time then id, so the result never depends on the order events
were given in. Only the event kinds a mechanism reads are indexed; the others (deliveries,
payments, ...) matter for provision status, not for obligations.

`Evaluator.add` applies one new event and recomputes only the agreements it touches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from heapq import merge

from pactwatch.model import Agreement, Event
from pactwatch.rules.mechanisms import RULES
from pactwatch.rules.obligations import Obligation
from pactwatch.rules.timing import require_aware

MECHANISM_EVENTS = frozenset({"meeting", "consultation", "trigger", "request", "end_condition"})


def _order(event: Event) -> tuple[datetime, str]:
    return (event.earliest(), event.id)


@dataclass(frozen=True)
class DueSummary:
    """The headline of an evaluation: counts per state and the next deadline after now."""

    counts: dict[str, int]
    next_due: Obligation | None


class Evaluator:
    """Obligations of many agreements at one instant, kept up to date event by event."""

    def __init__(
        self, agreements: Iterable[Agreement], events: Iterable[Event], now: datetime
    ) -> None:
        self.now = require_aware(now)
        self.agreements = {a.id: a for a in agreements if a.mechanisms}
        self._by_agreement: dict[str, list[Event]] = {}
        self._triggers: list[Event] = []
        for event in events:
            self._index(event)
        for items in (*self._by_agreement.values(), self._triggers):
            items.sort(key=_order)
        self._results = {aid: self._evaluate(aid) for aid in self.agreements}

    def _index(self, event: Event) -> set[str]:
        """File a relevant event where the rules will look; return the agreements it touches."""
        if event.kind not in MECHANISM_EVENTS or event.earliest() > self.now:
            return set()
        ids = event.agreement_ids()
        if event.kind == "trigger" and not ids:
            self._triggers.append(event)
            return {aid for aid, a in self.agreements.items() if _listens(a, event)}
        for aid in ids:
            self._by_agreement.setdefault(aid, []).append(event)
        return ids & self.agreements.keys()

    def _evaluate(self, aid: str) -> list[Obligation]:
        agreement = self.agreements[aid]
        own = self._by_agreement.get(aid, [])
        events = list(merge(own, self._triggers, key=_order)) if self._triggers else own
        return [
            obligation
            for mechanism in agreement.mechanisms
            for obligation in RULES[mechanism.kind](agreement, mechanism, events, self.now)
        ]

    def add(self, event: Event) -> list[Obligation]:
        """Take one new event into account; return the obligations of the agreements it touched."""
        touched = self._index(event)
        for items in (self._by_agreement.get(aid) for aid in event.agreement_ids()):
            if items:
                items.sort(key=_order)
        self._triggers.sort(key=_order)
        changed: list[Obligation] = []
        for aid in sorted(touched):
            self._results[aid] = self._evaluate(aid)
            changed.extend(self._results[aid])
        return changed

    def obligations(self) -> list[Obligation]:
        """Every obligation, by due time, then agreement, mechanism and period."""
        found = [o for items in self._results.values() for o in items]
        return sorted(found, key=Obligation.sort_key)


def _listens(agreement: Agreement, trigger: Event) -> bool:
    return any(
        m.kind == "consultation_on_trigger"
        and m.starts_on == "trigger"
        and trigger.subkind in m.triggers
        for m in agreement.mechanisms
    )


def evaluate(
    agreements: Iterable[Agreement], events: Iterable[Event], now: datetime
) -> list[Obligation]:
    """Every obligation of these agreements at `now`, given these events."""
    return Evaluator(agreements, events, now).obligations()


def summarise(obligations: Sequence[Obligation], now: datetime) -> DueSummary:
    counts = {state: 0 for state in ("upcoming", "open", "met", "missed")}
    for obligation in obligations:
        counts[obligation.state] += 1
    pending = [o for o in obligations if o.state in {"open", "upcoming"} and o.due_at > now]
    return DueSummary(counts, min(pending, key=Obligation.sort_key, default=None))


def opened_by(obligations: Sequence[Obligation], event_id: str) -> list[Obligation]:
    """The clocks a trigger or request started."""
    return [o for o in obligations if o.opened_by == event_id]
