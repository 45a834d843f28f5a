"""iCalendar: the obligations' deadlines and dialogue dates, for any calendar application.

One VEVENT per obligation that has a deadline: the term's end, each strategic-dialogue
period's due date, each 24-hour consultation deadline. UIDs are derived from the
obligation's identity (agreement, mechanism, period start), never from the time of export,
so a calendar that subscribes to the feed updates events instead of duplicating them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from icalendar import Event as VEvent

from pactwatch.export.base import register
from pactwatch.model import Agreement, Event
from pactwatch.rules import Obligation, evaluate
from pactwatch.rules.timing import iso

PRODID = "-//Pactwatch//Obligations//EN"
UID_DOMAIN = "pactwatch.org"


def obligation_uid(obligation: Obligation) -> str:
    digest = hashlib.sha256(obligation.key.encode("utf-8")).hexdigest()[:24]
    return f"{obligation.agreement}-{obligation.mechanism}-{digest}@{UID_DOMAIN}"


def _summary(o: Obligation) -> str:
    what = {
        "term": "term ends",
        "recurring": "due by",
        "consultation_on_trigger": "consult by",
    }[o.kind]
    return f"{o.agreement} {o.mechanism}: {what} ({o.state})"


def ics_calendar(obligations: Sequence[Obligation], now: datetime) -> bytes:
    """A calendar of every deadline; each event is a short slot ending at the deadline."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Pactwatch: what is due")
    stamp = now.astimezone(UTC)
    for o in sorted(obligations, key=Obligation.sort_key):
        event = VEvent()
        event.add("uid", obligation_uid(o))
        event.add("dtstamp", stamp)
        due = o.due_at.astimezone(UTC)
        event.add("dtstart", due - timedelta(hours=1))
        event.add("dtend", due)
        event.add("summary", _summary(o))
        lines = [
            f"State at {iso(now)}: {o.state}.",
            f"Period {iso(o.period_start)} to {iso(o.period_end)}.",
            o.rule,
        ]
        event.add("description", "\n".join(lines))
        event.add("categories", [o.kind, o.state])
        event.add("status", "CANCELLED" if o.state == "missed" else "CONFIRMED")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


class IcsExporter:
    """Agreements in, their obligations' calendar out (events supplied by `use_events`)."""

    media_type = "text/calendar"
    extension = "ics"

    def __init__(self, *, single: bool = False) -> None:
        self._agreements: list[Agreement] = []
        self._events: list[Event] = []
        self._now = datetime.now(UTC).replace(microsecond=0)

    def use_events(self, events: Sequence[Event], now: datetime) -> None:
        """The events and the instant the obligations are evaluated with."""
        self._events = list(events)
        self._now = now

    def write(self, agreement: Agreement) -> None:
        self._agreements.append(agreement)

    def finalize(self) -> bytes:
        return ics_calendar(evaluate(self._agreements, self._events, self._now), self._now)


register("ics", IcsExporter)
