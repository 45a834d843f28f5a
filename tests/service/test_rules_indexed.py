"""`due` read through the indexes gives what the whole-memory evaluation gives.

The indexed path (`rules.indexed` over `store.rule_events`) reads only the events each
mechanism counts, consultations only inside clock windows, and meetings from their
columns. Each test puts the same agreements and events in a registry (SQLite and
PostgreSQL) and holds the two answers side by side: every rule case, and a generated
registry with events of every kind, date precision, flag and reference, at several
instants; then the incremental path after each of a series of recorded events.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, get_args

import pytest
from alembic import command
from sqlalchemy import select, update

from pactwatch.model import Agreement, Event, Problem
from pactwatch.model.event import EventKind
from pactwatch.rules import Obligation, evaluate, summarise
from pactwatch.rules import indexed as indexed_module
from pactwatch.rules.indexed import Due, evaluate_indexed, reevaluate
from pactwatch.rules.status import assess_agreement
from pactwatch.store import events as store_events
from pactwatch.store import rule_events, tables
from pactwatch.store.migrate import alembic_config, migrate
from pactwatch.store.registry import Registry
from pactwatch.store.rule_events import FactRow, RuleReads, agreement_events, streamed_facts
from tests.rule_case import RuleCase, read_cases
from tests.service.conftest import BACKENDS, _url

SOURCE = {"url": "https://example.org/indexed"}
CASES = read_cases()


@pytest.fixture(params=BACKENDS, scope="module")
def registry(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Registry]:
    """One registry per backend, reloaded by each test."""
    for url in _url(request.param, tmp_path_factory.mktemp("indexed")):
        found = Registry.open(url, must_exist=False)
        try:
            yield found
        finally:
            found.close()


def put(registry: Registry, agreements: list[Agreement], events: list[Event]) -> None:
    """Load them; equal content is recorded once, as the registry records it."""
    once = list({e.fingerprint(): e for e in reversed(events)}.values())[::-1]
    registry.load(agreements, also=lambda c: store_events.insert_events(c, once))


def whole(registry: Registry, now: datetime) -> list[Obligation]:
    """The whole-memory path: every agreement and every event, as before."""
    from pactwatch.store.read import all_agreements

    engine = registry.reader()
    return evaluate(all_agreements(engine), store_events.read_events(engine), now)


def indexed(registry: Registry, now: datetime) -> list[Obligation]:
    with registry.reader().connect() as connection:
        return evaluate_indexed(RuleReads(connection), now)


def shown(obligations: list[Obligation]) -> list[dict[str, Any]]:
    return [o.as_dict() for o in obligations]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file}:{c.name}" for c in CASES])
def test_every_rule_case_reads_the_same(registry: Registry, case: RuleCase) -> None:
    put(registry, case.agreements, case.events)
    expected = whole(registry, case.now)
    assert shown(indexed(registry, case.now)) == shown(expected)
    assert indexed(registry, case.now) == expected


# A generated registry -------------------------------------------------------------------

KINDS: list[Any] = list(get_args(EventKind))


def _zone(hours: int) -> timezone:
    return timezone(timedelta(hours=hours))


OFFSETS = [_zone(0), _zone(2), _zone(3), _zone(-5), _zone(9)]
TRIGGERS = ["renewed_aggression", "significant_escalation", "natural_disaster"]


def agreements(count: int) -> list[Agreement]:
    found = []
    for i in range(count):
        mechanisms: list[dict[str, Any]] = [{"id": "term", "kind": "term", "provision": "p0"}]
        if i % 4 != 3:
            mechanisms.append(
                {"id": "dialogue", "kind": "recurring", "every": ["P1Y", "P6M"][i % 2]}
            )
        if i % 3 != 2:
            mechanisms.append(
                {
                    "id": "consult",
                    "kind": "consultation_on_trigger",
                    "within": ["PT24H", "PT72H", "P7D"][i % 3],
                    "triggers": TRIGGERS[: 1 + i % 2],
                    "provision": "p1",
                }
            )
        if i % 5 == 1:
            mechanisms.append(
                {
                    "id": "on-request",
                    "kind": "consultation_on_trigger",
                    "within": "P10D",
                    "starts_on": "request",
                    "triggers": ["security_threat"],
                }
            )
        term: dict[str, Any] = {"years": 3 + i % 8}
        if i % 7 == 6:
            term = {"indefinite": True}
        found.append(
            Agreement.model_validate(
                {
                    "id": f"ua-g{i:02d}",
                    "title": f"Generated agreement {i}",
                    "parties": ["UA", ["GB", "DE", "FR", "PL"][i % 4]],
                    "signed_on": (date(2023, 1, 1) + timedelta(days=37 * i)).isoformat(),
                    "term": term,
                    "provisions": [
                        {
                            "id": f"p{j}",
                            "action": "do",
                            "object": f"thing {j}",
                            "domains": ["other"],
                        }
                        for j in range(3)
                    ],
                    "mechanisms": mechanisms if i % 9 != 8 else [],
                }
            )
        )
    return found


def _date(rng: random.Random, instant: datetime) -> dict[str, Any]:
    """An instant with an offset, or a day, week, month or year."""
    shape = rng.randrange(6)
    if shape < 2:
        return {"at": instant.astimezone(rng.choice(OFFSETS)).isoformat()}
    day = instant.date()
    if shape == 2:
        return {"on": day.isoformat()}
    if shape == 3:
        return {"on": day.isoformat(), "precision": "week"}
    if shape == 4:
        return {"on": day.isoformat()[:7]}
    return {"on": day.isoformat()[:4]}


def _refs(rng: random.Random, records: list[Agreement]) -> dict[str, list[str]]:
    """References to one or two agreements: directly, to a provision or to a mechanism."""
    refs: dict[str, list[str]] = {"agreements": [], "provisions": [], "mechanisms": []}
    for record in rng.sample(records, rng.choice([1, 1, 1, 2])):
        for _ in range(rng.choice([1, 1, 2])):
            way = rng.randrange(3)
            if way == 0 or not record.mechanisms:
                refs["agreements"].append(record.id)
            elif way == 1:
                refs["provisions"].append(f"{record.id}/p{rng.randrange(3)}")
            else:
                refs["mechanisms"].append(f"{record.id}/{rng.choice(record.mechanisms).id}")
    return {k: sorted(set(v)) for k, v in refs.items()}


def event(rng: random.Random, n: int, records: list[Agreement], kind: str | None = None) -> Event:
    if kind is None:
        kind = rng.choice(KINDS)
        if kind == "end_condition" and rng.random() < 0.8:
            kind = "statement"  # an agreement ended early evaluates little else
    start = datetime(2023, 1, 1, tzinfo=UTC)
    instant = start + timedelta(minutes=rng.randrange(6 * 365 * 24 * 60))
    data: dict[str, Any] = {"id": f"e{n:05d}", "kind": kind, "sources": [SOURCE]}
    data["actors"] = rng.sample(["UA", "GB", "DE", "FR", "PL"], rng.randrange(1, 4))
    if kind in {"trigger", "consultation", "request"} and rng.random() < 0.8:
        data["at"] = instant.astimezone(rng.choice(OFFSETS)).isoformat()
    else:
        data.update(_date(rng, instant))
    if kind == "trigger":
        data["subkind"] = rng.choice(TRIGGERS)
    if kind == "request":
        data["subkind"] = rng.choice(["security_threat", None])
    if not (kind == "trigger" and rng.random() < 0.6):
        data.update(_refs(rng, records))
    if rng.random() < 0.12:
        data["happened"] = False
    if rng.random() < 0.08:
        data["background"] = True
    if rng.random() < 0.08:
        data["review"] = {"state": "draft"}
    data["description"] = f"generated {n}"
    return Event.model_validate(data)


def generated(seed: int, count: int = 24, per: int = 30) -> tuple[list[Agreement], list[Event]]:
    rng = random.Random(seed)
    records = agreements(count)
    with_mechanisms = [a for a in records if a.mechanisms] + records[:2]
    found = [event(rng, n, with_mechanisms) for n in range(count * per)]
    # Consultations close after triggers, so clocks are met as well as left unrecorded.
    for n, trigger in enumerate([e for e in found if e.kind == "trigger"]):
        if trigger.at is not None and rng.random() < 0.5:
            data = event(rng, 90000 + n, with_mechanisms, "consultation").model_dump()
            later = trigger.at + timedelta(hours=rng.randrange(1, 80))
            data.update(at=later, on=None, precision="instant", happened=True)
            data.update(actors=["UA", "GB", "DE", "FR", "PL"], background=False, review=None)
            if rng.random() < 0.3:  # a record that they did not consult in time
                data.update(happened=False, on=later.date().isoformat(), at=None, precision="day")
            found.append(Event.model_validate(data))
    # Clocks with a record that the parties did not consult in time: missed on evidence.
    clocks = [a for a in with_mechanisms if any(m.id == "consult" for m in a.mechanisms)]
    for n, record in enumerate(rng.sample(clocks, 3)):
        assert record.signed_on is not None
        signed = datetime.combine(record.signed_on, datetime.min.time(), UTC)
        at = signed + timedelta(days=40 + 13 * n + seed)
        common = {"sources": [SOURCE], "actors": ["UA"]}
        found.append(
            Event.model_validate(
                {
                    **common,
                    "id": f"t{n}",
                    "kind": "trigger",
                    "subkind": "renewed_aggression",
                    "at": at.isoformat(),
                    "agreements": [record.id],
                }
            )
        )
        found.append(
            Event.model_validate(
                {
                    **common,
                    "id": f"d{n}",
                    "kind": "consultation",
                    "on": at.date().isoformat(),
                    "happened": False,
                    "mechanisms": [f"{record.id}/consult"],
                }
            )
        )
    return records, found


NOWS = [
    datetime(2023, 6, 1, tzinfo=UTC),
    datetime(2025, 3, 10, 12, 30, tzinfo=_zone(2)),
    datetime(2027, 1, 1, tzinfo=UTC),
    datetime(2031, 12, 31, 23, 59, tzinfo=_zone(-5)),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_generated_registry_reads_the_same_at_every_instant(
    registry: Registry, seed: int
) -> None:
    records, found = generated(seed)
    assert {e.kind for e in found} == set(KINDS)  # the registry holds every kind
    put(registry, records, found)
    for now in NOWS:
        expected = whole(registry, now)
        assert expected  # the comparison is not between two empty answers
        assert shown(indexed(registry, now)) == shown(expected), now
    states = {o.state for now in NOWS for o in whole(registry, now)}
    assert states == {"upcoming", "open", "met", "unrecorded", "missed"}


def test_meetings_are_read_from_columns_not_records(registry: Registry) -> None:
    records, found = generated(4)
    put(registry, records, found)
    with registry.reader().connect() as connection:
        streamed = list(streamed_facts(connection, {"meeting"}, NOWS[-1]))
    rows = [e for _, items in streamed for e in items]
    assert rows and all(isinstance(e, FactRow) for e in rows)
    by_id = {e.id: e for e in found}
    for row in rows:
        event = by_id[row.id]
        assert not event.is_draft and not event.background  # no mechanism counts those
        assert (row.earliest(), row.latest()) == (event.earliest(), event.latest())
        assert (row.when(), row.dated(), row.date_precision) == (
            event.when(),
            event.dated(),
            event.date_precision,
        )
        assert row.happened == event.happened


def test_a_row_without_the_new_columns_is_read_from_its_record(registry: Registry) -> None:
    """A registry upgraded from before revision 0008 may hold rows its columns do not
    describe; those are read whole, and the answer does not change."""
    records, found = generated(5)
    put(registry, records, found)
    now = NOWS[2]
    expected = whole(registry, now)
    with registry.engine.begin() as connection:
        blank = {"latest_utc": None, "happened": None, "background": None, "draft": None}
        connection.execute(update(store_events.events).values(**blank))
    assert shown(indexed(registry, now)) == shown(expected)


def _no_problems(event: Event, agreements: Mapping[str, Agreement]) -> list[Problem]:
    return []


def test_the_incremental_path_keeps_the_whole_answer(registry: Registry) -> None:
    """Event after event recorded, `Due.refresh` re-evaluates only what each can change,
    and the result is still the whole evaluation's; `reevaluate` gives those obligations."""
    records, found = generated(6, count=16, per=20)
    put(registry, records, found)
    now = NOWS[2]
    rng = random.Random(7)
    with_mechanisms = [a for a in records if a.mechanisms]
    with registry.reader().connect() as connection:
        due = Due(RuleReads(connection), now)
    assert shown(due.obligations()) == shown(whole(registry, now))
    kinds = ["meeting", "trigger", "consultation", "request", "end_condition", "delivery"]
    for n in range(24):
        new = event(rng, 50000 + n, with_mechanisms, kinds[n % len(kinds)])
        registry.record_event(new, "test", _no_problems)
        with registry.reader().connect() as connection:
            due.reads = RuleReads(connection)
            changed = due.refresh(new)
            again = reevaluate(RuleReads(connection), new, now)
        full = whole(registry, now)
        assert shown(due.obligations()) == shown(full), new.id
        assert shown(changed) == shown(again)
        keys = {(o.agreement, o.mechanism) for o in changed}
        assert shown(changed) == shown([o for o in full if (o.agreement, o.mechanism) in keys])


