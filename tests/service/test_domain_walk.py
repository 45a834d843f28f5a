"""A domain filter in agreement order reads the domain's own index (`query._domain_walk`):
its pages must be exactly the provisions the records list under that domain, each once,
in (agreement, position) order both ways, across cursors, after writes and after the
migration that fills the index on a registry loaded before it."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import select

from pactwatch import verbs
from pactwatch.store import open_engine, tables
from pactwatch.store.migrate import alembic_config, migrate
from tests.service.conftest import DATA, Service, make_service


def _expected(service: Service, domain: str) -> list[tuple[str, str]]:
    """From the records themselves: (agreement, provision) under `domain`, in order."""
    found: list[tuple[str, str]] = []
    for summary in sorted(service.client.get("/api/v1/agreements").json(), key=lambda a: a["id"]):
        record = service.client.get(f"/api/v1/agreements/{summary['id']}").json()
        found += [(record["id"], p["id"]) for p in record["provisions"] if domain in p["domains"]]
    return found


def _paged(service: Service, **params: Any) -> list[tuple[str, str]]:
    page = service.client.get("/api/v1/provisions", params={**params, "limit": 3}).json()
    items = list(page["items"])
    while page["next"]:
        page = service.client.get(page["next"]).json()
        items += page["items"]
    return [(p["agreement_id"], p["id"]) for p in items]


def _domains(service: Service) -> set[str]:
    view = service.client.get("/api/v1/search", params={"limit": 1}).json()
    return {f["value"] for f in view["facets"]["domain"]}


def _check_every_domain(service: Service) -> int:
    checked = 0
    for domain in sorted(_domains(service)):
        expected = _expected(service, domain)
        assert _paged(service, domain=domain) == expected, domain
        assert _paged(service, domain=domain, sort="-agreement") == expected[::-1], domain
        for agreement in {a for a, _ in expected}:
            mine = [row for row in expected if row[0] == agreement]
            assert _paged(service, domain=domain, agreement=agreement) == mine
        checked += 1
    return checked


def test_domain_pages_match_the_records_after_a_repeated_domain(writable: Service) -> None:
    auth = {"Authorization": f"Bearer {verbs.create_token('ana', writable.url)}"}
    record = writable.client.get("/api/v1/agreements/ua-ro-2024")
    patriot = next(p for p in record.json()["provisions"] if p["id"] == "patriot")
    repeated = {**patriot, "domains": [*patriot["domains"], "training", patriot["domains"][0]]}
    response = writable.client.put(
        "/api/v1/agreements/ua-ro-2024/provisions/patriot",
        json=repeated,
        headers={**auth, "If-Match": record.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    assert _check_every_domain(writable) > 5


def test_the_migration_fills_the_walk_as_a_load_does(db_url: str) -> None:
    verbs.load(db_url, [DATA])
    engine = open_engine(db_url)
    d = tables.provision_domains
    columns = (d.c.agreement_id, d.c.provision_id, d.c.position, d.c.provision_position)
    try:
        with engine.connect() as connection:
            loaded = connection.execute(select(*columns).order_by(*columns[:3])).all()
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0012-1")
        with engine.begin() as connection:
            migrate(connection)
        with engine.connect() as connection:
            migrated = connection.execute(select(*columns).order_by(*columns[:3])).all()
    finally:
        engine.dispose()
    assert loaded and migrated == loaded
    assert any(row[3] is not None for row in loaded)
    service = make_service(db_url)
    with service.client:
        assert _check_every_domain(service) > 5
    service.close()
