"""Provisions as Parquet, with typed columns (dates as date32, term years as int64).

Built straight from Arrow arrays rather than through pandas, so the file carries no
pandas metadata and the same rows give the same bytes. pyarrow is imported on use: it
would add a tenth of a second to every command's start-up.
"""

from __future__ import annotations

import io
from typing import Any

from pactwatch.export.base import register
from pactwatch.export.tables import COLUMNS, TableExporter


def arrow_schema() -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}
    types["date"] = pa.date32()
    return pa.schema(
        [pa.field(c.name, types[c.type], metadata={"description": c.description}) for c in COLUMNS]
    )


class ParquetExporter(TableExporter):
    media_type = "application/vnd.apache.parquet"
    extension = "parquet"
    binary = True

    def finalize(self) -> bytes:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = arrow_schema()
        rows = self.rows()
        table = pa.table({c.name: [row[c.name] for row in rows] for c in COLUMNS}, schema=schema)
        buffer = io.BytesIO()
        pq.write_table(table, buffer, compression="zstd")
        return buffer.getvalue()


register("parquet", ParquetExporter)
