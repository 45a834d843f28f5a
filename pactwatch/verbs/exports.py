"""Verbs that write the registry out in the field's formats, and read one back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from pactwatch.export import EventAware, Exporter, MultiFileExporter, exporter_for
from pactwatch.export.akn_read import read_akn
from pactwatch.export.output import write_file, write_folder
from pactwatch.export.quotes import QuoteAware, TextLookup
from pactwatch.model import (
    Agreement,
    PactwatchError,
)
from pactwatch.store import events as store_events
from pactwatch.store import get_agreement
from pactwatch.store.read import all_agreements
from pactwatch.verbs.registry import (
    SourcesArg,
    open_for_reading,
    source_library,
    unknown_agreement,
)


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
    fmt: str, db: str | None, agreement_id: str | None, sources: SourcesArg = None
) -> Exporter:
    """An exporter given the agreements (all, or the one asked for) and, when the format
    shows them, the registry's events: one read of the registry for both."""
    engine = open_for_reading(db)
    try:
        texts = source_library(sources).text_for
        exporter = filled_exporter(fmt, engine, agreement_id, texts)
    finally:
        engine.dispose()
    if exporter is None:
        raise unknown_agreement(str(agreement_id), db)
    return exporter


def filled_exporter(
    fmt: str,
    engine: Engine,
    agreement_id: str | None = None,
    texts: TextLookup | None = None,
) -> Exporter | None:
    """An exporter on an open registry, filled as `pactwatch export` fills it (None when
    `agreement_id` names no agreement): the service answers with the command's bytes."""
    exporter = exporter_for(fmt, single=agreement_id is not None)
    if texts is not None and isinstance(exporter, QuoteAware):
        exporter.use_texts(texts)
    if agreement_id is None:
        chosen = all_agreements(engine)
    else:
        found = get_agreement(engine, agreement_id)
        if found is None:
            return None
        chosen = [found]
    if isinstance(exporter, EventAware):
        exporter.use_events(store_events.read_events(engine))
    for item in chosen:
        exporter.write(item)
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
