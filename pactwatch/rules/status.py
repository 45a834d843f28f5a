"""Provision status and compliance scores, in the G7 Research Group's manner, from evidence.

Each provision gets a status (no_evidence, in_progress, fulfilled, missed, not_assessable)
and a score of -1 (no compliance), 0 (partial) or +1 (full compliance), or no score. A
status comes from recorded evidence only: with no event bearing on a provision it is "no
evidence recorded" and has no score, however long ago the agreement was signed, since an
empty events table is not a finding. A score needs at least one event, and "missed" needs
an event that says the act did not take place (or a curator's judgement recorded as one).
Events marked as background are shown beside a provision but never count; drafts (proposed
from reports, not yet reviewed) are not read at all until a curator reviews them.

Every score names the rule that produced it and the evidence behind it, so a reader can
disagree with the rule, or check the facts, rather than argue with a number.

Scores aggregate to a percentage as the G7 Research Group converts them: the mean score
s in [-1, +1] becomes (s + 1) / 2 x 100.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pactwatch.model import Agreement, Event, Provision
from pactwatch.model.event import dated
from pactwatch.rules.obligations import Obligation
from pactwatch.rules.timing import require_aware

Status = Literal["no_evidence", "in_progress", "fulfilled", "missed", "not_assessable"]

STATUS_LABELS: dict[str, str] = {
    "no_evidence": "no evidence recorded",
    "in_progress": "in progress",
    "fulfilled": "fulfilled",
    "missed": "missed",
    "not_assessable": "not assessable",
}


@dataclass(frozen=True)
class Evidence:
    """One event as a status shows it: its date only as precisely as it is known."""

    id: str
    kind: str
    when: str
    precision: str
    happened: bool
    completes: bool
    sources: tuple[str, ...]

    @classmethod
    def of(cls, event: Event) -> Evidence:
        return cls(
            id=event.id,
            kind=event.kind,
            when=event.when(),
            precision=event.date_precision,
            happened=event.happened,
            completes=event.completes,
            sources=tuple(s.url or f"sha256:{s.sha256}" for s in event.sources),
        )

    def line(self) -> str:
        """'delivery ro-patriot-delivered on 2024-10-03', 'statement x in 2024-08'."""
        verb = "" if self.happened else " (did not happen)"
        return f"{self.kind} {self.id} {dated(self.when, self.precision)}{verb}"

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "on": self.when,
            "precision": self.precision,
            "happened": self.happened,
            "completes": self.completes,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class Assessment:
    agreement: str
    provision: str
    actors: tuple[str, ...]
    status: Status
    score: int | None
    rule: str
    events: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    background: tuple[Evidence, ...] = ()

    @property
    def label(self) -> str:
        """The status in words: 'no evidence recorded' rather than a code."""
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict[str, object]:
        return {
            "agreement": self.agreement,
            "provision": self.provision,
            "actors": list(self.actors),
            "status": self.status,
            "status_label": self.label,
            "score": self.score,
            "rule": self.rule,
            "events": list(self.events),
            "evidence": [e.as_dict() for e in self.evidence],
            "background": [e.as_dict() for e in self.background],
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
            "scored": sum(1 for a in self.assessments if a.score is not None),
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


def bearing_events(
    agreement: Agreement,
    provision: Provision,
    obligations: Sequence[Obligation],
    events: Sequence[Event],
    now: datetime | None = None,
) -> list[Event]:
    """Events naming the provision or one of its mechanisms, or that opened, met or missed
    one of its obligations (a registry-wide trigger names neither), by time; with `now`,
    only those that had happened by then."""
    ref = f"{agreement.id}/{provision.id}"
    mechanisms = {
        f"{agreement.id}/{m.id}" for m in agreement.mechanisms if m.provision == provision.id
    }
    ids = {m.removeprefix(f"{agreement.id}/") for m in mechanisms}
    used = {
        x
        for o in obligations
        if o.agreement == agreement.id and o.mechanism in ids
        for x in (o.fulfilled_by, o.opened_by, o.missed_by)
        if x
    }
    found = [
        e
        for e in events
        if not e.is_draft
        and (ref in e.provisions or mechanisms & set(e.mechanisms) or e.id in used)
        and (now is None or e.earliest() <= now)
    ]
    return sorted(found, key=lambda e: (e.earliest(), e.id))


def assess_provision(
    agreement: Agreement,
    provision: Provision,
    obligations: Sequence[Obligation],
    events: Sequence[Event],
    now: datetime,
) -> Assessment:
    mechanisms = {m.id: m.kind for m in agreement.mechanisms if m.provision == provision.id}
    linked = [o for o in obligations if o.mechanism in mechanisms and o.agreement == agreement.id]
    bearing = bearing_events(agreement, provision, obligations, events, now)
    evidence = tuple(Evidence.of(e) for e in bearing if not e.background)
    background = tuple(Evidence.of(e) for e in bearing if e.background)
    ids = tuple(e.id for e in evidence)

    def made(status: Status, score: int | None, rule: str) -> Assessment:
        return Assessment(
            agreement.id,
            provision.id,
            tuple(provision.actors),
            status,
            score,
            rule,
            ids,
            evidence,
            background,
        )

    if "term" in mechanisms.values():
        state = linked[0].state if linked else "upcoming"
        status: Status = "fulfilled" if state == "met" else "in_progress"
        return made(status, None, "T1: the term is a duration, not an act to score")
    if mechanisms:
        clock = "consultation_on_trigger" in mechanisms.values()
        status, score, rule = _from_obligations(linked, clock)
    else:
        status, score, rule = status_from_evidence(provision, evidence)
    if background and status == "no_evidence":
        rule += f"; {len(background)} background event(s) shown, not counted"
    return made(status, score, rule)


def _from_obligations(linked: Sequence[Obligation], clock: bool) -> tuple[Status, int | None, str]:
    met = [o for o in linked if o.state == "met"]
    missed = [o for o in linked if o.state == "missed"]
    unrecorded = [o for o in linked if o.state == "unrecorded"]
    open_ = [o for o in linked if o.state == "open"]
    due = len(met) + len(missed) + len(unrecorded)
    what = "consultation" if clock else "meeting"
    if missed:
        proof = ", ".join(sorted({o.missed_by for o in missed if o.missed_by}))
        rule = f"M1: {len(missed)} of {due} due periods missed, on evidence ({proof})"
        return "missed", 0 if met else -1, rule
    if met and not unrecorded:
        met_by = ", ".join(f"{o.fulfilled_by} ({o.fulfilled_on})" for o in met)
        return (
            "in_progress" if open_ else "fulfilled",
            1,
            f"M2: all {len(met)} due periods met: {met_by}",
        )
    if met:
        met_by = ", ".join(f"{o.fulfilled_by} ({o.fulfilled_on})" for o in met)
        rule = (
            f"M6: {len(met)} of {due} due periods met ({met_by}); "
            f"no {what} recorded for the other {len(unrecorded)}"
        )
        return "in_progress", 0, rule
    if unrecorded:
        rule = f"M7: no {what} recorded for the {due} due period(s); no evidence either way"
        return "no_evidence", None, rule
    if open_:
        if clock:
            return "in_progress", None, "M3: a clock is open; nothing due yet"
        return "no_evidence", None, "M3: first period still open; no meeting recorded yet"
    if clock:
        return "no_evidence", None, "M4: no trigger or request recorded; no clock has opened"
    return "no_evidence", None, "M5: no period has started"


def status_from_evidence(
    provision: Provision, evidence: Sequence[Evidence]
) -> tuple[Status, int | None, str]:
    """A provision without mechanisms: its status, score and rule from the evidence bearing
    on it, by time (background left out)."""
    if provision.kind == "declaration":
        return "not_assessable", None, "D1: a declaration, not an act"
    done = next((e for e in evidence if e.completes and e.happened), None)
    if done is not None:
        return "fulfilled", 1, f"E1: {done.line()} completes it"
    acts = [e for e in evidence if e.happened]
    denied = next((e for e in evidence if not e.happened), None)
    if denied is not None:
        rule = f"E3: {denied.kind} {denied.id} {dated(denied.when, denied.precision)} records "
        rule += "that it did not happen"
        if acts:
            return "missed", 0, rule + f"; {len(acts)} other event(s) show part of it"
        return "missed", -1, rule
    if acts:
        latest = acts[-1]
        rule = f"E2: {len(acts)} event(s) recorded, latest {latest.line()}; none completes it"
        return "in_progress", 0, rule
    return "no_evidence", None, "E0: no event recorded bears on it"
