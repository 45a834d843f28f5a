"""One chunk's work, the same in a plain loop and on a Dask worker: read, link, write.

A chunk is read as a stream; only its proposals (far fewer and smaller than its texts)
are held until the chunk is written, so a worker's memory depends on the chunk size, not
on the archive's. The agreements are loaded once per process and kept: a worker runs many
chunks, and reading the curated records takes seconds.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
from pydantic import BaseModel

from pactwatch.model import Agreement, PactwatchError
from pactwatch.monitor.archive import Chunk, read_chunk
from pactwatch.monitor.documents import BadDocument, Document
from pactwatch.monitor.output import mark_done, write_errors, write_partition
from pactwatch.monitor.schema import output_schema, to_cell


class LinkFunction(Protocol):
    """`pactwatch.link.propose`'s signature: a report's text to proposed events."""

    def __call__(
        self, text: str, agreements: Sequence[Agreement], *, published: dt.date | None = None
    ) -> Sequence[BaseModel]: ...


@dataclass(frozen=True)
class Linker:
    """What a worker needs to link documents: the function, the model its proposals are
    (for the output schema) and where the agreements are. Module-level functions and
    paths pickle by name, so this travels to workers cheaply."""

    link: LinkFunction
    proposal: type[BaseModel]
    data: tuple[Path, ...]

    @property
    def name(self) -> str:
        return f"{self.link.__module__}.{getattr(self.link, '__qualname__', '?')}"


@functools.cache
def agreements_at(data: tuple[Path, ...]) -> tuple[Agreement, ...]:
    """The curated agreements, read once per process."""
    from pactwatch.curate import load_dataset

    dataset = load_dataset(list(data))
    if dataset.problems:
        raise PactwatchError(dataset.problems[0])
    return tuple(item.record for item in dataset.agreements)


@dataclass
class ChunkCounts:
    chunk: str
    documents: int = 0
    proposals: int = 0
    failed: int = 0
    dates: int = 0
    seconds: float = 0.0
    pid: int = field(default_factory=os.getpid)
    peak_rss_mb: float = 0.0
    skipped: bool = False
    lost: str | None = None  # where the chunk is, if no worker could finish it

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, counts: dict[str, Any]) -> ChunkCounts:
        return cls(**{k: v for k, v in counts.items() if k in cls.__dataclass_fields__})


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_chunk(chunk: Chunk, linker: Linker, out: Path) -> ChunkCounts:
    """Link every document of a chunk, write its partitions, its errors, then its marker.
    A document that cannot be read, or that the link function fails on, is recorded and
    skipped; nothing a document holds ends the chunk."""
    started = time.perf_counter()
    agreements = agreements_at(linker.data)
    schema = output_schema(linker.proposal)
    counts = ChunkCounts(chunk.id)
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    errors: list[dict[str, Any]] = []
    for at, item in read_chunk(chunk):
        counts.documents += 1
        if isinstance(item, BadDocument):
            errors.append(item.as_dict())
            continue
        found = _link(linker.link, item, agreements)
        if isinstance(found, str):
            bad = BadDocument(str(chunk.file.path), at, item.id, "link", found)
            errors.append(bad.as_dict())
            continue
        if found:
            rows[item.date.isoformat()].extend(found)
    for day in sorted(rows):
        columns = {f.name: [to_cell(row.get(f.name), f.type) for row in rows[day]] for f in schema}
        write_partition(out, day, chunk.id, pa.Table.from_pydict(columns, schema=schema))
        counts.proposals += len(rows[day])
    write_errors(out, chunk.id, errors)
    counts.failed = len(errors)
    counts.dates = len(rows)
    counts.seconds = round(time.perf_counter() - started, 3)
    counts.peak_rss_mb = round(peak_rss_mb(), 1)
    mark_done(out, chunk.id, counts.as_dict())
    return counts


def _link(
    link: LinkFunction, document: Document, agreements: Sequence[Agreement]
) -> list[dict[str, Any]] | str:
    """The document's proposals as output rows, or why the link function failed on it."""
    try:
        proposals = link(document.text, agreements, published=document.date)
        return [
            {"doc_id": document.id, "doc_url": document.url, **p.model_dump(mode="json")}
            for p in proposals
        ]
    except Exception as error:  # whatever the linker raises is one bad document
        return f"{type(error).__name__}: {error}".splitlines()[0][:500]


ChunkRunner = Callable[[Chunk, Linker, Path], ChunkCounts]
