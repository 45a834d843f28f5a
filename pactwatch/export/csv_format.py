"""Provisions as CSV (RFC 4180: CRLF rows, quoted when needed, UTF-8, header first).

Dates are ISO 8601, numbers use `repr` so they read back exactly, and nulls are empty.
Text that a spreadsheet would take for a formula gets a leading `'` (see `cells`).
"""

from __future__ import annotations

import csv
import io
from datetime import date

from pactwatch.export.base import register
from pactwatch.export.cells import neutral
from pactwatch.export.tables import COLUMNS, TableExporter, Value


def cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutral(value)
    return str(value)


def csv_bytes(header: list[str], rows: list[list[Value]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutral(name) for name in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


class CsvExporter(TableExporter):
    media_type = "text/csv"
    extension = "csv"

    def finalize(self) -> bytes:
        names = [c.name for c in COLUMNS]
        return csv_bytes(names, [[row[n] for n in names] for row in self.rows()])


register("csv", CsvExporter)
