"""Obligations: what a mechanism asks of the parties in one period, and where it stands.

They are derived by the engine from agreements, events and `now`, never stored by hand.
A period that ends with nothing recorded is `unrecorded` ("no meeting recorded"): an empty
events table is not a finding. Only an event that says the act did not take place makes a
period `missed`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any, Literal

from pactwatch.model.agreement import MechanismKind
from pactwatch.rules.timing import iso

State = Literal["upcoming", "open", "met", "unrecorded", "missed"]
STATES: tuple[State, ...] = ("upcoming", "open", "met", "unrecorded", "missed")

# What was not recorded, by mechanism kind: the words a reader sees for `unrecorded`.
_UNRECORDED = {
    "recurring": "no meeting recorded",
    "consultation_on_trigger": "no consultation recorded",
    "term": "nothing recorded",
}


# How a count of obligations in each state reads ("2 passed with nothing recorded").
_COUNTED = {"unrecorded": "passed with nothing recorded", "missed": "missed on evidence"}


def count_label(state: str) -> str:
    """A state as it reads after a count, in a summary line."""
    return _COUNTED.get(state, state)


def state_label(state: str, kind: str | None = None) -> str:
    """A state in words no reader can take for a finding it is not."""
    if state == "unrecorded":
        return _UNRECORDED.get(kind or "", "nothing recorded")
    return state


@dataclass(slots=True, unsafe_hash=True)
class Obligation:
    """One period of one mechanism of one agreement.

    `rule` says in words which rule decided the state, so a reader can check it.

    A value: nothing changes one once it is made. It is not a frozen dataclass only
    because `due` makes tens of thousands at a time and a frozen one costs five times as
    much to build (every field set through `object.__setattr__`).
    """

    agreement: str
    mechanism: str
    kind: MechanismKind
    period_start: datetime
    period_end: datetime
    due_at: datetime
    state: State
    fulfilled_by: str | None
    rule: str
    provision: str | None = None
    opened_by: str | None = None
    days_remaining: int | None = None
    fulfilled_at: datetime | None = None
    fulfilled_on: str | None = None
    fulfilled_precision: str | None = None
    missed_by: str | None = None

    @property
    def label(self) -> str:
        """The state in words: 'no meeting recorded' rather than a bare 'unrecorded'."""
        return state_label(self.state, self.kind)

    @property
    def key(self) -> str:
        """Stable identity of this obligation across evaluations (state not included)."""
        return f"{self.agreement}/{self.mechanism}/{iso(self.period_start)}"

    def sort_key(self) -> tuple[datetime, str, str, datetime, str]:
        return (
            self.due_at,
            self.agreement,
            self.mechanism,
            self.period_start,
            self.opened_by or "",
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract of `pactwatch due --format json`, plus explanatory extras.

        `fulfilled_at` is an instant only when the fulfilling event's day is known; an event
        known to the week, month or year leaves it null, and `fulfilled_on` says what is
        known ('2025-03', 'week of 2025-03-10')."""
        exact = self.fulfilled_precision in ("instant", "day")
        return {
            "agreement": self.agreement,
            "mechanism": self.mechanism,
            "kind": self.kind,
            "period_start": iso(self.period_start),
            "period_end": iso(self.period_end),
            "due_at": iso(self.due_at),
            "state": self.state,
            "fulfilled_by": self.fulfilled_by,
            "fulfilled_at": iso(self.fulfilled_at) if self.fulfilled_at and exact else None,
            "fulfilled_on": self.fulfilled_on,
            "fulfilled_precision": self.fulfilled_precision,
            "missed_by": self.missed_by,
            "label": self.label,
            "provision": self.provision,
            "opened_by": self.opened_by,
            "days_remaining": self.days_remaining,
            "rule": self.rule,
        }


_ORDER = attrgetter("due_at", "agreement", "mechanism", "period_start", "opened_by")


def in_order(obligations: Iterable[Obligation]) -> list[Obligation]:
    """`sorted(obligations, key=Obligation.sort_key)`, its key read in C: `due` sorts tens
    of thousands. A clock's `opened_by` is text and every other obligation's None, so two
    keys equal up to it differ in it only between two clocks; should a None meet a text
    there (two mechanisms under one id), the sort falls back to `sort_key`'s "" for None."""
    found = list(obligations)
    try:
        return sorted(found, key=_ORDER)
    except TypeError:
        return sorted(found, key=Obligation.sort_key)


def matching(
    obligations: Iterable[Obligation],
    states: Collection[str] | None = None,
    agreement: str | None = None,
) -> list[Obligation]:
    """The obligations in one of `states` (all when none given) of one agreement (or all):
    the filter `pactwatch due` and `GET /api/v1/due` share."""
    return [
        o
        for o in obligations
        if (not states or o.state in states) and agreement in (None, o.agreement)
    ]
