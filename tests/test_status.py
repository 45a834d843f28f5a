"""Provision status and G7-style scores follow from events and timing, each with its rule."""

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


def test_within_the_first_year_nothing_is_scored_yet() -> None:
    result = _assess([], "2025-01-01T00:00:00+00:00")
    assert result.overall is None, result.overall
    assert _one(result, "patriot")[:2] == ("not_started", None)


def test_a_completing_delivery_fulfils_a_partial_one_is_in_progress() -> None:
    events = [
        _event(
            "patriot-handover",
            "delivery",
            "2024-10",
            provisions=["ua-ro-2024/patriot"],
            actors=["RO"],
            completes=True,
        ),
        _event(
            "transit-1", "statement", "2025-02-01", provisions=["ua-ro-2024/transit"], actors=["RO"]
        ),
    ]
    result = _assess(events, "2026-01-01T00:00:00+00:00")
    assert _one(result, "patriot") == ("fulfilled", 1, "E1: event patriot-handover completes it")
    status, score, rule = _one(result, "transit")
    assert (status, score) == ("in_progress", 0) and rule.startswith("E2"), rule
    assert _one(result, "defence-industry")[:2] == ("not_started", -1)


def test_future_events_do_not_count_yet() -> None:
    events = [
        _event("later", "delivery", "2027-01-01", provisions=["ua-ro-2024/patriot"], completes=True)
    ]
    assert _one(_assess(events, "2026-01-01T00:00:00+00:00"), "patriot")[:2] == ("not_started", -1)


def test_the_dialogue_scores_by_periods_met_and_missed() -> None:
    meeting = _event("d1", "meeting", "2025-03-01", mechanisms=["ua-ro-2024/strategic-dialogue"])
    assert _one(_assess([meeting], "2025-08-01T00:00:00+00:00"), "strategic-dialogue")[:2] == (
        "in_progress",
        1,
    )
    assert _one(_assess([meeting], "2026-08-01T00:00:00+00:00"), "strategic-dialogue")[:2] == (
        "overdue",
        0,
    )
    assert _one(_assess([], "2026-08-01T00:00:00+00:00"), "strategic-dialogue")[:2] == (
        "overdue",
        -1,
    )


def test_the_consultation_clock_is_not_assessable_until_a_trigger() -> None:
    assert _one(_assess([], "2026-01-01T00:00:00+00:00"), "consult-24h")[:2] == (
        "not_assessable",
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
    assert _one(_assess([trigger], "2026-01-03T00:00:00+02:00"), "consult-24h")[:2] == (
        "overdue",
        -1,
    )
    assert _one(_assess([trigger, call], "2026-01-03T00:00:00+02:00"), "consult-24h")[:2] == (
        "fulfilled",
        1,
    )


@pytest.mark.parametrize("party", ["UA", "RO"])
def test_party_percentages_use_only_that_partys_provisions(party: str) -> None:
    events = [_event("p", "delivery", "2024-10", provisions=["ua-ro-2024/patriot"], completes=True)]
    result = _assess(events, "2026-01-01T00:00:00+00:00")
    mine = [a.score for a in result.assessments if party in a.actors and a.score is not None]
    assert result.by_party[party] == percentage(mine), result.by_party
    assert result.by_party["RO"] != result.by_party["UA"], result.by_party
