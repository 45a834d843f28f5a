"""The output folder: Parquet partitioned by date, a done-marker per chunk, the errors.

```
OUT/_monitor.json                          what archive and agreements these results are of
OUT/published=2024-07-11/part-00000-000003.parquet   one file per chunk and date
OUT/_done/00000-000003.json                the chunk's counts, written last
OUT/_errors/00000-000003.jsonl             the chunk's refused documents, if any
OUT/_errors.jsonl                          all of them, gathered at the end of a run
```

Every file is written under a temporary name and renamed into place, so a reader (or a
killed run) never sees half a file. A chunk is done when its marker exists: the marker is
written after its data, so a chunk interrupted between its files is redone whole, under
the same names. Names starting with `_` or `.` are skipped by Parquet dataset readers
(pyarrow, Spark, DuckDB), so `OUT` reads as one table.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pactwatch.model import PactwatchError
from pactwatch.monitor.schema import PARTITION

MANIFEST = "_monitor.json"
DONE = "_done"
ERRORS = "_errors"
ALL_ERRORS = "_errors.jsonl"


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    temporary.write_bytes(data)
    os.replace(temporary, path)


def write_partition(out: Path, day: str, chunk_id: str, table: pa.Table) -> Path:
    path = out / f"{PARTITION}={day}" / f"part-{chunk_id}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    pq.write_table(table, temporary, compression="zstd")
    os.replace(temporary, path)
    return path


def write_errors(out: Path, chunk_id: str, errors: Iterable[dict[str, Any]]) -> None:
    lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors)
    if lines:
        write_atomic(out / ERRORS / f"{chunk_id}.jsonl", lines.encode("utf-8"))


def mark_done(out: Path, chunk_id: str, counts: dict[str, Any]) -> None:
    write_atomic(out / DONE / f"{chunk_id}.json", json.dumps(counts).encode("utf-8"))


def done_counts(out: Path, chunk_id: str) -> dict[str, Any] | None:
    path = out / DONE / f"{chunk_id}.json"
    if not path.is_file():
        return None
    counts: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return counts


def claim(out: Path, manifest: dict[str, Any], *, redo: bool = False) -> None:
    """Make `out` hold the results of this archive and these agreements, or refuse: chunks
    done for another archive (or an archive since changed) must not be skipped as done.
    With `redo`, earlier results are removed first; a folder that holds anything but
    monitor results is never removed."""
    path = out / MANIFEST
    if path.is_file() and redo:
        shutil.rmtree(out)
    elif path.is_file():
        if json.loads(path.read_text(encoding="utf-8")) != manifest:
            raise PactwatchError.at(
                str(out),
                "",
                "other-results",
                f"holds results of another archive, agreements or chunk size (see {MANIFEST}); "
                "give another --out, or --redo to replace them",
            )
        return
    if out.exists() and any(out.iterdir()):
        raise PactwatchError.at(
            str(out), "", "not-empty", "is not empty and holds no monitor results"
        )
    write_atomic(path, json.dumps(manifest, indent=2).encode("utf-8"))


def gather_errors(out: Path, chunk_ids: Iterable[str]) -> Path:
    """All refused documents in one file, in archive order."""
    target = out / ALL_ERRORS
    temporary = _temporary(target)
    with temporary.open("wb") as gathered:
        for chunk_id in chunk_ids:
            path = out / ERRORS / f"{chunk_id}.jsonl"
            if path.is_file():
                with path.open("rb") as part:
                    shutil.copyfileobj(part, gathered)
    os.replace(temporary, target)
    return target
