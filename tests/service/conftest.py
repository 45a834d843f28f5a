"""Fixtures for the service: one registry per backend (SQLite and PostgreSQL), and clients.

Every store/API test that takes `db_url` or `loaded` runs twice: on an SQLite file and on
the PostgreSQL server named by PACTWATCH_TEST_PG_URL (.ci/run starts one and sets it). Off
CI a missing server skips the PostgreSQL half; under CI=true it fails. Each run works in a
schema of its own, dropped after each use, so the server stays clean between tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from pactwatch import verbs
from pactwatch.settings import PROJECT_ROOT, source_dirs
from pactwatch.store import open_engine
from tests.conftest import require

PG_ENV = "PACTWATCH_TEST_PG_URL"
BACKENDS = ["sqlite", "postgresql"]
# The service tests run on a frozen registry (see its README), not on the growing dataset.
DATA = PROJECT_ROOT / "tests" / "fixtures" / "service-registry"


SCHEMA = f"pactwatch_test_{os.getpid()}"
"""This run's own schema: two suites sharing one server never see each other's tables."""


def pg_url() -> str:
    """The server's URL with this run's schema first on the search path."""
    url = os.environ.get(PG_ENV, "")
    require(bool(url), f"{PG_ENV} is not set: no PostgreSQL server to test against")
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{SCHEMA}"


def reset_postgresql(url: str) -> None:
    """Drop this run's schema with everything in it (tables, indexes, alembic_version)."""
    engine = open_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    finally:
        engine.dispose()


def _url(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield str(folder / "registry.db")
        return
    url = pg_url()
    reset_postgresql(url)
    try:
        yield url
    finally:
        drop_schema(url)


def drop_schema(url: str) -> None:
    engine = open_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty registry location, per backend."""
    yield from _url(request.param, tmp_path)


@pytest.fixture(params=BACKENDS, scope="module")
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A registry with the curated dataset loaded, shared by a module's read-only tests."""
    for url in _url(request.param, tmp_path_factory.mktemp("registry")):
        verbs.load(url, [DATA])
        yield url


@dataclass
class Service:
    url: str
    client: TestClient

    def close(self) -> None:
        self.client.app.state.config.engine.dispose()  # type: ignore[attr-defined]


def make_service(url: str, sources: Path | None = None) -> Service:
    client = TestClient(verbs.service(url, sources or source_dirs()))
    return Service(url, client)


@pytest.fixture(scope="module")
def api(loaded: str) -> Iterator[Service]:
    """A test client on the loaded registry (read-only tests)."""
    service = make_service(loaded)
    with service.client:
        yield service
    service.close()


@pytest.fixture
def writable(db_url: str) -> Iterator[Service]:
    """A freshly loaded registry of its own, for tests that write."""
    verbs.load(db_url, [DATA])
    service = make_service(db_url)
    with service.client:
        yield service
    service.close()
