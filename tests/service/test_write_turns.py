"""A curator's write on the event loop: how often it gives up the loop, and in what order
reads and writes get it (`api/turns.py`, `api/writer.py`).

Every time a write's task gives up the loop, whatever became ready meanwhile runs first;
so the write path's suspensions are counted, and the read turns are checked for the order
they let reads and writes run in.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import threading
import time
from collections.abc import Awaitable, Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from pactwatch import verbs
from pactwatch.api.turns import ReadTurns, Turns, charge
from pactwatch.api.writer import HeldWriter
from pactwatch.store.write_queue import lock_path
from tests.service.conftest import (
    BACKENDS,
    DATA,
    Service,
    drop_schema,
    pg_url,
    reset_postgresql,
)
from tests.service.test_workers import serving

PATRIOT = "/api/v1/agreements/ua-ro-2024/provisions/patriot"
AGREEMENT = "/api/v1/agreements/ua-ro-2024"


class Suspensions:
    """Drives a coroutine and counts how often it gives up the loop."""

    def __init__(self, coroutine: Awaitable[None]) -> None:
        self.coroutine = coroutine
        self.count = 0

    def __await__(self) -> Generator[Any, Any, None]:
        inner = self.coroutine.__await__()
        value: Any = None
        error: BaseException | None = None
        while True:
            try:
                step = inner.throw(error) if error is not None else inner.send(value)
            except StopIteration:
                return
            self.count += 1
            try:
                value, error = (yield step), None
            except BaseException as raised:  # handed back into the coroutine, as await does
                value, error = None, raised


async def _call(
    app: Callable[..., Awaitable[None]],
    method: str,
    path: str,
    body: bytes,
    headers: dict[str, str],
) -> tuple[int, dict[str, str], bytes, int]:
    """One request straight through the ASGI app: status, headers, body, suspensions."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    driven = Suspensions(app(scope, receive, send))
    await driven
    start = sent[0]
    answer = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], answer, b"".join(m.get("body", b"") for m in sent[1:]), driven.count


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What is sent to anyio's thread pool while the test runs, in order."""
    sent: list[object] = []
    pool = anyio.to_thread.run_sync

    async def counted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        sent.append(func)
        return await pool(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return sent


def test_an_edit_gives_up_the_loop_never_on_sqlite_and_once_per_hop_elsewhere(
    writable: Service, hops: list[object]
) -> None:
    """On SQLite the token check and the edit run on the loop: no suspension, no thread.
    Elsewhere the edit is one hop to the held writer, never anyio's pool, and so is the
    token check, unless reads run on the loop (a server on this machine: `loop_reads`),
    where the token's one SELECT runs too; with writes on the loop as well, neither hops."""
    app = writable.client.app
    auth = {"Authorization": f"Bearer {verbs.create_token('ana', writable.url)}"}
    sqlite = writable.url.endswith(".db")
    n = 0

    async def edits() -> list[tuple[int, int]]:
        nonlocal n
        record = writable.client.get("/api/v1/agreements/ua-ro-2024")
        etag = record.headers["etag"]
        provision = next(p for p in record.json()["provisions"] if p["id"] == "patriot")
        done = []
        hops.clear()  # the read above went to a thread; the edits must not
        for _ in range(3):
            n += 1
            body = json.dumps({**provision, "object": f"edited {n}"}).encode()
            headers = {**auth, "If-Match": etag, "Content-Type": "application/json"}
            status, answer, _, suspended = await _call(app, "PUT", PATRIOT, body, headers)
            etag = answer.get("etag", etag)
            done.append((status, suspended))
        return done

    modes = [(True, True)] if sqlite else [(False, False), (True, False), (True, True)]
    for reads_on_loop, writes_on_loop in modes:
        app.state.config.reads_on_loop = reads_on_loop  # type: ignore[attr-defined]
        app.state.config.writes_on_loop = writes_on_loop  # type: ignore[attr-defined]
        done = asyncio.run(edits())
        assert [status for status, _ in done] == [200, 200, 200]
        expected = 0 if sqlite or writes_on_loop else 1 if reads_on_loop else 2
        assert [suspended for _, suspended in done] == [expected] * 3, reads_on_loop
        assert hops == []
        saved = writable.client.get("/api/v1/agreements/ua-ro-2024").json()
        assert next(p for p in saved["provisions"] if p["id"] == "patriot")["object"] == (
            f"edited {n}"
        )


def test_an_edit_waits_for_another_workers_write_off_the_loop(tmp_path: Path) -> None:
    """On SQLite an edit runs on the loop, but while another worker process holds the
    writers' turn (its lock file) it waits on a thread: the loop serves reads meanwhile,
    and the edit lands once the other write ends."""
    db = str(tmp_path / "r.db")
    verbs.load(db, [DATA])
    client = TestClient(verbs.service(db, cache=False, shared=True))
    answers: dict[str, Any] = {}
    with client:
        auth = {"Authorization": f"Bearer {verbs.create_token('ana', db)}"}
        record = client.get(AGREEMENT)
        provision = next(p for p in record.json()["provisions"] if p["id"] == "patriot")
        headers = {**auth, "If-Match": record.headers["etag"]}
        other_worker = os.open(lock_path(Path(db)), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(other_worker, fcntl.LOCK_EX)

            def edit() -> None:
                body = {**provision, "object": "edited after the other worker"}
                answers["edit"] = client.put(PATRIOT, json=body, headers=headers)

            def read() -> None:
                answers["read"] = client.get("/api/v1/provisions?agreement=ua-ro-2024")

            editing = threading.Thread(target=edit, daemon=True)
            editing.start()
            time.sleep(0.3)  # the edit is in, waiting for the turn
            reading = threading.Thread(target=read, daemon=True)
            reading.start()
            reading.join(5)
            served_while_held = "read" in answers
            edit_waited = editing.is_alive()
        finally:
            os.close(other_worker)  # the other worker's write ends
        editing.join(10)
        reading.join(10)
        saved = client.get(AGREEMENT).json()
    client.app.state.config.engine.dispose()  # type: ignore[attr-defined]
    assert served_while_held, "the loop was held by the edit's wait for the turn"
    assert edit_waited and answers["read"].status_code == 200
    assert answers["edit"].status_code == 200, answers["edit"].text
    patriot = next(p for p in saved["provisions"] if p["id"] == "patriot")
    assert patriot["object"] == "edited after the other worker"


def test_the_other_writes_take_the_writer_not_the_pool_elsewhere(
    writable: Service, hops: list[object]
) -> None:
    """An agreement's PUT and PATCH, a new provision, an event's POST and DELETE: on
    PostgreSQL each goes to the held writer (its token check too), never to anyio's pool; on
    SQLite the writes that validate whole records take one hop to a worker thread (so the
    loop keeps serving while they work) and the DELETE none."""
    app = writable.client.app
    auth = {"Authorization": f"Bearer {verbs.create_token('ana', writable.url)}"}
    sqlite = writable.url.endswith(".db")
    record = writable.client.get(AGREEMENT)
    agreement = record.json()
    new_provision = {**agreement["provisions"][0], "id": "added-by-test"}
    event = {
        "kind": "trigger",
        "subkind": "significant_escalation",
        "at": "2026-03-01T08:00:00+00:00",
        "sources": [{"url": "https://example.org/report"}],
        "agreements": ["ua-ro-2024"],
    }

    async def writes() -> list[tuple[str, int, int]]:
        etag = record.headers["etag"]
        done = []

        async def send(method: str, path: str, body: object, **extra: str) -> dict[str, str]:
            headers = {**auth, "Content-Type": "application/json", **extra}
            hops.clear()
            status, answer, raw, _ = await _call(
                app, method, path, json.dumps(body).encode(), headers
            )
            done.append((f"{method} {path}", status, len(hops)))
            return {**answer, "_body": raw.decode()}

        answer = await send(
            "PUT", AGREEMENT, {**agreement, "title": "Edited"}, **{"If-Match": etag}
        )
        patched = await send(
            "PATCH", AGREEMENT, {"title": "Patched"}, **{"If-Match": answer["etag"]}
        )
        await send(
            "POST", AGREEMENT + "/provisions", new_provision, **{"If-Match": patched["etag"]}
        )
        posted = await send("POST", "/api/v1/events", event)
        event_id = json.loads(posted["_body"])["id"]
        await send("DELETE", f"/api/v1/events/{event_id}", None)
        return done

    done = asyncio.run(writes())
    assert [status for _, status, _ in done] == [200, 200, 201, 201, 204], done
    whole = 0 if not sqlite else 1
    assert [count for _, _, count in done] == [whole, whole, whole, whole, 0], done
    saved = writable.client.get(AGREEMENT).json()
    assert saved["title"] == "Patched"
    assert any(p["id"] == "added-by-test" for p in saved["provisions"])


def test_a_forged_token_is_refused_in_one_hop_at_most(writable: Service) -> None:
    record = writable.client.get("/api/v1/agreements/ua-ro-2024")
    provision = next(p for p in record.json()["provisions"] if p["id"] == "patriot")
    body = json.dumps({**provision, "object": "x"}).encode()
    headers = {"Authorization": "Bearer pw_forged", "If-Match": record.headers["etag"]}
    sqlite = writable.url.endswith(".db")
    for on_loop in [True] if sqlite else [False, True]:
        writable.client.app.state.config.reads_on_loop = on_loop  # type: ignore[attr-defined]
        writable.client.app.state.config.writes_on_loop = False  # type: ignore[attr-defined]
        call = _call(writable.client.app, "PUT", PATRIOT, body, headers)
        status, _, _, suspended = asyncio.run(call)
        assert status == 401
        assert suspended == (0 if sqlite or on_loop else 1), on_loop
    after = writable.client.get("/api/v1/agreements/ua-ro-2024")
    assert after.headers["etag"] == record.headers["etag"]


def _order(budget_s: float, reads: int, waits_s: float = 0.0) -> list[str]:
    """Reads that each take their turn, then a write, all made before the loop runs; each
    read blocks the loop on a database for `waits_s` (charged, not slept)."""
    turns = Turns(budget_s)
    ran: list[str] = []

    async def read(n: int) -> None:
        await turns.take()
        charge(waits_s)
        ran.append(f"r{n}")

    async def write() -> None:
        ran.append("w")

    async def main() -> None:
        tasks = [asyncio.create_task(read(n)) for n in range(reads)]
        tasks.append(asyncio.create_task(write()))
        await asyncio.gather(*tasks)
        for _ in range(3):  # let the last tick see nobody waiting
            await asyncio.sleep(0)
        assert not turns.ticking and turns.waiting == 0

    asyncio.run(main())
    return ran


def test_a_write_goes_ahead_of_reads_past_the_turns_budget() -> None:
    # no budget: one read per turn, so the write made beside them runs after the first
    assert _order(0.0, 5) == ["r0", "w", "r1", "r2", "r3", "r4"]


def test_reads_within_the_budget_start_in_the_turn_they_came() -> None:
    assert _order(3600.0, 5) == ["r0", "r1", "r2", "r3", "r4", "w"]


def test_a_reads_wait_on_the_database_counts_towards_the_turn() -> None:
    """A read blocking the loop on PostgreSQL spends the turn's budget as CPU would: the
    write goes after the first read, not after all of them."""
    assert _order(1.0, 4, waits_s=0.0) == ["r0", "r1", "r2", "r3", "w"]
    assert _order(1.0, 4, waits_s=2.0) == ["r0", "w", "r1", "r2", "r3"]


def test_a_read_cancelled_while_waiting_gives_up_its_turn() -> None:
    turns = Turns(0.0)
    ran: list[str] = []

    async def read(name: str) -> None:
        await turns.take()
        ran.append(name)

    async def main() -> None:
        first = asyncio.create_task(read("first"))
        gone = asyncio.create_task(read("gone"))
        last = asyncio.create_task(read("last"))
        await asyncio.sleep(0)  # each has asked once; only the first was let in
        gone.cancel()
        await asyncio.gather(first, last)
        with pytest.raises(asyncio.CancelledError):
            await gone
        for _ in range(3):
            await asyncio.sleep(0)
        assert not turns.ticking and turns.waiting == 0

    asyncio.run(main())
    assert ran == ["first", "last"]


async def _never_received() -> Message:
    raise AssertionError("the layer itself reads nothing")


async def _never_sent(message: Message) -> None:
    raise AssertionError("the layer itself sends nothing")


def test_read_turns_meter_gets_and_heads_only() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope.get("method", scope["type"]))

    layer = ReadTurns(app, budget_s=0.0)

    async def main() -> list[int]:
        counts = []
        for scope in (
            {"type": "http", "method": "GET"},  # the first read of a burst starts at once
            {"type": "http", "method": "HEAD"},  # past the budget: waits for the next turn
            {"type": "http", "method": "PUT"},
            {"type": "http", "method": "DELETE"},
            {"type": "lifespan"},
        ):
            driven = Suspensions(layer(scope, _never_received, _never_sent))
            await driven
            counts.append(driven.count)
        return counts

    assert asyncio.run(main()) == [0, 1, 0, 0, 0]
    assert seen == ["GET", "HEAD", "PUT", "DELETE", "lifespan"]


@pytest.fixture(params=BACKENDS)
def two_workers(request: pytest.FixtureRequest, data_registry: Path) -> Iterator[tuple[str, str]]:
    """`serve --workers 2` on the dataset, on each backend: its base URL and registry."""
    if request.param == "sqlite":
        yield from _serving(str(data_registry))
        return
    url = pg_url()
    reset_postgresql(url)
    try:
        verbs.load(url, [DATA])
        yield from _serving(url)
    finally:
        drop_schema(url)


def _serving(db: str) -> Iterator[tuple[str, str]]:
    for base, _ in serving(db):
        yield base, db


def test_edits_of_one_agreement_through_two_workers_take_turns(
    two_workers: tuple[str, str],
) -> None:
    """Two curators edit two provisions of one agreement at once, each request on a new
    connection (so both workers write): every edit lands once, in some order, and the
    agreement's write version and history count each of them."""
    base, db = two_workers
    auth = {"Authorization": f"Bearer {verbs.create_token('ana', db)}"}
    page = httpx.get(f"{base}/api/v1/agreements/ua-ro-2024")
    version = int(page.headers["etag"].strip('"').split("-")[0][1:])
    first, second = page.json()["provisions"][:2]
    statuses: list[int] = []
    edits = 8

    def curator(provision: dict[str, Any]) -> None:
        url = f"{base}/api/v1/agreements/ua-ro-2024/provisions/{provision['id']}"
        for n in range(edits):
            headers = {**auth, "If-Match": "*", "Connection": "close"}
            edited = {**provision, "condition": f"{provision['id']} edit {n}"}
            statuses.append(httpx.put(url, json=edited, headers=headers).status_code)

    threads = [threading.Thread(target=curator, args=(p,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 2 * edits, statuses
    after = httpx.get(f"{base}/api/v1/agreements/ua-ro-2024")
    assert int(after.headers["etag"].strip('"').split("-")[0][1:]) == version + 2 * edits
    provisions = {p["id"]: p for p in after.json()["provisions"]}
    for provision in (first, second):
        assert provisions[provision["id"]]["condition"] == f"{provision['id']} edit {edits - 1}"
    entries: list[dict[str, Any]] = []
    url: str | None = "/api/v1/agreements/ua-ro-2024/history"
    while url is not None:
        answer = httpx.get(base + url, headers=auth).json()
        entries += answer["items"]
        url = answer["next"]
    assert len(entries) == 2 * edits


def test_an_idle_writer_returns_its_connection_and_a_new_one_starts(writable: Service) -> None:
    registry = writable.client.app.state.config.writes  # type: ignore[attr-defined]
    writer = HeldWriter(registry, idle_s=0.05)
    pool = registry.engine.pool
    before = pool.checkedout()

    async def check() -> str | None:
        return await writer.run(lambda: registry.token_owner("pw_forged"))

    for _ in range(2):
        assert asyncio.run(check()) is None
        deadline = time.monotonic() + 30
        while pool.checkedout() > before and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool.checkedout() == before
