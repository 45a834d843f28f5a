"""A monitoring run: plan the chunks, skip the done ones, run the rest, gather the counts.

How the chunks run is the caller's choice: `in_process` is a plain loop (the baseline,
and what tests compare Dask against); `on_dask` hands them to a Dask cluster, local or
remote. Either way each chunk writes its own output, so the run's result is the same
files whichever ran it, and a run stopped part-way leaves every finished chunk done.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pactwatch.model import PactwatchError
from pactwatch.monitor.archive import Chunk, archive_files, plan_chunks
from pactwatch.monitor.output import claim, done_counts, gather_errors
from pactwatch.monitor.schema import PARTITION
from pactwatch.monitor.work import ChunkCounts, Linker, run_chunk

if TYPE_CHECKING:
    from distributed import Client

Executor = Callable[[list[Chunk], Linker, Path], Iterator[ChunkCounts]]
DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024


@dataclass
class MonitorResult:
    out: Path
    chunks: int = 0
    skipped: int = 0
    documents: int = 0
    proposals: int = 0
    failed: int = 0
    dates: int = 0
    seconds: float = 0.0
    errors_file: Path | None = None
    # peak resident memory (MB) of each process that ran chunks in this run, by pid
    peak_rss_mb: dict[int, float] = field(default_factory=dict)
    ran_documents: int = 0  # documents read in this run (not in chunks skipped as done)
    lost: list[str] = field(default_factory=list)  # chunks whose worker died on them

    def add(self, counts: ChunkCounts) -> None:
        if counts.lost is not None:
            self.lost.append(counts.lost)
            return
        self.documents += counts.documents
        self.proposals += counts.proposals
        self.failed += counts.failed
        if counts.skipped:
            self.skipped += 1
            return
        self.ran_documents += counts.documents
        previous = self.peak_rss_mb.get(counts.pid, 0.0)
        self.peak_rss_mb[counts.pid] = max(previous, counts.peak_rss_mb)


def in_process(chunks: list[Chunk], linker: Linker, out: Path) -> Iterator[ChunkCounts]:
    for chunk in chunks:
        yield run_chunk(chunk, linker, out)


def on_dask(client: Client) -> Executor:
    """Run chunks as tasks on the client's cluster, yielding each as it finishes. The
    workers must see the archive and `out` at the same paths (a local cluster does; a
    remote one needs a shared file system). A chunk that kills every worker that tries it
    (a crash in native code, memory exhausted) is reported lost, not done, and the other
    chunks go on: a rerun tries it again."""

    def execute(chunks: list[Chunk], linker: Linker, out: Path) -> Iterator[ChunkCounts]:
        from distributed import KilledWorker, as_completed

        futures = client.map(run_chunk, chunks, linker=linker, out=out, pure=False)
        chunk_of = {future.key: chunk for future, chunk in zip(futures, chunks, strict=True)}
        try:
            for future in as_completed(futures):
                try:
                    counts: ChunkCounts = future.result()
                except KilledWorker:
                    chunk = chunk_of[future.key]
                    counts = ChunkCounts(chunk.id, lost=chunk.where())
                yield counts
        finally:
            client.cancel(futures)

    return execute


def manifest(archive: Path, linker: Linker, chunk_bytes: int) -> dict[str, Any]:
    """What the results in a folder are of: the archive's files, the chunk size, the link
    function and the agreements' bytes. A rerun skips done chunks only when all of these
    are unchanged."""
    files = archive_files(archive)
    return {
        "archive": [
            {"name": f.path.name, "size": f.size, "sample": _sample(f.path)} for f in files
        ],
        "chunk_bytes": chunk_bytes,
        "link": linker.name,
        "agreements": _digest(linker.data),
    }


def _sample(path: Path, width: int = 1 << 20) -> str:
    """A file's identity without reading gigabytes: its first and last MiB. With the size,
    this tells an archive that grew or was replaced from the same one copied or checked
    out again (a modification time would not)."""
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        digest.update(handle.read(width))
        handle.seek(max(0, path.stat().st_size - width))
        digest.update(handle.read(width))
    return digest.hexdigest()


def _digest(paths: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for root in paths:
        files = sorted(root.rglob("*.yaml")) if root.is_dir() else [root]
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def monitor(
    archive: Path,
    out: Path,
    linker: Linker,
    *,
    execute: Executor = in_process,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    planned: Callable[[int], None] | None = None,
    finished: Callable[[ChunkCounts], None] | None = None,
    redo: bool = False,
) -> MonitorResult:
    """Link every document of `archive` into proposals under `out`. `planned` hears how
    many chunks are left to run, `finished` each chunk as it ends (for a progress bar);
    `redo` discards the results already in `out` and starts over."""
    if chunk_bytes < 1:
        raise PactwatchError.at("--chunk-mb", "", "invalid-value", "must be positive")
    started = time.perf_counter()
    claim(out, manifest(archive, linker, chunk_bytes), redo=redo)
    chunks = plan_chunks(archive_files(archive), chunk_bytes)
    result = MonitorResult(out, chunks=len(chunks))
    todo = []
    for chunk in chunks:
        done = done_counts(out, chunk.id)
        if done is None:
            todo.append(chunk)
        else:
            result.add(ChunkCounts.from_dict({**done, "skipped": True}))
    if planned is not None:
        planned(len(todo))
    for counts in execute(todo, linker, out):
        result.add(counts)
        if finished is not None:
            finished(counts)
    result.dates = sum(1 for p in out.glob(f"{PARTITION}=*") if p.is_dir())
    if result.failed:
        result.errors_file = gather_errors(out, [c.id for c in chunks])
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def summary(result: MonitorResult) -> dict[str, Any]:
    """The run's figures as JSON-ready data."""
    data = dict(result.__dict__)
    data["out"] = str(result.out)
    data["errors_file"] = None if result.errors_file is None else str(result.errors_file)
    data["peak_rss_mb"] = {str(pid): mb for pid, mb in result.peak_rss_mb.items()}
    plain: dict[str, Any] = json.loads(json.dumps(data))
    return plain
