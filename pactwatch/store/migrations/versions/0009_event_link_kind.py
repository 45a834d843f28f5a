"""Event links: the event's kind and instant, so one agreement's meetings are one range.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28

`due` asks, for each period of a recurring duty, the first meeting naming it inside the
period. With the event's kind and `earliest_utc` beside each link, that is one probe of
`ix_event_links_kind` (agreement, kind, instant) instead of reading every event the
agreement names. Both are filled here from `events` and by every insert from then on
(`store/events.py`); an event is never changed in place, so they cannot go stale.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "kind": "the event's kind, repeated for the index",
    "earliest_utc": "the event's, repeated for the index",
}


def upgrade() -> None:
    with op.batch_alter_table("event_links") as batch:
        for name, comment in COLUMNS.items():
            batch.add_column(sa.Column(name, sa.String(), nullable=True, comment=comment))
    op.execute(
        "UPDATE event_links SET"
        " kind = (SELECT e.kind FROM events e WHERE e.id = event_links.event_id),"
        " earliest_utc = (SELECT e.earliest_utc FROM events e WHERE e.id = event_links.event_id)"
    )
    with op.batch_alter_table("event_links") as batch:
        for name, comment in COLUMNS.items():
            batch.alter_column(name, existing_type=sa.String(), nullable=False, comment=comment)
        batch.create_index(
            "ix_event_links_kind", ["agreement_id", "kind", "earliest_utc", "event_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("event_links") as batch:
        batch.drop_index("ix_event_links_kind")
        for name in reversed(COLUMNS):
            batch.drop_column(name)
