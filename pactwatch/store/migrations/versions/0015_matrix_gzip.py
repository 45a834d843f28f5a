"""The rendered compare matrix is kept gzip-compressed beside its text.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28

At 100,000 provisions the matrix is 865 KB of JSON; every uncached request read it from
the registry and sent it whole, and on PostgreSQL moving it out of the database was most
of the request's cost. Clients that accept gzip (browsers, curl --compressed, Python's
HTTP libraries) now get the 102 KB compressed once by the write that renders it. Filled
here for a matrix already rendered; loads and writes keep it from then on
(`store/summary.py`).
"""

import gzip
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LEVEL = 6  # summary.GZIP_LEVEL when this revision was written


def upgrade() -> None:
    with op.batch_alter_table("summary_documents") as batch:
        batch.add_column(
            sa.Column(
                "gzip",
                sa.LargeBinary(),
                nullable=True,
                comment="the same answer gzip-compressed, for clients that accept it",
            )
        )
    documents = sa.table(
        "summary_documents",
        sa.column("name", sa.String),
        sa.column("body", sa.Text),
        sa.column("gzip", sa.LargeBinary),
    )
    connection = op.get_bind()
    for name, body in connection.execute(sa.select(documents.c.name, documents.c.body)).all():
        packed = gzip.compress(str(body).encode("utf-8"), compresslevel=_LEVEL, mtime=0)
        connection.execute(sa.update(documents).where(documents.c.name == name).values(gzip=packed))


def downgrade() -> None:
    with op.batch_alter_table("summary_documents") as batch:
        batch.drop_column("gzip")
