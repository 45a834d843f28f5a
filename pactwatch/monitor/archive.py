"""An archive cut into chunks that a worker reads on its own, without loading the file.

JSON-lines files are cut into byte ranges of a fixed size; a line belongs to the range its
first byte lies in, so ranges can be read independently and every line is read exactly
once. Parquet files are cut by row group, the unit Parquet itself reads. A chunk's id
comes from the file's place in the archive and the chunk's place in the file, so the same
archive always gives the same chunks, which is what lets a rerun skip the done ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pactwatch.model import PactwatchError
from pactwatch.monitor.documents import BadDocument, Document, parse_line, parse_row

Format = Literal["jsonl", "parquet"]
_SUFFIXES: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_BATCH_ROWS = 2_000


@dataclass(frozen=True)
class ArchiveFile:
    path: Path
    format: Format
    size: int


@dataclass(frozen=True)
class Chunk:
    """A byte range of a JSON-lines file, or one row group of a Parquet file."""

    id: str
    file: ArchiveFile
    start: int
    end: int
    weight: int  # bytes (JSON lines) or rows (Parquet): what the progress bar counts

    def where(self) -> str:
        if self.file.format == "jsonl":
            return f"{self.file.path}: bytes {self.start}-{self.end}"
        return f"{self.file.path}: row group {self.start}"


def archive_files(archive: Path) -> list[ArchiveFile]:
    """The archive's files: the one named, or those in a folder (sorted by name)."""
    if archive.is_dir():
        paths = sorted(p for p in archive.iterdir() if p.suffix.lower() in _SUFFIXES)
        if not paths:
            raise PactwatchError.at(
                str(archive), "", "empty-archive", "no .jsonl or .parquet files in this folder"
            )
    elif archive.is_file():
        paths = [archive]
    else:
        raise PactwatchError.at(str(archive), "", "missing-file", "no such file or folder")
    files = []
    for path in paths:
        fmt = _SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise PactwatchError.at(
                str(path), "", "unknown-format", "expected .jsonl, .ndjson, .json or .parquet"
            )
        files.append(ArchiveFile(path, fmt, path.stat().st_size))
    return files


def plan_chunks(files: list[ArchiveFile], chunk_bytes: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for number, file in enumerate(files):
        if file.format == "jsonl":
            for index, start in enumerate(range(0, file.size, chunk_bytes)):
                end = min(start + chunk_bytes, file.size)
                chunks.append(Chunk(f"{number:05d}-{index:06d}", file, start, end, end - start))
        else:
            for group, rows in enumerate(_row_groups(file.path)):
                chunks.append(Chunk(f"{number:05d}-{group:06d}", file, group, group + 1, rows))
    return chunks


def _row_groups(path: Path) -> list[int]:
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(path).metadata
    except Exception as error:  # pyarrow raises several kinds for a file that is not Parquet
        raise PactwatchError.at(str(path), "", "bad-parquet", str(error)) from None
    return [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]


def read_chunk(chunk: Chunk) -> Iterator[tuple[str, Document | BadDocument]]:
    """Each document of the chunk with where it is (`byte N` of a JSON-lines file, `row N`
    of a Parquet file), or why it was refused."""
    if chunk.file.format == "jsonl":
        return _read_lines(chunk)
    return _read_rows(chunk)


def _read_lines(chunk: Chunk) -> Iterator[tuple[str, Document | BadDocument]]:
    name = str(chunk.file.path)
    with chunk.file.path.open("rb") as handle:
        position = chunk.start
        if position > 0:
            handle.seek(position - 1)
            if handle.read(1) != b"\n":  # the range starts inside a line: the previous
                position += len(handle.readline())  # chunk owns that line
        while position < chunk.end:
            line = handle.readline()
            if not line:
                break
            at = position
            position += len(line)
            if line.strip():
                yield f"byte {at}", parse_line(line, name, f"byte {at}")


def _read_rows(chunk: Chunk) -> Iterator[tuple[str, Document | BadDocument]]:
    import pyarrow.parquet as pq

    name = str(chunk.file.path)
    parquet = pq.ParquetFile(chunk.file.path)
    columns = [c for c in ("id", "date", "url", "text") if c in parquet.schema_arrow.names]
    row = sum(parquet.metadata.row_group(i).num_rows for i in range(chunk.start))
    for batch in parquet.iter_batches(
        batch_size=_BATCH_ROWS, row_groups=[chunk.start], columns=columns
    ):
        for record in batch.to_pylist():
            yield f"row {row}", parse_row(record, name, f"row {row}")
            row += 1
