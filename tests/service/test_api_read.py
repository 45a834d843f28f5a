"""Reading the registry over the API, on SQLite and PostgreSQL: filters, pages, errors."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from pactwatch import verbs
from tests.service.conftest import Service


def get(api: Service, path: str, **params: Any) -> Any:
    response = api.client.get(path, params=params)
    assert response.status_code == 200, (path, params, response.text)
    return response.json()


def all_provisions(api: Service, **params: Any) -> list[dict[str, Any]]:
    """Walk every page through the `next` links."""
    items: list[dict[str, Any]] = []
    page = get(api, "/api/v1/provisions", **params)
    items.extend(page["items"])
    while page["next"]:
        response = api.client.get(page["next"])
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
    return items


def test_agreements_list_and_filters(api: Service) -> None:
    everything = get(api, "/api/v1/agreements")
    assert len(everything) == 28, [a["id"] for a in everything]
    assert [a["id"] for a in get(api, "/api/v1/agreements", party="RO")] == ["ua-ro-2024"]
    later = get(api, "/api/v1/agreements", signed_from="2024-07-01")
    assert later and all(a["signed_on"] >= "2024-07-01" for a in later), later
    assert len(later) < len(everything)
    assert get(api, "/api/v1/agreements", kind="no_such_kind") == []


def test_one_agreement_is_byte_identical_to_the_json_export(api: Service) -> None:
    response = api.client.get("/api/v1/agreements/ua-ro-2024")
    assert response.status_code == 200
    assert response.content == verbs.export("json", api.url, "ua-ro-2024")
    assert response.headers["etag"].startswith('"v')
    assert "max-age" in response.headers["cache-control"]


def test_provisions_filter_by_domain_actor_kind(api: Service) -> None:
    air = all_provisions(api, domain="air_defence")
    assert "patriot" in {p["id"] for p in air}, air
    assert all("air_defence" in p["domains"] for p in air), air
    by_ro = all_provisions(api, actor="RO")
    assert by_ro and all("RO" in p["actors"] for p in by_ro)
    declarations = all_provisions(api, kind="declaration")
    assert declarations and all(p["kind"] == "declaration" for p in declarations)
    assert all_provisions(api, partner="GB") == []


def test_full_text_query_finds_the_patriot_provision(api: Service) -> None:
    hits = all_provisions(api, q="Patriot")
    assert [(p["agreement_id"], p["id"]) for p in hits] == [("ua-ro-2024", "patriot")], hits
    assert all_provisions(api, q="'; DROP TABLE provisions; --") == []
    assert len(all_provisions(api)) == 37


@pytest.mark.parametrize("sort", ["agreement", "-agreement", "signed_on", "-domain", "id"])
def test_cursor_pages_cover_every_provision_once(api: Service, sort: str) -> None:
    whole = get(api, "/api/v1/provisions", sort=sort, limit=1000)["items"]
    paged = all_provisions(api, sort=sort, limit=4)
    key = [(p["agreement_id"], p["id"]) for p in paged]
    assert key == [(p["agreement_id"], p["id"]) for p in whole]
    assert len(set(key)) == len(key) == 37


def test_descending_sort_reverses_the_order(api: Service) -> None:
    up = [p["id"] for p in all_provisions(api, agreement="ua-ro-2024", limit=7)]
    down = [p["id"] for p in all_provisions(api, agreement="ua-ro-2024", sort="-agreement")]
    assert down == list(reversed(up))


def test_csv_has_one_row_per_provision(api: Service) -> None:
    response = api.client.get("/api/v1/provisions", params={"format": "csv", "actor": "RO"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(all_provisions(api, actor="RO"))
    patriot = next(r for r in rows if r["id"] == "patriot")
    assert patriot["domains"] == "air_defence; weapons_and_equipment", patriot


def test_compare_matrix_counts_match_provision_ids(api: Service) -> None:
    view = get(api, "/api/v1/compare")
    assert len(view["partners"]) == 27 + 1 - 1 + 1  # 27 states and the EU
    cells = {(c["partner"], c["domain"]): c for c in view["cells"]}
    air = cells[("RO", "air_defence")]
    assert "ua-ro-2024/patriot" in air["provisions"]
    assert all(c["count"] == len(c["provisions"]) for c in view["cells"]), "small cells list all"
    linked = get(api, air["url"].split("?")[0], partner="RO", domain="air_defence")["items"]
    assert len(linked) == air["count"]


def test_search_facets_add_up(api: Service) -> None:
    view = get(api, "/api/v1/search", actor="RO", limit=5)
    assert view["total"] == len(all_provisions(api, actor="RO"))
    assert sum(f["count"] for f in view["facets"]["kind"]) == view["total"]
    assert len(view["items"]) == 5
    assert {"domain", "actor", "kind", "agreement"} <= set(view["facets"])


def test_source_text_with_spans(api: Service, seed_text: str) -> None:
    view = get(api, "/api/v1/agreements/ua-ro-2024/sources/seed")
    assert view["available"] is True
    assert view["text"] == seed_text
    patriot = next(s for s in view["spans"] if s["provision"] == "patriot")
    assert patriot["text"] == seed_text[patriot["start"] : patriot["end"]]
    assert "Patriot" in patriot["text"]


def test_conditional_get_returns_304(api: Service) -> None:
    first = api.client.get("/api/v1/compare")
    again = api.client.get("/api/v1/compare", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304, again.text
    assert again.content == b""


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/agreements/no-such-id", 404, "unknown-agreement"),
        ("/api/v1/agreements/ua-ro-2024/sources/nope", 404, "unknown-source"),
        ("/api/v1/provisions?limit=0", 422, "invalid-parameter"),
        ("/api/v1/provisions?domain=knitting", 422, "unknown-domain"),
        ("/api/v1/provisions?actor=romania", 422, "invalid-parameter"),
        ("/api/v1/provisions?sort=sideways", 422, "invalid-parameter"),
        ("/api/v1/provisions?cursor=not-a-cursor", 422, "invalid-cursor"),
        ("/api/v1/agreements?signed_from=2024-13-45", 422, "invalid-parameter"),
        ("/api/v1/export/docx", 404, "unknown-format"),
        ("/api/v1/nothing-here", 404, "not-found"),
    ],
)
def test_one_error_shape(api: Service, path: str, status: int, code: str) -> None:
    response = api.client.get(path)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"status", "code", "message", "problems"}, error
    assert error["status"] == status and error["code"] == code, error
    assert error["message"], error


INJECTIONS = ["'; DROP TABLE provisions; --", '" OR 1=1 --', "ua-ro-2024' --", "%' OR '%'='"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_hostile_parameters_are_only_ever_values(api: Service, value: str) -> None:
    response = api.client.get("/api/v1/provisions", params={"agreement": value})
    assert response.status_code == 200 and response.json()["items"] == [], response.text
    for path in (f"/api/v1/agreements/{value}", f"/agreements/{value}"):
        assert api.client.get(path).status_code == 404, path
    words = api.client.get("/api/v1/search", params={"q": value})
    assert words.status_code == 200, words.text  # the words are searched for, as words
    assert all(p["agreement_id"] == "ua-ro-2024" for p in words.json()["items"])
    assert len(all_provisions(api)) == 37
