"""Changes in obligation state over time, for feeds and alerts.

An obligation's history follows from its own fields: it opens when its period starts (or
when its trigger is logged), it is met when the fulfilling event happened, and at its
deadline it becomes "no meeting recorded" (or "missed", when an event says so). So the
feed of changes is derived like everything else, with no log to keep.

A change is never dated more precisely than its evidence: a meeting known only to the
month is dated at the end of that month (when it had certainly happened), and the title
names the month, not a day.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from pactwatch.model.event import dated
from pactwatch.rules.obligations import Obligation, State, state_label
from pactwatch.rules.timing import iso


@dataclass(frozen=True)
class Change:
    at: datetime
    obligation: Obligation
    state: State
    previous: State | None

    @property
    def id(self) -> str:
        """Stable across runs: the obligation's key and the state it entered."""
        return f"{self.obligation.key}#{self.state}"

    @property
    def label(self) -> str:
        """The new state in words ('no meeting recorded', not 'unrecorded')."""
        return state_label(self.state, self.obligation.kind)

    def title(self) -> str:
        o = self.obligation
        if self.state == "met" and o.fulfilled_by:
            when = dated(o.fulfilled_on or "", o.fulfilled_precision)
            return f"{o.agreement} {o.mechanism}: met by {o.fulfilled_by} {when}"
        return f"{o.agreement} {o.mechanism}: {self.label} (due {iso(o.due_at)})"

    def summary(self) -> str:
        """The rule behind the change, which names its evidence."""
        return self.obligation.rule

    def tags(self) -> list[str]:
        return [self.obligation.kind, self.state]

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": iso(self.at),
            "state": self.state,
            "label": self.label,
            "previous": self.previous,
            "obligation": self.obligation.as_dict(),
        }


def _history(o: Obligation) -> Iterator[Change]:
    if o.kind == "consultation_on_trigger":
        yield Change(o.period_start, o, "open", None)
    elif o.state != "upcoming":
        yield Change(o.period_start, o, "open", "upcoming")
    if o.state == "met" and o.fulfilled_at is not None:
        yield Change(max(o.fulfilled_at, o.period_start), o, "met", "open")
    elif o.state in ("missed", "unrecorded"):
        yield Change(o.due_at, o, o.state, "open")


def changes(obligations: Sequence[Obligation], now: datetime) -> list[Change]:
    """Every change of state up to `now`, newest first (ties broken by id, for stable feeds)."""
    return newest_first([c for o in obligations for c in _history(o) if c.at <= now])


class Dated(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def at(self) -> datetime: ...


D = TypeVar("D", bound=Dated)


def newest_first(found: list[D]) -> list[D]:
    """`found`, sorted in place newest first, ties by id: the order of every feed, stable
    across runs."""
    found.sort(key=lambda c: c.id)
    found.sort(key=lambda c: c.at, reverse=True)
    return found
