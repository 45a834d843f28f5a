"""Event links: the event's flags, so deciding a period reads one index alone.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28

`due` asks, for each period of a recurring duty begun by now, the first meeting naming it
that qualifies (reviewed, not background, held or not, its whole date inside the period).
Revision 0009 made that one range of `ix_event_links_kind`, but each entry it passed still
looked up its link row and its event's row for the flags and the latest instant. With
`latest_utc`, `happened`, `background` and `draft` beside each link and in the index
(after its old columns, so every read that used it still does), the probe reads the index
and nothing else. Filled here from `events` and by every insert from then on
(`store/events.py`); an event is never changed in place, so they cannot go stale.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS: dict[str, sa.types.TypeEngine[Any]] = {
    "latest_utc": sa.String(),
    "happened": sa.Boolean(),
    "background": sa.Boolean(),
    "draft": sa.Boolean(),
}
COMMENT = "the event's, repeated for the index"
OLD = ["agreement_id", "kind", "earliest_utc", "event_id"]
NEW = [*OLD, "target", "target_id", *COLUMNS]


def upgrade() -> None:
    with op.batch_alter_table("event_links") as batch:
        batch.drop_index("ix_event_links_kind")
        for name, kind in COLUMNS.items():
            batch.add_column(sa.Column(name, kind, nullable=True, comment=COMMENT))
    values = ", ".join(
        f"{name} = (SELECT e.{name} FROM events e WHERE e.id = event_links.event_id)"
        for name in COLUMNS
    )
    op.execute(f"UPDATE event_links SET {values}")
    with op.batch_alter_table("event_links") as batch:
        batch.create_index("ix_event_links_kind", NEW)


def downgrade() -> None:
    with op.batch_alter_table("event_links") as batch:
        batch.drop_index("ix_event_links_kind")
        for name in reversed(COLUMNS):
            batch.drop_column(name)
        batch.create_index("ix_event_links_kind", OLD)
