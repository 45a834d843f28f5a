"""Event links: the event's subkind, date and precision, so a period's meeting is one row.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28

`due` finds the meeting that decides each period of a recurring duty by one probe of
`ix_event_links_kind` (revisions 0009 and 0013), then read the meeting's date and
precision from its row in `events`: a second lookup by id, into a large table, for each of
some 3,000 meetings, about two thirds of the statement's time. With `subkind`, `at`, `on`
and `precision` beside the flags on each link, and at the end of the index, the probe
itself reads all the rules need of the meeting it finds. Filled here from `events` and by
every insert from then on (`store/events.py`); an event is never changed in place, so
they cannot go stale. A link with neither `at` nor `on` (every event has one) was not
filled, and its reader goes back to the event.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("subkind", "at", "on", "precision")
COMMENT = "the event's, repeated for the rules"
OLD = [
    *("agreement_id", "kind", "earliest_utc", "event_id", "target", "target_id"),
    *("latest_utc", "happened", "background", "draft"),
]
NEW = [*OLD, *COLUMNS]


def upgrade() -> None:
    with op.batch_alter_table("event_links") as batch:
        batch.drop_index("ix_event_links_kind")
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(), nullable=True, comment=COMMENT))
    names = ", ".join(f'"{name}"' for name in COLUMNS)
    values = ", ".join(f'e."{name}"' for name in COLUMNS)
    op.execute(
        f"UPDATE event_links SET ({names}) ="
        f" (SELECT {values} FROM events e WHERE e.id = event_links.event_id)"
    )
    with op.batch_alter_table("event_links") as batch:
        batch.create_index("ix_event_links_kind", NEW)


def downgrade() -> None:
    with op.batch_alter_table("event_links") as batch:
        batch.drop_index("ix_event_links_kind")
        for name in reversed(COLUMNS):
            batch.drop_column(name)
        batch.create_index("ix_event_links_kind", OLD)
