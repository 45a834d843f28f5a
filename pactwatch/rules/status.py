"""Provision status and compliance scores, in the G7 Research Group's manner.

Each provision gets a status (not_started, in_progress, fulfilled, overdue, not_assessable)
and a score of -1 (no compliance), 0 (partial) or +1 (full compliance), or no score when
compliance cannot be judged yet. Every score names the rule that produced it, so a reader
can disagree with the rule rather than with a number.

Scores aggregate to a percentage as the G7 Research Group converts them: the mean score
s in [-1, +1] becomes (s + 1) / 2 x 100.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pactwatch.model import Agreement, Event, Provision
from pactwatch.model.values import add_years
from pactwatch.rules.obligations import Obligation
from pactwatch.rules.timing import day_start, require_aware

Status = Literal["not_started", "in_progress", "fulfilled", "overdue", "not_assessable"]

# G7 compliance cycles run a year: a commitment with no recorded action is scored once its
# first year has passed, not the day after signing.
GRACE_YEARS = 1


@dataclass(frozen=True)
class Assessment:
    agreement: str
    provision: str
    actors: tuple[str, ...]
    status: Status
    score: int | None
    rule: str
    events: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "agreement": self.agreement,
            "provision": self.provision,
            "actors": list(self.actors),
            "status": self.status,
            "score": self.score,
            "rule": self.rule,
            "events": list(self.events),
        }


@dataclass(frozen=True)
class Compliance:
    agreement: str
    assessments: list[Assessment]
    by_party: dict[str, float | None] = field(default_factory=dict)
    overall: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "agreement": self.agreement,
            "overall_percent": self.overall,
            "by_party_percent": self.by_party,
            "provisions": [a.as_dict() for a in self.assessments],
        }


def percentage(scores: Sequence[int]) -> float | None:
    """The G7 Research Group's conversion of a mean score to a percentage."""
    if not scores:
        return None
    return round((sum(scores) / len(scores) + 1) / 2 * 100, 1)


def assess_agreement(
    agreement: Agreement, obligations: Sequence[Obligation], events: Sequence[Event], now: datetime
) -> Compliance:
    """Every provision of one agreement assessed at `now`, and the percentages."""
    require_aware(now)
    own = [o for o in obligations if o.agreement == agreement.id]
    assessments = [
        assess_provision(agreement, provision, own, events, now)
        for provision in agreement.provisions
    ]
    parties = sorted({p for a in assessments for p in a.actors})
    by_party = {
        party: percentage(
            [a.score for a in assessments if party in a.actors and a.score is not None]
        )
        for party in parties
    }
    overall = percentage([a.score for a in assessments if a.score is not None])
    return Compliance(agreement.id, assessments, by_party, overall)


def assess_provision(
    agreement: Agreement,
    provision: Provision,
    obligations: Sequence[Obligation],
    events: Sequence[Event],
    now: datetime,
) -> Assessment:
    mechanisms = {m.id: m.kind for m in agreement.mechanisms if m.provision == provision.id}
    linked = [o for o in obligations if o.mechanism in mechanisms]
    base = (agreement.id, provision.id, tuple(provision.actors))
    if "term" in mechanisms.values():
        state = linked[0].state if linked else "upcoming"
        status: Status = "fulfilled" if state == "met" else "in_progress"
        return Assessment(*base, status, None, "T1: the term is a duration, not an act to score")
    if mechanisms:
        return _from_obligations(base, linked, "consultation_on_trigger" in mechanisms.values())
    return _from_events(base, agreement, provision, events, now)


def _from_obligations(
    base: tuple[str, str, tuple[str, ...]], linked: Sequence[Obligation], clock: bool
) -> Assessment:
    met = [o for o in linked if o.state == "met"]
    missed = [o for o in linked if o.state == "missed"]
    open_ = [o for o in linked if o.state == "open"]
    used = tuple(o.fulfilled_by for o in met if o.fulfilled_by)
    if missed:
        score = 0 if met else -1
        rule = f"M1: {len(missed)} of {len(met) + len(missed)} due periods missed"
        return Assessment(*base, "overdue", score, rule, used)
    if met:
        status: Status = "in_progress" if open_ else "fulfilled"
        return Assessment(*base, status, 1, f"M2: all {len(met)} due periods met", used)
    if open_:
        rule = "M3: first period still open; nothing due yet"
        return Assessment(*base, "in_progress" if clock else "not_started", None, rule)
    if clock:
        return Assessment(*base, "not_assessable", None, "M4: no trigger logged; nothing to do")
    return Assessment(*base, "not_started", None, "M5: no period has started")


def _from_events(
    base: tuple[str, str, tuple[str, ...]],
    agreement: Agreement,
    provision: Provision,
    events: Sequence[Event],
    now: datetime,
) -> Assessment:
    ref = f"{agreement.id}/{provision.id}"
    bearing = sorted(
        (e for e in events if ref in e.provisions and e.earliest() <= now),
        key=lambda e: (e.earliest(), e.id),
    )
    ids = tuple(e.id for e in bearing)
    if provision.kind == "declaration":
        return Assessment(*base, "not_assessable", None, "D1: a declaration, not an act", ids)
    done = next((e for e in bearing if e.completes), None)
    if done is not None:
        return Assessment(*base, "fulfilled", 1, f"E1: event {done.id} completes it", ids)
    if bearing:
        return Assessment(
            *base, "in_progress", 0, f"E2: {len(ids)} event(s), none completes it", ids
        )
    ends = agreement.term_end()
    if ends is not None and now >= day_start(ends):
        return Assessment(*base, "overdue", -1, "E3: the term ended with no action recorded")
    if agreement.signed_on is None:
        return Assessment(*base, "not_assessable", None, "E4: no signing date to measure from")
    graced = day_start(add_years(agreement.signed_on, GRACE_YEARS))
    if now >= graced:
        return Assessment(*base, "not_started", -1, "E5: no action recorded in the first year")
    return Assessment(*base, "not_started", None, "E6: within the first year; not scored yet")
