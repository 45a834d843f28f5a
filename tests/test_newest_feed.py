"""The feed's newest changes, found by walking evidence from the latest down
(`rules.newest_changes`), are exactly the first ones of every change worked out from the
whole registry (`rules.evidence_changes.feed_changes`), whatever the limit and the instant.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from pactwatch import verbs
from pactwatch.model import Event, EventSource
from pactwatch.model.agreement import Review
from pactwatch.rules import newest_changes
from pactwatch.store import events as store_events
from pactwatch.store import open_engine
from pactwatch.store.read import all_agreements
from tests.cli import run_cli
from tests.service.conftest import BACKENDS, _url

SOURCE = [EventSource(url="https://example.org/feed-test")]
NOW = datetime(2026, 11, 1, tzinfo=UTC)
EARLIER = datetime(2025, 6, 1, tzinfo=UTC)  # some events lie after it


def _events(db: str, count: int, seed: int) -> list[Event]:
    """Events naming the dataset's provisions (a few each, some with mechanisms), dated to
    the instant, day, month or year, some background, drafts or things that did not happen,
    some after `EARLIER` and a few after `NOW`."""
    rng = random.Random(seed)
    engine = open_engine(db)
    refs = [f"{a.id}/{p.id}" for a in all_agreements(engine) for p in a.provisions]
    engine.dispose()
    chosen = rng.sample(refs, min(len(refs), count // 3))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    found = []
    for n in range(count):
        when = start + timedelta(hours=rng.randrange(3 * 365 * 24))
        dated: dict[str, object] = {"at": when}
        shape = rng.random()
        if shape < 0.15:
            dated = {"on": when.strftime("%Y-%m"), "precision": "month"}
        elif shape < 0.2:
            dated = {"on": when.strftime("%Y"), "precision": "year"}
        elif shape < 0.3:
            dated = {"on": when.strftime("%Y-%m-%d"), "precision": "day"}
        flags: dict[str, object] = {}
        odd = rng.random()
        if odd < 0.05:
            flags = {"background": True}
        elif odd < 0.1:
            flags = {"happened": False}
        elif odd < 0.15:
            flags = {"review": Review(state="draft")}
        found.append(
            Event(
                id=f"feed-test-{n}",
                kind=rng.choice(["delivery", "payment", "training", "statement"]),
                provisions=[rng.choice(chosen)],
                sources=SOURCE,
                description=f"test event {n}",
                **dated,
                **flags,
            )
        )
    return found


@pytest.fixture(scope="module", params=BACKENDS)
def busy(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, data_dir: Path
) -> Iterator[str]:
    """The dataset with 400 events on 130 of its provisions, on each backend."""
    for db in _url(request.param, tmp_path_factory.mktemp("feed")):
        verbs.load(db, [data_dir])
        added = _events(db, 400, seed=3)
        engine = open_engine(db)
        with engine.begin() as connection:
            store_events.insert_events(connection, added)
        engine.dispose()
        yield db


@pytest.mark.parametrize("now", [NOW, EARLIER])
@pytest.mark.parametrize("limit", [1, 7, 40, 150])
@pytest.mark.parametrize("batch", [1, 5, 256])
def test_the_newest_changes_are_the_first_of_all_changes(
    busy: str, now: datetime, limit: int, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(newest_changes, "BATCH", batch)
    _, every = verbs.feed(busy, now, limit=0)
    _, newest = verbs.feed(busy, now, limit=limit)
    assert len(every) > 150  # enough changes that each limit cuts some
    assert [c.id for c in newest] == [c.id for c in every[:limit]]
    assert [c.at for c in newest] == [c.at for c in every[:limit]]
    assert [c.as_dict() for c in newest] == [c.as_dict() for c in every[:limit]]


def test_a_walk_stops_long_before_the_end(busy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a small limit the walk reads a few batches of provisions, not all of them."""
    read: list[int] = []
    real = newest_changes._changes_of

    def counted(reads: newest_changes.Reads, keys: list[tuple[str, str]], now: datetime):  # type: ignore[no-untyped-def]
        read.append(len(keys))
        return real(reads, keys, now)

    monkeypatch.setattr(newest_changes, "BATCH", 5)
    monkeypatch.setattr(newest_changes, "_changes_of", counted)
    verbs.feed(busy, NOW, limit=3)
    few = sum(read)
    read.clear()
    verbs.feed(busy, NOW, limit=1_000)  # more than there are: every provision is read
    assert 0 < few < sum(read) / 2, (few, sum(read))


