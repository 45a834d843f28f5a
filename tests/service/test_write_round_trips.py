"""A curator's edit on PostgreSQL in as few round trips as its answers need
(`store/pipeline.py`), with every guarantee of its transaction kept.

Round trips are counted from libpq's own trace of the held writer's connection: each run
of messages from the server after a run from the client is one wait for the network.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from psycopg import pq
from sqlalchemy import text

from pactwatch import verbs
from pactwatch.api.writer import held_writer
from pactwatch.store.registry import Registry
from tests.service.conftest import DATA, Service, _url, make_service
from tests.service.test_write_turns import PATRIOT, _call

RECORD = "/api/v1/agreements/ua-ro-2024"


def _patriot(client: TestClient) -> tuple[str, dict[str, Any]]:
    page = client.get(RECORD)
    return page.headers["etag"], next(p for p in page.json()["provisions"] if p["id"] == "patriot")


def _round_trips(trace: bytes) -> int:
    """How many times the client waited for the server to be ready again: each query, or
    each pipeline's sync, ends with one ReadyForQuery."""
    return sum(
        1 for line in trace.splitlines() if line.startswith(b"B") and b"ReadyForQuery" in line
    )


@pytest.fixture
def pg_writable(tmp_path: Path) -> Iterator[Service]:
    """A loaded registry of its own on PostgreSQL alone: SQLite's edits run on the event
    loop and have no round trips to count."""
    for url in _url("postgresql", tmp_path):
        verbs.load(url, [DATA])
        service = make_service(url)
        with service.client:
            yield service
        service.close()


@pytest.mark.parametrize(
    ("on_loop", "writes_on_loop"),
    [(False, False), (True, False), (True, True)],
    ids=["all-on-writer", "token-on-loop", "all-on-loop"],
)
def test_an_edit_is_three_round_trips_and_its_token_one(
    pg_writable: Service, on_loop: bool, writes_on_loop: bool
) -> None:
    """Before: three for the token (BEGIN, SELECT, ROLLBACK) and seven for the edit (BEGIN,
    the locking read, the row, version and history, the generation read and update,
    COMMIT). Now the token's SELECT alone, and the edit's locking read (with its BEGIN),
    the rest with the COMMIT, and the pipeline's closing sync (the trace's first edits
    start the writer and let psycopg prepare its statements). With reads on the loop the
    token's SELECT goes there, and the writer's connection sees the edit's three (the
    loop's own when writes run there too)."""
    writable = pg_writable
    app = writable.client.app
    app.state.config.reads_on_loop = on_loop  # type: ignore[attr-defined]
    app.state.config.writes_on_loop = writes_on_loop  # type: ignore[attr-defined]
    registry: Registry = app.state.config.writes  # type: ignore[attr-defined]
    auth = {"Authorization": f"Bearer {verbs.create_token('ana', writable.url)}"}
    etag, provision = _patriot(writable.client)

    async def edits() -> list[int]:
        nonlocal etag
        counted = []
        for n in range(10):  # the first ones start the writer and let psycopg prepare
            body = json.dumps({**provision, "object": f"edited {n}"}).encode()
            headers = {**auth, "If-Match": etag, "Content-Type": "application/json"}
            (connection,) = held_writer(registry).connections() or (None,)
            with tempfile.TemporaryFile() as trace:
                if connection is not None:
                    raw: Any = connection.connection.driver_connection
                    raw.pgconn.trace(trace.fileno())
                    raw.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
                status, answer, _, _ = await _call(app, "PUT", PATRIOT, body, headers)
                if connection is not None:
                    raw.pgconn.untrace()
                    trace.seek(0)
                    counted.append(_round_trips(trace.read()))
            assert status == 200
            etag = answer["etag"]
        return counted

    counted = asyncio.run(edits())
    assert counted[-3:] == [3 if on_loop else 4] * 3, counted
    _, saved = _patriot(writable.client)
    assert saved["object"] == "edited 9"


def test_a_stale_if_match_is_refused_and_the_next_edit_lands(writable: Service) -> None:
    """The pipelined transaction still checks the version before it writes: a stale ETag is
    refused (409, stale-version: the project's answer to an If-Match that no longer
    matches) and changes nothing (not the record, its history or the generation), and the
    connection is left clean for the next write."""
    client = writable.client
    auth = {"Authorization": f"Bearer {verbs.create_token('ana', writable.url)}"}
    stale, provision = _patriot(client)
    url = RECORD + "/provisions/patriot"
    first = client.put(
        url, json={**provision, "object": "first"}, headers={**auth, "If-Match": stale}
    )
    assert first.status_code == 200
    history = client.get(RECORD + "/history", headers=auth).json()["items"]
    generation = _generation(writable.url)
    refused = client.put(
        url, json={**provision, "object": "late"}, headers={**auth, "If-Match": stale}
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "stale-version"
    assert _patriot(client)[1]["object"] == "first"
    assert client.get(RECORD + "/history", headers=auth).json()["items"] == history
    assert _generation(writable.url) == generation
    fresh = client.put(
        url,
        json={**provision, "object": "second"},
        headers={**auth, "If-Match": first.headers["etag"]},
    )
    assert fresh.status_code == 200
    assert _patriot(client)[1]["object"] == "second"
    assert _generation(writable.url) != generation


def _generation(url: str) -> str:
    with Registry.open(url) as registry, registry.engine.connect() as connection:
        return str(connection.execute(text("SELECT generation FROM registry_state")).scalar_one())


def test_an_uncached_reader_sees_every_write_of_another_worker(db_url: str) -> None:
    """Two services on one registry, as two workers, with no response cache: each edit the
    first one makes is what the second one's next read answers, though the second reads on
    the connection it used last (SQLite's pool hands that one out first) and the write
    emptied that connection's page cache."""
    verbs.load(db_url, [DATA])
    writer, reader = (TestClient(verbs.service(db_url, cache=False, shared=True)) for _ in range(2))
    with writer, reader:
        auth = {"Authorization": f"Bearer {verbs.create_token('ana', db_url)}"}
        etag, provision = _patriot(writer)
        url = RECORD + "/provisions/patriot"
        query = "/api/v1/provisions?agreement=ua-ro-2024&limit=1000"
        for n in range(4):
            body = {**provision, "object": f"seen {n}"}
            answer = writer.put(url, json=body, headers={**auth, "If-Match": etag})
            assert answer.status_code == 200
            etag = answer.headers["etag"]
            items = reader.get(query).json()["items"]
            assert next(p for p in items if p["id"] == "patriot")["object"] == f"seen {n}"
    for client in (writer, reader):
        client.app.state.config.engine.dispose()  # type: ignore[attr-defined]
