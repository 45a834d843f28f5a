"""Curator writes: tokens, validation, one transaction, If-Match (409 when stale), history."""

from __future__ import annotations

import csv
import io
import threading
import uuid
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook

from pactwatch import verbs
from tests.service.conftest import Service, make_service

PATRIOT = "/api/v1/agreements/ua-ro-2024/provisions/patriot"


def token(service: Service, name: str = "ana") -> dict[str, str]:
    return {"Authorization": f"Bearer {verbs.create_token(name, service.url)}"}


def read(service: Service) -> tuple[dict[str, Any], str]:
    response = service.client.get("/api/v1/agreements/ua-ro-2024")
    return response.json(), response.headers["etag"]


def history(service: Service) -> list[dict[str, Any]]:
    """Every entry, as a curator sees them (with authors), following the pages."""
    auth = token(service, f"reader-{uuid.uuid4().hex[:8]}")
    url: str | None = "/api/v1/agreements/ua-ro-2024/history"
    result: list[dict[str, Any]] = []
    while url is not None:
        response = service.client.get(url, headers=auth)
        assert response.status_code == 200, response.text
        result += response.json()["items"]
        url = response.json()["next"]
    return result


def patriot(record: dict[str, Any]) -> dict[str, Any]:
    return dict(next(p for p in record["provisions"] if p["id"] == "patriot"))


def test_edit_with_current_etag_is_saved_with_history(writable: Service) -> None:
    auth = token(writable, "ana")
    record, etag = read(writable)
    edited = {**patriot(record), "timing": "2024"}
    response = writable.client.put(PATRIOT, json=edited, headers={**auth, "If-Match": etag})
    assert response.status_code == 200, response.text
    assert response.json()["timing"] == "2024"
    after, new_etag = read(writable)
    assert patriot(after)["timing"] == "2024"
    assert new_etag == response.headers["etag"] != etag
    entries = history(writable)
    assert len(entries) == 1, entries
    entry = entries[0]
    assert (entry["actor"], entry["entity"], entry["action"]) == ("ana", "provision", "update")
    assert entry["before"]["timing"] is None and entry["after"]["timing"] == "2024", entry
    assert entry["at"].endswith("+00:00"), entry
    found = writable.client.get("/api/v1/provisions", params={"q": "Patriot"}).json()
    assert found["items"][0]["timing"] == "2024", "the search index follows the edit"


def test_stale_write_gets_409_and_changes_nothing(writable: Service) -> None:
    auth = token(writable)
    record, stale = read(writable)
    first = {**patriot(record), "timing": "first"}
    assert writable.client.put(PATRIOT, json=first, headers={**auth, "If-Match": stale}).is_success
    before, _ = read(writable)
    second = {**patriot(record), "timing": "second"}
    response = writable.client.put(PATRIOT, json=second, headers={**auth, "If-Match": stale})
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "stale-version"
    assert read(writable)[0] == before
    assert len(history(writable)) == 1


def test_write_without_if_match_is_refused(writable: Service) -> None:
    record, _ = read(writable)
    response = writable.client.put(PATRIOT, json=patriot(record), headers=token(writable))
    assert response.status_code == 428, response.text
    assert history(writable) == []


def test_writes_without_a_valid_token_get_401_and_change_nothing(writable: Service) -> None:
    record, etag = read(writable)
    body = {**patriot(record), "object": "something else"}
    for headers in ({}, {"Authorization": "Bearer pw_not-a-token"}, {"Authorization": "Basic x"}):
        response = writable.client.put(PATRIOT, json=body, headers={**headers, "If-Match": etag})
        assert response.status_code == 401, (headers, response.text)
        assert response.json()["error"]["code"] == "unauthorized"
        assert "www-authenticate" in response.headers
    assert writable.client.post("/api/v1/agreements", json=record).status_code == 401
    assert read(writable) == (record, etag)
    assert history(writable) == []


def test_invalid_provision_is_refused_naming_the_field(writable: Service) -> None:
    record, etag = read(writable)
    bad = {**patriot(record), "domains": ["knitting"]}
    response = writable.client.put(PATRIOT, json=bad, headers={**token(writable), "If-Match": etag})
    assert response.status_code == 422, response.text
    problems = response.json()["error"]["problems"]
    assert any(p["code"] == "unknown-domain" and "domains" in p["path"] for p in problems)
    missing = {k: v for k, v in patriot(record).items() if k != "action"}
    response = writable.client.put(
        PATRIOT, json=missing, headers={**token(writable, "b"), "If-Match": etag}
    )
    assert response.status_code == 422
    assert any("action" in p["path"] for p in response.json()["error"]["problems"])
    assert read(writable) == (record, etag)


