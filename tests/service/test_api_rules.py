"""The rules over HTTP, on SQLite and PostgreSQL: due, status, calendar, feeds, events."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from icalendar import Calendar
from sqlalchemy import insert

from pactwatch import verbs
from pactwatch.rules.timing import iso
from pactwatch.store import events as store_events
from pactwatch.store import open_engine
from tests.service.conftest import Service

AT = "2026-11-27T12:00:00+02:00"
SOURCE = [{"url": "https://example.org/report"}]
BEFORE_SIGNING = {"at": "2020-03-01T08:00:00+00:00", "agreements": ["ua-ro-2024"]}


def auth(service: Service, name: str = "ana") -> dict[str, str]:
    return {"Authorization": f"Bearer {verbs.create_token(name, service.url)}"}


def trigger(at: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "trigger",
        "subkind": "significant_escalation",
        "at": at.isoformat(),
        "sources": SOURCE,
        **extra,
    }


def history(service: Service) -> list[dict[str, Any]]:
    reader = auth(service, f"reader-{uuid.uuid4().hex[:8]}")
    response = service.client.get("/api/v1/agreements/ua-ro-2024/history", headers=reader)
    found: list[dict[str, Any]] = response.json()["items"]
    return found


def test_due_is_the_json_of_the_due_command(api: Service) -> None:
    response = api.client.get("/api/v1/due", params={"at": AT})
    assert response.status_code == 200, response.text
    expected = [o.as_dict() for o in verbs.due(api.url, datetime.fromisoformat(AT)).obligations]
    assert response.json() == expected
    first = expected[0]
    assert set(first) >= {
        "agreement", "mechanism", "kind", "period_start", "period_end", "due_at", "state",
        "fulfilled_by",
    }, first  # fmt: skip
    assert datetime.fromisoformat(first["due_at"]).tzinfo is not None, first
    assert "max-age" in response.headers["cache-control"] and response.headers["etag"]


def test_due_filters_by_state_and_agreement(api: Service) -> None:
    whole = api.client.get("/api/v1/due", params={"at": AT}).json()
    gaps = api.client.get("/api/v1/due", params={"at": AT, "state": "unrecorded"}).json()
    assert gaps == [o for o in whole if o["state"] == "unrecorded"] != [], gaps
    assert {o["label"] for o in gaps} == {"no meeting recorded"}, gaps
    missed = api.client.get("/api/v1/due", params={"at": AT, "state": "missed"}).json()
    assert missed == [], "no event says a dialogue was not held, so none is missed"
    two = api.client.get("/api/v1/due", params={"at": AT, "state": ["unrecorded", "open"]}).json()
    assert len(two) == sum(o["state"] in {"unrecorded", "open"} for o in whole) > len(gaps)
    ro = api.client.get("/api/v1/due", params={"at": AT, "agreement": "ua-ro-2024"}).json()
    assert ro and all(o["agreement"] == "ua-ro-2024" for o in ro)
    assert api.client.get("/api/v1/due", params={"agreement": "no-such"}).json() == []


@pytest.mark.parametrize(
    ("path", "code", "field"),
    [
        ("/api/v1/due?at=2026-11-27T12:00:00", "naive-datetime", "at"),
        ("/api/v1/due?at=yesterday", "invalid-parameter", "query.at"),
        ("/api/v1/due?state=late", "invalid-parameter", "query.state.0"),
        ("/api/v1/agreements/ua-ro-2024/status?at=2026-11-27T12:00", "naive-datetime", "at"),
        ("/api/v1/feed.json?at=2026-11-27T12:00:00", "naive-datetime", "at"),
    ],
)
def test_bad_instants_and_states_are_422_naming_the_field(
    api: Service, path: str, code: str, field: str
) -> None:
    response = api.client.get(path)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["problems"][0]["path"] == field, error


def test_status_is_the_json_of_the_status_command(api: Service) -> None:
    response = api.client.get("/api/v1/agreements/ua-ro-2024/status", params={"at": AT})
    assert response.status_code == 200, response.text
    expected = verbs.status("ua-ro-2024", api.url, datetime.fromisoformat(AT)).as_dict()
    assert response.json() == expected
    provisions = response.json()["provisions"]
    dialogue = next(p for p in provisions if p["provision"] == "strategic-dialogue")
    assert dialogue["status"] == "no_evidence" and dialogue["rule"].startswith("M7"), dialogue
    assert dialogue["score"] is None and dialogue["status_label"] == "no evidence recorded"
    missing = api.client.get("/api/v1/agreements/no-such/status")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown-agreement"


def uids(body: bytes) -> list[str]:
    calendar = Calendar.from_ical(body)
    return [str(e["uid"]) for e in calendar.walk("VEVENT")]


def test_calendar_is_the_ics_export_with_stable_uids(api: Service) -> None:
    response = api.client.get("/api/v1/calendar.ics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.content == verbs.export("ics", api.url)
    found = uids(response.content)
    assert found and len(set(found)) == len(found), found
    assert uids(api.client.get("/api/v1/calendar.ics").content) == found


def test_calendar_uids_survive_a_new_event(writable: Service) -> None:
    before = set(uids(writable.client.get("/api/v1/calendar.ics").content))
    at = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    created = writable.client.post("/api/v1/events", json=trigger(at), headers=auth(writable))
    assert created.status_code == 201, created.text
    after = set(uids(writable.client.get("/api/v1/calendar.ics").content))
    assert before < after, (before - after, after - before)
    assert len(after - before) == 1, "one clock per agreement with a consultation mechanism"


def test_feeds_list_changes_newest_first(api: Service) -> None:
    items = api.client.get("/api/v1/feed.json", params={"at": AT}).json()["items"]
    dates = [i["date_published"] for i in items]
    assert items and dates == sorted(dates, reverse=True), dates
    response = api.client.get("/api/v1/feed.atom", params={"at": AT})
    assert response.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(response.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert [e.findtext("{http://www.w3.org/2005/Atom}id") for e in entries] == [
        i["id"] for i in items
    ]


def test_post_event_is_idempotent_and_kept_in_history(writable: Service) -> None:
    headers = auth(writable)
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    body = trigger(at, agreements=["ua-ro-2024"], description="<script>alert(1)</script>")
    first = writable.client.post("/api/v1/events", json=body, headers=headers)
    assert first.status_code == 201, first.text
    event = first.json()
    assert first.headers["location"] == event["url"] == f"/api/v1/events/{event['id']}"
    again = writable.client.post("/api/v1/events", json=body, headers=headers)
    assert again.status_code == 200 and again.json() == event, again.text
    same_instant = {**body, "at": at.astimezone().isoformat()}
    assert (
        writable.client.post("/api/v1/events", json=same_instant, headers=headers).json() == event
    )
    assert writable.client.get(event["url"]).json() == event
    listed = writable.client.get("/api/v1/events", params={"agreement": "ua-ro-2024"}).json()
    assert [e["id"] for e in listed] == [event["id"]], listed
    entries = history(writable)
    assert len(entries) == 1, entries
    entry = entries[0]
    assert (entry["actor"], entry["entity"], entry["action"]) == ("ana", "event", "create")
    assert entry["before"] is None and entry["after"]["id"] == event["id"], entry
    due = writable.client.get("/api/v1/due", params={"state": "open"}).json()
    clock = next(o for o in due if o["opened_by"] == event["id"])
    assert clock["due_at"] == iso(at + timedelta(hours=24)), clock


def test_post_event_with_another_content_under_a_used_id_is_409(writable: Service) -> None:
    headers = auth(writable)
    at = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    first = writable.client.post("/api/v1/events", json=trigger(at, id="x"), headers=headers)
    assert first.status_code == 201, first.text
    other = trigger(at + timedelta(hours=1), id="x")
    response = writable.client.post("/api/v1/events", json=other, headers=headers)
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "duplicate-event-id"
    assert len(writable.client.get("/api/v1/events").json()) == 1


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"at": "2026-03-01T08:00:00"}, "naive-datetime", "at"),
        (BEFORE_SIGNING, "event-before-signing", "at"),
        ({"provisions": ["ua-ro-2024/no-such"]}, "unknown-provision", "provisions"),
        ({"mechanisms": ["ua-ro-2024/no-such"]}, "unknown-mechanism", "mechanisms"),
        ({"agreements": ["ua-zz-1999"]}, "unknown-agreement", "agreements"),
        ({"provisions": ["ua-zz-1999/p"]}, "unknown-agreement", "provisions"),
        ({"at": None, "on": "2026-03"}, "trigger-needs-instant", "at"),
        ({"kind": "parade"}, "invalid-value", "kind"),
        ({"sources": []}, "too-short", "sources"),
    ],
)
def test_invalid_events_are_422_naming_the_field(
    writable: Service, change: dict[str, Any], code: str, field: str
) -> None:
    body = {**trigger(datetime(2026, 3, 1, 8, 0, tzinfo=UTC)), **change}
    response = writable.client.post("/api/v1/events", json=body, headers=auth(writable))
    assert response.status_code == 422, response.text
    problems = response.json()["error"]["problems"]
    assert any(p["code"] == code and p["path"] == field for p in problems), problems
    assert writable.client.get("/api/v1/events").json() == []
    assert history(writable) == []


def test_event_writes_need_a_token_and_a_small_body(writable: Service) -> None:
    body = trigger(datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    for headers in ({}, {"Authorization": "Bearer pw_nope"}):
        response = writable.client.post("/api/v1/events", json=body, headers=headers)
        assert response.status_code == 401, response.text
    huge = {**body, "description": "x" * 2_000_000}
    response = writable.client.post("/api/v1/events", json=huge, headers=auth(writable))
    assert response.status_code == 413, response.text[:200]
    assert writable.client.get("/api/v1/events").json() == []


def test_events_filter_by_kind_and_unknown_ids_are_404(writable: Service) -> None:
    headers = auth(writable)
    meeting = {
        "kind": "meeting",
        "on": "2025-05",
        "mechanisms": ["ua-ro-2024/strategic-dialogue"],
        "sources": SOURCE,
    }
    at = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    for body in (meeting, trigger(at)):
        assert writable.client.post("/api/v1/events", json=body, headers=headers).is_success
    kinds = [e["kind"] for e in writable.client.get("/api/v1/events").json()]
    assert kinds == ["meeting", "trigger"], "by time"
    only = writable.client.get("/api/v1/events", params={"kind": "meeting"}).json()
    assert [e["kind"] for e in only] == ["meeting"], only
    other = writable.client.get("/api/v1/events", params={"agreement": "ua-gb-2024"}).json()
    assert [e["kind"] for e in other] == ["trigger"], "a registry-wide trigger bears on all"
    missing = writable.client.get("/api/v1/events/no-such")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown-event"
    status = writable.client.get("/api/v1/agreements/ua-ro-2024/status").json()
    dialogue = next(p for p in status["provisions"] if p["provision"] == "strategic-dialogue")
    assert dialogue["events"], "the meeting now meets the 2025 dialogue"


def test_concurrent_posts_of_one_event_record_it_once(writable: Service) -> None:
    headers = auth(writable)
    body = trigger(datetime(2026, 3, 1, 8, 0, tzinfo=UTC), agreements=["ua-ro-2024"])
    statuses: list[int] = []

    def post() -> None:
        statuses.append(
            writable.client.post("/api/v1/events", json=body, headers=headers).status_code
        )

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201], statuses
    assert len(writable.client.get("/api/v1/events").json()) == 1
    assert len(history(writable)) == 1, "the losing writers changed nothing"


def test_delete_event_removes_it_with_history_and_a_new_generation(writable: Service) -> None:
    headers = auth(writable)
    at = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    event = writable.client.post(
        "/api/v1/events", json=trigger(at, agreements=["ua-ro-2024"]), headers=headers
    ).json()
    calendar = writable.client.get("/api/v1/calendar.ics")
    assert writable.client.delete(event["url"]).status_code == 401, "a token is needed"
    response = writable.client.delete(event["url"], headers=auth(writable, "bo"))
    assert response.status_code == 204, response.text
    assert writable.client.get(event["url"]).status_code == 404
    assert writable.client.get("/api/v1/events").json() == []
    again = writable.client.delete(event["url"], headers=headers)
    assert again.status_code == 404 and again.json()["error"]["code"] == "unknown-event"
    entries = history(writable)
    assert [(e["actor"], e["entity"], e["action"]) for e in entries] == [
        ("ana", "event", "create"),
        ("bo", "event", "delete"),
    ], entries
    assert entries[1]["before"]["id"] == event["id"] and entries[1]["after"] is None
    later = writable.client.get("/api/v1/calendar.ics")
    assert later.headers["etag"] != calendar.headers["etag"], "the generation moved on"
    assert later.content != calendar.content, "the trigger's clock is gone"


def test_an_event_stored_before_the_year_bounds_can_be_deleted(writable: Service) -> None:
    """A registry written before dates were bounded may hold a year-9999 event, which no
    longer reads as an Event: the row itself is removed, and the calendar works again."""
    record = {
        "id": "far",
        "kind": "meeting",
        "at": "9999-12-31T23:00:00Z",
        "agreements": ["ua-ro-2024"],
        "sources": SOURCE,
    }
    engine = open_engine(writable.url)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(store_events.events).values(
                    id="far",
                    kind="meeting",
                    at=record["at"],
                    earliest_utc="9999-12-31T23:00:00+00:00",
                    fingerprint="f" * 64,
                    record=json.dumps(record),
                )
            )
            connection.execute(
                insert(store_events.event_links).values(
                    event_id="far",
                    position=0,
                    agreement_id="ua-ro-2024",
                    target="agreement",
                    kind="meeting",
                    earliest_utc="9999-12-31T23:00:00+00:00",
                )
            )
    finally:
        engine.dispose()
    response = writable.client.delete("/api/v1/events/far", headers=auth(writable))
    assert response.status_code == 204, response.text
    assert writable.client.get("/api/v1/calendar.ics").status_code == 200
    entry = history(writable)[-1]
    assert (entry["action"], entry["before"]["at"], entry["after"]) == (
        "delete",
        record["at"],
        None,
    )
