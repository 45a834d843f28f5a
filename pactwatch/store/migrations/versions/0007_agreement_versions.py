"""Each agreement's content version, unreviewed count and head, kept beside it by writes.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-28

The agreement page cites the record's content version and counts its unreviewed
provisions; both read the whole record, so they are kept in `agreement_versions`
(`store/versions.py`), filled here from the records already stored. FTS rows written
from now on share their provision row's rowid (`store/fts.py`); older ones are found by
their columns until the next load rebuilds the index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreement_versions",
        sa.Column("agreement_id", sa.String(), nullable=False),
        sa.Column("version", sa.String(), nullable=False, comment="the content version pages cite"),
        sa.Column(
            "unreviewed",
            sa.Integer(),
            nullable=False,
            comment="provisions whose review state is not reviewed",
        ),
        sa.Column(
            "head",
            sa.Text(),
            nullable=False,
            comment="the contract JSON without its provisions, as the agreement page reads it",
        ),
        sa.Column(
            "canonical",
            sa.Text(),
            nullable=False,
            comment="the contract JSON with sorted keys: what the version hashes",
        ),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agreement_id"),
        comment="each agreement's content version, unreviewed count and head; kept by writes",
    )
    _fill(op.get_bind())


def _fill(bind: sa.Connection) -> None:
    """Rows for the agreements already stored (none in a new registry)."""
    import json

    from pactwatch.store import versions

    rows = bind.execute(sa.text("SELECT id, record FROM agreements")).all()
    filled = [versions.version_row(str(i), json.loads(r)) for i, r in rows]
    if filled:
        bind.execute(sa.insert(versions.agreement_versions), filled)


def downgrade() -> None:
    op.drop_table("agreement_versions")