@pytest.mark.parametrize("named", [indexed_module.MAX_NAMED, 0])
def test_a_trigger_reevaluates_only_the_clocks_that_listen(
    registry: Registry, named: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when the agreements are too many to name in the reads (`named` 0)."""
    monkeypatch.setattr(indexed_module, "MAX_NAMED", named)
    records, found = generated(8, count=12, per=10)
    put(registry, records, found)
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    trigger = Event.model_validate(
        {
            "id": "new-trigger",
            "kind": "trigger",
            "subkind": "significant_escalation",
            "at": "2026-06-01T09:00:00+03:00",
            "sources": [SOURCE],
        }
    )
    registry.record_event(trigger, "test", _no_problems)
    with registry.reader().connect() as connection:
        touched = reevaluate(RuleReads(connection), trigger, now)
    listening = {
        (a.id, m.id)
        for a in records
        for m in a.mechanisms
        if m.kind == "consultation_on_trigger"
        and m.starts_on == "trigger"
        and "significant_escalation" in m.triggers
    }
    expected = [o for o in whole(registry, now) if (o.agreement, o.mechanism) in listening]
    assert shown(touched) == shown(expected)
    opened = [o for o in touched if o.opened_by == "new-trigger"]
    assert opened and all(o.state == "open" for o in opened)
    assert len({o.agreement for o in touched}) < len(records)  # not every agreement


def test_a_meeting_naming_no_agreement_touches_nothing(tmp_path: Path) -> None:
    meeting = Event.model_validate(
        {"id": "m", "kind": "meeting", "on": "2025-01-01", "sources": [SOURCE]}
    )

    class Nothing:
        def agreements(self, ids: object = None) -> list[Agreement]:
            raise AssertionError("nothing should be read")

    assert reevaluate(Nothing(), meeting, NOWS[1]) == []  # type: ignore[arg-type]


def test_status_reads_one_agreements_events_and_says_the_same(registry: Registry) -> None:
    """A provision's status from the agreement's own events and the registry-wide
    triggers is the one every event gives."""
    records, found = generated(9, count=12, per=20)
    put(registry, records, found)
    engine = registry.reader()
    every = store_events.read_events(engine)
    for now in NOWS[1:]:
        for record in records:
            with engine.connect() as connection:
                own = agreement_events(connection, record.id)
            assert len(own) < len(every)
            expected = assess_agreement(record, evaluate([record], every, now), every, now)
            got = assess_agreement(record, evaluate([record], own, now), own, now)
            assert got.as_dict() == expected.as_dict()


# The store's reduction of meetings, edge by edge ---------------------------------------
#
# `due` asks the store only for the meeting that decides each period (`Reads.meetings`).
# Each test below sets up one edge that reduction could get wrong, checks the answer means
# what the rules say, and holds it beside the whole-memory answer.

NOW_EDGE = datetime(2026, 6, 1, tzinfo=UTC)


def _duty(aid: str, partner: str = "GB") -> Agreement:
    """Signed 2024-03-01, a yearly dialogue on provision p1, a 24-hour clock on p0."""
    return Agreement.model_validate(
        {
            "id": aid,
            "title": f"Agreement {aid}",
            "parties": ["UA", partner],
            "signed_on": "2024-03-01",
            "term": {"years": 10},
            "provisions": [
                {"id": f"p{j}", "action": "do", "object": f"thing {j}", "domains": ["other"]}
                for j in range(3)
            ],
            "mechanisms": [
                {"id": "term", "kind": "term"},
                {"id": "dialogue", "kind": "recurring", "every": "P1Y", "provision": "p1"},
                {
                    "id": "consult",
                    "kind": "consultation_on_trigger",
                    "within": "PT24H",
                    "triggers": ["renewed_aggression"],
                    "provision": "p0",
                },
            ],
        }
    )


def _meeting(event_id: str, **fields: Any) -> Event:
    data: dict[str, Any] = {"id": event_id, "kind": "meeting", "sources": [SOURCE]}
    data["description"] = f"meeting {event_id}"
    return Event.model_validate({**data, **fields})


def _periods(registry: Registry, aid: str = "ua-e1") -> list[Obligation]:
    """The dialogue's periods, after checking the indexed answer is the whole one."""
    expected = whole(registry, NOW_EDGE)
    assert shown(indexed(registry, NOW_EDGE)) == shown(expected)
    return [o for o in expected if o.agreement == aid and o.mechanism == "dialogue"]


def test_a_tie_on_the_instant_goes_to_the_smaller_id(registry: Registry) -> None:
    """Two meetings at one instant (written in two zones): the smaller id meets the
    period; a background or draft meeting at an earlier instant counts for nothing."""
    same = "2024-06-01T12:00:00+00:00"
    put(
        registry,
        [_duty("ua-e1")],
        [
            _meeting("m-b", at=same, mechanisms=["ua-e1/dialogue"]),
            _meeting("m-a", at="2024-06-01T15:00:00+03:00", mechanisms=["ua-e1/dialogue"]),
            _meeting("m-0", at="2024-05-01T12:00:00+00:00", agreements=["ua-e1"], background=True),
            _meeting(
                "m-00",
                at="2024-04-01T12:00:00+00:00",
                agreements=["ua-e1"],
                review={"state": "draft"},
            ),
        ],
    )
    first = _periods(registry)[0]
    assert (first.state, first.fulfilled_by) == ("met", "m-a")
    assert first.fulfilled_on == "2024-06-01T15:00+03:00"  # as recorded, in its own zone


def test_a_period_is_decided_at_its_edges(registry: Registry) -> None:
    """A meeting at the very start of a period is in it; one at the very end of a period
    is in the next; a day's date on the period's last day is inside; a year that
    straddles the anniversary meets neither period and is named as unplaced."""
    put(
        registry,
        [_duty("ua-e1"), _duty("ua-e2")],
        [
            _meeting("m-start", at="2024-03-01T00:00:00+00:00", mechanisms=["ua-e1/dialogue"]),
            _meeting("m-end", at="2025-03-01T00:00:00+00:00", mechanisms=["ua-e1/dialogue"]),
            _meeting("m-last-day", on="2025-02-28", mechanisms=["ua-e2/dialogue"]),
            _meeting("m-year", on="2025", mechanisms=["ua-e2/dialogue"]),
        ],
    )
    one, two = _periods(registry, "ua-e1")[:2]
    assert (one.state, one.fulfilled_by) == ("met", "m-start")
    assert (two.state, two.fulfilled_by) == ("met", "m-end")
    first, second, third = _periods(registry, "ua-e2")[:3]
    assert (first.state, first.fulfilled_by) == ("met", "m-last-day")
    assert second.state == "unrecorded" and "meeting m-year (2025) cannot be placed" in second.rule
    assert third.state == "open" and third.fulfilled_by is None  # 2026-03-01 .. 2027-03-01


def test_a_denial_and_a_retracted_meeting(registry: Registry) -> None:
    """A record that the meeting was not held makes the period missed; a meeting recorded
    and then deleted counts for nothing; a meeting dated after now does not meet the
    running period."""
    put(
        registry,
        [_duty("ua-e1")],
        [
            _meeting("m-no", on="2024-09-10", happened=False, agreements=["ua-e1"]),
            _meeting("m-late", at="2026-12-01T00:00:00+00:00", mechanisms=["ua-e1/dialogue"]),
        ],
    )
    gone = _meeting("m-gone", at="2025-05-05T10:00:00+00:00", mechanisms=["ua-e1/dialogue"])
    registry.record_event(gone, "test", _no_problems)
    assert _periods(registry)[1].fulfilled_by == "m-gone"
    registry.delete_event("m-gone", "test")
    first, second, third = _periods(registry)[:3]
    assert (first.state, first.missed_by) == ("missed", "m-no")
    assert (second.state, second.fulfilled_by) == ("unrecorded", None)
    assert (third.state, third.fulfilled_by) == ("open", None)


def test_a_meeting_naming_several_agreements_meets_each(registry: Registry) -> None:
    """One meeting naming two agreements' dialogues meets both; a meeting naming another
    provision of the agreement meets nothing, one naming the agreement itself does."""
    put(
        registry,
        [_duty("ua-e1"), _duty("ua-e2", "DE"), _duty("ua-e3", "FR")],
        [
            _meeting("m-both", on="2024-07-01", mechanisms=["ua-e1/dialogue", "ua-e2/dialogue"]),
            _meeting("m-other", on="2025-07-01", provisions=["ua-e3/p2"]),
            _meeting("m-own", on="2025-08-01", provisions=["ua-e3/p1"], agreements=["ua-e2"]),
        ],
    )
    assert _periods(registry, "ua-e1")[0].fulfilled_by == "m-both"
    assert [o.fulfilled_by for o in _periods(registry, "ua-e2")[:2]] == ["m-both", "m-own"]
    assert [o.state for o in _periods(registry, "ua-e3")[:2]] == ["unrecorded", "met"]
    assert _periods(registry, "ua-e3")[1].fulfilled_by == "m-own"


def test_no_event_is_no_finding(registry: Registry) -> None:
    """With nothing recorded, every period passed is 'no meeting recorded', never missed,
    and nothing is read for the periods to come."""
    put(registry, [_duty("ua-e1")], [])
    periods = _periods(registry)
    assert [o.state for o in periods[:3]] == ["unrecorded", "unrecorded", "open"]
    assert {o.state for o in periods[3:]} == {"upcoming"}
    assert periods[0].label == "no meeting recorded"
    assert not any(o.fulfilled_by or o.missed_by for o in periods)


def test_the_store_is_asked_only_about_periods_begun(registry: Registry) -> None:
    """Periods to come are never asked about; a denial or an unplaced meeting is asked
    only for the periods over with none held."""
    put(
        registry,
        [_duty("ua-e1")],
        [_meeting("m-1", on="2024-05-01", mechanisms=["ua-e1/dialogue"])],
    )
    asked: list[tuple[str, int]] = []
    with registry.reader().connect() as connection:
        reads = RuleReads(connection)
        real = reads.meetings

        def meetings(asks: Any, now: datetime, pick: Any) -> Any:
            asked.append((pick, len(asks)))
            assert all(a.start <= now for a in asks)
            return real(asks, now, pick)

        object.__setattr__(reads, "meetings", meetings)
        found = evaluate_indexed(reads, NOW_EDGE)
    assert asked == [("held", 3), ("denied", 1), ("unplaced", 1)]
    assert shown(found) == shown(whole(registry, NOW_EDGE))


def test_a_database_that_does_not_collate_by_code_point(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL under another collation, ids and instants are ordered with COLLATE
    "C" (no longer by the index); the answer stays the whole one."""
    monkeypatch.setattr(rule_events, "_code_point_order", lambda connection: False)
    records, found = generated(10)
    put(registry, records, found)
    for now in NOWS[1:3]:
        assert shown(indexed(registry, now)) == shown(whole(registry, now))


def test_a_consultation_at_the_edges_of_a_clock(registry: Registry) -> None:
    """Clock windows are read without slack: a consultation at the trigger's instant or
    at the very deadline meets the clock; one a second late does not, written in any zone."""
    trigger = "2025-04-01T10:00:00+03:00"
    events = [
        Event.model_validate(
            {"id": "t", "kind": "trigger", "subkind": "renewed_aggression", "at": trigger}
            | {"sources": [SOURCE]}
        )
    ]
    for aid, at in [
        ("ua-e1", "2025-04-01T07:00:00+00:00"),  # the trigger's instant
        ("ua-e2", "2025-04-02T09:00:00+02:00"),  # the deadline, in another zone
        ("ua-e3", "2025-04-02T07:00:01+00:00"),  # a second late
    ]:
        data = {"id": f"c-{aid}", "kind": "consultation", "at": at, "actors": ["UA", "GB"]}
        events.append(Event.model_validate(data | {"agreements": [aid], "sources": [SOURCE]}))
    put(registry, [_duty(a) for a in ("ua-e1", "ua-e2", "ua-e3")], events)
    expected = whole(registry, NOW_EDGE)
    assert shown(indexed(registry, NOW_EDGE)) == shown(expected)
    clocks = {o.agreement: o for o in expected if o.mechanism == "consult"}
    assert [clocks[a].state for a in ("ua-e1", "ua-e2", "ua-e3")] == ["met", "met", "unrecorded"]


# What every agreement's copy of a registry-wide trigger's clock shares ----------------
#
# `rules/clocks.py` works out a registry-wide trigger's clock once (its deadline, how it
# reads, an open clock's words) and `indexed._Terms` a term once per signing day. Each test
# below sets up an edge that sharing could get wrong and holds the answer beside the
# whole-memory one.


def _clocked(aid: str, within: str, signed: str = "2024-03-01", **term: Any) -> Agreement:
    data = _duty(aid).model_dump(mode="json")
    data["signed_on"] = signed
    data["term"] = term or {"years": 10}
    data["mechanisms"][2]["within"] = within
    data["mechanisms"][2]["triggers"] = ["renewed_aggression", "significant_escalation"]
    return Agreement.model_validate(data)


def _trigger(event_id: str, at: str, subkind: str = "renewed_aggression", **fields: Any) -> Event:
    data = {"id": event_id, "kind": "trigger", "subkind": subkind, "at": at, "sources": [SOURCE]}
    return Event.model_validate({**data, "description": f"trigger {event_id}", **fields})


def _consultation(event_id: str, at: str, aid: str, **fields: Any) -> Event:
    data: dict[str, Any] = {
        "id": event_id,
        "kind": "consultation",
        "at": at,
        "actors": ["UA", "GB"],
    }
    data |= {"agreements": [aid], "sources": [SOURCE], "description": f"consultation {event_id}"}
    return Event.model_validate({**data, **fields})


def _clocks(registry: Registry, now: datetime = NOW_EDGE) -> dict[tuple[str, str], Obligation]:
    """Every clock by agreement and opener, after checking the indexed answer is the whole."""
    expected = whole(registry, now)
    assert shown(indexed(registry, now)) == shown(expected)
    return {
        (o.agreement, o.opened_by or ""): o for o in expected if o.kind == "consultation_on_trigger"
    }


def test_one_trigger_two_durations_and_a_consultation_for_one(registry: Registry) -> None:
    """A registry-wide trigger opens a 24-hour clock in one agreement and a 72-hour one in
    another; a consultation two days later, naming the second, meets only that one."""
    put(
        registry,
        [_clocked("ua-c1", "PT24H"), _clocked("ua-c2", "PT72H"), _clocked("ua-c3", "PT72H")],
        [
            _trigger("t-1", "2025-04-01T10:00:00+03:00"),
            _consultation("c-late", "2025-04-03T09:00:00+00:00", "ua-c2"),
        ],
    )
    clocks = _clocks(registry)
    one, two, three = (clocks[aid, "t-1"] for aid in ("ua-c1", "ua-c2", "ua-c3"))
    assert one.due_at == datetime(2025, 4, 2, 10, tzinfo=_zone(3))
    assert two.due_at == three.due_at == datetime(2025, 4, 4, 10, tzinfo=_zone(3))
    assert (one.state, two.state, three.state) == ("unrecorded", "met", "unrecorded")
    assert two.fulfilled_by == "c-late"
    assert "2025-04-02T10:00:00+03:00" in one.rule  # the deadline reads in the trigger's zone
    # At an instant inside both windows, every clock is open and says so in the same words.
    during = datetime(2025, 4, 1, 12, tzinfo=UTC)
    running = _clocks(registry, during)
    assert {o.state for o in running.values()} == {"open"}
    assert len({o.rule for o in running.values()}) == 2  # one per deadline


def test_a_trigger_at_the_edges_of_the_term(registry: Registry) -> None:
    """A trigger at the instant an agreement is signed opens its clock, one the instant
    before does not, nor one at the instant its term ends; two triggers of one kind at one
    instant open one clock, of two kinds two."""
    put(
        registry,
        [
            _clocked("ua-c1", "PT24H", signed="2025-01-01", years=1),
            _clocked("ua-c2", "PT24H", signed="2024-12-31", years=1),
        ],
        [
            _trigger("t-signed", "2025-01-01T00:00:00+00:00"),
            _trigger("t-before", "2024-12-31T23:59:59+00:00"),
            _trigger("t-end", "2026-01-01T00:00:00+00:00", "significant_escalation"),
            _trigger("t-same", "2025-06-01T00:00:00+00:00"),
            _trigger("t-same-2", "2025-06-01T03:00:00+03:00", "renewed_aggression"),
            _trigger("t-other", "2025-06-01T00:00:00+00:00", "significant_escalation"),
        ],
    )
    clocks = _clocks(registry, datetime(2026, 6, 1, tzinfo=UTC))
    mine = {opener for aid, opener in clocks if aid == "ua-c1"}
    assert mine == {"t-signed", "t-same", "t-other"}
    theirs = {opener for aid, opener in clocks if aid == "ua-c2"}
    assert theirs == {"t-signed", "t-before", "t-same", "t-other"}  # its term ends a day earlier


def test_a_deleted_trigger_and_a_denial_for_one_agreement(registry: Registry) -> None:
    """A trigger recorded and then deleted opens nothing; a record that one agreement's
    parties did not consult makes its clock missed and leaves the others' unrecorded."""
    put(
        registry,
        [_clocked("ua-c1", "PT24H"), _clocked("ua-c2", "PT24H")],
        [
            _trigger("t-1", "2025-04-01T10:00:00+00:00"),
            _consultation("c-no", "2025-04-01T18:00:00+00:00", "ua-c2", happened=False),
        ],
    )
    gone = _trigger("t-gone", "2025-05-01T10:00:00+00:00")
    registry.record_event(gone, "test", _no_problems)
    assert ("ua-c1", "t-gone") in _clocks(registry)
    registry.delete_event("t-gone", "test")
    clocks = _clocks(registry)
    assert {opener for _, opener in clocks} == {"t-1"}
    assert (clocks["ua-c1", "t-1"].state, clocks["ua-c2", "t-1"].state) == ("unrecorded", "missed")
    assert clocks["ua-c2", "t-1"].missed_by == "c-no"
    assert clocks["ua-c1", "t-1"].label == "no consultation recorded"


def test_own_and_registry_wide_triggers_and_an_ended_term(registry: Registry) -> None:
    """An agreement naming a trigger of its own hears the registry-wide ones too; two
    agreements signed on one day share their term until one records an end condition."""
    ended = Event.model_validate(
        {
            "id": "end-1",
            "kind": "end_condition",
            "on": "2025-09-01",
            "agreements": ["ua-c2"],
            "sources": [SOURCE],
        }
    )
    put(
        registry,
        [_clocked("ua-c1", "PT24H"), _clocked("ua-c2", "PT24H"), _clocked("ua-c3", "PT24H")],
        [
            _trigger("t-wide", "2025-04-01T10:00:00+00:00"),
            _trigger("t-own", "2025-04-01T10:00:00+00:00", agreements=["ua-c1"]),
            _trigger("t-later", "2025-10-01T10:00:00+00:00"),
            ended,
        ],
    )
    clocks = _clocks(registry)
    # One clock per kind and instant: the smaller id opens it.
    assert {o for a, o in clocks if a == "ua-c1"} == {"t-own", "t-later"}
    assert {o for a, o in clocks if a == "ua-c2"} == {"t-wide"}  # ended before t-later
    terms = {o.agreement: o for o in whole(registry, NOW_EDGE) if o.kind == "term"}
    assert terms["ua-c1"].rule == terms["ua-c3"].rule != terms["ua-c2"].rule
    assert (terms["ua-c2"].state, terms["ua-c2"].fulfilled_by) == ("met", "end-1")


def test_no_trigger_no_clock(registry: Registry) -> None:
    """With no events at all, no clock is opened and nothing is a finding."""
    put(registry, [_clocked("ua-c1", "PT24H"), _clocked("ua-c2", "PT72H")], [])
    assert _clocks(registry) == {}
    found = indexed(registry, NOW_EDGE)
    assert found and not any(o.state == "missed" or o.fulfilled_by for o in found)


def test_the_summary_of_an_ordered_answer(registry: Registry) -> None:
    """`summarise(ordered=True)`, as `due` calls it on its sorted answer, counts and picks
    the next deadline as the plain summary does."""
    records, found = generated(11)
    put(registry, records, found)
    for now in NOWS:
        answer = indexed(registry, now)
        assert summarise(answer, now, ordered=True) == summarise(answer, now)


def _remigrated(registry: Registry, revision: str) -> None:
    """The registry taken down to `revision` (its later columns dropped), then migrated
    back up, as a registry written before them would be."""
    with registry.engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)
    with registry.engine.begin() as connection:
        migrate(connection)


def test_rows_from_before_the_rule_columns_read_the_same(registry: Registry) -> None:
    """A registry whose agreements and events were written before revisions 0013 and 0014
    (no rules document, no actors, no flags on the links) gives the same answer once
    migrated, and rows still without them are read from their records."""
    records, found = generated(12)
    put(registry, records, found)
    now = NOWS[2]
    expected = whole(registry, now)
    _remigrated(registry, "0012")
    assert shown(indexed(registry, now)) == shown(expected)
    with registry.engine.begin() as connection:
        connection.execute(update(tables.agreements).values(rules=None))
        connection.execute(update(store_events.events).values(actors=None))
    assert shown(indexed(registry, now)) == shown(expected)


def test_links_from_before_revision_0016_read_the_same(registry: Registry) -> None:
    """A registry whose links were written before revision 0016 (no date or precision
    beside the flags) gives the same answer once migrated, and a link still without them
    sends its reader to the event's row; a meeting's facts otherwise come from its link."""
    records, found = generated(13)
    put(registry, records, found)
    now = NOWS[2]
    expected = whole(registry, now)
    _remigrated(registry, "0015")
    links = store_events.event_links
    with registry.reader().connect() as connection:
        meetings = connection.execute(
            select(links.c.event_id, links.c.at, links.c.on, links.c.precision).where(
                links.c.kind == "meeting"
            )
        ).all()
    by_id = {e.id: e for e in found}
    assert meetings
    for event_id, at, on, precision in meetings:
        event = by_id[event_id]
        assert (at, on, precision) == (
            event.at.isoformat() if event.at else None,
            event.on,
            event.date_precision,
        )
    assert shown(indexed(registry, now)) == shown(expected)
    with registry.engine.begin() as connection:
        blank = {"subkind": None, "at": None, "on": None, "precision": None}
        connection.execute(update(links).values(**blank))
    assert shown(indexed(registry, now)) == shown(expected)


def _signed(aid: str, every: str, years: int) -> Agreement:
    """`_duty`, signed on its day, with a dialogue every `every` and a term of `years`."""
    data = _duty(aid).model_dump(mode="json")
    data["term"] = {"years": years}
    data["mechanisms"][1]["every"] = every
    return Agreement.model_validate(data)


def test_agreements_signed_on_one_day_with_different_terms(registry: Registry) -> None:
    """Agreements signed on one day share their periods only as far as their terms and
    durations agree: a meeting naming one of them meets none of the others, a meeting at
    a period's boundary meets the period it opens, one at the last instant of a term
    meets the term's last period, and a month inside a half-year is placed."""
    put(
        registry,
        [_signed("ua-s1", "P1Y", 10), _signed("ua-s2", "P1Y", 1), _signed("ua-s3", "P6M", 10)],
        [
            _meeting("m-edge", at="2025-03-01T00:00:00+00:00", mechanisms=["ua-s1/dialogue"]),
            _meeting("m-last", at="2025-02-28T23:59:59+00:00", mechanisms=["ua-s2/dialogue"]),
            _meeting("m-month", on="2025-03", mechanisms=["ua-s3/dialogue"]),
        ],
    )
    gone = _meeting("m-gone", on="2024-05-05", agreements=["ua-s1", "ua-s2", "ua-s3"])
    registry.record_event(gone, "test", _no_problems)
    firsts = [_periods(registry, aid)[0].fulfilled_by for aid in ("ua-s1", "ua-s2", "ua-s3")]
    assert firsts == ["m-gone", "m-gone", "m-gone"]
    registry.delete_event("m-gone", "test")
    one = _periods(registry, "ua-s1")
    assert [(o.state, o.fulfilled_by) for o in one[:2]] == [
        ("unrecorded", None),
        ("met", "m-edge"),
    ]
    two = _periods(registry, "ua-s2")
    assert [(o.state, o.fulfilled_by) for o in two] == [("met", "m-last")]
    three = _periods(registry, "ua-s3")
    assert [o.state for o in three[:3]] == ["unrecorded", "unrecorded", "met"]
    assert (three[2].fulfilled_by, three[2].fulfilled_on) == ("m-month", "2025-03")
    assert three[2].fulfilled_at is not None and three[2].as_dict()["fulfilled_at"] is None


def test_equal_ends_in_two_zones_cut_the_last_period_in_their_own(registry: Registry) -> None:
    """Two agreements signed on one day end at one instant, recorded in two zones: each
    one's last period ends in its own end condition's zone, however often `due` is asked
    (the periods are kept per process by signing day, duration and end)."""
    ends = [
        Event.model_validate(
            {"id": f"end-{aid}", "kind": "end_condition", "at": at, "agreements": [aid]}
            | {"sources": [SOURCE], "description": f"end of {aid}"}
        )
        for aid, at in [("ua-z1", "2025-06-01T03:00:00+03:00"), ("ua-z2", "2025-06-01T00:00:00Z")]
    ]
    put(registry, [_duty("ua-z1"), _duty("ua-z2", "DE")], ends)
    for _ in range(2):
        lasts = {aid: _periods(registry, aid)[-1] for aid in ("ua-z1", "ua-z2")}
        assert lasts["ua-z1"].period_end == lasts["ua-z2"].period_end
        assert lasts["ua-z1"].as_dict()["period_end"] == "2025-06-01T03:00:00+03:00"
        assert lasts["ua-z2"].as_dict()["period_end"] == "2025-06-01T00:00:00+00:00"


@dataclass(frozen=True)
class _FailingMeetings(RuleReads):
    """The store's reads, but the periods' meetings fail (a lost connection, say), and
    the thread each read ran on is noted."""

    threads: list[str] = field(default_factory=list)

    def meetings(self, asks: Any, now: datetime, pick: Any) -> Any:
        self.threads.append(threading.current_thread().name)
        raise OSError("connection lost while reading meetings")


def test_a_failed_meetings_read_fails_due_after_the_read_has_ended(
    registry: Registry,
) -> None:
    """The meetings are read on another thread while the clocks are made: its error is
    the caller's, not an answer missing its met periods."""
    put(registry, [_duty("ua-e1"), _duty("ua-e2", "DE")], [])
    with registry.reader().connect() as connection:
        reads = _FailingMeetings(connection)
        with pytest.raises(OSError, match="reading meetings"):
            evaluate_indexed(reads, NOW_EDGE)
        assert reads.threads and threading.current_thread().name not in reads.threads
        # the connection is the caller's again, and answers
        assert evaluate_indexed(RuleReads(connection), NOW_EDGE)
