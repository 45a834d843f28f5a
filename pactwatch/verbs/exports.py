"""Verbs that write the registry out in the field's formats, and read one back."""

from __future__ import annotations

from pathlib import Path

from pactwatch.export import Exporter, MultiFileExporter
from pactwatch.export.akn_read import read_akn
from pactwatch.export.filled import filled_exporter
from pactwatch.export.output import write_file, write_folder
from pactwatch.model import (
    Agreement,
    PactwatchError,
)
from pactwatch.verbs.registry import Db, SourcesArg, opened, source_library, unknown_agreement


def export(
    fmt: str,
    db: str | None = None,
    agreement_id: str | None = None,
    sources: SourcesArg = None,
) -> bytes:
    """One agreement (when `agreement_id` is given) or the whole registry, in a format;
    tables quote the words of the official texts found in `sources` (see `export.quotes`)."""
    return _filled_exporter(fmt, db, agreement_id, sources).finalize()


def _filled_exporter(
    fmt: str, db: Db, agreement_id: str | None, sources: SourcesArg = None
) -> Exporter:
    """An exporter given the agreements (all, or the one asked for) and, when the format
    shows them, the registry's events: one read of the registry for both."""
    texts = source_library(sources).text_for
    with opened(db) as registry:
        exporter = filled_exporter(fmt, registry.engine, agreement_id, texts)
    if exporter is None:
        raise unknown_agreement(str(agreement_id), db)
    return exporter


def export_to(
    fmt: str,
    out: Path,
    db: str | None = None,
    agreement_id: str | None = None,
    sources: SourcesArg = None,
) -> list[Path]:
    """Write an export atomically to `out` and return the paths written.

    Formats made of several files (datapackage, one akn/yaml file per agreement) write a
    folder unless `out` ends with the format's own extension (`pkg.zip`, `ro.xml`).
    """
    exporter = _filled_exporter(fmt, db, agreement_id, sources)
    if isinstance(exporter, MultiFileExporter) and out.suffix != f".{exporter.extension}":
        return write_folder(out, exporter.finalize_files())
    write_file(out, exporter.finalize())
    if fmt in BESIDE_CODEBOOK:
        from pactwatch.export.codebook import codebook

        described = out.with_name(f"{out.stem}.codebook.md")
        write_file(described, codebook().encode("utf-8"))
        return [out, described]
    return [out]


BESIDE_CODEBOOK = frozenset({"csv", "parquet"})
"""Table formats with no room for their own description: their codebook (which carries
the licence) is written beside them. XLSX has it as sheets, a Data Package as files."""


def import_agreement(fmt: str, path: Path) -> Agreement:
    """Read an agreement back from an exported document (so far: Akoma Ntoso XML)."""
    if fmt != "akn":
        raise PactwatchError.at(
            str(path), "format", "unknown-format", f"cannot import {fmt!r}; choose one of: akn"
        )
    return read_akn(path)
