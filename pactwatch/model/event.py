"""Events: things that happened, which the rules turn into obligation states.

A trigger opens a 24-hour clock, so its time must be an exact, time-zone-aware instant;
a delivery reported as "in July 2024" may only know a partial date.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from pactwatch.model.agreement import Record, Sha256, Slug
from pactwatch.model.values import PartialDate, PartyCode

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
    value: float
    unit: str


class Event(Record):
    id: Slug
    kind: EventKind
    subkind: str | None = Field(
        default=None, description="For triggers: renewed_aggression or significant_escalation."
    )
    at: datetime | None = Field(default=None, description="Exact instant, with its UTC offset.")
    on: PartialDate | None = Field(default=None, description="Date when no exact time is known.")
    agreements: list[Slug] = Field(default_factory=list)
    actors: list[PartyCode] = Field(default_factory=list)
    provisions: list[str] = Field(
        default_factory=list, description="'agreement-id/provision-id' references."
    )
    mechanisms: list[str] = Field(
        default_factory=list, description="'agreement-id/mechanism-id' references."
    )
    sources: list[EventSource] = Field(min_length=1)
    quantities: list[Quantity] = Field(default_factory=list)
    description: str | None = None

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
