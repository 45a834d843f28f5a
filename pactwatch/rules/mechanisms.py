"""One rule per mechanism kind: term, recurring duty, consultation clock.

Each rule receives one agreement, one of its mechanisms, the events that bear on that
agreement (already limited to those that happened by `now`, sorted by time then id) and
`now`, and returns that mechanism's obligations. Nothing here reads a file or a clock.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import datetime

from pactwatch.model import Agreement, Event, Mechanism
from pactwatch.model.values import Duration
from pactwatch.rules.obligations import Obligation, State
from pactwatch.rules.timing import add_duration, day_start, iso, scaled, whole_days


def names(event: Event, agreement: Agreement, mechanism: Mechanism) -> bool:
    """Does the event name this mechanism, the provision behind it, or the agreement itself?"""
    if f"{agreement.id}/{mechanism.id}" in event.mechanisms:
        return True
    if mechanism.provision and f"{agreement.id}/{mechanism.provision}" in event.provisions:
        return True
    return agreement.id in event.agreements


def term_end(agreement: Agreement, events: Sequence[Event]) -> tuple[datetime | None, Event | None]:
    """When the agreement stops applying: an end-condition event, else the end of its term."""
    early = next((e for e in events if e.kind == "end_condition"), None)
    end_date = agreement.term.ends_on or agreement.term.expected_end(agreement.signed_on)
    planned = day_start(end_date) if end_date and not agreement.term.indefinite else None
    if early is not None and (planned is None or early.earliest() < planned):
        return early.earliest(), early
    return planned, None


def term_rule(
    agreement: Agreement, mechanism: Mechanism, events: Sequence[Event], now: datetime
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
    agreement: Agreement, mechanism: Mechanism, events: Sequence[Event], now: datetime
) -> list[Obligation]:
    """One obligation per period from signing until the term ends; a meeting fulfils it."""
    if agreement.signed_on is None or mechanism.every is None:
        return []
    every = Duration.parse(mechanism.every)
    first = day_start(agreement.signed_on)
    end, _ = term_end(agreement, events)
    meetings = [e for e in events if e.kind == "meeting" and names(e, agreement, mechanism)]
    times = [e.earliest() for e in meetings]
    result: list[Obligation] = []
    k = 0
    while True:
        start = add_duration(first, scaled(every, k))
        if end is not None and start >= end:
            break
        stop = add_duration(first, scaled(every, k + 1))
        stop = min(stop, end) if end is not None else stop
        result.append(_period(agreement, mechanism, start, stop, meetings, times, now))
        if end is None and start > now:
            break  # without an end, list the periods so far and the next one
        k += 1
    return result


def _period(
    agreement: Agreement,
    mechanism: Mechanism,
    start: datetime,
    stop: datetime,
    meetings: Sequence[Event],
    times: Sequence[datetime],
    now: datetime,
) -> Obligation:
    i = bisect_left(times, start)
    held = meetings[i] if i < len(times) and times[i] < stop else None
    state: State
    if now < start:
        state, rule = "upcoming", f"period starts {iso(start)}"
    elif held is not None:
        state, rule = "met", f"meeting {held.id} on {iso(times[i])} falls in the period"
    elif now >= stop:
        state, rule = "missed", f"no meeting recorded between {iso(start)} and {iso(stop)}"
    else:
        state, rule = "open", f"no meeting yet; due before {iso(stop)}"
    return Obligation(
        agreement=agreement.id,
        mechanism=mechanism.id,
        kind="recurring",
        period_start=start,
        period_end=stop,
        due_at=stop,
        state=state,
        fulfilled_by=held.id if held else None,
        rule=rule,
        provision=mechanism.provision,
        fulfilled_at=times[i] if held else None,
    )


def starts_clock(event: Event, agreement: Agreement, mechanism: Mechanism) -> bool:
    """Does this event start the mechanism's clock in this agreement?"""
    if event.at is None or (event.subkind is not None and event.subkind not in mechanism.triggers):
        return False
    if mechanism.starts_on == "trigger":
        if event.kind != "trigger" or event.subkind is None:
            return False
        return not event.agreement_ids() or agreement.id in event.agreement_ids()
    return event.kind == "request" and names(event, agreement, mechanism)


def consultation_rule(
    agreement: Agreement, mechanism: Mechanism, events: Sequence[Event], now: datetime
) -> list[Obligation]:
    """Each trigger (or request) opens a clock; consultations of all parties in time meet it."""
    if mechanism.within is None or agreement.signed_on is None:
        return []
    within = Duration.parse(mechanism.within)
    signed = day_start(agreement.signed_on)
    end, _ = term_end(agreement, events)
    consultations = [
        e
        for e in events
        if e.kind == "consultation" and e.at is not None and names(e, agreement, mechanism)
    ]
    result: list[Obligation] = []
    opened: set[tuple[str | None, datetime]] = set()
    for event in events:
        if not starts_clock(event, agreement, mechanism):
            continue
        start = event.earliest()
        if start < signed or (end is not None and start >= end) or (event.subkind, start) in opened:
            continue
        opened.add((event.subkind, start))
        assert event.at is not None
        deadline = add_duration(event.at, within)
        result.append(_clock(agreement, mechanism, event, deadline, consultations, now))
    return result


def _clock(
    agreement: Agreement,
    mechanism: Mechanism,
    opener: Event,
    deadline: datetime,
    consultations: Sequence[Event],
    now: datetime,
) -> Obligation:
    assert opener.at is not None
    needed = set(agreement.parties)
    covered: set[str] = set()
    done: Event | None = None
    for event in consultations:
        if opener.at <= event.earliest() <= deadline:
            covered |= set(event.actors) & needed
            if covered == needed:
                done = event
                break
    state: State
    if done is not None:
        state, rule = "met", f"consultation {done.id} of {'+'.join(sorted(needed))} in time"
    elif now > deadline:
        missing = "+".join(sorted(needed - covered))
        state, rule = "missed", f"no consultation of {missing} by {iso(deadline)}"
    else:
        state, rule = (
            "open",
            f"{opener.kind} {opener.id} opened the clock; consult by {iso(deadline)}",
        )
    return Obligation(
        agreement=agreement.id,
        mechanism=mechanism.id,
        kind="consultation_on_trigger",
        period_start=opener.at,
        period_end=deadline,
        due_at=deadline,
        state=state,
        fulfilled_by=done.id if done else None,
        rule=rule,
        provision=mechanism.provision,
        opened_by=opener.id,
        fulfilled_at=done.earliest() if done else None,
    )


Rule = Callable[[Agreement, Mechanism, Sequence[Event], datetime], list[Obligation]]
RULES: dict[str, Rule] = {
    "term": term_rule,
    "recurring": recurring_rule,
    "consultation_on_trigger": consultation_rule,
}
