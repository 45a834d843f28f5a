"""What the rules read of an agreement and of an event, kept in a column of its own.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28

`due` used to cut each agreement's parties, signing date, term and mechanisms out of its
record with the database's JSON functions (on PostgreSQL, parsing every record on every
call), and each consultation's actors out of its record. `agreements.rules` holds that
small document and `events.actors` the actors as JSON, written by every load and write
from then on (`store/load.py`, `store/events.py`) and filled here from the records. NULL
(a row this revision could not read) sends a reader back to the record.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = ("parties", "signed_on", "term", "mechanisms")


def upgrade() -> None:
    comment = "id, title, parties, signed_on, term and mechanisms as JSON: what the rules read"
    # Plain ALTERs: SQLite's batch mode would copy these parent tables, and dropping the
    # old copy would cascade to every row that refers to them.
    op.add_column("agreements", sa.Column("rules", sa.Text(), nullable=True, comment=comment))
    actors = sa.Column("actors", sa.Text(), nullable=True, comment="the record's actors as JSON")
    op.add_column("events", actors)
    if op.get_bind().dialect.name == "postgresql":
        parts = ", ".join(f"'{f}', CAST(record AS jsonb)->'{f}'" for f in FIELDS)
        document = f"CAST(jsonb_build_object('id', id, 'title', title, {parts}) AS text)"
        cut = "CAST(CAST(record AS jsonb)->'actors' AS text)"
    else:
        parts = ", ".join(f"'{f}', record->'$.{f}'" for f in FIELDS)
        document = f"json_object('id', id, 'title', title, {parts})"
        cut = "record->'$.actors'"
    op.execute(f"UPDATE agreements SET rules = {document}")
    op.execute(f"UPDATE events SET actors = {cut}")


def downgrade() -> None:
    op.drop_column("events", "actors")
    op.drop_column("agreements", "rules")
