"""The Dask cluster a run uses: a local one sized by `workers`, or one already running."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import dask
from distributed import Client, LocalCluster


@contextmanager
def dask_client(
    workers: int = 2, scheduler: str | None = None, *, processes: bool = True
) -> Iterator[Client]:
    """A client on `scheduler`, or on a local cluster of `workers` single-threaded
    processes (the linker is pure Python: threads would share one interpreter lock).
    The local cluster serves HTTP on a free port, logs only errors and is closed on exit."""
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    with (
        # One chunk at a time per worker thread: a chunk is tens of seconds of work, so
        # queueing a second one on a worker gains nothing, and if a document kills the
        # worker only the chunk it was running is suspected, not one merely queued there.
        dask.config.set({"distributed.scheduler.worker-saturation": 1.0}),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=":0",  # its HTTP server on any free port, not 8787
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
