"""PostgreSQL's quick reads: the driver's cursor and the held connections answer as before.

`store.cursor_rows` sends the statements the query module builds once to psycopg's cursor,
past SQLAlchemy's result machinery; `api.held_reads` runs the quick answers on threads
that keep their connection. Each page, count, facet list and document they give must be
what `Connection.execute` gives for the same statement (on SQLite, where the cursor path
is not taken, the two are trivially the same), and a held connection the server dropped
must be replaced without the reader seeing an error.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import Connection, text

from pactwatch.api.held_reads import held_reads, read_connection
from pactwatch.store import cursor_rows, open_engine, query, summary
from tests.service.conftest import Service, make_service

FILTERS = [
    query.ProvisionFilter(),
    query.ProvisionFilter(domain="air_defence"),
    query.ProvisionFilter(agreement="ua-ro-2024", kind="action"),
    query.ProvisionFilter(actor="RO", partner="RO"),
    query.ProvisionFilter(beneficiary="UA", domain="training"),
]


def _through_sqlalchemy(
    connection: Connection, statement: Any, params: dict[str, Any], text_as_bytes: bool = False
) -> Sequence[Sequence[Any]]:
    rows = connection.execute(statement, params).all()
    if text_as_bytes:
        return [tuple(v.encode() if isinstance(v, str) else v for v in r) for r in rows]
    return rows


def _walk(connection: Connection, f: query.ProvisionFilter, sort: query.Sort) -> list[Any]:
    """Every page of a filter in a sort, 7 at a time, with the cursors between them."""
    pages: list[Any] = []
    after = None
    while True:
        page = query.provision_page(connection, f, sort, 7, after)
        pages.append(([(r.agreement_id, r.record, r.key) for r in page.items], page.next_key))
        if page.next_key is None or len(pages) > 40:
            return pages
        after = page.next_key


def _answers(connection: Connection) -> list[Any]:
    out: list[Any] = [query.document_bytes(connection, summary.MATRIX)]
    for f in FILTERS:
        out += [query.count_provisions(connection, f), query.facets(connection, f)]
        for name in query.SORTS:
            for descending in (False, True):
                out.append(_walk(connection, f, query.Sort(name, descending)))
    return out


def test_the_cursor_answers_as_sqlalchemy_does(
    loaded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = open_engine(loaded)
    try:
        with engine.connect() as connection:
            direct = _answers(connection)
            monkeypatch.setattr(cursor_rows, "rows", _through_sqlalchemy)
            through = _answers(connection)
            stored = summary.document(connection, summary.MATRIX)
    finally:
        engine.dispose()
    assert direct == through
    assert stored is not None and direct[0] == stored.encode()
    assert any(isinstance(x, list) and len(x) > 1 for x in direct)  # cursors were followed


def test_the_cursor_path_tells_the_engine_each_statement(loaded: str) -> None:
    """What listens to the engine (the query-plan tests) sees the cursor's statements."""
    from sqlalchemy import event

    engine = open_engine(loaded)
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    try:
        with engine.connect() as connection:
            query.provision_page(connection, FILTERS[1], query.Sort("agreement"), 5)
            query.document_bytes(connection, summary.MATRIX)
    finally:
        engine.dispose()
    assert any("provision_domains" in s for s in seen), seen
    assert any("summary_documents" in s for s in seen), seen


def _held_pids(service: Service) -> set[int]:
    engine = service.client.app.state.config.engine  # type: ignore[attr-defined]
    pids = set()
    for held in held_reads(engine).connections():
        driver = held.connection.driver_connection
        assert driver is not None
        pids.add(driver.info.backend_pid)
    return pids


def _end_held(service: Service) -> set[int]:
    """End the server backends of the service's held connections; their process ids.

    Only those: other tests, in other workers, share the server and its database."""
    pids = _held_pids(service)
    killer = open_engine(service.url)
    try:
        with killer.connect() as connection:
            for pid in pids:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        killer.dispose()
    return pids


ON_POSTGRESQL = pytest.mark.parametrize("loaded", ["postgresql"], indirect=True)
"""Held connections are PostgreSQL's (SQLite answers quick reads on the event loop)."""


@ON_POSTGRESQL
@pytest.mark.parametrize("on_loop", [False, True], ids=["threads", "loop"])
def test_a_dropped_held_connection_is_replaced(loaded: str, on_loop: bool) -> None:
    service = make_service(loaded)
    paths = [
        "/api/v1/provisions?domain=air_defence&limit=3",
        "/api/v1/search?domain=training&limit=2",
        "/api/v1/compare",
    ]
    try:
        service.client.app.state.config.cache_responses = False  # type: ignore[attr-defined]
        service.client.app.state.config.reads_on_loop = on_loop  # type: ignore[attr-defined]
        with service.client as client:
            before = [client.get(p) for p in paths]
            ended = _end_held(service)
            after = [client.get(p) for p in paths]
            now = _held_pids(service)
    finally:
        service.close()
    assert [r.status_code for r in before] == [200, 200, 200]
    assert [(r.status_code, r.content) for r in after] == [(200, b.content) for b in before]
    assert ended and now - ended  # a lost connection was replaced by a new one


