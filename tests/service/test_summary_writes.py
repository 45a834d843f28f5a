"""Writes keep the summary tables exact and drop only the cached answers they changed."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pactwatch.api.config import ServiceConfig
from pactwatch.store import open_engine, state
from tests.service.conftest import Service
from tests.service.test_api_write import PATRIOT, patriot, read, token


def _config(service: Service) -> ServiceConfig:
    cfg: ServiceConfig = service.client.app.state.config  # type: ignore[attr-defined]
    return cfg


def _provisions(service: Service) -> list[tuple[str, list[str], dict[str, Any]]]:
    """(agreement id, its parties, provision) for every provision, read whole."""
    out: list[tuple[str, list[str], dict[str, Any]]] = []
    for summary in service.client.get("/api/v1/agreements").json():
        record = service.client.get(f"/api/v1/agreements/{summary['id']}").json()
        out.extend((record["id"], record["parties"], p) for p in record["provisions"])
    return out


def _expected_facets(rows: list[tuple[str, list[str], dict[str, Any]]], **f: str) -> Any:
    hits = [
        (aid, p)
        for aid, _, p in rows
        if all(
            (k != "domain" or v in p["domains"])
            and (k != "actor" or v in p["actors"])
            and (k != "kind" or p["kind"] == v)
            and (k != "agreement" or aid == v)
            for k, v in f.items()
        )
    ]
    domain = Counter(d for _, p in hits for d in dict.fromkeys(p["domains"]))
    actor = Counter(x for _, p in hits for x in dict.fromkeys(p["actors"]))
    kind = Counter(p["kind"] for _, p in hits)
    agreement = Counter(aid for aid, _ in hits)

    def listed(counts: Counter[str]) -> list[dict[str, Any]]:
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [{"value": k, "count": n} for k, n in ordered]

    facets = {"domain": domain, "actor": actor, "kind": kind, "agreement": agreement}
    return len(hits), {name: listed(c) for name, c in facets.items()}


def _edit(service: Service) -> None:
    """Move patriot to other domains and actors, and add a provision in a new domain."""
    auth = token(service)
    record, etag = read(service)
    edited = {**patriot(record), "domains": ["cyber", "air_defence"], "actors": ["RO", "UA"]}
    response = service.client.put(PATRIOT, json=edited, headers={**auth, "If-Match": etag})
    assert response.status_code == 200, response.text
    new = {**edited, "id": "new-demining", "domains": ["demining"], "actors": ["UA"]}
    url = "/api/v1/agreements/ua-ro-2024/provisions"
    headers = {**auth, "If-Match": response.headers["etag"]}
    assert service.client.post(url, json=new, headers=headers).status_code == 201


FILTERS: list[dict[str, str]] = [
    {},
    {"domain": "air_defence"},
    {"domain": "cyber", "actor": "UA"},
    {"agreement": "ua-ro-2024", "kind": "action"},
    {"actor": "RO"},
    {"domain": "demining"},
]


def test_facets_and_matrix_stay_exact_after_writes(writable: Service) -> None:
    for moment in ("loaded", "edited"):
        if moment == "edited":
            _edit(writable)
        rows = _provisions(writable)
        for f in FILTERS:
            total, facets = _expected_facets(rows, **f)
            found = writable.client.get("/api/v1/search", params=f).json()
            assert (found["total"], found["facets"]) == (total, facets), (moment, f)
        matrix = writable.client.get("/api/v1/compare").json()
        cells = {(c["partner"], c["domain"]): c["count"] for c in matrix["cells"]}
        expected: Counter[tuple[str, str]] = Counter()
        for _, parties, p in rows:
            for party in parties:
                if party != "UA":
                    for d in dict.fromkeys(p["domains"]):
                        expected[(party, d)] += 1
        assert cells == dict(expected), moment
    assert ("RO", "demining") in cells and cells[("RO", "cyber")] >= 1


def test_a_write_drops_only_the_answers_it_changed(writable: Service) -> None:
    cfg = _config(writable)
    urls = [
        "/api/v1/provisions?agreement=ua-ro-2024",
        "/api/v1/provisions?agreement=ua-pl-2024",
        "/api/v1/compare",
    ]
    for url in urls:
        assert writable.client.get(url).status_code == 200
    assert {url for _, url in cfg.cache} >= set(urls)
    _edit(writable)
    kept = {url for _, url in cfg.cache}
    assert "/api/v1/provisions?agreement=ua-pl-2024" in kept, kept
    assert not {urls[0], urls[2]} & kept, kept
    ids = [p["id"] for p in writable.client.get(urls[0]).json()["items"]]
    assert "new-demining" in ids, "the edited agreement's answer is read afresh"


def test_a_change_made_elsewhere_clears_every_answer(writable: Service) -> None:
    cfg = _config(writable)
    url = "/api/v1/provisions?agreement=ua-pl-2024"
    writable.client.get(url)
    assert any(u == url for _, u in cfg.cache)
    other = open_engine(writable.url)
    try:
        with other.begin() as connection:
            state.advance(connection, "another process wrote")
    finally:
        other.dispose()
    cfg.forget_generation()  # as the generation's memo would expire
    writable.client.get("/api/v1/provisions?agreement=ua-ro-2024")
    assert not any(u == url for _, u in cfg.cache), "a generation not ours clears all"
