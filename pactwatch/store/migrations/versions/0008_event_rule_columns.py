"""Events: the facts the rules read, as columns, so `due` never parses a whole record.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

`latest_utc` (the last instant an imprecise date may stand for), `happened`, `background`
and `draft` are filled here from each stored record; loads and writes fill them from then
on (`store/events.py`). NULL means "not known from the columns": a reader falls back to the
record. The index on kind and `happened` finds the few events that record an act did not
take place (a consultation clock's only evidence of a miss) without reading the rest.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "latest_utc",
            sa.String(),
            nullable=True,
            comment="ISO 8601 UTC: the last instant the event's date may stand for",
        ),
        sa.Column("happened", sa.Boolean(), nullable=True, comment="false: the act did not happen"),
        sa.Column("background", sa.Boolean(), nullable=True, comment="context, never evidence"),
        sa.Column("draft", sa.Boolean(), nullable=True, comment="proposed, not yet reviewed"),
    ]


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        for column in _columns():
            batch.add_column(column)
        batch.create_index("ix_events_kind_happened", ["kind", "happened", "earliest_utc", "id"])
    _fill(op.get_bind())


def _fill(bind: sa.Connection) -> None:
    """The new columns of the events already stored (none in a new registry); a record
    the model no longer reads keeps NULLs, and readers fall back to it as it is."""
    from pydantic import ValidationError

    from pactwatch.model import Event

    events = sa.table(
        "events",
        sa.column("id", sa.String()),
        sa.column("record", sa.Text()),
        sa.column("latest_utc", sa.String()),
        sa.column("happened", sa.Boolean()),
        sa.column("background", sa.Boolean()),
        sa.column("draft", sa.Boolean()),
    )
    updates = []
    for event_id, record in bind.execute(sa.select(events.c.id, events.c.record)).all():
        try:
            event = Event.model_validate_json(record)
            latest = event.latest().isoformat()
        except (ValidationError, ValueError, OverflowError):
            continue
        updates.append(
            {
                "event_id": event_id,
                "latest_utc": latest,
                "happened": event.happened,
                "background": event.background,
                "draft": event.is_draft,
            }
        )
    if updates:
        bind.execute(events.update().where(events.c.id == sa.bindparam("event_id")), updates)


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_kind_happened")
        for column in reversed(_columns()):
            batch.drop_column(column.name)