@ON_POSTGRESQL
def test_held_reads_keep_one_autocommit_connection(loaded: str) -> None:
    """A quick read sends its statements alone: no checkout, ping, BEGIN or ROLLBACK."""
    engine = open_engine(loaded)
    held = held_reads(engine)

    def produce() -> tuple[int, bool, str]:
        with read_connection(engine) as connection:
            query.provision_page(connection, FILTERS[1], query.Sort("agreement"), 5)
            driver = connection.connection.driver_connection
            assert driver is not None
            return driver.info.backend_pid, driver.autocommit, driver.info.transaction_status.name

    async def twice() -> list[tuple[int, bool, str]]:
        return [await held.run(produce), await held.run(produce)]

    try:
        first, second = asyncio.run(twice())
    finally:
        engine.dispose()
    assert first == second  # the same backend both times: the connection was kept
    assert first[1:] == (True, "IDLE")  # autocommit: no transaction left open after a read


def _shared(loaded: str, cache: bool, on_loop: bool = False) -> Service:
    """A service reading the generation before every answer, as `serve --workers` does;
    `on_loop`: its PostgreSQL reads block the event loop (`loop_reads`), else they go to
    held-read threads."""
    service = make_service(loaded)
    config = service.client.app.state.config  # type: ignore[attr-defined]
    config.generation_ttl = 0.0
    config.cache_responses = cache
    config.reads_on_loop = on_loop
    return service


def counted_runs(monkeypatch: pytest.MonkeyPatch, kinds: dict[str, Any] | None = None) -> list[str]:
    """The work sent to each kind's `run`, by name: by default the reads sent to a
    held-read thread ("thread") or to the loop's ("loop"; one the loop passes on to a
    thread shows as both)."""
    from pactwatch.api.held_reads import HeldReads
    from pactwatch.api.loop_reads import LoopReads

    runs: list[str] = []
    for name, kind in (kinds or {"thread": HeldReads, "loop": LoopReads}).items():

        def wrapped(run: Any, name: str) -> Any:
            async def counted(self: Any, work: Any) -> Any:
                runs.append(name)
                return await run(self, work)

            return counted

        monkeypatch.setattr(kind, "run", wrapped(kind.run, name))
    return runs


@ON_POSTGRESQL
def test_a_shared_service_reads_generation_and_answer_in_one_hop(
    loaded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uncached, one read per answer (on a held-read worker, or on the loop when the
    server shares the machine); a client's current tag still gets 304 without the page
    being read, and a cached answer is not read again. Both ways answer alike."""
    from sqlalchemy import event

    hops = counted_runs(monkeypatch)
    paths = [
        "/api/v1/provisions?domain=air_defence&limit=3",
        "/api/v1/search?domain=training&limit=2",
        "/api/v1/compare",
    ]
    statements = dict(zip(paths, (2, 3, 2), strict=True))  # the generation's and the answer's
    seen: list[str] = []
    answers: dict[tuple[bool, bool], list[tuple[int, bytes, str]]] = {}
    for cache, on_loop in itertools.product((False, True), (False, True)):
        service = _shared(loaded, cache, on_loop)
        engine = service.client.app.state.config.engine  # type: ignore[attr-defined]
        event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        try:
            with service.client as client:
                for path in paths:
                    hops.clear()
                    first = client.get(path)
                    assert hops == ["loop" if on_loop else "thread"], (path, cache, on_loop)
                    seen.clear()
                    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
                    assert again.status_code == 304
                    assert len(seen) == 1 and "registry_state" in seen[0], seen
                    seen.clear()
                    third = client.get(path)
                    assert third.content == first.content
                    assert len(seen) == (1 if cache else statements[path]), seen
                    answers.setdefault((cache, on_loop), []).append(
                        (first.status_code, first.content, first.headers["ETag"])
                    )
        finally:
            service.close()
    first_answers = answers[False, False]
    assert all(found == first_answers for found in answers.values())
    assert all(status == 200 for status, _, _ in first_answers)


@ON_POSTGRESQL
def test_a_connection_keeps_one_cursor_and_replaces_it_after_an_error(loaded: str) -> None:
    """The built-once statements share one psycopg cursor per connection, another
    connection has its own; a statement the server refuses closes it (as `execute` closes
    its cursor), and the next statement makes a new one and answers as before."""
    from sqlalchemy import literal_column, select
    from sqlalchemy.exc import DBAPIError

    engine = open_engine(loaded).execution_options(isolation_level="AUTOCOMMIT")
    failing: Any = select(literal_column("1 / (SELECT count(*) - count(*) FROM registry_state)"))
    try:
        with engine.connect() as connection:
            before = query.provision_page(connection, FILTERS[1], query.Sort("agreement"), 5)
            cursor = connection.connection.info[cursor_rows._CURSOR][1]
            query.provision_page(connection, FILTERS[2], query.Sort("id"), 5)
            kept = connection.connection.info[cursor_rows._CURSOR][1] is cursor
            with engine.connect() as second:
                query.provision_page(second, FILTERS[1], query.Sort("agreement"), 5)
                own = second.connection.info[cursor_rows._CURSOR][1] is not cursor
            with pytest.raises(DBAPIError):
                cursor_rows.rows(connection, failing, {})
            after = query.provision_page(connection, FILTERS[1], query.Sort("agreement"), 5)
            replaced = connection.connection.info[cursor_rows._CURSOR][1]
    finally:
        engine.dispose()
    assert kept and own
    assert cursor.closed and replaced is not cursor
    assert before == after and before.items
