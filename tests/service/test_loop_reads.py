"""PostgreSQL's quick reads on the event loop (`api/loop_reads.py`): where they run, and what
happens when one is held up.

A read run on the loop blocks every other request of its worker process while it waits,
so it must never wait long: one the server has not answered within the limit is cancelled
there, answered on a held-read thread instead, and the loop sends its reads to the threads
for a while. These tests hold a read up with a lock, as a load rebuilding indexes would.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import make_url, text

from pactwatch.api.loop_reads import LOOP_READS, LoopReads, loop_reads, on_this_machine
from pactwatch.store import open_engine
from tests.service.test_held_reads import ON_POSTGRESQL, _shared, counted_runs

PAGE = "/api/v1/provisions?domain=air_defence&limit=3"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("postgresql://u:p@127.0.0.1:5432/db", True),
        ("postgresql://u:p@localhost/db", True),
        ("postgresql://u:p@[::1]:5432/db", True),
        ("postgresql://u:p@127.0.1.1/db", True),
        ("postgresql:///db", True),  # libpq's default: the Unix socket
        ("postgresql://u:p@/db?host=/var/run/postgresql", True),
        ("postgresql://u:p@db.example.org:5432/db", False),
        ("postgresql://u:p@10.0.0.7/db", False),
        ("postgresql://u:p@/db?host=db.internal", False),
        ("postgresql://u:p@localhost.example.org/db", False),
    ],
)
def test_reads_block_the_loop_only_for_a_server_on_this_machine(url: str, local: bool) -> None:
    assert on_this_machine(make_url(url)) is local


@ON_POSTGRESQL
def test_a_read_held_up_on_the_loop_is_answered_on_a_thread(
    loaded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locked out past the limit, a read leaves the loop (which goes on serving) for a
    thread, which answers it once the lock goes; reads then skip the loop for the pause,
    and the loop's connection, whose statement was only cancelled, serves after it."""
    runs = counted_runs(monkeypatch)
    service = _shared(loaded, cache=False, on_loop=True)
    engine = service.client.app.state.config.engine  # type: ignore[attr-defined]
    reads: LoopReads = loop_reads(engine)
    reads.limit_ms = 100
    locker = open_engine(loaded)
    held: dict[str, Any] = {}
    try:
        with service.client as client:
            before = client.get(PAGE)
            assert runs == ["loop"]
            runs.clear()
            loop_pid = _loop_backend(reads)
            with locker.connect() as connection:
                # should the loop stay blocked, the server ends this in 5 s: a failure, no hang
                connection.execute(text("SET idle_in_transaction_session_timeout = 5000"))
                connection.execute(text("LOCK TABLE registry_state IN ACCESS EXCLUSIVE MODE"))
                waiting = threading.Thread(target=lambda: held.update(answer=client.get(PAGE)))
                started = time.monotonic()
                waiting.start()
                while "thread" not in runs and time.monotonic() - started < 10:
                    time.sleep(0.01)
                # the loop is free while the thread waits: a page needing no read answers
                free = client.get("/static/site.css")
                freed_after = time.monotonic() - started
                assert waiting.is_alive()
                connection.rollback()  # the lock goes
            waiting.join(10)
            paused = reads.paused_until - time.monotonic()
            runs.clear()
            during_pause = client.get(PAGE)
            assert runs == ["loop", "thread"]  # the loop's reads, passed to a thread
            runs.clear()
            reads.paused_until = 0.0
            after_pause = client.get(PAGE)
            assert runs == ["loop"]
            assert _loop_backend(reads) == loop_pid  # the same connection, kept
    finally:
        locker.dispose()
        service.close()
    answer: httpx.Response = held["answer"]
    assert free.status_code == 200 and freed_after < 2.5
    assert runs == ["loop"]
    assert 0 < paused <= reads.pause_s
    assert [r.status_code for r in (before, answer, during_pause, after_pause)] == [200] * 4
    assert answer.content == during_pause.content == after_pause.content == before.content


def _loop_backend(reads: LoopReads) -> int:
    """The server process of the one connection the loop holds."""
    (connection,) = reads._connections.values()
    driver = connection.connection.driver_connection
    assert driver is not None
    pid: int = driver.info.backend_pid
    return pid


@ON_POSTGRESQL
def test_the_loops_connection_is_let_go_when_the_service_stops(loaded: str) -> None:
    """Held outside the pool (its statements carry a time limit), the loop's connection is
    closed on shutdown, not left to the garbage collector or handed to another user."""
    service = _shared(loaded, cache=False, on_loop=True)
    engine = service.client.app.state.config.engine  # type: ignore[attr-defined]
    try:
        with service.client as client:
            assert client.get(PAGE).status_code == 200
            pid = _loop_backend(getattr(engine, LOOP_READS))
        assert getattr(engine, LOOP_READS)._connections == {}
        with engine.connect() as connection:
            alive = connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            ).scalar_one()
            limit = connection.execute(text("SHOW statement_timeout")).scalar_one()
    finally:
        service.close()
    assert alive == 0
    assert limit == "0"  # the pool's connections never took the loop's limit


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_an_edit_held_up_by_a_lock_goes_to_the_writer_and_lands(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit on the loop waiting for a lock past the limit is given up by the server
    before it wrote anything, run again on the held writer's thread (which waits for the
    lock while the loop serves reads), and lands once; edits skip the loop for the pause."""
    from pactwatch import verbs
    from pactwatch.api.writer import HeldWriter, LoopWrites, loop_writes
    from tests.service.conftest import DATA, make_service
    from tests.service.test_api_write import PATRIOT, history, patriot, read, token

    sent = counted_runs(monkeypatch, {"writer": HeldWriter, "loop": LoopWrites})
    verbs.load(db_url, [DATA])
    service = make_service(db_url)
    config = service.client.app.state.config  # type: ignore[attr-defined]
    config.reads_on_loop = config.writes_on_loop = True
    writes = loop_writes(config.writes)
    writes.limit_ms = 100
    locker = open_engine(db_url)
    done: dict[str, Any] = {}
    try:
        with service.client as client:
            auth = token(service)
            record, etag = read(service)
            first = {**patriot(record), "timing": "first"}
            landed = client.put(PATRIOT, json=first, headers={**auth, "If-Match": etag})
            assert sent == ["loop"]
            sent.clear()
            second = {**patriot(record), "timing": "second"}
            headers = {**auth, "If-Match": landed.headers["etag"]}
            with locker.connect() as connection:
                connection.execute(text("SET idle_in_transaction_session_timeout = 5000"))
                connection.execute(text("SELECT * FROM registry_state FOR UPDATE"))

                def edit() -> None:
                    done["answer"] = client.put(PATRIOT, json=second, headers=headers)

                waiting = threading.Thread(target=edit)
                started = time.monotonic()
                waiting.start()
                while "writer" not in sent and time.monotonic() - started < 10:
                    time.sleep(0.01)
                page = client.get(PAGE)  # a read is not held by a row lock, nor by the loop
                served_after = time.monotonic() - started
                assert waiting.is_alive()
                connection.rollback()
            waiting.join(10)
            paused = writes.paused_until - time.monotonic()
            after, _ = read(service)
            entries = history(service)
    finally:
        locker.dispose()
        service.close()
    assert sent[:2] == ["loop", "writer"]
    assert page.status_code == 200 and served_after < 2.5
    assert done["answer"].status_code == 200, done["answer"].text
    assert 0 < paused <= writes.pause_s
    assert patriot(after)["timing"] == "second"
    assert len(entries) == 2  # each edit once: the one given up wrote nothing
