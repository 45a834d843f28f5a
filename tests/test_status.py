"""Provision status and G7-style scores follow from recorded evidence only, each with its rule:
no event, no score ("no evidence recorded"), however long ago the agreement was signed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from pactwatch.model import Event
from pactwatch.rules import evaluate
from pactwatch.rules.status import Compliance, assess_agreement, percentage
from tests.rule_case import CASE_SOURCE, report_agreement

RO = report_agreement()


def _event(id_: str, kind: str, when: str, **extra: Any) -> Event:
    key = "at" if "T" in when else "on"
    return Event.model_validate(
        {"id": id_, "kind": kind, key: when, "sources": [CASE_SOURCE], **extra}
    )


def _assess(events: list[Event], now: str) -> Compliance:
    at = datetime.fromisoformat(now)
    return assess_agreement(RO, evaluate([RO], events, at), events, at)


def _one(result: Compliance, provision: str) -> tuple[str, int | None, str]:
    found = next(a for a in result.assessments if a.provision == provision)
    return found.status, found.score, found.rule


def test_g7_percentage_is_mean_score_plus_one_over_two() -> None:
    assert percentage([1, 1, 1]) == 100.0
    assert percentage([-1, -1]) == 0.0
    assert percentage([1, 0, -1, 0]) == 50.0
    assert percentage([1, 0]) == 75.0
    assert percentage([]) is None


@pytest.mark.parametrize("now", ["2025-01-01T00:00:00+00:00", "2030-01-01T00:00:00+00:00"])
def test_with_no_events_nothing_is_scored_and_nothing_is_a_finding(now: str) -> None:
    result = _assess([], now)
    assert result.overall is None and all(v is None for v in result.by_party.values()), result
    assert all(a.score is None for a in result.assessments), [
        (a.provision, a.score) for a in result.assessments if a.score is not None
    ]
    statuses = {a.status for a in result.assessments}
    assert statuses <= {"no_evidence", "not_assessable", "in_progress"}, statuses
    patriot = next(a for a in result.assessments if a.provision == "patriot")
    assert (patriot.status, patriot.label, patriot.score) == (
        "no_evidence",
        "no evidence recorded",
        None,
    ), patriot
    assert patriot.rule.startswith("E0") and not patriot.evidence, patriot
    as_json = patriot.as_dict()
    assert as_json["status_label"] == "no evidence recorded" and as_json["score"] is None
    # only the term (a duration) and declarations (not acts) are not "no evidence recorded"
    others = {a.provision: a.rule[:2] for a in result.assessments if a.status != "no_evidence"}
    assert set(others.values()) <= {"T1", "D1"}, others


def test_a_completing_delivery_fulfils_a_partial_one_is_in_progress() -> None:
    events = [
        _event(
            "patriot-handover",
            "delivery",
            "2024-10-03",
            provisions=["ua-ro-2024/patriot"],
            actors=["RO"],
            completes=True,
        ),
        _event(
            "transit-1", "statement", "2025-02", provisions=["ua-ro-2024/transit"], actors=["RO"]
        ),
    ]
    result = _assess(events, "2026-01-01T00:00:00+00:00")
    assert _one(result, "patriot") == (
        "fulfilled",
        1,
        "E1: delivery patriot-handover on 2024-10-03 completes it",
    )
    status, score, rule = _one(result, "transit")
    assert (status, score) == ("in_progress", 0) and rule.startswith("E2"), rule
    assert "statement transit-1 in 2025-02;" in rule, rule
    assert _one(result, "defence-industry")[:2] == ("no_evidence", None)
    patriot = next(a for a in result.assessments if a.provision == "patriot")
    assert [e.as_dict()["on"] for e in patriot.evidence] == ["2024-10-03"], patriot.evidence
    assert patriot.evidence[0].sources == (CASE_SOURCE["url"],), patriot.evidence


def test_a_score_needs_an_event_and_the_rule_names_it() -> None:
    result = _assess(
        [_event("step", "statement", "2024-09-05", provisions=["ua-ro-2024/patriot"])],
        "2026-01-01T00:00:00+00:00",
    )
    scored = [a for a in result.assessments if a.score is not None]
    assert [a.provision for a in scored] == ["patriot"], scored
    assert scored[0].events == ("step",) and "step" in scored[0].rule, scored[0]
    assert result.overall == percentage([0]), result.overall


def test_future_events_do_not_count_yet() -> None:
    events = [
        _event("later", "delivery", "2027-01-01", provisions=["ua-ro-2024/patriot"], completes=True)
    ]
    assert _one(_assess(events, "2026-01-01T00:00:00+00:00"), "patriot")[:2] == (
        "no_evidence",
        None,
    )


def test_background_events_are_shown_but_never_counted() -> None:
    context = _event(
        "before-signing",
        "meeting",
        "2024-07-01",
        provisions=["ua-ro-2024/black-sea-demining"],
        background=True,
    )
    result = _assess([context], "2026-01-01T00:00:00+00:00")
    found = next(a for a in result.assessments if a.provision == "black-sea-demining")
    assert (found.status, found.score) == ("no_evidence", None), found
    assert [e.id for e in found.background] == ["before-signing"] and not found.evidence
    assert "1 background event(s) shown, not counted" in found.rule, found.rule


def test_only_an_event_that_says_it_did_not_happen_makes_a_provision_missed() -> None:
    refusal = _event(
        "refused", "statement", "2025-03", provisions=["ua-ro-2024/patriot"], happened=False
    )
    step = _event("step", "statement", "2024-09-05", provisions=["ua-ro-2024/patriot"])
    assert _one(_assess([refusal], "2026-01-01T00:00:00+00:00"), "patriot") == (
        "missed",
        -1,
        "E3: statement refused in 2025-03 records that it did not happen",
    )
    assert _one(_assess([step, refusal], "2026-01-01T00:00:00+00:00"), "patriot")[:2] == (
        "missed",
        0,
    )


def test_the_dialogue_scores_by_periods_met_and_never_by_periods_with_no_record() -> None:
    meeting = _event("d1", "meeting", "2025-03", mechanisms=["ua-ro-2024/strategic-dialogue"])
    status, score, rule = _one(
        _assess([meeting], "2025-08-01T00:00:00+00:00"), "strategic-dialogue"
    )
    assert (status, score) == ("in_progress", 1) and "d1 (2025-03)" in rule, rule
    status, score, rule = _one(
        _assess([meeting], "2026-08-01T00:00:00+00:00"), "strategic-dialogue"
    )
    assert (status, score) == ("in_progress", 0) and rule.startswith("M6"), rule
    assert "no meeting recorded for the other 1" in rule, rule
    status, score, rule = _one(_assess([], "2026-08-01T00:00:00+00:00"), "strategic-dialogue")
    assert (status, score) == ("no_evidence", None) and "no meeting recorded" in rule, rule
    not_held = _event(
        "cancelled",
        "meeting",
        "2025-05",
        mechanisms=["ua-ro-2024/strategic-dialogue"],
        happened=False,
    )
    status, score, rule = _one(
        _assess([not_held], "2026-08-01T00:00:00+00:00"), "strategic-dialogue"
    )
    assert (status, score) == ("missed", -1) and "cancelled" in rule, rule


def test_the_consultation_clock_has_no_evidence_until_a_trigger() -> None:
    assert _one(_assess([], "2026-01-01T00:00:00+00:00"), "consult-24h")[:2] == (
        "no_evidence",
        None,
    )
    trigger = _event("t", "trigger", "2026-01-01T10:00:00+02:00", subkind="renewed_aggression")
    call = _event(
        "c",
        "consultation",
        "2026-01-01T18:00:00+02:00",
        actors=["UA", "RO"],
        agreements=["ua-ro-2024"],
    )
    assert _one(_assess([trigger], "2026-01-01T12:00:00+02:00"), "consult-24h")[:2] == (
        "in_progress",
        None,
    )
    status, score, rule = _one(_assess([trigger], "2026-01-03T00:00:00+02:00"), "consult-24h")
    assert (status, score) == ("no_evidence", None) and "no consultation recorded" in rule, rule
    assert _one(_assess([trigger, call], "2026-01-03T00:00:00+02:00"), "consult-24h")[:2] == (
        "fulfilled",
        1,
    )


@pytest.mark.parametrize("party", ["UA", "RO"])
def test_party_percentages_use_only_that_partys_provisions(party: str) -> None:
    events = [
        _event("p", "delivery", "2024-10", provisions=["ua-ro-2024/patriot"], completes=True),
        _event("s", "statement", "2025-01", provisions=["ua-ro-2024/sanctions"]),
    ]
    result = _assess(events, "2026-01-01T00:00:00+00:00")
    mine = [a.score for a in result.assessments if party in a.actors and a.score is not None]
    assert result.by_party[party] == percentage(mine), result.by_party
    assert result.by_party["RO"] != result.by_party["UA"], result.by_party
