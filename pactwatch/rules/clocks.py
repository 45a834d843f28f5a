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

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import datetime, timedelta
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


_Member = tuple[str, str, str | None, str, int, int, dict[int, Obligation] | None]
"""One agreement's copies of a group's clocks: its id, the mechanism's id and provision,
its parties as a rule names them, the first and past-the-last clock inside its term, and
the clocks a consultation or a denial decides, made by `_clock`."""


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
        self._members: dict[tuple[str, frozenset[str]], list[_Member]] = {}
        self._widest: dict[tuple[str, frozenset[str]], timedelta] = {}
        # An agreement's parties, and all of them as a rule names them, once per list.
        self._parties: dict[tuple[str, ...], tuple[frozenset[str], str]] = {}

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
        self._widest[key] = max((o.deadline - o.at for o in opened), default=timedelta(0))
        return found

    def add(self, agreement: Agreement, mechanism: Mechanism, events: EventsByKind) -> None:
        """Count this agreement's clocks in (`consultation_rule(agreement, mechanism, events,
        now)`, for a mechanism `serves`); `drain` makes them. Only what is the agreement's
        own is worked out here: which clocks fall inside its term, and which of them a
        consultation or a denial decides (those are made by the rule's own `_clock`)."""
        if mechanism.within is None or agreement.signed_on is None:
            return
        key = (mechanism.within, frozenset(mechanism.triggers))
        times, opened = self._for(*key)
        if not opened:
            return
        end = self.ends(agreement, events)
        low = bisect_left(times, day_start(agreement.signed_on))
        high = bisect_left(times, end) if end is not None else len(times)
        if low >= high:
            return
        every = named(agreement, mechanism, events.get("consultation", ()))
        consultations = [(t, e) for t, e in every if e.at is not None and e.is_evidence()]
        denials = [e for _, e in every if not e.happened and not e.background]
        parties = self._parties.get(named_by := tuple(agreement.parties))
        if parties is None:
            parties = self._parties[named_by] = (
                frozenset(named_by),
                "+".join(sorted(set(named_by))),
            )
        decided: dict[int, Obligation] | None = None
        if consultations or denials:
            # A consultation at `t` can decide only the clocks open at `t`: opened at or
            # before it, and no longer ago than the group's widest window.
            held = [t for t, _ in consultations]
            widest, now = self._widest[key], self.now
            reached = {
                j
                for t in held
                for j in range(
                    max(low, bisect_left(times, t - widest)), min(high, bisect_right(times, t))
                )
                if t <= opened[j].deadline
            }
            if denials:
                reached.update(j for j in range(low, high) if now > opened[j].deadline)
            timed, decided = (held, consultations), {}
            for j in sorted(reached):
                clock = opened[j]
                args = (clock.opener, mechanism.within, timed, denials, parties, now)
                decided[j] = _clock(agreement, mechanism, *args)
        member = (agreement.id, mechanism.id, mechanism.provision, parties[1], low, high, decided)
        self._members.setdefault(key, []).append(member)

    def drain(self) -> list[Obligation]:
        """Every clock `add` counted, clock by clock (each clock's copies in the order their
        agreements were added): the order `due` sorts them in, nearly, so sorting costs
        little. A clock nothing has decided is open until its deadline, then unrecorded in
        the words of the agreement's parties; its copies share every value but the
        agreement's own."""
        result: list[Obligation] = []
        now = self.now
        for key, members in self._members.items():
            _, opened = self._opened[key]
            for j, clock in enumerate(opened):
                at, deadline, opener = clock.at, clock.deadline, clock.opener.id
                found = [m for m in members if m[4] <= j < m[5]]
                for m in found:
                    if m[6] and j in m[6]:
                        result.append(m[6][j])
                # Open until its deadline, then unrecorded in the words of each set of
                # parties (made once per clock and set).
                words: dict[str, str] | None = None
                state: State
                if now > deadline:
                    words, state = clock.unrecorded, "unrecorded"
                    for m in found:
                        if m[3] not in words:
                            words[m[3]] = f"no consultation of {m[3]} recorded by {clock.by}"
                else:
                    state = "open"
                rule = clock.open_rule
                result.extend(
                    [
                        Obligation(
                            aid,
                            mid,
                            KIND,
                            at,
                            deadline,
                            deadline,
                            state,
                            None,
                            rule if words is None else words[everyone],
                            pid,
                            opener,
                        )
                        for aid, mid, pid, everyone, _, _, decided in found
                        if not decided or j not in decided
                    ]
                )
        self._members.clear()
        return result
