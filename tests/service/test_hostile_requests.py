"""Requests an attacker would send: none may get a 5xx, each gets its documented 4xx.

Every case is one request against a loaded registry (on each backend), with a valid token
and the current ETag unless the case is about them. Each names the status and error code
the API documents for it (the JSON error shape of `pactwatch.api.errors`), and no case may
change the registry: the agreement's ETag and its history are the same afterwards.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pactwatch import verbs
from tests.service.conftest import Service

AGREEMENT = "/api/v1/agreements/ua-ro-2024"
SOURCES = [{"url": "https://example.org/report"}]
Edit = Callable[[dict[str, Any]], dict[str, Any]]


def cursor(*value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(value)).encode()).decode().rstrip("=")


def event(**fields: Any) -> dict[str, Any]:
    return {"kind": "meeting", "agreements": ["ua-ro-2024"], "sources": SOURCES, **fields}


def with_amount(value: Any) -> Edit:
    def edit(record: dict[str, Any]) -> dict[str, Any]:
        provisions = [dict(p) for p in record["provisions"]]
        provisions[0]["amount"] = {"value": value, "currency": "EUR"}
        return {**record, "provisions": provisions}

    return edit


def with_fields(**fields: Any) -> Edit:
    return lambda record: {**record, **fields}


def with_term(**fields: Any) -> Edit:
    return lambda record: {**record, "term": {**record["term"], **fields}}


def with_first_provision(**fields: Any) -> Edit:
    def edit(record: dict[str, Any]) -> dict[str, Any]:
        provisions = [dict(p) for p in record["provisions"]]
        provisions[0].update(fields)
        return {**record, "provisions": provisions}

    return edit


def with_mechanism(**fields: Any) -> Edit:
    """The change made to every mechanism (the term, the yearly dialogue, the 24-hour clock)."""

    def edit(record: dict[str, Any]) -> dict[str, Any]:
        return {**record, "mechanisms": [{**m, **fields} for m in record["mechanisms"]]}

    return edit


@dataclass(frozen=True)
class Case:
    label: str
    method: str
    url: str
    status: int
    code: str
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    raw: str | None = None
    """The body as JSON text, for what `json.dumps` will not write (1e999, NaN, escapes)."""
    edit: Edit | None = None
    """A change to the current agreement record, PUT back with its ETag."""
    token: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    """Headers sent as well (they replace the valid token's when they name Authorization)."""


CASES = [
    # Out-of-range dates and instants in events.
    Case("event in year 9999", "POST", "/api/v1/events", 422, "date-out-of-range",
         body=event(at="9999-12-31T23:00:00+00:00")),
    Case("event at year 1 +14:00", "POST", "/api/v1/events", 422, "date-out-of-range",
         body=event(at="0001-01-01T00:00:00+14:00")),
    Case("event on year 0", "POST", "/api/v1/events", 422, "date-out-of-range",
         body=event(on="0000")),
    Case("event on 9999-12", "POST", "/api/v1/events", 422, "date-out-of-range",
         body=event(on="9999-12")),
    Case("event with month 13", "POST", "/api/v1/events", 422, "invalid-field",
         body=event(at="2024-13-01T00:00:00+00:00")),
    Case("event without offset", "POST", "/api/v1/events", 422, "naive-datetime",
         body=event(at="2024-07-11T10:00:00")),
    Case("quantity 1e999", "POST", "/api/v1/events", 422, "invalid-field",
         raw=json.dumps(event(on="2024", quantities=[{"value": 1, "unit": "x"}])).replace(
             '"value": 1', '"value": 1e999')),
    Case("quantity NaN", "POST", "/api/v1/events", 422, "invalid-field",
         raw=json.dumps(event(on="2024", quantities=[{"value": 1, "unit": "x"}])).replace(
             '"value": 1', '"value": NaN')),
    Case("quantity negative", "POST", "/api/v1/events", 422, "invalid-field",
         body=event(on="2024", quantities=[{"value": -5, "unit": "x"}])),
    # Text no database stores.
    Case("lone surrogate in an event", "POST", "/api/v1/events", 422, "invalid-text",
         raw='{"kind": "statement", "on": "2024", "description": "\\ud800", "sources": '
         '[{"url": "https://example.org/r"}]}'),
    Case("NUL in an event", "POST", "/api/v1/events", 422, "invalid-text",
         body=event(on="2024", description="a\x00b")),
    Case("lone surrogate in a key", "POST", "/api/v1/events", 422, "invalid-text",
         raw='{"kind": "statement", "on": "2024", "\\udfff": 1, "sources": []}'),
    Case("lone surrogate in a provision", "PUT", f"{AGREEMENT}/provisions/patriot", 422,
         "invalid-text", raw='{"id": "patriot", "object": "\\udc00"}'),
    # Bodies that are not an object, or not JSON at all.
    Case("body is an array", "POST", "/api/v1/events", 422, "invalid-parameter", body=[1, 2]),
    Case("body nested 100,000 deep", "POST", "/api/v1/events", 422, "malformed-json",
         raw="[" * 100_000 + "]" * 100_000),
    Case("body is not JSON", "POST", "/api/v1/events", 422, "malformed-json", raw="{'a': 1}"),
    # Amounts.
    Case("amount 1e999", "PUT", AGREEMENT, 422, "invalid-field", raw="1e999"),
    Case("amount NaN", "PUT", AGREEMENT, 422, "invalid-field", raw="NaN"),
    Case("amount -Infinity", "PUT", AGREEMENT, 422, "invalid-field", raw="-Infinity"),
    Case("amount negative", "PUT", AGREEMENT, 422, "invalid-field", edit=with_amount(-1)),
    Case("amount 1e16", "PUT", AGREEMENT, 422, "invalid-field", edit=with_amount(1e16)),
    # Dates and numbers in an agreement.
    Case("signed in 9999", "PUT", AGREEMENT, 422, "invalid-field",
         edit=with_fields(signed_on="9999-12-31")),
    Case("signed in year 1", "PUT", AGREEMENT, 422, "invalid-field",
         edit=with_fields(signed_on="0001-01-01")),
    Case("term ends in 10000", "PUT", AGREEMENT, 422, "invalid-field",
         edit=with_term(ends_on="10000-01-01")),
    Case("span past 2**63", "PUT", AGREEMENT, 422, "invalid-field",
         edit=with_first_provision(spans=[{"source": "seed", "start": 0, "end": 2**70}])),
    Case("window of 10**12 years", "PUT", AGREEMENT, 422, "invalid-field",
         edit=with_mechanism(within="P999999999999Y")),
    Case("window of 10**12 hours", "PUT", AGREEMENT, 422, "invalid-field",
         edit=with_mechanism(within="PT999999999999H")),
    Case("dialogue every second", "PUT", AGREEMENT, 422, "invalid-field",
         edit=with_mechanism(every="PT1S")),
    Case("dialogue every zero", "PUT", AGREEMENT, 422, "invalid-field",
         edit=with_mechanism(every="PT0S")),
    Case("source file as a path", "PUT", AGREEMENT, 422, "invalid-field",
         edit=lambda r: {**r, "sources": [{**r["sources"][0], "filename": "/etc/passwd"}]}),
    # Cursors.
    Case("cursor int 2**63", "GET", "/api/v1/provisions", 422, "invalid-cursor",
         params={"cursor": cursor("agreement", ["ua-ro-2024", 2**63])}),
    Case("cursor int 2**64, three keys", "GET", "/api/v1/provisions", 422, "invalid-cursor",
         params={"sort": "domain", "cursor": cursor("domain", ["cyber", "ua-ro-2024", 2**64])}),
    Case("cursor int negative", "GET", "/api/v1/provisions", 422, "invalid-cursor",
         params={"cursor": cursor("agreement", ["ua-ro-2024", -2**70])}),
    Case("cursor float", "GET", "/api/v1/provisions", 422, "invalid-cursor",
         params={"cursor": base64.urlsafe_b64encode(b'["agreement",["a",1e999]]').decode()}),
    Case("cursor bad date", "GET", "/api/v1/provisions", 422, "invalid-cursor",
         params={"sort": "signed_on", "cursor": cursor("signed_on", ["9999-99-99", "a", 1])}),
    Case("cursor NUL", "GET", "/api/v1/provisions", 422, "invalid-cursor",
         params={"cursor": cursor("agreement", ["ua-ro\x00", 1])}),
    Case("cursor lone surrogate", "GET", "/api/v1/search", 422, "invalid-cursor",
         params={"cursor": base64.urlsafe_b64encode(b'["agreement",["\\ud800",1]]').decode()}),
    Case("cursor not base64", "GET", "/api/v1/provisions", 422, "invalid-cursor",
         params={"cursor": "%%%"}),
    Case("cursor of another sort", "GET", "/api/v1/provisions", 422, "invalid-cursor",
         params={"sort": "id", "cursor": cursor("agreement", ["ua-ro-2024", 1])}),
    # Instants the rules are asked about.
    Case("due at year 9999", "GET", "/api/v1/due", 422, "invalid-parameter",
         params={"at": "9999-12-31T23:00:00+00:00"}),
    Case("due at year 1 +14:00", "GET", "/api/v1/due", 422, "invalid-parameter",
         params={"at": "0001-01-01T00:00:00+14:00"}),
    Case("status at year 9999", "GET", f"{AGREEMENT}/status", 422, "invalid-parameter",
         params={"at": "9999-12-31T23:59:59-14:00"}),
    Case("feed at year 1", "GET", "/api/v1/feed.json", 422, "invalid-parameter",
         params={"at": "0001-01-01T00:00:00+00:00"}),
    Case("agreements signed from 9999-99-99", "GET", "/api/v1/agreements", 422,
         "invalid-parameter", params={"signed_from": "9999-99-99"}),
    Case("limit 10**30", "GET", "/api/v1/provisions", 422, "invalid-parameter",
         params={"limit": str(10**30)}),
    # Deleting events.
    Case("delete an unknown event", "DELETE", "/api/v1/events/no-such-event", 404,
         "unknown-event"),
    Case("delete without a token", "DELETE", "/api/v1/events/no-such-event", 401,
         "unauthorized", token=False),
    # Found by schemathesis: a number was read as Unix time.
    Case("due at Unix time -231", "GET", "/api/v1/due", 422, "invalid-parameter",
         params={"at": "-231"}),
    Case("agreements signed from a number", "GET", "/api/v1/agreements", 422,
         "invalid-parameter", params={"signed_from": "-4.5e-271"}),
    Case("status at Unix time 1700000000", "GET", f"{AGREEMENT}/status", 422,
         "invalid-parameter", params={"at": "1700000000"}),
    # History pages and who may see authors.
    Case("history limit 1000", "GET", f"{AGREEMENT}/history", 422, "invalid-parameter",
         params={"limit": "1000"}),
    Case("history after -1", "GET", f"{AGREEMENT}/history", 422, "invalid-parameter",
         params={"after": "-1"}),
    Case("history after 2**70", "GET", f"{AGREEMENT}/history", 422, "invalid-parameter",
         params={"after": str(2**70)}),
    Case("history with a forged token", "GET", f"{AGREEMENT}/history", 401, "unauthorized",
         token=False, headers={"Authorization": "Bearer pw_forged"}),
    # Merge patches.
    Case("patch body is an array", "PATCH", f"{AGREEMENT}/provisions/patriot", 422,
         "invalid-parameter", body=[{"timing": "2024"}]),
    Case("patch changes the id", "PATCH", f"{AGREEMENT}/provisions/patriot", 422,
         "id-mismatch", body={"id": "other"}),
    Case("patch removes a required field", "PATCH", f"{AGREEMENT}/provisions/patriot", 422,
         "invalid-field", body={"action": None}),
    Case("patch an unknown provision", "PATCH", f"{AGREEMENT}/provisions/nope", 404,
         "unknown-provision", body={"timing": "2024"}),
    Case("patch without a token", "PATCH", AGREEMENT, 401, "unauthorized",
         body={"signed_at": "x"}, token=False),
]  # fmt: skip


def send(service: Service, case: Case, auth: dict[str, str]) -> Any:
    record_response = service.client.get(AGREEMENT)
    record, etag = record_response.json(), record_response.headers["etag"]
    headers = {**(auth if case.token else {}), "If-Match": etag, **case.headers}
    content = case.raw
    if case.edit is not None:
        content = json.dumps(case.edit(record))
    elif case.raw in {"1e999", "NaN", "-Infinity"}:  # an amount Python's JSON cannot write
        content = json.dumps(with_amount(123.0)(record)).replace("123.0", case.raw, 1)
    if case.body is not None:
        content = json.dumps(case.body)
    if content is not None:
        headers["Content-Type"] = "application/json"
    return service.client.request(
        case.method, case.url, params=case.params, content=content, headers=headers
    )


def test_hostile_requests_get_their_documented_errors(writable: Service) -> None:
    assert len(CASES) >= 30
    auth = {"Authorization": f"Bearer {verbs.create_token('probe', writable.url)}"}
    before = writable.client.get(AGREEMENT).headers["etag"]
    outcomes = []
    for case in CASES:
        response = send(writable, case, auth)
        body = response.json()
        error = body.get("error", {}) if isinstance(body, dict) else {}
        outcomes.append((case.label, response.status_code, error.get("code")))
        assert set(error) >= {"status", "code", "message", "problems"}, (case.label, body)
    server_errors = [o for o in outcomes if o[1] >= 500]
    assert server_errors == [], server_errors
    wrong = [
        (case.label, got, case.status, case.code)
        for case, got in zip(CASES, outcomes, strict=True)
        if got[1:] != (case.status, case.code)
    ]
    assert wrong == [], wrong
    assert writable.client.get(AGREEMENT).headers["etag"] == before
    assert writable.client.get(f"{AGREEMENT}/history").json()["items"] == []