def test_malformed_json_gets_422_naming_the_body(writable: Service) -> None:
    _, etag = read(writable)
    headers = {**token(writable), "If-Match": etag, "Content-Type": "application/json"}
    response = writable.client.put(PATRIOT, content=b'{"id": "patriot",', headers=headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "malformed-json" and "body" in error["message"], error


def test_oversized_body_gets_413(writable: Service) -> None:
    _, etag = read(writable)
    huge = b'{"id": "patriot", "object": "' + b"x" * 2_000_000 + b'"}'
    headers = {**token(writable), "If-Match": etag, "Content-Type": "application/json"}
    response = writable.client.put(PATRIOT, content=huge, headers=headers)
    assert response.status_code == 413, response.text[:200]
    assert response.json()["error"]["code"] == "payload-too-large"
    assert history(writable) == []


def test_create_provision_and_agreement(writable: Service) -> None:
    auth = token(writable)
    _, etag = read(writable)
    new = {"id": "new-one", "action": "send", "object": "blankets", "domains": ["humanitarian"]}
    url = "/api/v1/agreements/ua-ro-2024/provisions"
    response = writable.client.post(url, json=new, headers={**auth, "If-Match": etag})
    assert response.status_code == 201, response.text
    again = writable.client.post(
        url, json=new, headers={**auth, "If-Match": response.headers["etag"]}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "provision-exists"
    agreement = {"id": "ua-xx-2030", "title": "A test agreement", "parties": ["UA", "MD"]}
    created = writable.client.post("/api/v1/agreements", json=agreement, headers=auth)
    assert created.status_code == 201, created.text
    assert writable.client.get("/api/v1/agreements/ua-xx-2030").json()["parties"] == ["UA", "MD"]
    duplicate = writable.client.post("/api/v1/agreements", json=agreement, headers=auth)
    assert duplicate.status_code == 409


def test_concurrent_writes_with_one_etag_let_exactly_one_through(writable: Service) -> None:
    auth = token(writable)
    record, etag = read(writable)
    statuses: list[int] = []

    def put(value: str) -> None:
        body = {**patriot(record), "timing": value}
        response = writable.client.put(PATRIOT, json=body, headers={**auth, "If-Match": etag})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=put, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409, 409, 409], statuses
    assert len(history(writable)) == 1


def test_ids_in_the_body_cannot_differ_from_the_url(writable: Service) -> None:
    record, etag = read(writable)
    headers = {**token(writable), "If-Match": etag}
    renamed = {**patriot(record), "id": "renamed"}
    response = writable.client.put(PATRIOT, json=renamed, headers=headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == "id-mismatch"
    moved = {**record, "id": "ua-ro-2099"}
    response = writable.client.put("/api/v1/agreements/ua-ro-2024", json=moved, headers=headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == "id-mismatch"
    assert read(writable) == (record, etag)


def test_an_agreement_can_be_created_in_a_registry_never_loaded(db_url: str) -> None:
    service = make_service(db_url)
    with service.client:
        auth = token(service, "first")
        agreement = {
            "id": "ua-md-2030",
            "title": "A first agreement",
            "parties": ["UA", "MD"],
            "provisions": [{"id": "p", "action": "a", "object": "o", "domains": ["energy"]}],
        }
        response = service.client.post("/api/v1/agreements", json=agreement, headers=auth)
        assert response.status_code == 201, response.text
        listed = service.client.get("/api/v1/provisions", params={"domain": "energy"}).json()
        assert [p["id"] for p in listed["items"]] == ["p"]
    service.close()


def test_a_formula_written_through_the_api_is_text_in_every_table(writable: Service) -> None:
    record, etag = read(writable)
    formula = '=HYPERLINK("http://127.0.0.1/leak","open")'
    body = {**patriot(record), "object": formula, "section": "@SUM(1)"}
    headers = {**token(writable), "If-Match": etag}
    response = writable.client.put(PATRIOT, json=body, headers=headers)
    assert response.status_code == 200, response.text
    page = writable.client.get("/api/v1/provisions", params={"format": "csv", "q": "HYPERLINK"})
    rows = list(csv.DictReader(io.StringIO(page.text, newline="")))
    assert [(r["object"], r["section"]) for r in rows] == [("'" + formula, "'@SUM(1)")], rows
    exported = writable.client.get("/api/v1/export/csv").text
    assert "'" + formula.replace('"', '""') in exported
    workbook = load_workbook(io.BytesIO(writable.client.get("/api/v1/export/xlsx").content))
    found = [c for row in workbook["provisions"].iter_rows() for c in row if c.value == formula]
    assert len(found) == 1 and found[0].data_type == "s", found


def test_a_source_file_name_must_be_a_bare_name_and_reveals_nothing(writable: Service) -> None:
    """A path in `filename` is refused before anything is looked up, whether or not the
    file exists, so the reply cannot tell a curator what is on the server's disk."""
    record, etag = read(writable)
    headers = {**token(writable), "If-Match": etag}
    replies = {}
    for name in ("/etc/passwd", "/etc/no-such-file", "../../../../etc/hostname", "..", "a" * 5000):
        sources = [{**record["sources"][0], "filename": name}, *record["sources"][1:]]
        response = writable.client.put(
            "/api/v1/agreements/ua-ro-2024", json={**record, "sources": sources}, headers=headers
        )
        assert response.status_code == 422, (name[:40], response.text[:300])
        problem = response.json()["error"]["problems"][0]
        assert (problem["path"], problem["code"]) == ("sources.0.filename", "invalid-field")
        replies[name] = response.text.replace(name[:80], "NAME")
    assert replies["/etc/passwd"] == replies["/etc/no-such-file"]
    assert read(writable) == (record, etag) and history(writable) == []


def test_the_token_is_checked_before_the_body_is_read(writable: Service) -> None:
    headers = {"Content-Type": "application/json"}
    for method, url in (
        ("POST", "/api/v1/events"),
        ("POST", "/api/v1/agreements"),
        ("PUT", "/api/v1/agreements/ua-ro-2024"),
        ("PUT", PATRIOT),
        ("DELETE", "/api/v1/events/any"),
    ):
        response = writable.client.request(method, url, content=b'{"id": ', headers=headers)
        assert response.status_code == 401, (method, url, response.text)
        assert response.json()["error"]["code"] == "unauthorized"


def test_a_chunked_body_past_the_limit_gets_413(writable: Service) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(160):  # 10 MiB, with no Content-Length to refuse it early
            yield b"x" * 65_536

    headers = {**token(writable), "Content-Type": "application/json"}
    response = writable.client.post("/api/v1/events", content=chunks(), headers=headers)
    assert response.status_code == 413, response.text[:200]
    assert response.json()["error"]["code"] == "payload-too-large"
    assert writable.client.get("/api/v1/events").json() == []
