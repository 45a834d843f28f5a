"""An agreement's record kept as parts, and its content version as a sum of parts' hashes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28

`agreements.record` keeps the contract JSON with its provisions array empty and
`provisions_at` the offset inside it where the provisions' own records go
(`store/records.py`), so an edit of one provision no longer rewrites the whole record.
`agreement_versions.canonical` (the whole sorted-key text) gives way to `content_sum`,
the LtHash of the head and each provision (`store/content_hash.py`), and every content
version is recomputed under that definition. Downgrading puts the whole records and
sorted-key texts back, with the versions as they were defined then.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHOLE = "the contract JSON, as loaded"
PARTS = "the contract JSON with its provisions array empty (each is provisions.record)"


def upgrade() -> None:
    op.add_column(
        "agreements",
        sa.Column(
            "provisions_at",
            sa.Integer(),
            nullable=True,
            comment="where the provisions' records go in `record` (null: `record` is whole)",
        ),
    )
    _comment(PARTS, WHOLE)
    with op.batch_alter_table("agreement_versions") as batch:
        batch.add_column(
            sa.Column(
                "content_sum",
                sa.LargeBinary(),
                nullable=False,
                server_default=sa.text("''") if _sqlite() else sa.text("''::bytea"),
                comment="the sum of the head's and each provision's hash: what the version hashes",
            )
        )
        batch.drop_column("canonical")
    with op.batch_alter_table("agreement_versions") as batch:
        batch.alter_column("content_sum", existing_type=sa.LargeBinary(), server_default=None)
    _split(op.get_bind())


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _split(bind: sa.Connection) -> None:
    """Each stored record becomes its head and offset; its version is computed anew."""
    import json

    from pactwatch.store import content_hash, records

    rows = bind.execute(sa.text("SELECT id, record FROM agreements")).all()
    for agreement_id, record in rows:
        data = json.loads(record)
        head, at = records.stored_record(data)
        _provisions_as_in(bind, str(agreement_id), str(record), data, head, at)
        bind.execute(
            sa.text("UPDATE agreements SET record = :r, provisions_at = :at WHERE id = :i"),
            {"r": head, "at": at, "i": agreement_id},
        )
        total = content_hash.of_record(data)
        bind.execute(
            sa.text(
                "UPDATE agreement_versions SET content_sum = :s, version = :v "
                "WHERE agreement_id = :i"
            ),
            {"s": total, "v": content_hash.version_of_sum(total), "i": agreement_id},
        )


def _provisions_as_in(
    bind: sa.Connection, agreement_id: str, record: str, data: dict[str, Any], head: str, at: int
) -> None:
    """Make each provision's stored JSON the very text it has inside the whole record (so
    the record assembled from the parts is the stored one), or refuse to go on."""
    import json

    from pactwatch.store import records

    def assembled() -> str:
        texts = bind.execute(
            sa.text("SELECT record FROM provisions WHERE agreement_id = :i ORDER BY position"),
            {"i": agreement_id},
        ).scalars()
        return records.whole(head, at, ", ".join(str(t) for t in texts))

    if assembled() == record:
        return
    for position, provision in enumerate(data.get("provisions", ())):
        bind.execute(
            sa.text("UPDATE provisions SET record = :r WHERE agreement_id = :i AND position = :n"),
            {"r": json.dumps(provision, ensure_ascii=False), "i": agreement_id, "n": position},
        )
    if assembled() != record:
        raise RuntimeError(f"agreement {agreement_id}: its provisions' rows differ from its record")


def downgrade() -> None:
    bind = op.get_bind()
    wholes = _wholes(bind)
    with op.batch_alter_table("agreement_versions") as batch:
        batch.add_column(
            sa.Column(
                "canonical",
                sa.Text(),
                nullable=False,
                server_default="",
                comment="the contract JSON with sorted keys: what the version hashes",
            )
        )
        batch.drop_column("content_sum")
    with op.batch_alter_table("agreement_versions") as batch:
        batch.alter_column("canonical", existing_type=sa.Text(), server_default=None)
    _unsplit(bind, wholes)
    op.drop_column("agreements", "provisions_at")
    _comment(WHOLE, PARTS)


def _comment(comment: str, existing: str) -> None:
    """The record column's comment (SQLite keeps none)."""
    if not _sqlite():
        op.alter_column(
            "agreements",
            "record",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment=comment,
            existing_comment=existing,
        )


def _wholes(bind: sa.Connection) -> dict[str, str]:
    from pactwatch.store import records

    found = bind.execute(sa.text("SELECT id, record, provisions_at FROM agreements")).all()
    out = {}
    for agreement_id, record, at in found:
        texts = bind.execute(
            sa.text("SELECT record FROM provisions WHERE agreement_id = :i ORDER BY position"),
            {"i": agreement_id},
        ).scalars()
        out[str(agreement_id)] = records.whole(str(record), at, ", ".join(texts))
    return out


def _unsplit(bind: sa.Connection, wholes: dict[str, str]) -> None:
    import json

    from pactwatch.store import content_hash

    for agreement_id, whole in wholes.items():
        canonical = content_hash.canonical(json.loads(whole))
        bind.execute(
            sa.text("UPDATE agreements SET record = :r WHERE id = :i"),
            {"r": whole, "i": agreement_id},
        )
        bind.execute(
            sa.text(
                "UPDATE agreement_versions SET canonical = :c, version = :v WHERE agreement_id = :i"
            ),
            {
                "c": canonical,
                "v": content_hash.legacy_version(json.loads(whole)),
                "i": agreement_id,
            },
        )
