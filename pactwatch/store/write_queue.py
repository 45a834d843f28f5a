"""Where SQLite writers wait for one another: a lock in this process, and across processes.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps
and retries in steps of up to 100 ms, so a write queued behind another starts up to
100 ms after that one ends. Writers of one process queue on a thread lock instead, and
when the service runs several worker processes on one file they also queue on an
advisory lock of a file beside it (`flock`, which wakes the next waiter as soon as the
holder lets go). The lock file is a separate file, never the database itself: closing
any descriptor of the database would drop the POSIX locks SQLite holds on it.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


def lock_path(database: Path) -> Path:
    """The lock file of a registry file: beside it, as SQLite's own -wal and -shm are."""
    return database.with_name(database.name + "-writers")


@dataclass
class WriteQueue:
    shared: Path | None = None
    """The lock file other processes writing this database also take (None: this process
    is the only writer)."""
    local: threading.Lock = field(default_factory=threading.Lock)

    def busy(self) -> bool:
        """Whether another writer holds the turn now (a hint: by the time the caller takes
        its turn, another may have taken it first). Costs three system calls."""
        if self.local.locked():
            return True
        if self.shared is None:
            return False
        descriptor = os.open(self.shared, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(descriptor)  # and with it the lock, if it was taken
        return False

    def wait(self) -> None:
        """Block until the writer holding the turn lets go, holding the turn only for the
        instant it gets it: lets a caller that must not block (an event loop) wait on a
        thread, then take its turn."""
        with self.turn():
            pass

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait until no other writer of this process, or of any process sharing
        `shared`, is writing; hold the turn for the block."""
        with self.local:
            if self.shared is None:
                yield
                return
            descriptor = os.open(self.shared, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
                yield
            finally:
                os.close(descriptor)  # closing releases the flock
