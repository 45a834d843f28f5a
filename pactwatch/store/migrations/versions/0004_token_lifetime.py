"""Tokens: an expiry and a revocation time, so a token can stop working without a trace lost.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(
            sa.Column(
                "expires_at",
                sa.DateTime(timezone=True),
                nullable=True,
                comment="after this instant the token gives 401; null: never expires",
            )
        )
        batch.add_column(
            sa.Column(
                "revoked_at",
                sa.DateTime(timezone=True),
                nullable=True,
                comment="when `pactwatch token revoke` stopped it; null: in use",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
