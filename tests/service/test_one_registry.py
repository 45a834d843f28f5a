"""One Registry: a change made from the command line is seen by a service already running.

The service and the command are two `Registry` objects on one database (as two processes
are), so nothing but the database tells the service about the command's write: its history
row and the generation it advances.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from pactwatch import verbs
from pactwatch.store.registry import Registry
from pactwatch.store.write import history
from tests.cli import run_cli
from tests.service.conftest import Service

TRIGGER_AT = "2026-03-10T06:00:00+02:00"
SOURCE = "https://example.org/escalation"


def opened_clocks(service: Service) -> list[dict[str, Any]]:
    at = (datetime.fromisoformat(TRIGGER_AT) + timedelta(hours=1)).isoformat()
    response = service.client.get("/api/v1/due", params={"at": at, "state": "open"})
    assert response.status_code == 200, response.text
    return [o for o in response.json() if o["opened_by"]]


def test_a_cli_trigger_shows_on_a_running_service_without_restart(
    writable: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    config = writable.client.app.state.config  # type: ignore[attr-defined]
    config.generation_ttl = 0  # read the generation on every request: no waiting in the test
    assert opened_clocks(writable) == []
    events_before = writable.client.get("/api/v1/events").json()
    args = ["trigger", "renewed_aggression", "--at", TRIGGER_AT, "--source", SOURCE]
    result = run_cli(capsys, *args, "--db", writable.url)
    assert result.code == 0, result.err
    clocks = opened_clocks(writable)
    assert clocks, "the running service answers the clock the command opened"
    assert {o["state"] for o in clocks} == {"open"}, clocks
    events_after = writable.client.get("/api/v1/events").json()
    assert len(events_after) == len(events_before) + 1, events_after


def test_a_cli_trigger_is_kept_in_history_like_a_posted_event(
    writable: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["trigger", "renewed_aggression", "--at", TRIGGER_AT, "--source", SOURCE]
    assert run_cli(capsys, *args, "--db", writable.url).code == 0
    with Registry.open(writable.url) as registry, registry.reader().connect() as connection:
        rows = history(connection, "*")
    assert [(r.entity, r.action) for r in rows] == [("event", "create")], rows
    assert rows[0].actor.startswith("cli"), rows[0]
    assert rows[0].after is not None and SOURCE in rows[0].after


def test_event_add_to_the_registry_advances_the_generation(
    writable: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    config = writable.client.app.state.config  # type: ignore[attr-defined]
    config.generation_ttl = 0
    first = writable.client.get("/api/v1/events", params={"agreement": "ua-ro-2024"})
    args = ["event", "add", "--kind", "statement", "--on", "2025-02-01"]
    args += ["--agreement", "ua-ro-2024", "--source", "https://example.org/s"]
    result = run_cli(capsys, *args, "--registry", "--db", writable.url)
    assert result.code == 0, result.err
    assert "only (not in data/events/)" in result.err, result.err
    second = writable.client.get("/api/v1/events", params={"agreement": "ua-ro-2024"})
    assert second.headers["etag"] != first.headers["etag"]
    assert len(second.json()) == len(first.json()) + 1


def test_a_verb_given_an_open_registry_does_not_open_another(
    writable: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`trigger` used to open three engines from its --db string; one Registry is enough."""
    opened: list[str | None] = []
    real = Registry.open.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Registry], /, db: str | None = None, **kw: Any) -> Registry:
        opened.append(db)
        result: Registry = real(cls, db, **kw)
        return result

    monkeypatch.setattr(Registry, "open", classmethod(counting))
    with Registry.open(writable.url) as registry:
        added = verbs.trigger(
            "renewed_aggression", datetime.fromisoformat(TRIGGER_AT), SOURCE, db=registry
        )
    assert added.opened and opened == [writable.url], opened
