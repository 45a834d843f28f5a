"""Scoring proposals against hand-made gold: precision and recall of provision links and of
event dates.

A link is a (text, 'agreement/provision') pair. An event's date counts as right when a
proposal and a gold event of the same text bear on a common provision (or are both
triggers) and agree on the date and its precision; a week is compared by its Monday, so
any day of the week names it. Texts whose gold has no event measure the guards: every
proposal there is a false link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pactwatch.model.event import EventKind, Precision


class GoldEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EventKind
    on: str
    precision: Precision
    provisions: list[str] = Field(default_factory=list)
    note: str | None = None


class Gold(BaseModel):
    """What a curator reads in one text: its events, or none."""

    model_config = ConfigDict(extra="forbid")

    events: list[GoldEvent] = Field(default_factory=list)


@dataclass(frozen=True)
class Ratio:
    """How many proposed items were right, and how many expected items were found (equal
    for links; for dates, two proposals may date one gold event)."""

    right: int
    proposed: int
    found: int
    expected: int

    @property
    def precision(self) -> float:
        return self.right / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "right": self.right,
            "proposed": self.proposed,
            "found": self.found,
            "expected": self.expected,
        }


@dataclass
class LinkScore:
    links: Ratio
    dates: Ratio
    texts: int
    misses: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "texts": self.texts,
            "links": self.links.as_dict(),
            "dates": self.dates.as_dict(),
            "misses": self.misses,
        }


def _day(on: str, precision: str | None) -> str:
    if precision == "week" and len(on) == 10:
        day = date.fromisoformat(on)
        return (day - timedelta(days=day.weekday())).isoformat()
    return on


def _refs(event: Mapping[str, Any]) -> set[str]:
    if "links" in event:
        return {f"{lk['agreement']}/{lk['provision']}" for lk in event["links"]}
    return set(event.get("provisions") or [])


def _same_event(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if a["kind"] == "trigger" and b["kind"] == "trigger":
        return True
    return bool(_refs(a) & _refs(b))


def _dated_right(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return (
        a.get("on") is not None
        and a.get("precision") == b.get("precision")
        and _day(str(a["on"]), a.get("precision")) == _day(str(b["on"]), b.get("precision"))
    )


def score(
    predicted: Mapping[str, Sequence[Mapping[str, Any]]], gold: Mapping[str, Gold]
) -> LinkScore:
    """Link and date precision/recall over the texts both sides name (every gold text)."""
    right_links = proposed_links = expected_links = 0
    right_dates_p = right_dates_g = proposed_events = expected_events = 0
    misses: dict[str, list[str]] = {}
    for name, truth in sorted(gold.items()):
        mine = list(predicted.get(name, []))
        theirs = [e.model_dump(mode="json") for e in truth.events]
        got = set().union(*(_refs(p) for p in mine)) if mine else set()
        want = set().union(*(_refs(g) for g in theirs)) if theirs else set()
        right_links += len(got & want)
        proposed_links += len(got)
        expected_links += len(want)
        notes = [f"extra link {r}" for r in sorted(got - want)]
        notes += [f"missed link {r}" for r in sorted(want - got)]
        proposed_events += len(mine)
        expected_events += len(theirs)
        for p in mine:
            if any(_same_event(p, g) and _dated_right(p, g) for g in theirs):
                right_dates_p += 1
            elif any(_same_event(p, g) for g in theirs):
                twin = next(g for g in theirs if _same_event(p, g))
                notes.append(
                    f"date {p.get('on')} ({p.get('precision')}) for "
                    f"{twin['on']} ({twin['precision']}): {p.get('date_reason')}"
                )
        right_dates_g += sum(
            1 for g in theirs if any(_same_event(p, g) and _dated_right(p, g) for p in mine)
        )
        if notes:
            misses[name] = notes
    return LinkScore(
        Ratio(right_links, proposed_links, right_links, expected_links),
        Ratio(right_dates_p, proposed_events, right_dates_g, expected_events),
        len(gold),
        misses,
    )
