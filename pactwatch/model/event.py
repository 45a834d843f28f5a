"""Events: things that happened, which the rules turn into obligation states.

A trigger opens a 24-hour clock, so its time must be an exact, time-zone-aware instant;
a delivery reported as "in July 2024" may only know a partial date, and its `precision`
says so, so that nothing downstream shows it as a day. An event is evidence unless it is
marked as `background` (context, such as a step taken before signing), and it says an act
took place unless `happened` is false (the evidence that something did not happen, the only
way a duty is read as missed).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from pactwatch.model.agreement import Record, Review, Sha256, Slug
from pactwatch.model.values import BoundedInstant, BoundedNumber, PartialDate, PartyCode

Ref = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*$",
        description="'agreement-id/item-id', e.g. 'ua-ro-2024/strategic-dialogue'.",
    ),
]

EventKind = Literal[
    "delivery",
    "training",
    "meeting",
    "consultation",
    "trigger",
    "request",
    "payment",
    "statement",
    "end_condition",
]


Precision = Literal["instant", "day", "week", "month", "year"]

# What a partial date's length says about its precision ('week' is chosen, never implied).
_BY_LENGTH: dict[int, Precision] = {4: "year", 7: "month", 10: "day"}
_ALLOWED: dict[Precision, frozenset[Precision]] = {
    "instant": frozenset({"instant"}),
    "day": frozenset({"day", "week"}),
    "month": frozenset({"month"}),
    "year": frozenset({"year"}),
}


class EventSource(Record):
    url: str | None = None
    title: str | None = None
    sha256: Sha256 | None = None

    @model_validator(mode="after")
    def _located(self) -> EventSource:
        if not (self.url or self.sha256):
            raise ValueError("an event source needs a url or the sha256 of a document")
        return self


class Quantity(Record):
    value: BoundedNumber
    unit: str


class Event(Record):
    id: Slug
    kind: EventKind
    subkind: str | None = Field(
        default=None, description="For triggers: renewed_aggression or significant_escalation."
    )
    at: BoundedInstant | None = Field(
        default=None, description="Exact instant, with its UTC offset."
    )
    on: PartialDate | None = Field(default=None, description="Date when no exact time is known.")
    precision: Precision | None = Field(
        default=None,
        description=(
            "How precisely the date is known: instant ('at'), day, week, month or year. Left "
            "out, it follows from 'at' or 'on'; 'week' makes a day in 'on' stand for its ISO "
            "week (Monday to Sunday)."
        ),
    )
    agreements: list[Slug] = Field(default_factory=list)
    actors: list[PartyCode] = Field(default_factory=list)
    provisions: list[Ref] = Field(
        default_factory=list, description="'agreement-id/provision-id' references."
    )
    mechanisms: list[Ref] = Field(
        default_factory=list, description="'agreement-id/mechanism-id' references."
    )
    sources: list[EventSource] = Field(min_length=1)
    quantities: list[Quantity] = Field(default_factory=list)
    description: str | None = None
    completes: bool = Field(
        default=False,
        description="True when this event completes the provisions it names (e.g. last delivery).",
    )
    background: bool = Field(
        default=False,
        description=(
            "True when the event is context for what it names, not evidence: a step taken "
            "before signing, or an announcement that is not an act under the agreement. It "
            "is shown beside the provisions it names and never counts towards their status."
        ),
    )
    happened: bool = Field(
        default=True,
        description=(
            "False when the event records that the act it names did not take place (a report "
            "that a meeting was cancelled, a refusal, or a curator's judgement with its "
            "source): the only evidence that makes a period or a provision 'missed'."
        ),
    )

    review: Review | None = Field(
        default=None,
        description=(
            "Set on an event proposed from a report (`pactwatch link --apply`): with state "
            "'draft' it is shown for review and never counts towards any status or clock "
            "until a curator marks it 'reviewed'. Left out, the event was recorded by hand."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _implied_precision(cls, data: Any) -> Any:
        """Fill in the precision 'at' or 'on' implies, so every record states it."""
        if not isinstance(data, dict) or data.get("precision") is not None:
            return data
        if data.get("at") is not None:
            return {**data, "precision": "instant"}
        on = data.get("on")
        if isinstance(on, str) and len(on) in _BY_LENGTH:
            return {**data, "precision": _BY_LENGTH[len(on)]}
        return data

    @model_validator(mode="after")
    def _dated(self) -> Event:
        if self.at is None and self.on is None:
            raise ValueError("an event needs 'at' (an instant) or 'on' (a date)")
        if self.at is not None and self.at.tzinfo is None:
            raise ValueError(
                f"'at' {self.at.isoformat()} has no time zone; write it with an offset, "
                "e.g. 2024-07-11T15:00:00+03:00"
            )
        given: Precision = "instant" if self.at is not None else _BY_LENGTH[len(self.on or "")]
        if self.precision not in _ALLOWED[given]:
            shown = f"'at' {self.at.isoformat()}" if self.at else f"'on' {self.on!r}"
            raise PydanticCustomError(
                "precision-does-not-fit",
                "precision '{precision}' does not fit {shown}: an instant takes 'instant', a "
                "full date 'day' or 'week', '2024-07' 'month', '2024' 'year'",
                {"precision": self.precision, "shown": shown},
            )
        return self

    @property
    def date_precision(self) -> Precision:
        """The precision in force: the validator fills it in when it is left out; a record
        built without validation (a row of an old registry) reads it off its date."""
        if self.precision is not None:
            return self.precision
        if self.at is not None or self.on is None:
            return "instant"
        return {1: "year", 2: "month"}.get(len(self.on.split("-")), "day")  # type: ignore[return-value]

    def _first_day(self) -> date:
        assert self.on is not None  # guaranteed by _dated
        parts = [int(p) for p in self.on.split("-")] + [1, 1]
        day = date(parts[0], parts[1], parts[2])
        if self.precision == "week":
            return day - timedelta(days=day.weekday())
        return day

    def _last_day(self) -> date:
        first = self._first_day()
        if self.precision == "week":
            return first + timedelta(days=6)
        if self.precision == "month":
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return following - timedelta(days=1)
        if self.precision == "year":
            return date(first.year, 12, 31)
        return first

    def earliest(self) -> datetime:
        """When the event happened, as a UTC instant; an imprecise date counts from its first
        day (a week from its Monday).

        Dates without a time are read as UTC days, so the same event gives the same instant
        wherever it is evaluated.
        """
        if self.at is not None:
            try:
                return self.at.astimezone(UTC)
            except OverflowError:
                # Only a record built without validation (years are bounded) gets here.
                edge = datetime.min if self.at.year == 1 else datetime.max
                return edge.replace(tzinfo=UTC)
        day = self._first_day()
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    def latest(self) -> datetime:
        """The last instant the event may have happened: the end of its day, week, month or
        year (an exact instant is its own latest)."""
        if self.at is not None:
            return self.at.astimezone(UTC)
        day = self._last_day()
        end = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return end + timedelta(days=1) - timedelta(microseconds=1)

    def when(self) -> str:
        """The date as precisely as it is known, never more: '2024-10-03',
        'week of 2024-09-09', '2024-08', '2024', or the instant with its offset."""
        if self.at is not None:
            return self.at.isoformat(timespec="minutes")
        if self.precision == "week":
            return f"week of {self._first_day().isoformat()}"
        assert self.on is not None  # guaranteed by _dated
        return self.on

    def dated(self) -> str:
        """The date with its preposition, for a sentence: 'on 2024-10-03', 'in 2024-08',
        'in the week of 2024-09-09'."""
        return dated(self.when(), self.date_precision)

    def iso_date(self) -> str:
        """The date in ISO 8601 at its own precision ('2024-08', '2024-W37', '2024-10-03'),
        as an HTML `datetime` attribute accepts it."""
        if self.at is not None:
            return self.at.isoformat()
        if self.precision == "week":
            year, week, _ = self._first_day().isocalendar()
            return f"{year}-W{week:02d}"
        assert self.on is not None  # guaranteed by _dated
        return self.on

    @property
    def is_draft(self) -> bool:
        """Proposed and not yet reviewed: never evidence, never a meeting or a trigger."""
        return self.review is not None and self.review.state == "draft"

    def is_evidence(self) -> bool:
        """Whether the event is evidence (not background, not a draft) that what it names
        took place."""
        return self.happened and not self.background and not self.is_draft

    def fingerprint(self) -> str:
        """A hash of the event's content without its id: two records of one fact share it.

        Instants are normalised to UTC and lists sorted, so the same event written with another
        offset or in another order is still recognised as a duplicate.
        """
        data = self.model_dump(mode="json", exclude={"id"})
        data["at"] = self.at.astimezone(UTC).isoformat() if self.at else None
        for key in ("agreements", "actors", "provisions", "mechanisms"):
            data[key] = sorted(data[key])
        for key in ("sources", "quantities"):
            data[key] = sorted(data[key], key=lambda item: json.dumps(item, sort_keys=True))
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def agreement_ids(self) -> set[str]:
        """Every agreement the event names, directly or through a provision or mechanism."""
        refs = [*self.provisions, *self.mechanisms]
        return set(self.agreements) | {ref.split("/", 1)[0] for ref in refs if "/" in ref}


def dated(when: str, precision: str | None) -> str:
    """A date as `Event.when` writes it, with the preposition its precision takes."""
    if precision in ("instant", "day", None):
        return f"on {when}"
    return f"in the {when}" if precision == "week" else f"in {when}"


class EventFile(Record):
    """A file under data/events: a list of events, usually one story or one month."""

    events: list[Event] = Field(default_factory=list)
