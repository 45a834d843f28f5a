"""Events: what happened, linked to agreements, provisions and mechanisms.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("subkind", sa.String(), nullable=True),
        sa.Column(
            "at", sa.String(), nullable=True, comment="exact instant with its offset, when known"
        ),
        sa.Column(
            "on",
            sa.String(),
            nullable=True,
            comment="(partial) date, when no exact instant is known",
        ),
        sa.Column("earliest_utc", sa.String(), nullable=False, comment="ISO 8601 UTC, for sorting"),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("record", sa.Text(), nullable=False, comment="the event JSON, as loaded"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint"),
    )
    op.create_table(
        "event_links",
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.String(), nullable=False),
        sa.Column(
            "target", sa.String(), nullable=False, comment="agreement, provision or mechanism"
        ),
        sa.Column("target_id", sa.String(), nullable=True, comment="provision or mechanism id"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "position"),
    )


def downgrade() -> None:
    op.drop_table("event_links")
    op.drop_table("events")
