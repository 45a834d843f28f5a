"""PostgreSQL keeps the rendered documents out of line and uncompressed.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28

PostgreSQL compresses a large text value by default (TOAST, pglz), so every uncached read
of the compare matrix by a client that takes no gzip decompressed its 865 KB (at 100,000
provisions) on the server before sending it: 3.1-3.4 ms of the server's CPU a request, the
largest part of what such a read cost the database. The gzip copy beside it (revision
0015) is already compressed, so pglz only tried and gave up on each write. Both columns
are now stored as they are (EXTERNAL: out of line, never compressed), which reads them by
copying; a body already stored is rewritten so it is stored that way too. SQLite stores
values as given and has nothing to change.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("body", "gzip")


def _store(storage: str) -> None:
    for column in COLUMNS:
        op.execute(f"ALTER TABLE summary_documents ALTER COLUMN {column} SET STORAGE {storage}")
    # A value keeps the form it was stored in until it is written again.
    op.execute("UPDATE summary_documents SET body = body || ''")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _store("EXTERNAL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _store("EXTENDED")
