"""The rules engine: agreements + events + now -> obligations, all in memory, no I/O.

Events are indexed once by the agreement they bear on and by kind (triggers without
agreements bear on every agreement), each list sorted by instant then id, so the result
never depends on the order events were given in. Only the kinds a mechanism reads are
indexed; the others (deliveries, payments, ...) matter for provision status, not here.

`Evaluator.add` applies one new event and recomputes only the mechanisms it can change, in
the agreements it touches: a meeting recomputes one dialogue, a registry-wide trigger every
consultation clock, an end condition everything of its agreement.

Drafts (events proposed from reports, not yet reviewed) are left out: they are shown for
review and never count.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from heapq import merge
from operator import attrgetter, itemgetter

from pactwatch.model import Agreement, Event
from pactwatch.rules.facts import EventFacts
from pactwatch.rules.mechanisms import AFFECTS, RULES, EventsByKind, Timed
from pactwatch.rules.obligations import STATES, Obligation
from pactwatch.rules.timing import require_aware

MECHANISM_EVENTS = frozenset(AFFECTS)
_ORDER = itemgetter(0, 1)


@dataclass(frozen=True)
class DueSummary:
    """The headline of an evaluation: counts per state and the next deadline after now."""

    counts: dict[str, int]
    next_due: Obligation | None


class Evaluator:
    """Obligations of many agreements at one instant, kept up to date event by event."""

    def __init__(
        self, agreements: Iterable[Agreement], events: Iterable[EventFacts], now: datetime
    ) -> None:
        self.now = require_aware(now)
        self.agreements = {a.id: a for a in agreements if a.mechanisms}
        self._index: dict[str, dict[str, list[Timed]]] = {}
        self._triggers: list[Timed] = []
        self._file_all(events)
        for lists in self._index.values():
            for items in lists.values():
                items.sort(key=_ORDER)
        self._triggers.sort(key=_ORDER)
        self._results: dict[str, dict[str, list[Obligation]]] = {
            aid: self._evaluate(aid, RULES.keys()) for aid in self.agreements
        }

    def _file_all(self, events: Iterable[EventFacts]) -> None:
        """File every relevant event, unsorted (sorted once after); the hot loop of a full run."""
        relevant, now, index, triggers = MECHANISM_EVENTS, self.now, self._index, self._triggers
        for event in events:
            kind = event.kind
            if kind not in relevant:  # most events (deliveries, ...) stop here
                continue
            if event.is_draft:
                continue  # a proposal awaiting review is no meeting and no trigger
            at = event.at
            if at is None:
                at = event.earliest()
            if at > now:
                continue
            item = (at, event.id, event)
            ids = _agreement_ids(event)
            if kind == "trigger" and not ids:
                triggers.append(item)
                continue
            for aid in ids:
                by_kind = index.get(aid)
                if by_kind is None:
                    by_kind = index[aid] = {}
                found = by_kind.get(kind)
                if found is None:
                    by_kind[kind] = [item]
                else:
                    found.append(item)

    def _file_one(self, event: Event) -> set[str]:
        """File one event in sorted place; return the agreements whose rules may change."""
        if event.kind not in MECHANISM_EVENTS or event.is_draft:
            return set()
        at = event.at if event.at is not None else event.earliest()
        if at > self.now:
            return set()
        item = (at, event.id, event)
        ids = event.agreement_ids()
        if event.kind == "trigger" and not ids:
            insort(self._triggers, item, key=_ORDER)
            return {aid for aid, a in self.agreements.items() if _listens(a, event)}
        for aid in ids:
            insort(self._index.setdefault(aid, {}).setdefault(event.kind, []), item, key=_ORDER)
        return ids & self.agreements.keys()

    def _events(self, aid: str) -> EventsByKind:
        own = self._index.get(aid, {})
        if not self._triggers:
            return own
        mine = own.get("trigger", [])
        return {**own, "trigger": list(merge(mine, self._triggers, key=_ORDER))}

    def _evaluate(self, aid: str, kinds: Iterable[str]) -> dict[str, list[Obligation]]:
        agreement, events = self.agreements[aid], self._events(aid)
        wanted = set(kinds)
        return {
            m.id: RULES[m.kind](agreement, m, events, self.now)
            for m in agreement.mechanisms
            if m.kind in wanted
        }

    def add(self, event: Event) -> list[Obligation]:
        """Take one new event into account; return the obligations it may have changed."""
        touched = self._file_one(event)
        kinds = AFFECTS.get(event.kind, frozenset())
        changed: list[Obligation] = []
        for aid in sorted(touched):
            if event.kind in {"trigger", "request"}:
                changed.extend(self._add_clocks(aid, event))
                continue
            fresh = self._evaluate(aid, kinds)
            self._results[aid].update(fresh)
            changed.extend(o for items in fresh.values() for o in items)
        return changed

    def _add_clocks(self, aid: str, starter: Event) -> list[Obligation]:
        """A new trigger or request only adds its own clocks: existing ones keep their state.

        When a clock already starts at the same instant, the mechanism is recomputed whole,
        so which of the two events opened it is decided as in a full evaluation.
        """
        agreement, events = self.agreements[aid], self._events(aid)
        at = starter.at if starter.at is not None else starter.earliest()
        only = {**events, starter.kind: [(at, starter.id, starter)]}
        added: list[Obligation] = []
        for m in agreement.mechanisms:
            if m.kind != "consultation_on_trigger" or m.starts_on != starter.kind:
                continue  # a request never starts a trigger-started clock, nor the reverse
            current = self._results[aid].get(m.id, [])
            if any(o.period_start == at for o in current):
                self._results[aid][m.id] = RULES[m.kind](agreement, m, events, self.now)
                added.extend(self._results[aid][m.id])
                continue
            new = RULES[m.kind](agreement, m, only, self.now)
            self._results[aid][m.id] = [*current, *new]
            added.extend(new)
        return added

    def obligations(self) -> list[Obligation]:
        """Every obligation, by due time, then agreement, mechanism and period."""
        found = [o for per in self._results.values() for items in per.values() for o in items]
        return sorted(found, key=Obligation.sort_key)


def _agreement_ids(event: EventFacts) -> Sequence[str]:
    """`event.agreement_ids()`, without building a set in the common case of one reference."""
    ids: Sequence[str] = event.agreements
    if event.mechanisms or event.provisions:
        refs = [*event.mechanisms, *event.provisions]
        ids = [*ids, *[ref.partition("/")[0] for ref in refs]]
    return ids if len(ids) < 2 else sorted(set(ids))


def _listens(agreement: Agreement, trigger: Event) -> bool:
    return any(
        m.kind == "consultation_on_trigger"
        and m.starts_on == "trigger"
        and trigger.subkind in m.triggers
        for m in agreement.mechanisms
    )


def evaluate(
    agreements: Iterable[Agreement], events: Iterable[EventFacts], now: datetime
) -> list[Obligation]:
    """Every obligation of these agreements at `now`, given these events."""
    return Evaluator(agreements, events, now).obligations()


def summarise(
    obligations: Sequence[Obligation], now: datetime, *, ordered: bool = False
) -> DueSummary:
    """The count in each state and the next deadline. `ordered`: the obligations are in
    `Obligation.sort_key` order (as `evaluate` and `evaluate_indexed` give them), so the
    next deadline is the first pending one, not the least of all."""
    found = Counter(map(_STATE, obligations))
    counts: dict[str, int] = {state: found[state] for state in STATES}
    if ordered:  # the first pending one due after now
        later = obligations[bisect_right(obligations, now, key=_DUE) :]
        return DueSummary(counts, next((o for o in later if o.state in _PENDING), None))
    pending = (o for o in obligations if o.state in _PENDING and o.due_at > now)
    return DueSummary(counts, min(pending, key=Obligation.sort_key, default=None))


_STATE, _DUE = attrgetter("state"), attrgetter("due_at")
_PENDING = frozenset({"open", "upcoming"})


def opened_by(obligations: Sequence[Obligation], event_id: str) -> list[Obligation]:
    """The clocks a trigger or request started."""
    return [o for o in obligations if o.opened_by == event_id]
