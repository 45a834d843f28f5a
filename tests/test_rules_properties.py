"""Properties the rules must keep whatever the events: order, time zones, DST, unrelated facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.model import Agreement, Event
from pactwatch.rules import Evaluator, Obligation, evaluate
from tests.rule_case import CASE_SOURCE, report_agreement

RO = report_agreement()
OTHER = Agreement.model_validate(
    {
        "id": "ua-pl-test",
        "title": "Another agreement with a clock",
        "parties": ["UA", "PL"],
        "signed_on": "2024-07-08",
        "term": {"years": 10},
        "mechanisms": [
            {
                "id": "consult",
                "kind": "consultation_on_trigger",
                "within": "PT24H",
                "triggers": ["renewed_aggression", "significant_escalation"],
            },
            {"id": "dialogue", "kind": "recurring", "every": "P1Y"},
        ],
    }
)
AGREEMENTS = [RO, OTHER]
START = datetime(2024, 6, 1, tzinfo=UTC)
ZONES = [ZoneInfo("Europe/Kyiv"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo"), UTC]

instants = st.integers(min_value=0, max_value=4 * 365 * 24 * 60).map(
    lambda minutes: START + timedelta(minutes=minutes)
)


def _last_sunday(year: int, month: int) -> datetime:
    day = datetime(year, month, 31 if month in (3, 10) else 30, 1, tzinfo=UTC)
    return day - timedelta(days=(day.weekday() + 1) % 7)


# Instants within 30 hours of an EU clock change (last Sunday of March or October, 01:00 UTC).
near_dst = st.builds(
    lambda year, month, minutes: _last_sunday(year, month) + timedelta(minutes=minutes),
    st.integers(2025, 2027),
    st.sampled_from([3, 10]),
    st.integers(-30 * 60, 30 * 60),
)
zones = st.sampled_from(ZONES) | st.integers(-12 * 4, 14 * 4).map(
    lambda q: timezone(timedelta(minutes=15 * q))
)


def _event(i: int, kind: str, at: datetime, **extra: Any) -> Event:
    return Event.model_validate(
        {"id": f"e{i}", "kind": kind, "at": at, "sources": [CASE_SOURCE], **extra}
    )


@st.composite
def event_lists(draw: st.DrawFn) -> list[Event]:
    events = []
    for i in range(draw(st.integers(0, 12))):
        at = draw(instants)
        kind = draw(st.sampled_from(["trigger", "meeting", "consultation", "request"]))
        target = draw(st.sampled_from(["ua-ro-2024", "ua-pl-test"]))
        mechanism = {"ua-ro-2024": "strategic-dialogue", "ua-pl-test": "dialogue"}[target]
        if kind == "trigger":
            extra: dict[str, Any] = {
                "subkind": draw(st.sampled_from(["renewed_aggression", "significant_escalation"]))
            }
        elif kind == "meeting":
            extra = {"mechanisms": [f"{target}/{mechanism}"], "actors": ["UA"]}
        else:
            actors = draw(st.sets(st.sampled_from(["UA", "RO", "PL"]), min_size=1))
            extra = {"agreements": [target], "actors": sorted(actors)}
        events.append(_event(i, kind, at, **extra))
    return events


def _view(obligations: list[Obligation]) -> list[tuple[Any, ...]]:
    """Obligations as comparable facts: instants in UTC, so only the moment matters."""
    return [
        (
            o.agreement,
            o.mechanism,
            o.period_start.astimezone(UTC),
            o.due_at.astimezone(UTC),
            o.state,
            o.fulfilled_by,
        )
        for o in obligations
    ]


@settings(max_examples=40, deadline=None)
@given(events=event_lists(), now=instants, seed=st.randoms(use_true_random=False))
def test_results_do_not_depend_on_event_order(
    events: list[Event], now: datetime, seed: Any
) -> None:
    shuffled = list(events)
    seed.shuffle(shuffled)
    assert _view(evaluate(AGREEMENTS, events, now)) == _view(evaluate(AGREEMENTS, shuffled, now)), [
        e.id for e in shuffled
    ]


@settings(max_examples=40, deadline=None)
@given(events=event_lists(), now=instants, zone=zones, now_zone=zones)
def test_writing_instants_in_other_time_zones_changes_nothing(
    events: list[Event], now: datetime, zone: Any, now_zone: Any
) -> None:
    moved = [e.model_copy(update={"at": e.at.astimezone(zone) if e.at else None}) for e in events]
    assert _view(evaluate(AGREEMENTS, events, now)) == _view(
        evaluate(AGREEMENTS, moved, now.astimezone(now_zone))
    ), zone


@settings(max_examples=40, deadline=None)
@given(
    events=event_lists(),
    now=instants,
    at=instants,
    kind=st.sampled_from(["delivery", "payment", "meeting"]),
)
def test_an_unrelated_event_changes_nothing(
    events: list[Event], now: datetime, at: datetime, kind: str
) -> None:
    unrelated = _event(
        999,
        kind,
        at,
        agreements=["ua-gb-2024"],
        provisions=["ua-ro-2024/patriot"][: kind == "delivery"],
    )
    assert _view(evaluate(AGREEMENTS, events, now)) == _view(
        evaluate(AGREEMENTS, [*events, unrelated], now)
    ), unrelated


late = st.integers(min_value=2 * 365 * 24 * 60, max_value=4 * 365 * 24 * 60).map(
    lambda minutes: START + timedelta(minutes=minutes)
)


@settings(max_examples=60, deadline=None)
@given(events=event_lists(), now=late | instants, extra=event_lists())
def test_adding_events_one_by_one_equals_a_full_evaluation(
    events: list[Event], now: datetime, extra: list[Event]
) -> None:
    renamed = [e.model_copy(update={"id": f"x{e.id}"}) for e in extra]
    evaluator = Evaluator(AGREEMENTS, events, now)
    for event in renamed:
        evaluator.add(event)
    assert _view(evaluator.obligations()) == _view(evaluate(AGREEMENTS, [*events, *renamed], now))


@settings(max_examples=40, deadline=None)
@given(year=st.integers(2024, 2033), zone=zones)
def test_a_trigger_at_2330_on_31_december_is_due_at_2330_on_1_january(year: int, zone: Any) -> None:
    at = datetime(year, 12, 31, 23, 30, tzinfo=zone)
    trigger = _event(1, "trigger", at, subkind="renewed_aggression")
    clocks = [o for o in evaluate([RO], [trigger], at) if o.opened_by == "e1"]
    assert len(clocks) == 1, clocks
    due = clocks[0].due_at
    local = due.astimezone(zone)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (
        year + 1,
        1,
        1,
        23,
        30,
    )
    if not isinstance(zone, ZoneInfo):
        assert due.utcoffset() == at.utcoffset(), due


@settings(max_examples=60, deadline=None)
@given(
    at=instants.filter(lambda t: t >= datetime(2024, 7, 11, tzinfo=UTC)),
    zone=st.sampled_from(ZONES),
)
def test_dst_never_shifts_a_24_hour_deadline(at: datetime, zone: ZoneInfo) -> None:
    local = at.astimezone(zone)
    trigger = _event(1, "trigger", local, subkind="significant_escalation")
    clocks = [o for o in evaluate(AGREEMENTS, [trigger], at) if o.opened_by == "e1"]
    assert len(clocks) == 2, trigger
    for clock in clocks:
        elapsed = clock.due_at.astimezone(UTC) - clock.period_start.astimezone(UTC)
        assert elapsed == timedelta(hours=24), clock
        assert clock.due_at.astimezone(UTC) == at + timedelta(hours=24), clock


def test_a_request_added_later_does_not_repeat_trigger_clocks() -> None:
    trigger = _event(1, "trigger", START + timedelta(days=600), subkind="renewed_aggression")
    request = _event(2, "request", START + timedelta(days=600, hours=5), agreements=["ua-ro-2024"])
    now = START + timedelta(days=700)
    evaluator = Evaluator(AGREEMENTS, [trigger], now)
    evaluator.add(request)
    assert _view(evaluator.obligations()) == _view(evaluate(AGREEMENTS, [trigger, request], now))
