"""Events: things that happened, which the rules turn into obligation states.

A trigger opens a 24-hour clock, so its time must be an exact, time-zone-aware instant;
a delivery reported as "in July 2024" may only know a partial date.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from pactwatch.model.agreement import Record, Sha256, Slug
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

    @model_validator(mode="after")
    def _dated(self) -> Event:
        if self.at is None and self.on is None:
            raise ValueError("an event needs 'at' (an instant) or 'on' (a date)")
        if self.at is not None and self.at.tzinfo is None:
            raise ValueError(
                f"'at' {self.at.isoformat()} has no time zone; write it with an offset, "
                "e.g. 2024-07-11T15:00:00+03:00"
            )
        return self

    def earliest(self) -> datetime:
        """When the event happened, as a UTC instant; a partial date counts from its first day.

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
        assert self.on is not None  # guaranteed by _dated
        parts = [int(p) for p in self.on.split("-")] + [1, 1]
        day = date(parts[0], parts[1], parts[2])
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

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


class EventFile(Record):
    """A file under data/events: a list of events, usually one story or one month."""

    events: list[Event] = Field(default_factory=list)
