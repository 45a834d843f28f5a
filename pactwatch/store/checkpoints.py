"""SQLite's checkpoints on a thread of their own, never in a writer's commit.

In WAL mode SQLite copies the log back into the database file (a checkpoint) inside the
commit that takes the log past 1,000 pages, and with `synchronous=NORMAL` that checkpoint
is also where the file is synced to disk. The service's edits commit on the event loop
(`api/writer.py`), so one edit in some tens waited for a checkpoint and its fsync, and
every read of its worker process waited with it. Measured at 100,000 provisions, two
curators writing and no readers (`benchmarks.serve_scaling --writes-only`): writes' p99
24.8 ms with the commits' checkpoints, 13.1 and 16.0 ms without.

A registry that checkpoints in the background (`Registry.checkpoint_in_background`, which
the service calls) turns the commits' checkpoints off on its connections
(`wal_autocheckpoint=0`) and, after writes, runs a PASSIVE checkpoint here every
`INTERVAL_S` while they keep coming; the thread ends after `IDLE_S` without one and the
next write starts another. PASSIVE never waits for a reader or a writer: frames a reader
still needs are copied by a later pass, and SQLite starts the log afresh once all are. The
sqlite3 module lets go of the interpreter while SQLite works, so the loop serves on
during the copy and the fsync. Other processes (the command line) keep SQLite's own
checkpoints.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

INTERVAL_S = 0.5
"""How soon after a write its pages are copied back: the log holds at most about this
long's writes (a few MB while curators edit, as with SQLite's own 1,000 pages)."""
IDLE_S = 10.0
BUSY_MS = 1000
"""How long a pass waits for SQLite's own locks (a load holding the file) before trying
again at the next interval."""


class Checkpoints:
    """The background checkpoints of one SQLite file."""

    def __init__(self, path: Path, interval_s: float = INTERVAL_S, idle_s: float = IDLE_S) -> None:
        self.path = path
        self.interval_s = interval_s
        self.idle_s = idle_s
        self.last: tuple[int, int, int] | None = None
        """What the last pass returned: busy (1 if it could not finish), pages in the log,
        pages copied back."""
        self.passes = 0
        self._lock = threading.Lock()
        self._due = False
        self._thread: threading.Thread | None = None

    def wrote(self) -> None:
        """After a commit: copy its pages back within `interval_s`."""
        with self._lock:
            self._due = True
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="wal-checkpoint", daemon=True
                )
                self._thread.start()

    @property
    def running(self) -> bool:
        with self._lock:
            return self._thread is not None

    def _run(self) -> None:
        quiet_since = time.monotonic()
        while True:
            time.sleep(self.interval_s)
            with self._lock:
                due, self._due = self._due, False
                if not due and time.monotonic() - quiet_since >= self.idle_s:
                    self._thread = None
                    return
            if due:
                self.checkpoint()
                quiet_since = time.monotonic()

    def checkpoint(self) -> None:
        """One PASSIVE checkpoint, on a connection of its own. A failure (the file locked
        past `BUSY_MS`, gone) is left for the next pass, or for SQLite's own checkpoint
        when the last connection closes."""
        try:
            uri = self.path.resolve().as_uri() + "?mode=rw"  # never makes a file
            connection = sqlite3.connect(uri, timeout=BUSY_MS / 1000, uri=True)
        except sqlite3.Error:
            return
        try:
            row = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.last = (int(row[0]), int(row[1]), int(row[2]))
            self.passes += 1
        except sqlite3.Error:
            return
        finally:
            connection.close()
