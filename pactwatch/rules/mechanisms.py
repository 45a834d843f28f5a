"""One rule per mechanism kind: term, recurring duty, consultation clock.

Each rule receives one agreement, one of its mechanisms, the events that bear on that
agreement grouped by kind (only those that happened by `now`, each list sorted by instant
then id, each item `(instant, id, event)`) and `now`, and returns that mechanism's
obligations. Nothing here reads a file or a clock.

Only evidence counts: an event marked as background never meets, opens or ends anything,
and an event that says an act did not happen (`happened: false`) is the only way a period
or a clock is `missed`; with nothing recorded it is `unrecorded`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple

from pactwatch.model import Agreement, Mechanism
from pactwatch.model.values import Duration, add_months
from pactwatch.rules.facts import EventFacts
from pactwatch.rules.obligations import Obligation, State
from pactwatch.rules.timing import add_duration, day_start, iso, scaled, whole_days

Timed = tuple[datetime, str, EventFacts]


EventsByKind = Mapping[str, Sequence[Timed]]

# The widest span an imprecise date can have (a year): how far back a period looks for an
# event that may still fall in it.
WIDEST = timedelta(days=366)


def naming(agreement: Agreement, mechanism: Mechanism) -> Callable[[EventFacts], bool]:
    """A test: does an event name this mechanism, its provision, or the agreement itself?"""
    mechanism_ref = f"{agreement.id}/{mechanism.id}"
    provision_ref = f"{agreement.id}/{mechanism.provision}" if mechanism.provision else None

    def names(event: EventFacts) -> bool:
        return (
            mechanism_ref in event.mechanisms
            or (provision_ref is not None and provision_ref in event.provisions)
            or agreement.id in event.agreements
        )

    return names


def named(
    agreement: Agreement, mechanism: Mechanism, items: Sequence[Timed]
) -> list[tuple[datetime, EventFacts]]:
    """The events among `items` that name the mechanism (`naming`, inlined: a hot loop)."""
    mref = f"{agreement.id}/{mechanism.id}"
    pref = f"{agreement.id}/{mechanism.provision}" if mechanism.provision else None
    aid = agreement.id
    return [
        (t, e)
        for t, _, e in items
        if mref in e.mechanisms
        or (pref is not None and pref in e.provisions)
        or aid in e.agreements
    ]


def term_end(
    agreement: Agreement, events: EventsByKind
) -> tuple[datetime | None, EventFacts | None]:
    """When the agreement stops applying: an end-condition event, else the end of its term."""
    early = next((item for item in events.get("end_condition", ()) if item[2].is_evidence()), None)
    end_date = agreement.term_end()
    planned = day_start(end_date) if end_date and not agreement.term.indefinite else None
    if early is not None and (planned is None or early[0] < planned):
        return early[0], early[2]
    return planned, None


def term_rule(
    agreement: Agreement, mechanism: Mechanism, events: EventsByKind, now: datetime
) -> list[Obligation]:
    if agreement.signed_on is None:
        return []
    start = day_start(agreement.signed_on)
    end, early = term_end(agreement, events)
    if end is None:
        return []
    state: State
    if now < start:
        state, rule = "upcoming", f"not yet signed (signed_on {agreement.signed_on})"
    elif early is not None:
        state, rule = "met", f"ended early on {iso(end)}: end condition {early.id}"
    elif now >= end:
        state, rule = "met", f"the {agreement.term.years}-year term ran its course on {iso(end)}"
    else:
        state, rule = "open", f"in force until {iso(end)} (signed_on + {agreement.term.years} y)"
    return [
        Obligation(
            agreement=agreement.id,
            mechanism=mechanism.id,
            kind="term",
            period_start=start,
            period_end=end,
            due_at=end,
            state=state,
            fulfilled_by=early.id if early else None,
            rule=rule,
            provision=mechanism.provision,
            days_remaining=whole_days(max(now, start), end) if state != "met" else 0,
            fulfilled_at=end if state == "met" else None,
        )
    ]


def recurring_rule(
    agreement: Agreement, mechanism: Mechanism, events: EventsByKind, now: datetime
) -> list[Obligation]:
    """One obligation per period from signing until the term ends; a meeting fulfils it."""
    if agreement.signed_on is None or mechanism.every is None:
        return []
    end, _ = term_end(agreement, events)
    found_all = named(agreement, mechanism, events.get("meeting", ()))
    meetings = [(t, e) for t, e in found_all if not e.background]
    times = [t for t, _ in meetings]
    result: list[Obligation] = []
    for start, stop in recurring_periods(agreement, mechanism, end, now):
        i = bisect_left(times, start - WIDEST)
        found: list[EventFacts] = []
        while i < len(times) and times[i] < stop:
            if meetings[i][1].latest() >= start:
                found.append(meetings[i][1])
            i += 1
        result.append(
            period_obligation(agreement, mechanism, start, stop, picks(start, stop, found), now)
        )
    return result


def recurring_periods(
    agreement: Agreement, mechanism: Mechanism, end: datetime | None, now: datetime
) -> list[tuple[datetime, datetime]]:
    """The periods of a recurring duty, from signing until `end` (without an end, the
    periods so far and the next one)."""
    if agreement.signed_on is None or mechanism.every is None:
        return []
    every = Duration.parse(mechanism.every)
    first = day_start(agreement.signed_on)
    periods: list[tuple[datetime, datetime]] = []
    k, start = 0, first
    while end is None or start < end:
        following = _after(first, every, k + 1)  # from `first`: no drift
        periods.append((start, min(following, end) if end is not None else following))
        if end is None and start > now:
            break
        k, start = k + 1, following
    return periods


def _after(first: datetime, every: Duration, times: int) -> datetime:
    """`add_duration(first, scaled(every, times))`, without building the scaled duration
    when `every` is calendar time only (years, months: the usual duty)."""
    if every.exact:
        return add_duration(first, scaled(every, times))
    if not every.months and (first.month != 2 or first.day != 29):
        return first.replace(year=first.year + every.years * times)  # add_months, in short
    moved = add_months(first.date(), (every.years * 12 + every.months) * times)
    return first.replace(year=moved.year, month=moved.month, day=moved.day)


class Meetings(NamedTuple):
    """What decides one period of a recurring duty, among the meetings that name it (not
    background, reviewed, dated by now), each the first by instant then id:

    - `held`: one that happened, whose whole date lies inside the period;
    - `denied`: one recording that it did not happen, whose whole date lies inside;
    - `unplaced`: one that happened, dated from `WIDEST` before the period's start to
      before its end, whose date reaches into the period but does not lie wholly inside
      (known only to a month that straddles the anniversary, say).

    A store that cannot hold every meeting in memory finds the three by its indexes
    (`rules/indexed.py`); `picks` finds them in a list."""

    held: EventFacts | None = None
    denied: EventFacts | None = None
    unplaced: EventFacts | None = None


def picks(start: datetime, stop: datetime, found: Sequence[EventFacts]) -> Meetings:
    """`Meetings` among `found`: the meetings dated from `WIDEST` before `start` to before
    `stop` whose dates reach `start`, in order of instant then id."""
    inside = [e for e in found if e.earliest() >= start and e.latest() < stop]
    placed = {e.id for e in inside}
    return Meetings(
        held=next((e for e in inside if e.happened), None),
        denied=next((e for e in inside if not e.happened), None),
        unplaced=next((e for e in found if e.happened and e.id not in placed), None),
    )


def period_obligation(
    agreement: Agreement,
    mechanism: Mechanism,
    start: datetime,
    stop: datetime,
    meetings: Meetings,
    now: datetime,
) -> Obligation:
    """One period's state from the meetings that decide it.

    A meeting meets the period when its whole date lies inside (a meeting known only to a
    month that straddles the anniversary cannot be placed, and meets neither period); a
    record that the meeting did not take place, inside the period, makes it missed.
    """
    held, denied, unplaced = meetings
    state: State
    if now < start:
        state, rule = "upcoming", f"period starts {iso(start)}"
    elif held is not None:
        state, rule = "met", f"meeting {held.id} {held.dated()} falls in the period"
    elif now < stop:
        state, rule = "open", f"no meeting recorded yet; due before {iso(stop)}"
    elif denied is not None:
        state, rule = "missed", f"event {denied.id} ({denied.when()}) records that it was not held"
    else:
        state = "unrecorded"
        rule = f"no meeting recorded between {iso(start)} and {iso(stop)}"
        if unplaced is not None:
            rule += f"; meeting {unplaced.id} ({unplaced.when()}) cannot be placed in one period"
    fulfilled = held
    return Obligation(
        agreement=agreement.id,
        mechanism=mechanism.id,
        kind="recurring",
        period_start=start,
        period_end=stop,
        due_at=stop,
        state=state,
        fulfilled_by=fulfilled.id if fulfilled else None,
        rule=rule,
        provision=mechanism.provision,
        fulfilled_at=certain_at(fulfilled) if fulfilled else None,
        fulfilled_on=fulfilled.when() if fulfilled else None,
        fulfilled_precision=fulfilled.date_precision if fulfilled else None,
        missed_by=denied.id if state == "missed" and denied is not None else None,
    )


def certain_at(event: EventFacts) -> datetime:
    """The instant from which an event has certainly happened, for ordering changes: its
    instant, its day (as before, the day's start), or the end of its week, month or year."""
    if event.date_precision in ("instant", "day"):
        return event.earliest()
    return event.latest()


def _starters(agreement: Agreement, mechanism: Mechanism, events: EventsByKind) -> list[Timed]:
    """The events that start the mechanism's clock in this agreement."""
    if mechanism.starts_on == "trigger":
        return [
            item
            for item in events.get("trigger", ())
            if item[2].at is not None
            and item[2].subkind in mechanism.triggers
            and item[2].is_evidence()
        ]
    names = naming(agreement, mechanism)
    return [
        item
        for item in events.get("request", ())
        if item[2].at is not None
        and item[2].is_evidence()
        and (item[2].subkind is None or item[2].subkind in mechanism.triggers)
        and names(item[2])
    ]


def consultation_rule(
    agreement: Agreement, mechanism: Mechanism, events: EventsByKind, now: datetime
) -> list[Obligation]:
    """Each trigger (or request) opens a clock; consultations of all parties in time meet it."""
    if mechanism.within is None or agreement.signed_on is None:
        return []
    within = mechanism.within
    signed = day_start(agreement.signed_on)
    end, _ = term_end(agreement, events)
    every = named(agreement, mechanism, events.get("consultation", ()))
    consultations = [(t, e) for t, e in every if e.at is not None and e.is_evidence()]
    denials = [e for _, e in every if not e.happened and not e.background]
    times = [t for t, _ in consultations]
    result: list[Obligation] = []
    opened: set[tuple[str | None, datetime]] = set()
    parties = (frozenset(agreement.parties), "+".join(sorted(set(agreement.parties))))
    for start, _, event in _starters(agreement, mechanism, events):
        if start < signed or (end is not None and start >= end) or (event.subkind, start) in opened:
            continue
        opened.add((event.subkind, start))
        timed = (times, consultations)
        result.append(_clock(agreement, mechanism, event, within, timed, denials, parties, now))
    return result


def _clock(
    agreement: Agreement,
    mechanism: Mechanism,
    opener: EventFacts,
    within: str,
    timed: tuple[Sequence[datetime], Sequence[tuple[datetime, EventFacts]]],
    denials: Sequence[EventFacts],
    parties: tuple[frozenset[str], str],
    now: datetime,
) -> Obligation:
    """One clock: met by consultations of every party in time; after the deadline, missed
    only when an event records that they did not consult within this window. `parties`:
    the agreement's parties, and all of them as a rule names them."""
    assert opener.at is not None
    times, consultations = timed
    deadline, by = _deadline(opener.at, opener.at.tzinfo, within)
    needed, everyone = parties
    covered: set[str] = set()
    done: tuple[datetime, EventFacts] | None = None
    for i in range(bisect_left(times, opener.at) if times else 0, len(consultations)):
        at, event = consultations[i]
        if at > deadline:
            break
        covered |= needed.intersection(event.actors)
        if covered == needed:
            done = (at, event)
            break
    state: State
    denied: EventFacts | None = None
    if done is not None:
        state, rule = "met", f"consultation {done[1].id} of {everyone} in time"
    elif now > deadline:
        missing = "+".join(sorted(needed - covered)) if covered else everyone
        denied = next(
            (e for e in denials if e.earliest() <= deadline and e.latest() >= opener.at), None
        )
        if denied is not None:
            state = "missed"
            rule = f"event {denied.id} ({denied.when()}) records no consultation by {by}"
        else:
            state, rule = "unrecorded", f"no consultation of {missing} recorded by {by}"
    else:
        state, rule = (
            "open",
            f"{opener.kind} {opener.id} opened the clock; consult by {by}",
        )
    return Obligation(
        agreement=agreement.id,
        mechanism=mechanism.id,
        kind="consultation_on_trigger",
        period_start=opener.at,
        period_end=deadline,
        due_at=deadline,
        state=state,
        fulfilled_by=done[1].id if done else None,
        rule=rule,
        provision=mechanism.provision,
        opened_by=opener.id,
        fulfilled_at=done[0] if done else None,
        fulfilled_on=done[1].when() if done else None,
        fulfilled_precision="instant" if done else None,
        missed_by=denied.id if denied is not None else None,
    )


@lru_cache(maxsize=4096)
def _deadline(opened: datetime, zone: tzinfo | None, within: str) -> tuple[datetime, str]:
    """A clock's deadline and how it reads: a registry-wide trigger opens the same clock
    in every agreement that listens to it. `zone` is part of the key: equal instants in
    two zones are equal datetimes, but their deadlines read in their own zones."""
    deadline = add_duration(opened, Duration.parse(within))
    return deadline, iso(deadline)


Rule = Callable[[Agreement, Mechanism, EventsByKind, datetime], list[Obligation]]
RULES: dict[str, Rule] = {
    "term": term_rule,
    "recurring": recurring_rule,
    "consultation_on_trigger": consultation_rule,
}

# Which mechanism kinds an event of each kind can change (for incremental updates).
AFFECTS: dict[str, frozenset[str]] = {
    "meeting": frozenset({"recurring"}),
    "consultation": frozenset({"consultation_on_trigger"}),
    "trigger": frozenset({"consultation_on_trigger"}),
    "request": frozenset({"consultation_on_trigger"}),
    "end_condition": frozenset(RULES),
}
