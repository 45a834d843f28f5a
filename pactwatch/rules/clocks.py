"""The clocks registry-wide triggers open, worked out once for every agreement that hears them.

A trigger that names no agreement (renewed aggression, say) opens a clock in every
agreement whose consultation mechanism listens to it: a thousand agreements, a thousand
clocks per trigger. Most of what such a clock is does not depend on the agreement: its
start, its deadline and how the deadline reads, the words of an open clock. `SharedClocks`
works those out once per trigger and duration; each agreement then adds only what is its
own (its signing and end, which clocks fall between them, its consultations and parties).

The answer is `mechanisms.consultation_rule`'s, clock for clock: a clock with a
consultation inside its window, or an agreement with a record that the parties did not
consult, is handed to that rule's own `_clock`; so is an agreement that names triggers of
its own (`serves`). tests/service/test_rules_indexed.py holds the two side by side.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from pactwatch.model import Agreement, Mechanism
from pactwatch.model.agreement import MechanismKind
from pactwatch.rules.facts import EventFacts
from pactwatch.rules.mechanisms import EventsByKind, Timed, _clock, _deadline, named, term_end
from pactwatch.rules.obligations import Obligation, State
from pactwatch.rules.timing import day_start

KIND: MechanismKind = "consultation_on_trigger"


class _Opened(NamedTuple):
    """One trigger's clock for one duration: what every agreement's copy shares."""

    at: datetime
    opener: EventFacts
    deadline: datetime
    by: str
    open_rule: str
    unrecorded: dict[str, str]  # the parties not consulted, as written -> the rule's words


class TermEnds:
    """`term_end(agreement, events)[0]`, once per signing day and term: with no end
    condition recorded, agreements signed the same day for as long end together."""

    def __init__(self) -> None:
        self._planned: dict[tuple[object, ...], datetime | None] = {}

    def __call__(self, agreement: Agreement, events: EventsByKind) -> datetime | None:
        if events.get("end_condition"):
            return term_end(agreement, events)[0]
        term = agreement.term
        key = (agreement.signed_on, term.years, term.ends_on, term.indefinite)
        if key not in self._planned:
            self._planned[key] = term_end(agreement, events)[0]
        return self._planned[key]


class SharedClocks:
    """The registry-wide triggers (as `Evaluator` files them: reviewed, dated by now, by
    instant then id) and, per duration and set of trigger kinds, the clocks they open."""

    def __init__(self, triggers: Sequence[Timed], now: datetime, ends: TermEnds) -> None:
        self.triggers, self.now, self.ends = triggers, now, ends
        self._opened: dict[tuple[str, frozenset[str]], tuple[list[datetime], list[_Opened]]] = {}

    def serves(self, mechanism: Mechanism, events: EventsByKind) -> bool:
        """Whether this mechanism's clocks in this agreement are opened by registry-wide
        triggers alone (`events` holds the very list of them, or no trigger at all)."""
        return (
            mechanism.starts_on == "trigger"
            and mechanism.within is not None
            and events.get("trigger", self.triggers) is self.triggers
        )

    def _for(self, within: str, kinds: frozenset[str]) -> tuple[list[datetime], list[_Opened]]:
        """The clocks triggers of these kinds open, once each per kind and instant
        (`consultation_rule` opens one clock for two equal triggers)."""
        key = (within, kinds)
        found = self._opened.get(key)
        if found is not None:
            return found
        seen: set[tuple[str | None, datetime]] = set()
        opened: list[_Opened] = []
        for _, _, event in self.triggers:
            at = event.at
            if at is None or event.subkind not in kinds or not event.is_evidence():
                continue
            if (event.subkind, at) in seen:
                continue
            seen.add((event.subkind, at))
            deadline, by = _deadline(at, at.tzinfo, within)
            rule = f"{event.kind} {event.id} opened the clock; consult by {by}"
            opened.append(_Opened(at, event, deadline, by, rule, {}))
        found = self._opened[key] = ([o.at for o in opened], opened)
        return found

    def obligations(
        self, agreement: Agreement, mechanism: Mechanism, events: EventsByKind
    ) -> list[Obligation]:
        """`consultation_rule(agreement, mechanism, events, now)`, for a mechanism `serves`."""
        if mechanism.within is None or agreement.signed_on is None:
            return []
        times, opened = self._for(mechanism.within, frozenset(mechanism.triggers))
        if not opened:
            return []
        end = self.ends(agreement, events)
        low = bisect_left(times, day_start(agreement.signed_on))
        high = bisect_left(times, end) if end is not None else len(times)
        if low >= high:
            return []
        now = self.now
        every = named(agreement, mechanism, events.get("consultation", ()))
        consultations = [(t, e) for t, e in every if e.at is not None and e.is_evidence()]
        denials = [e for _, e in every if not e.happened and not e.background]
        held = [t for t, _ in consultations]
        parties = (frozenset(agreement.parties), "+".join(sorted(set(agreement.parties))))
        everyone = parties[1]
        aid, mid, pid = agreement.id, mechanism.id, mechanism.provision
        result: list[Obligation] = []
        for clock in opened[low:high]:
            deadline = clock.deadline
            if held:
                i = bisect_left(held, clock.at)
                consulted = i < len(held) and held[i] <= deadline
            else:
                consulted = False
            if consulted or (denials and now > deadline):
                timed = (held, consultations)
                args = (clock.opener, mechanism.within, timed, denials, parties, now)
                result.append(_clock(agreement, mechanism, *args))
                continue
            state: State
            if now > deadline:
                state = "unrecorded"
                rule = clock.unrecorded.get(everyone)
                if rule is None:
                    rule = clock.unrecorded[everyone] = (
                        f"no consultation of {everyone} recorded by {clock.by}"
                    )
            else:
                state, rule = "open", clock.open_rule
            result.append(
                Obligation(
                    aid,
                    mid,
                    KIND,
                    clock.at,
                    deadline,
                    deadline,
                    state,
                    None,
                    rule,
                    pid,
                    clock.opener.id,
                )
            )
        return result
