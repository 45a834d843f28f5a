"""Provisions as an XLSX workbook: a `provisions` sheet, a `columns` sheet describing it
(the codebook's table section) and a `licence` sheet.

openpyxl stamps the save time into the document properties and the zip entries; we fix
both so the same rows give the same bytes (exports are golden-tested and diffed).

openpyxl turns any text beginning with `=` into a live formula. Every text cell is written
as a string instead, and one a spreadsheet could take for a formula (see `cells`) also
carries the quote-prefix style, so editing it in Excel or LibreOffice keeps it text.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import TYPE_CHECKING

from pactwatch.export.base import register
from pactwatch.export.cells import is_risky
from pactwatch.export.licence import licence_text
from pactwatch.export.tables import COLUMNS, TableExporter

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

_FIXED = datetime(2000, 1, 1)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def text_only(sheet: Worksheet) -> None:
    """Make every text cell a string (never a formula), quote-prefixed when risky."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if is_risky(cell.value):
                    cell.quotePrefix = True


def workbook_bytes(workbook: Workbook) -> bytes:
    """Save with fixed timestamps: properties, and every zip member re-stamped in order.

    Every sheet goes through `text_only` first, so no caller can write a formula."""
    from openpyxl.writer.excel import ExcelWriter  # on use: it slows start-up

    for sheet in workbook.worksheets:
        text_only(sheet)
    workbook.properties.created = _FIXED
    workbook.properties.modified = _FIXED
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


class XlsxExporter(TableExporter):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"
    binary = True

    def finalize(self) -> bytes:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None  # a new workbook always has one sheet
        sheet.title = "provisions"
        sheet.append([c.name for c in COLUMNS])
        for row in self.rows():
            sheet.append([row[c.name] for c in COLUMNS])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(COLUMNS, start=1):
            if column.type == "date":
                for line in range(2, sheet.max_row + 1):
                    sheet.cell(row=line, column=index).number_format = "yyyy-mm-dd"
        described = workbook.create_sheet("columns")
        described.append(["column", "type", "description"])
        for column in COLUMNS:
            described.append([column.name, column.type, column.description])
        terms = workbook.create_sheet("licence")
        for text in licence_text().splitlines():
            terms.append([text])
        return workbook_bytes(workbook)


register("xlsx", XlsxExporter)
