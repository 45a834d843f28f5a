"""Monitoring news archives: every document linked to the agreements, on Dask.

A stage after `link`: it reads an archive of `{id, date, url, text}` in chunks, runs the
link function over every document (a plain loop, or a Dask cluster), and writes proposed
events as Parquet partitioned by date, resumable chunk by chunk. Dask is imported only by
`cluster`, so the plain loop works without starting a scheduler.
"""

from pactwatch.monitor.run import (
    DEFAULT_CHUNK_BYTES,
    MonitorResult,
    in_process,
    monitor,
    on_dask,
    summary,
)
from pactwatch.monitor.work import ChunkCounts, Linker, LinkFunction

__all__ = [
    "DEFAULT_CHUNK_BYTES",
    "ChunkCounts",
    "LinkFunction",
    "Linker",
    "MonitorResult",
    "in_process",
    "monitor",
    "on_dask",
    "summary",
]