def test_the_walk_reads_links_in_index_order(busy: str) -> None:
    """SQLite walks `ix_event_links_latest` backwards: no sort of every link first."""
    if not busy.endswith(".db"):
        return  # PostgreSQL's plan for a test registry's few rows is a sort, as it should be
    engine = open_engine(busy)
    with engine.connect() as connection:
        statement = next(
            s
            for s in _walk_statements(connection)
            if "ORDER BY" in s  # the ordered walk, not the first look for undated links
        )
        plan = [str(row[-1]) for row in connection.execute(text("EXPLAIN QUERY PLAN " + statement))]
    engine.dispose()
    assert any("ix_event_links_latest" in line for line in plan), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan


def _walk_statements(connection: object) -> list[str]:
    from sqlalchemy import event

    from pactwatch.store.feed_reads import newest_evidence

    seen: list[str] = []

    def capture(_c: object, _cur: object, statement: str, parameters: object, *_: object) -> None:
        literal = statement
        for value in parameters if isinstance(parameters, tuple) else ():
            literal = literal.replace("?", repr(value), 1)
        seen.append(literal)

    engine = connection.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", capture)
    try:
        for _ in zip(range(3), newest_evidence(connection, NOW), strict=False):  # type: ignore[arg-type]
            pass
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return seen


def test_feed_limit_on_the_command_line_and_the_api(
    busy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from fastapi.testclient import TestClient

    at = NOW.isoformat()
    shown = run_cli(capsys, *["feed", "--db", busy, "--at", at, "--limit", "4"])
    assert shown.code == 0, shown
    items = json.loads(shown.out)["items"]
    default = json.loads(run_cli(capsys, *["feed", "--db", busy, "--at", at]).out)["items"]
    every = json.loads(run_cli(capsys, *["feed", "--db", busy, "--at", at, "--limit", "0"]).out)
    assert len(items) == 4 and len(default) == 100 and len(every["items"]) > 150
    assert default == every["items"][:100] and items == default[:4]
    with TestClient(verbs.service(busy, cache=False)) as client:
        answer = client.get("/api/v1/feed.json", params={"at": at, "limit": 4})
        assert answer.status_code == 200
        assert answer.json()["items"] == items
        assert len(client.get("/api/v1/feed.json", params={"at": at}).json()["items"]) == 100
        for refused in (0, 1_001, "many"):
            bad = client.get("/api/v1/feed.atom", params={"limit": refused})
            assert bad.status_code == 422 and "limit" in bad.text, bad.text


def test_a_provisions_changes_are_its_assessed_status_after_each_event(busy: str) -> None:
    """`provision_changes` reads each event once; its statuses and rules are those
    `assess_provision` gives from the evidence up to each event."""
    from pactwatch.rules.evidence_changes import provision_changes
    from pactwatch.rules.status import assess_provision
    from pactwatch.verbs.registry import registry_inputs

    agreements, events = registry_inputs(busy)
    compared = 0
    for agreement in agreements:
        with_mechanisms = {m.provision for m in agreement.mechanisms}
        for provision in agreement.provisions:
            ref = f"{agreement.id}/{provision.id}"
            evidence = [
                e for e in events if ref in e.provisions and e.is_evidence() and e.earliest() <= NOW
            ]
            if not evidence or provision.id in with_mechanisms:
                continue
            bearing = sorted(evidence, key=lambda e: (e.earliest(), e.id))
            expected, previous = [], "no_evidence"
            for i, event in enumerate(bearing):
                after = assess_provision(agreement, provision, [], bearing[: i + 1], NOW)
                if after.status != previous:
                    expected.append((event.id, previous, after.status, after.rule))
                    previous = after.status
            found = provision_changes(agreement, provision, list(reversed(evidence)), NOW)
            assert [(c.event.id, c.previous, c.state, c.rule) for c in found] == expected
            compared += 1
    assert compared > 50
