"""Data people can use: quoted words beside offsets, a codebook and a licence with every export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.export import MultiFileExporter, exporter_for
from pactwatch.export.codebook import codebook, undescribed
from pactwatch.export.csv_format import CsvExporter
from pactwatch.export.datapackage import TABLES
from pactwatch.export.licence import licence_text
from pactwatch.export.quotes import QUOTABLE_KINDS, QuoteAware
from pactwatch.export.tables import COLUMNS
from pactwatch.extract.run import load_agreement
from pactwatch.settings import PROJECT_ROOT, source_dirs
from pactwatch.sources import SourceLibrary
from tests.conftest import require

RO = PROJECT_ROOT / "data" / "agreements" / "ua-ro-2024.yaml"


def test_every_exported_column_is_in_the_codebook() -> None:
    assert undescribed() == []
    text = codebook()
    for column in COLUMNS:
        assert f"| `{column.name}` | {column.type} | {column.description}" in text, column
    for table in TABLES:
        assert f"### `{table.name}.csv`" in text, table.name
        for field in table.fields:
            assert f"| `{field.name}` | {field.type} |" in text, (table.name, field.name)


def test_the_committed_codebook_and_licence_are_the_generated_ones() -> None:
    assert (PROJECT_ROOT / "docs" / "codebook.md").read_text(encoding="utf-8") == codebook(), (
        "docs/codebook.md is stale: python -m pactwatch.export.codebook > docs/codebook.md"
    )
    assert (PROJECT_ROOT / "data" / "LICENSE.md").read_text(encoding="utf-8") == licence_text(), (
        "data/LICENSE.md is stale: python -m pactwatch.export.licence > data/LICENSE.md"
    )
    assert "CC-BY-4.0" in licence_text() and "MIT" in licence_text()


def _rows(exporter: CsvExporter) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(exporter.finalize().decode("utf-8"))))


def test_tables_quote_the_official_text_and_never_the_news_report() -> None:
    library = SourceLibrary(source_dirs())
    agreement = load_agreement(RO)
    official = [s for s in agreement.sources if s.kind in QUOTABLE_KINDS]
    require(
        bool(official) and all(s.sha256 and library.text_for(s.sha256) for s in official),
        "the Ukraine-Romania official text is needed to quote it",
    )
    exporter = exporter_for("csv")
    assert isinstance(exporter, QuoteAware) and isinstance(exporter, CsvExporter)
    exporter.use_texts(library.text_for)
    exporter.write(agreement)
    rows = {r["provision_id"]: r for r in _rows(exporter)}
    kinds = {s.id: s.kind for s in agreement.sources}
    texts = {s.id: library.text_for(s.sha256) for s in official if s.sha256}
    quoted = seed_only = 0
    for provision in agreement.provisions:
        row = rows[provision.id]
        mine = [s for s in provision.spans if kinds[s.source] in QUOTABLE_KINDS]
        if not mine:
            assert row["quote"] == "", provision.id
            seed_only += bool(provision.spans)
            continue
        first = mine[0]
        text = texts[first.source]
        assert text is not None
        words = " ".join(text[first.start : first.end].split())
        assert row["quote"].lstrip("'").startswith(words[:60]), (provision.id, row["quote"])
        quoted += 1
    assert quoted > 100, quoted

    bare = exporter_for("csv")
    assert isinstance(bare, CsvExporter)
    bare.write(agreement)
    assert all(r["quote"] == "" for r in _rows(bare)), "no texts, no quotes"


def test_csv_and_parquet_files_get_their_codebook_beside_them(
    fixture_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "registry.csv"
    written = verbs.export_to("csv", out, fixture_db)
    beside = tmp_path / "registry.codebook.md"
    assert written == [out, beside]
    assert beside.read_text(encoding="utf-8") == codebook()


@pytest.mark.parametrize("name", ["codebook.md", "LICENSE.md", "datapackage.json"])
def test_the_data_package_ships_its_codebook_and_licence(fixture_db: str, name: str) -> None:
    files = exporter_files(fixture_db)
    assert name in files
    if name == "codebook.md":
        assert files[name].decode("utf-8") == codebook()


def exporter_files(db: str) -> dict[str, bytes]:
    import zipfile

    data = verbs.export("datapackage", db)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def test_the_workbook_has_a_licence_sheet(fixture_db: str) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(verbs.export("xlsx", fixture_db)))
    assert book.sheetnames == ["provisions", "columns", "licence"]
    first = [row[0] for row in book["licence"].iter_rows(values_only=True)]
    assert first[0] == "# Licence" and any("CC-BY-4.0" in str(v) for v in first)


def test_the_data_package_quotes_each_official_span() -> None:
    library = SourceLibrary(source_dirs())
    agreement = load_agreement(RO)
    kinds = {s.id: s.kind for s in agreement.sources}
    texts = {s.id: library.text_for(s.sha256) for s in agreement.sources if s.sha256}
    require(
        any(texts[i] for i, kind in kinds.items() if kind in QUOTABLE_KINDS and i in texts),
        "the Ukraine-Romania official text is needed to quote it",
    )
    package = exporter_for("datapackage")
    assert isinstance(package, QuoteAware) and isinstance(package, MultiFileExporter)
    package.use_texts(library.text_for)
    package.write(agreement)
    spans = list(csv.DictReader(io.StringIO(package.finalize_files()["spans.csv"].decode())))
    assert spans
    for row in spans:
        text = texts.get(row["source_id"])
        if kinds[row["source_id"]] in QUOTABLE_KINDS and text:
            words = " ".join(text[int(row["start"]) : int(row["end"])].split())
            assert row["quote"].lstrip("'") == words.lstrip("'"), row
        else:
            assert row["quote"] == "", row
