"""SQLite's checkpoints on a thread of their own (`store/checkpoints.py`): the service's
commits never copy the log back, the thread does, and it comes and goes with the writes."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pactwatch import verbs
from pactwatch.store.checkpoints import Checkpoints
from pactwatch.store.registry import Registry
from tests.service.conftest import DATA, Service, make_service
from tests.service.test_api_write import PATRIOT, patriot, read, token

ON_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _autocheckpoint(engine: Engine) -> int:
    with engine.connect() as connection:
        pages: int = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()
        return pages


def _until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@ON_SQLITE
def test_the_services_commits_leave_the_checkpoints_to_its_thread(db_url: str) -> None:
    verbs.load(db_url, [DATA])
    command_line = Registry.open(db_url)
    before = Registry.open(db_url)
    opened_before = _autocheckpoint(before.engine)  # a pooled connection, opened already
    before.checkpoint_in_background()
    service: Service = make_service(db_url)
    config = service.client.app.state.config  # type: ignore[attr-defined]
    checkpoints = config.writes.checkpoints
    assert checkpoints is not None
    checkpoints.interval_s = 0.05
    try:
        record, etag = read(service)
        edited = {**patriot(record), "timing": "2025"}
        headers = {**token(service), "If-Match": etag}
        assert service.client.put(PATRIOT, json=edited, headers=headers).status_code == 200
        copied = _until(lambda: checkpoints.passes > 0)
        assert _autocheckpoint(config.engine) == 0
        assert _autocheckpoint(before.engine) == 0  # the pool's idle one reconnected
    finally:
        service.close()
        before.close()
    assert opened_before == 1000
    assert _autocheckpoint(command_line.engine) == 1000  # the command line keeps SQLite's own
    command_line.close()
    assert copied and checkpoints.last is not None
    busy, in_log, copied_back = checkpoints.last
    assert busy == 0 and in_log > 0 and copied_back == in_log  # the edit's pages, all copied


def test_the_thread_ends_after_writes_stop_and_the_next_write_starts_one(tmp_path: Path) -> None:
    verbs.load(str(tmp_path / "r.db"), [DATA])
    checkpoints = Checkpoints(tmp_path / "r.db", interval_s=0.02, idle_s=0.1)
    assert not checkpoints.running
    checkpoints.wrote()
    assert checkpoints.running
    assert _until(lambda: not checkpoints.running)
    first = checkpoints.passes
    checkpoints.wrote()
    assert checkpoints.running
    assert _until(lambda: checkpoints.passes > first)
    assert first == 1  # one pass per burst of writes, none while idle


def test_a_pass_never_makes_a_file(tmp_path: Path) -> None:
    missing = tmp_path / "gone.db"
    checkpoints = Checkpoints(missing)
    checkpoints.checkpoint()
    assert not missing.exists()
    assert checkpoints.passes == 0 and checkpoints.last is None
