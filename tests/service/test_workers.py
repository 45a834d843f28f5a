"""`serve --workers`: several processes on one registry answer as one service.

Each worker keeps its own response cache, and uvicorn hands each new connection to
whichever worker accepts it; a curator's write through one must show in every other's
next answer (body and ETag), and writers of different processes queue for SQLite's lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pactwatch import verbs
from pactwatch.store.write_queue import WriteQueue, lock_path
from tests.service.test_browser import free_port

AID = "ua-ro-2024"
LIST = f"/api/v1/provisions?agreement={AID}&limit=200"


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def serving(db: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`serve --workers 2 --cache` on `db`, once it answers: its base URL and process."""
    port = free_port()
    command = [sys.executable, "-m", "pactwatch", "serve", "--db", db]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2", "--cache"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                if httpx.get(f"{base}/api/v1/agreements", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def workers(data_registry: Path) -> Iterator[tuple[str, str, subprocess.Popen[bytes]]]:
    """Two workers on a copy of the dataset, response cache on; their base URL and db."""
    for base, process in serving(str(data_registry)):
        yield base, str(data_registry), process


def _patriot(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return dict(next(p for p in response.json()["items"] if p["id"] == "patriot"))


def _each_connection(base: str, times: int = 12) -> list[httpx.Response]:
    """The list asked on a new connection each time, so both workers answer some."""
    return [httpx.get(base + LIST, headers={"Connection": "close"}) for _ in range(times)]


def test_a_write_through_one_worker_shows_in_every_answer(
    workers: tuple[str, str, subprocess.Popen[bytes]],
) -> None:
    base, db, process = workers
    assert len(_children(process.pid)) >= 2, "serve --workers 2 started fewer processes"
    auth = {"Authorization": f"Bearer {verbs.create_token('ana', db)}"}
    url = f"{base}/api/v1/agreements/{AID}/provisions/patriot"
    for year in ("2031", "2032", "2033"):
        before = _each_connection(base)  # both workers cache the answer
        tags = {r.headers["etag"] for r in before}
        assert len(tags) == 1, tags
        record = httpx.get(f"{base}/api/v1/agreements/{AID}")
        current = next(p for p in record.json()["provisions"] if p["id"] == "patriot")
        edited = {**current, "timing": year}
        headers = {**auth, "If-Match": record.headers["etag"]}
        written = httpx.put(url, json=edited, headers=headers)
        assert written.status_code == 200, written.text
        after = _each_connection(base)
        assert {_patriot(r)["timing"] for r in after} == {year}
        assert not tags & {r.headers["etag"] for r in after}
        stale = httpx.get(base + LIST, headers={"If-None-Match": tags.pop()})
        assert stale.status_code == 200


def test_writers_of_two_workers_all_land(
    workers: tuple[str, str, subprocess.Popen[bytes]],
) -> None:
    """Two curators writing at once, each through whichever worker takes the connection:
    none refused, none lost."""
    base, db, _ = workers
    auth = {"Authorization": f"Bearer {verbs.create_token('ana', db)}"}
    statuses: list[int] = []
    last: dict[str, str] = {}

    def curator(agreement: str) -> None:
        for i in range(6):
            page = httpx.get(f"{base}/api/v1/agreements/{agreement}")
            provision = page.json()["provisions"][0]
            edited = {**provision, "condition": f"edit {i}"}
            url = f"{base}/api/v1/agreements/{agreement}/provisions/{provision['id']}"
            headers = {**auth, "If-Match": page.headers["etag"], "Connection": "close"}
            statuses.append(httpx.put(url, json=edited, headers=headers).status_code)
        last[agreement] = f"edit {i}"

    threads = [threading.Thread(target=curator, args=(a,)) for a in (AID, "ua-de-2024")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 12, statuses
    for agreement, condition in last.items():
        record = httpx.get(f"{base}/api/v1/agreements/{agreement}").json()
        assert record["provisions"][0]["condition"] == condition


def _holds(queue: WriteQueue, entered: threading.Event, leave: threading.Event) -> None:
    with queue.turn():
        entered.set()
        leave.wait(30)


def test_write_queues_sharing_a_lock_file_take_turns(tmp_path: Path) -> None:
    """Two queues (as in two processes: a flock belongs to each open of the file) wait for
    each other when they share a lock file, and do not when they don't."""
    database = tmp_path / "r.db"
    for shared, exclusive in ((lock_path(database), True), (None, False)):
        first, second = WriteQueue(shared), WriteQueue(shared)
        first_in, second_in, leave = threading.Event(), threading.Event(), threading.Event()
        holder = threading.Thread(target=_holds, args=(first, first_in, leave))
        holder.start()
        assert first_in.wait(10)
        done = threading.Event()
        done.set()
        waiter = threading.Thread(target=_holds, args=(second, second_in, done))
        waiter.daemon = True
        waiter.start()
        entered_while_held = second_in.wait(1.0)
        leave.set()
        holder.join()
        assert entered_while_held is not exclusive
        assert second_in.wait(10), "the waiting writer never got its turn"
        waiter.join(10)
    assert lock_path(database).parent == tmp_path and os.path.exists(lock_path(database))


def _waits(queue: WriteQueue, waited: threading.Event) -> None:
    queue.wait()
    waited.set()


def test_a_queue_tells_a_turn_held_elsewhere_and_waits_for_it_without_taking_it(
    tmp_path: Path,
) -> None:
    """`busy` sees a turn held by this process's other writers or by another open of the
    lock file (another process), and takes nothing itself; `wait` returns once the holder
    lets go, leaving the turn free for the waiter to take."""
    database = tmp_path / "r.db"
    mine, other = WriteQueue(lock_path(database)), WriteQueue(lock_path(database))
    assert not mine.busy()
    assert not other.busy()  # mine's probe let go of what it took
    for holder in (other, mine):  # another process's writer, then one of this process
        held, leave = threading.Event(), threading.Event()
        thread = threading.Thread(target=_holds, args=(holder, held, leave))
        thread.start()
        assert held.wait(10)
        assert mine.busy()
        waited = threading.Event()
        waiter = threading.Thread(target=_waits, args=(mine, waited))
        waiter.start()
        assert not waited.wait(0.3), "wait returned while the turn was held"
        leave.set()
        thread.join(10)
        assert waited.wait(10)
        waiter.join(10)
        assert not mine.busy() and not other.busy()
    alone = WriteQueue(None)
    assert not alone.busy()
    with alone.turn():
        assert alone.busy()
