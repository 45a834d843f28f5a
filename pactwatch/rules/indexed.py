"""The rules over a registry too large to hold: each mechanism's events, read as needed.

`evaluate` (engine.py) takes every agreement and every event in memory. Here the caller
passes a `Reads`, which the store implements over its indexes (`store/rule_events.py`),
and the rules say what to read: only the kinds of event the agreements' mechanisms count
(meetings for a recurring duty; triggers, requests and consultations for a clock; end
conditions for all), consultations only inside the windows the clocks can open, and the
meetings one agreement at a time. Each agreement is then evaluated by the same `Evaluator`
on just its own events and the registry-wide triggers, so the answer is the one a
whole-memory evaluation gives (tests/service/test_rules_indexed.py holds the two side
by side).

`Due` keeps the answer per agreement; `Due.refresh(event)`, after an event is recorded,
re-reads and re-evaluates only the mechanisms that kind of event can change, in the
agreements it names (a registry-wide trigger: those whose clocks listen to it).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from operator import itemgetter
from typing import Literal, NamedTuple, Protocol

from pactwatch.model import Agreement, Event, Mechanism
from pactwatch.model.values import Duration
from pactwatch.rules.clocks import SharedClocks, TermEnds
from pactwatch.rules.engine import MECHANISM_EVENTS, Evaluator
from pactwatch.rules.facts import EventFacts
from pactwatch.rules.mechanisms import (
    AFFECTS,
    RULES,
    WIDEST,
    EventsByKind,
    Meetings,
    Timed,
    certain_at,
    period_obligation,
    recurring_periods,
    term_rule,
)
from pactwatch.rules.obligations import Obligation, in_order
from pactwatch.rules.timing import add_duration, iso, require_aware

Window = tuple[datetime, datetime]
Span = tuple[datetime, datetime]
_ORDER = itemgetter(0, 1)
MAX_NAMED = 500
"""Past this many agreements, reads are not limited to them by name (a long IN list)."""
MAX_WINDOWS = 200
"""Past this many separate clock windows, all consultations are read: one range scan
costs less than that many."""


Pick = Literal["held", "denied", "unplaced"]


class PeriodAsk(NamedTuple):
    """One period of one agreement's recurring duty, as the rules ask a store about it:
    the meetings naming the mechanism `mechanism` (or its provision `provision`, or the
    agreement) dated in it. `low` is how far back a meeting known only to a month or a
    year may start and still reach into the period (`mechanisms.WIDEST` before `start`)."""

    agreement: str
    mechanism: str
    provision: str | None
    start: datetime
    stop: datetime
    low: datetime


class Reads(Protocol):
    """What the rules read from a registry (implemented by `store.rule_events.RuleReads`)."""

    def agreements(self, ids: Collection[str] | None = None) -> list[Agreement]:
        """The agreements with mechanisms (of `ids`), by id, with at least id, parties,
        signing date, term and mechanisms."""
        ...

    def registry_wide(self, kinds: Collection[str], now: datetime) -> Sequence[EventFacts]:
        """Events of these kinds, dated by `now`, that name no agreement."""
        ...

    def linked(
        self,
        kinds: Collection[str],
        now: datetime,
        *,
        agreements: Collection[str] | None = None,
        windows: Sequence[Window] | None = None,
        not_happened: bool = False,
    ) -> Iterable[tuple[str, EventFacts]]:
        """Each event of these kinds (dated inside one of `windows`; only those recording
        an act that did not happen) with each agreement it names."""
        ...

    def reducible(self, kind: str) -> bool:
        """Whether `meetings` can answer for every event of this kind (a row written before
        the store kept an event's facts in columns cannot be reduced by them)."""
        ...

    def meetings(
        self, asks: Sequence[PeriodAsk], now: datetime, pick: Pick
    ) -> Mapping[int, EventFacts]:
        """For each ask (by its place in `asks`), the first meeting by instant then id, of
        those naming it that are reviewed, not background and dated by `now`, which is:

        - `held`: one that happened, its whole date inside [start, stop);
        - `denied`: one recording that it did not happen, its whole date inside;
        - `unplaced`: one that happened, its date starting in [low, stop) and ending at or
          after `start`, not wholly inside.

        (`mechanisms.Meetings`; asks with no such meeting are left out.)"""
        ...

    def streamed(
        self, kinds: Collection[str], now: datetime, *, agreements: Collection[str] | None = None
    ) -> Iterable[tuple[str, Sequence[EventFacts]]]:
        """The events of these kinds each agreement names, one agreement at a time in id
        order; drafts and background events may be left out (no mechanism counts them).
        Read only when `reducible` says no."""
        ...


def needed_kinds(agreements: Iterable[Agreement]) -> set[str]:
    """The event kinds these agreements' mechanisms read."""
    kinds: set[str] = set()
    for agreement in agreements:
        for mechanism in agreement.mechanisms:
            kinds.add("end_condition")  # every rule asks when the agreement stops applying
            if mechanism.kind == "recurring":
                kinds.add("meeting")
            elif mechanism.kind == "consultation_on_trigger":
                kinds |= {"consultation", mechanism.starts_on}
    return kinds


def clock_windows(
    agreements: Iterable[Agreement], starters: Iterable[EventFacts]
) -> list[Window] | None:
    """The time windows in which a consultation can meet a clock these starters open,
    merged; None when there are too many to be worth reading window by window."""
    texts = {
        m.within
        for a in agreements
        for m in a.mechanisms
        if m.kind == "consultation_on_trigger" and m.within is not None
    }
    withins = {Duration.parse(text) for text in texts}
    spans = sorted(
        (s.at, add_duration(s.at, within))
        for s in starters
        if s.at is not None
        for within in withins
    )
    merged: list[Window] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged if len(merged) <= MAX_WINDOWS else None


def evaluate_indexed(
    reads: Reads, now: datetime, agreements: Collection[str] | None = None
) -> list[Obligation]:
    """Every obligation at `now` of the registry's agreements (or of `agreements`), as
    `evaluate` gives it with every agreement and event in memory."""
    with _uncollected():
        chosen = reads.agreements(agreements)
        return in_order(_evaluated(reads, require_aware(now), chosen, agreements is not None))


@contextmanager
def _uncollected() -> Iterator[None]:
    """The cyclic collector paused while `due` builds its tens of thousands of objects,
    none of which refer back to another: a full pass in the middle would walk the whole
    heap (every imported module's objects too) to free nothing (as `store.load` does for a
    load's rows).

    Paused, the collector still counts them: the first allocation after it resumes would
    walk them all in a young pass (15-30 ms), and again in the middle generation's (up to
    70 ms when the previous answer is still held). So they are handed to the old
    generation at once, as if they had survived both: `gc.freeze()` moves every tracked
    object out of the generations and `gc.unfreeze()` puts them all in the oldest, two
    list splices. Only when nothing is frozen: a process that froze its heap on purpose
    (`verbs.service.settle_heap`) keeps it frozen and pays the young pass."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if collecting:
            gc.enable()


def _evaluated(
    reads: Reads, now: datetime, chosen: Sequence[Agreement], some: bool
) -> list[Obligation]:
    """The obligations of `chosen` (`some`: not every agreement of the registry).

    Everything but meetings is few (triggers, requests, end conditions, consultations in
    a clock's window) and read whole; the meetings, the bulk, stay in the store, which
    answers for each period only the meetings that decide it (`Reads.meetings`). A list,
    not a generator: tens of thousands of yields through nested generators cost more than
    the list they would spare."""
    if not chosen:
        return []
    # Many names are read as all: the events of the others are skipped below.
    names = [a.id for a in chosen] if some and len(chosen) <= MAX_NAMED else None
    kinds = needed_kinds(chosen)
    shared = list(reads.registry_wide({"trigger"}, now)) if "trigger" in kinds else []
    small: dict[str, list[EventFacts]] = {}
    few = kinds & {"trigger", "request", "end_condition"}
    for aid, event in reads.linked(few, now, agreements=names) if few else ():
        small.setdefault(aid, []).append(event)
    if "consultation" in kinds:
        starters = [*shared, *(e for items in small.values() for e in items)]
        windows = clock_windows(chosen, (e for e in starters if e.kind in kinds))
        seen = {(aid, e.id) for aid, items in small.items() for e in items}
        found = [
            *(reads.linked({"consultation"}, now, agreements=names, windows=windows)),
            *(reads.linked({"consultation"}, now, agreements=names, not_happened=True)),
        ]
        for aid, event in found:
            if (aid, event.id) not in seen:
                seen.add((aid, event.id))
                small.setdefault(aid, []).append(event)
    if "meeting" in kinds and not reads.reducible("meeting"):
        return list(_streamed(reads, now, chosen, names, [*shared], small))
    triggers = _timed(shared, now)
    prepared = [(a, _by_kind(small.pop(a.id, ()), triggers, now)) for a in chosen]
    ends = TermEnds()
    periods = _Periods(now, ends)
    for agreement, events in prepared:
        periods.ask(agreement, events)
    clocks, terms = SharedClocks(triggers, now, ends), _Terms(now)
    result: list[Obligation] = []
    duties: list[tuple[Agreement, Mechanism]] = []
    with _meanwhile(periods.read, reads):
        for agreement, events in prepared:
            for mechanism in agreement.mechanisms:
                if mechanism.kind == "recurring":
                    duties.append((agreement, mechanism))
                elif mechanism.kind == "consultation_on_trigger" and clocks.serves(
                    mechanism, events
                ):
                    clocks.add(agreement, mechanism, events)
                elif mechanism.kind == "term":
                    result.extend(terms.obligations(agreement, mechanism, events))
                else:
                    result.extend(RULES[mechanism.kind](agreement, mechanism, events, now))
        result.extend(clocks.drain())
    for agreement, mechanism in duties:
        periods.obligations(agreement, mechanism, result)
    return result


@contextmanager
def _meanwhile(read: Callable[[Reads], None], reads: Reads) -> Iterator[None]:
    """`read(reads)` on another thread while the block works out everything that does
    not wait for it: the periods' meetings are the one large read, and both drivers let
    go of the interpreter while the database works (SQLite steps its statement, psycopg
    waits for the server's answer), so the clocks and terms are made in that time instead
    of after it. The block must not read; the read has ended, or raised here, when the
    block is left (leaving the pool waits for it, whatever the block raised), so the
    connection is the caller's again."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="due-meetings") as pool:
        reading = pool.submit(read, reads)
        yield
    reading.result()


def _timed(events: Iterable[EventFacts], now: datetime) -> list[Timed]:
    """The events a mechanism may count, as `Evaluator` files them: reviewed, dated by
    `now`, each `(instant, id, event)`, by instant then id."""
    items = []
    for event in events:
        if event.kind not in MECHANISM_EVENTS or event.is_draft:
            continue
        at = event.at if event.at is not None else event.earliest()
        if at <= now:
            items.append((at, event.id, event))
    items.sort(key=_ORDER)
    return items


def _by_kind(own: Iterable[EventFacts], triggers: list[Timed], now: datetime) -> EventsByKind:
    """One agreement's events by kind, the registry-wide triggers among its own."""
    found: dict[str, list[Timed]] = {}
    for item in _timed(own, now):
        found.setdefault(item[2].kind, []).append(item)
    if triggers:
        mine = found.get("trigger")
        found["trigger"] = sorted([*mine, *triggers], key=_ORDER) if mine else triggers
    return found


class _Terms:
    """`term_rule`, once per signing day and term: with no end condition recorded, an
    agreement's term reads as every other's signed the same day for as long."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._made: dict[tuple[object, ...], list[Obligation]] = {}

    def obligations(
        self, agreement: Agreement, mechanism: Mechanism, events: EventsByKind
    ) -> list[Obligation]:
        if events.get("end_condition"):
            return term_rule(agreement, mechanism, events, self.now)
        term = agreement.term
        key = (agreement.signed_on, term.years, term.indefinite, term.ends_on)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = term_rule(agreement, mechanism, events, self.now)
            return made
        return [_moved(o, agreement.id, mechanism.id, mechanism.provision) for o in made]


def _moved(o: Obligation, agreement: str, mechanism: str, provision: str | None) -> Obligation:
    """The same obligation, of another agreement's mechanism."""
    return Obligation(
        agreement,
        mechanism,
        o.kind,
        o.period_start,
        o.period_end,
        o.due_at,
        o.state,
        o.fulfilled_by,
        o.rule,
        provision,
        o.opened_by,
        o.days_remaining,
        o.fulfilled_at,
        o.fulfilled_on,
        o.fulfilled_precision,
        o.missed_by,
    )


class _Periods:
    """The periods of every recurring duty being evaluated, and the meetings the store
    finds to decide them: first the held meeting of each period begun by now, then, for
    the periods over with none held, a denial or a meeting that cannot be placed."""

    def __init__(self, now: datetime, ends: TermEnds) -> None:
        self.now, self.ends = now, ends
        # (agreement, mechanism) -> the place in `asks` of its first period, how many of
        # its periods have begun by now (asked about, in order), its periods, and the
        # words of those to come
        self.periods: dict[tuple[str, str], tuple[int, int, Sequence[Span], list[str]]] = {}
        self.asks: list[PeriodAsk] = []
        self.found: dict[Pick, Mapping[int, EventFacts]] = {}
        # Agreements signed on one day share their periods, and a period to come reads
        # the same in every one of them.
        self._spans: dict[tuple[object, ...], tuple[list[Span], list[datetime], list[str]]] = {}
        self._upcoming: dict[datetime, str] = {}

    def _periods(
        self, agreement: Agreement, mechanism: Mechanism, end: datetime | None
    ) -> tuple[list[Span], list[datetime], list[str]]:
        """The duty's periods, how far back each of those begun looks (`low`), and how
        each of those to come reads."""
        # The end's zone too: equal instants in two zones are equal, but a last period
        # cut at the end reads in the end's own zone.
        key = (agreement.signed_on, mechanism.every, end, end.tzinfo if end else None)
        found = self._spans.get(key)
        if found is None:
            kept = _SPANS.get(key) if end is not None else None
            if kept is None:
                spans = recurring_periods(agreement, mechanism, end, self.now)
                kept = (spans, [self._starts(start) for start, _ in spans])
                if end is not None:  # then they do not depend on now
                    if len(_SPANS) >= MAX_SPANS:
                        _SPANS.clear()
                    _SPANS[key] = kept
            spans, words = kept
            lows = [start - WIDEST for start, _ in spans if start <= self.now]
            found = self._spans[key] = (spans, lows, words[len(lows) :])
        return found

    def _starts(self, start: datetime) -> str:
        """`period_obligation`'s words for a period to come, once per instant."""
        words = self._upcoming.get(start)
        if words is None:
            words = self._upcoming[start] = f"period starts {iso(start)}"
        return words

    def ask(self, agreement: Agreement, events: EventsByKind) -> None:
        duties = [m for m in agreement.mechanisms if m.kind == "recurring"]
        end = self.ends(agreement, events) if duties else None
        asks, aid = self.asks, agreement.id
        for mechanism in duties:
            spans, lows, words = self._periods(agreement, mechanism, end)
            self.periods[aid, mechanism.id] = (len(asks), len(lows), spans, words)
            mid, pid = mechanism.id, mechanism.provision
            asks.extend(
                PeriodAsk(aid, mid, pid, start, stop, low)
                for (start, stop), low in zip(spans, lows, strict=False)
            )

    def read(self, reads: Reads) -> None:
        if not self.asks:
            return
        held = self.found["held"] = reads.meetings(self.asks, self.now, "held")
        over = [n for n, ask in enumerate(self.asks) if n not in held and ask.stop <= self.now]
        if not over:
            return
        rest = [self.asks[n] for n in over]
        for pick in ("denied", "unplaced"):
            answer = reads.meetings(rest, self.now, pick)
            self.found[pick] = {over[i]: event for i, event in answer.items()}

    def obligations(
        self, agreement: Agreement, mechanism: Mechanism, into: list[Obligation]
    ) -> None:
        """`period_obligation` for each period, added to `into`; one to come (nothing can
        decide it yet) made from what it shares with every other agreement's."""
        aid, mid, pid = agreement.id, mechanism.id, mechanism.provision
        first, begun, spans, words = self.periods.get((aid, mid), (0, 0, (), []))
        held, denied, unplaced = (self.found.get(pick, {}) for pick in PICKS)
        now = self.now
        for k in range(begun):
            start, stop = spans[k]
            n = first + k
            met = held.get(n)
            if met is not None:  # `period_obligation`'s met period, without its branches
                rule = f"meeting {met.id} {met.dated()} falls in the period"
                into.append(
                    Obligation(
                        aid,
                        mid,
                        "recurring",
                        start,
                        stop,
                        stop,
                        "met",
                        met.id,
                        rule,
                        pid,
                        None,
                        None,
                        certain_at(met),
                        met.when(),
                        met.date_precision,
                    )
                )
                continue
            decided = Meetings(None, denied.get(n), unplaced.get(n))
            into.append(period_obligation(agreement, mechanism, start, stop, decided, now))
        into.extend(
            [
                Obligation(aid, mid, "recurring", start, stop, stop, "upcoming", None, rule, pid)
                for (start, stop), rule in zip(spans[begun:], words, strict=True)
            ]
        )


_SPANS: dict[tuple[object, ...], tuple[list[Span], list[str]]] = {}
MAX_SPANS = 20_000
"""A duty's periods by signing day, duration and the term's end, with the words each
reads in while it is to come, kept for the process (a service answering `due` again
works out the same ones); never changed once made."""

PICKS: tuple[Pick, ...] = ("held", "denied", "unplaced")


def _streamed(
    reads: Reads,
    now: datetime,
    chosen: Sequence[Agreement],
    names: list[str] | None,
    shared: list[EventFacts],
    small: dict[str, list[EventFacts]],
) -> Iterator[Obligation]:
    """Every meeting read, agreement by agreement, and evaluated in memory: for a store
    holding rows whose facts are not in columns."""
    stream = iter(reads.streamed({"meeting"}, now, agreements=names))
    pending = next(stream, None)
    for agreement in chosen:
        while pending is not None and pending[0] < agreement.id:
            pending = next(stream, None)
        own: Sequence[EventFacts] = ()
        if pending is not None and pending[0] == agreement.id:
            own = pending[1]
            pending = next(stream, None)
        mine = [*own, *small.pop(agreement.id, ()), *shared]
        yield from Evaluator([agreement], mine, now).obligations()


class Due:
    """The obligations of a registry at one instant, kept per agreement and refreshed
    event by event from the registry's indexes."""

    def __init__(self, reads: Reads, now: datetime) -> None:
        self.reads, self.now = reads, require_aware(now)
        self._results: dict[tuple[str, str], list[Obligation]] = {}
        with _uncollected():
            for obligation in _evaluated(reads, self.now, reads.agreements(), False):
                self._results.setdefault(_key(obligation), []).append(obligation)

    def obligations(self) -> list[Obligation]:
        """Every obligation, by due time, then agreement, mechanism and period."""
        found = [o for items in self._results.values() for o in items]
        return in_order(found)

    def refresh(self, event: Event) -> list[Obligation]:
        """After `event` is recorded: re-evaluate only the mechanisms it can change, in the
        agreements it touches; return their obligations now."""
        chosen, fresh = _touched(self.reads, event, self.now)
        for agreement in chosen:
            for mechanism in agreement.mechanisms:
                key = (agreement.id, mechanism.id)
                self._results.pop(key, None)
                if key in fresh:
                    self._results[key] = fresh[key]
        return in_order(o for items in fresh.values() for o in items)


def reevaluate(reads: Reads, event: Event, now: datetime) -> list[Obligation]:
    """The obligations at `now` of every mechanism `event` can change (a trigger: the
    clocks that listen to it), read and evaluated without the rest of the registry."""
    _, fresh = _touched(reads, event, require_aware(now))
    return in_order(o for items in fresh.values() for o in items)


def _touched(
    reads: Reads, event: Event, now: datetime
) -> tuple[list[Agreement], dict[tuple[str, str], list[Obligation]]]:
    """The agreements `event` touches, with only the mechanisms it can change, and those
    mechanisms' obligations by (agreement, mechanism)."""
    kinds = AFFECTS.get(event.kind, frozenset())
    ids = event.agreement_ids()
    if not kinds or (not ids and event.kind != "trigger"):
        return [], {}  # only a trigger bears on agreements it does not name
    chosen = [
        a.model_copy(update={"mechanisms": mine})
        for a in reads.agreements(ids or None)
        if (mine := [m for m in a.mechanisms if m.kind in kinds and _hears(m, event)])
    ]
    fresh: dict[tuple[str, str], list[Obligation]] = {}
    for obligation in _evaluated(reads, now, chosen, True):
        fresh.setdefault(_key(obligation), []).append(obligation)
    return chosen, fresh


def _hears(mechanism: Mechanism, event: Event) -> bool:
    """Whether a new event can change this mechanism (a trigger only the clocks it starts)."""
    if event.kind != "trigger":
        return True
    return mechanism.starts_on == "trigger" and event.subkind in mechanism.triggers


def _key(obligation: Obligation) -> tuple[str, str]:
    return obligation.agreement, obligation.mechanism
