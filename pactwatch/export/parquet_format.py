"""Provisions as Parquet, with typed columns (dates as date32, term years as int64).

Built straight from Arrow arrays rather than through pandas, so the file carries no
pandas metadata and the same rows give the same bytes.
"""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pactwatch.export.base import register
from pactwatch.export.tables import COLUMNS, ColumnType, TableExporter

_ARROW: dict[ColumnType, Any] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "date": pa.date32(),
}


def arrow_schema() -> Any:
    return pa.schema(
        [pa.field(c.name, _ARROW[c.type], metadata={"description": c.description}) for c in COLUMNS]
    )


class ParquetExporter(TableExporter):
    media_type = "application/vnd.apache.parquet"
    extension = "parquet"
    binary = True

    def finalize(self) -> bytes:
        schema = arrow_schema()
        rows = self.rows()
        table = pa.table({c.name: [row[c.name] for row in rows] for c in COLUMNS}, schema=schema)
        buffer = io.BytesIO()
        pq.write_table(table, buffer, compression="zstd")
        return buffer.getvalue()


register("parquet", ParquetExporter)
