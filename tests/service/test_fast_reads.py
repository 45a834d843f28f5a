"""The fast path for the hottest reads answers exactly as the FastAPI routes do.

Each address is asked twice of the same service: once as it comes (valid parameters are
answered by `api.fast_reads`), once with the fast path switched off (the route answers).
Status, body and the headers a client reads must be the same, errors included, and the
fast path must really have answered the valid ones.
"""

from __future__ import annotations

import pytest

from pactwatch.api import fast_reads
from tests.service.conftest import Service

VALID = [
    "/api/v1/provisions",
    "/api/v1/provisions?domain=air_defence&limit=3",
    "/api/v1/provisions?agreement=ua-ro-2024&limit=7&sort=-agreement",
    "/api/v1/provisions?actor=RO&kind=action&sort=signed_on&limit=2",
    "/api/v1/provisions?partner=RO&domain=air_defence&format=json",
    "/api/v1/provisions?beneficiary=UA&sort=-domain&limit=5",
    "/api/v1/provisions?q=air+defence&limit=4",
    "/api/v1/provisions?agreement=&limit=2",
    "/api/v1/search?domain=air_defence&limit=2",
    "/api/v1/search?q=patriot",
    "/api/v1/search?actor=RO&beneficiary=UA",
    "/api/v1/compare",
]
ROUTE_ONLY = [
    "/api/v1/provisions?domain=not_a_domain",
    "/api/v1/provisions?domain=",
    "/api/v1/provisions?limit=0",
    "/api/v1/provisions?limit=1001",
    "/api/v1/provisions?limit=+5",
    "/api/v1/provisions?limit=05",
    "/api/v1/provisions?actor=ro",
    "/api/v1/provisions?actor=RO%0A",
    "/api/v1/provisions?kind=plan",
    "/api/v1/provisions?sort=random",
    "/api/v1/provisions?cursor=not-a-cursor",
    "/api/v1/provisions?format=csv&limit=3",
    "/api/v1/provisions?domain=air_defence&domain=cyber",
    "/api/v1/provisions?unknown=1&limit=2",
    "/api/v1/provisions?agreement=" + "a" * 121,
    "/api/v1/search?format=json",
    "/api/v1/search?q=" + "x" * 201,
    "/api/v1/compare?x=1",
]
HEADERS = ("content-type", "etag", "cache-control", "content-disposition")


def _ask(api: Service, url: str) -> tuple[int, bytes, dict[str, str | None]]:
    response = api.client.get(url)
    return response.status_code, response.content, {h: response.headers.get(h) for h in HEADERS}


@pytest.mark.parametrize("url", VALID + ROUTE_ONLY)
def test_fast_path_answers_as_the_route_does(
    api: Service, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _ask(api, url)
    with monkeypatch.context() as patched:
        patched.setattr(fast_reads, "ANSWERS", {})
        routed = _ask(api, url)
    assert fast == routed


def _answered_fast(api: Service, url: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    path = url.split("?")[0]
    inner = fast_reads.ANSWERS[path]
    results: list[object] = []

    async def spy(*args: object) -> object:
        result = await inner(*args)  # type: ignore[arg-type]
        results.append(result)
        return result

    with monkeypatch.context() as patched:
        patched.setitem(fast_reads.ANSWERS, path, spy)
        api.client.get(url)
    return bool(results) and results[-1] is not None


@pytest.mark.parametrize("url", VALID)
def test_valid_reads_take_the_fast_path(
    api: Service, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _answered_fast(api, url, monkeypatch), url


@pytest.mark.parametrize("url", ROUTE_ONLY)
def test_doubtful_reads_go_to_the_route(
    api: Service, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not _answered_fast(api, url, monkeypatch), url


def test_a_revalidation_gets_304_from_the_fast_path(api: Service) -> None:
    first = api.client.get("/api/v1/provisions?domain=air_defence&limit=3")
    again = api.client.get(
        "/api/v1/provisions?domain=air_defence&limit=3",
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304 and again.headers["etag"] == first.headers["etag"]


@pytest.mark.parametrize(
    "params",
    [
        "",
        "domain=air_defence",
        "actor=RO",
        "actor=RO&domain=air_defence&kind=action",
        "beneficiary=UA&domain=air_defence",
        "q=air+defence",
        "partner=RO&q=patriot",
    ],
)
def test_search_total_counts_every_hit(api: Service, params: str) -> None:
    """The total is the agreement facet's sum: it must equal the hits, paged out in full."""
    view = api.client.get(f"/api/v1/search?{params}").json()
    hits, url = 0, f"/api/v1/provisions?{params}&limit=1000"
    while url:
        page = api.client.get(url).json()
        hits += page["count"]
        url = page["next"]
    assert view["total"] == hits, (params, view["total"], hits)
