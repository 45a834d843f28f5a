"""iCalendar: the obligations' deadlines and dialogue dates, for any calendar application.

One VEVENT per obligation that has a deadline: the term's end, each strategic-dialogue
period's due date, each 24-hour consultation deadline. UIDs are derived from the
obligation's identity (agreement, mechanism, period start), never from the time of export,
so a calendar that subscribes to the feed updates events instead of duplicating them.

The calendar depends on the data alone, never on the moment of export: obligations are
evaluated at a horizon past every deadline and event, states (which change with time) are
left to `pactwatch due`, and DTSTAMP is the data's own latest instant. The same registry
therefore always gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar
from icalendar import Event as VEvent

from pactwatch.export.base import EventCollector, register
from pactwatch.model import Agreement, Event
from pactwatch.model.values import LAST_YEAR
from pactwatch.rules import Obligation, evaluate
from pactwatch.rules.mechanisms import certain_at
from pactwatch.rules.timing import iso

PRODID = "-//Pactwatch//Obligations//EN"
UID_DOMAIN = "pactwatch.org"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def obligation_uid(obligation: Obligation) -> str:
    digest = hashlib.sha256(obligation.key.encode("utf-8")).hexdigest()[:24]
    return f"{obligation.agreement}-{obligation.mechanism}-{digest}@{UID_DOMAIN}"


def _summary(o: Obligation) -> str:
    what = {
        "term": "term ends",
        "recurring": "due by",
        "consultation_on_trigger": "consult by",
    }[o.kind]
    return f"{o.agreement} {o.mechanism}: {what}"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def stamp_of(agreements: Sequence[Agreement], events: Sequence[Event]) -> datetime:
    """The data's latest change as it names it: the newest signing or event (an event known
    only to the week, month or year counts from its end, so no day is made up for it)."""
    named = [_midnight(a.signed_on) for a in agreements if a.signed_on]
    return max([*named, *(certain_at(e) for e in events)], default=EPOCH)


HORIZON_LIMIT = datetime(LAST_YEAR + 200, 1, 1, tzinfo=UTC)
"""Past every deadline a valid record can produce (its last year plus a 100-year term)."""


def horizon_of(agreements: Sequence[Agreement], events: Sequence[Event]) -> datetime:
    """An instant past every deadline the data can produce, never past HORIZON_LIMIT.

    The model keeps dates within FIRST_YEAR..LAST_YEAR; the limit also holds for records
    that predate those bounds (a registry not reloaded since), where a year-9999 event
    would otherwise push the horizon past what a datetime can hold."""
    ends = [_midnight(a.term.ends_on) for a in agreements if a.term.ends_on]
    latest = max([stamp_of(agreements, events), *ends])
    return min(latest, HORIZON_LIMIT - timedelta(days=366)) + timedelta(days=366)


def ics_calendar(obligations: Sequence[Obligation], stamp: datetime) -> bytes:
    """A calendar of every deadline; each event is a short slot ending at the deadline."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Pactwatch: what is due")
    stamp = stamp.astimezone(UTC)
    for o in sorted(obligations, key=Obligation.sort_key):
        event = VEvent()
        event.add("uid", obligation_uid(o))
        event.add("dtstamp", stamp)
        due = o.due_at.astimezone(UTC)
        event.add("dtstart", due - timedelta(hours=1))
        event.add("dtend", due)
        event.add("summary", _summary(o))
        lines = [f"Period {iso(o.period_start)} to {iso(o.period_end)}.", o.rule]
        event.add("description", "\n".join(lines))
        event.add("categories", [o.kind])
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


class IcsExporter(EventCollector):
    """Agreements in, their obligations' calendar out (events supplied by `use_events`)."""

    media_type = "text/calendar"
    extension = "ics"

    def finalize(self) -> bytes:
        horizon = horizon_of(self._agreements, self._events)
        obligations = evaluate(self._agreements, self._events, horizon)
        return ics_calendar(obligations, stamp_of(self._agreements, self._events))


register("ics", IcsExporter)
