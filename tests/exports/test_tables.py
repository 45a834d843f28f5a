"""CSV, Parquet and XLSX tables of provisions read back by pandas with the right types."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd

from pactwatch.export.tables import COLUMNS
from pactwatch.model import Agreement
from tests.exports.conftest import export_bytes

NAMES = [c.name for c in COLUMNS]


def test_parquet_keeps_types(fixture_agreements: list[Agreement]) -> None:
    frame = pd.read_parquet(io.BytesIO(export_bytes("parquet", fixture_agreements)))
    assert list(frame.columns) == NAMES
    assert len(frame) == 5, frame
    assert frame["term_years"].dtype == "int64", frame.dtypes
    assert frame["amount_value"].dtype == "float64", frame.dtypes
    assert frame["position"].tolist() == [0, 1, 2, 3, 4]
    signed = frame["signed_on"].iloc[0]
    assert pd.Timestamp(signed).date() == date(2025, 2, 28), signed
    assert frame.loc[2, "amount_value"] == 2500000000.5


def test_csv_reads_back_with_types_and_escapes(full: Agreement) -> None:
    frame = pd.read_csv(
        io.BytesIO(export_bytes("csv", [full])),
        parse_dates=["signed_on", "ends_on"],
        keep_default_na=False,
        na_values={"amount_value": [""]},
    )
    assert frame["agreement_title"].iloc[0] == full.title
    assert frame["summary"].iloc[0] == full.provisions[0].summary
    assert frame["signed_on"].dt.date.iloc[0] == full.signed_on
    assert frame["term_years"].dtype == "int64" and frame["position"].dtype == "int64"
    assert frame["partners"].iloc[2] == 'Nordic–Baltic Eight; coalition "X"'
    assert frame["spans"].iloc[1] == "text:12-40; note:1-2"


def test_xlsx_reads_back(full: Agreement) -> None:
    frame = pd.read_excel(io.BytesIO(export_bytes("xlsx", [full])), sheet_name="provisions")
    assert list(frame.columns) == NAMES
    assert frame["object"].tolist() == [p.object for p in full.provisions]
    assert frame["signed_on"].dt.date.iloc[0] == full.signed_on
    assert frame["term_years"].dtype == "int64"
    described = pd.read_excel(io.BytesIO(export_bytes("xlsx", [full])), sheet_name="columns")
    assert described["column"].tolist() == NAMES


def test_an_agreement_without_provisions_gives_a_header_only(empty: Agreement) -> None:
    assert export_bytes("csv", [empty]).decode().splitlines() == [",".join(NAMES)]
    assert len(pd.read_parquet(io.BytesIO(export_bytes("parquet", [empty])))) == 0
    assert len(pd.read_excel(io.BytesIO(export_bytes("xlsx", [empty])))) == 0
