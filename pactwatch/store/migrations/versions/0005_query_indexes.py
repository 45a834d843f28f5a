"""Indexes for every filter and sort the API offers, and summary tables for facets.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

The provision indexes are widened to carry the id and kind, so a page in any sort order
reads its index in order and probes filters without reading the table. `provision_facets`
and `matrix_cells` (see `store/summary.py`) are filled here from the rows already stored,
so an upgraded registry answers facets at once; loads and writes keep them exact.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROVISION_INDEXES = {
    "ix_provisions_primary_domain": ["primary_domain", "agreement_id", "position", "id", "kind"],
    "ix_provisions_order": ["agreement_id", "position", "id", "kind"],
}


def upgrade() -> None:
    with op.batch_alter_table("provisions") as batch:
        batch.add_column(
            sa.Column(
                "signed_key",
                sa.Date(),
                nullable=True,
                comment="the agreement's signing date (9999-12-31 if unknown): the signed_on sort",
            )
        )
    op.execute(
        "UPDATE provisions SET signed_key = COALESCE((SELECT a.signed_on FROM agreements a"
        " WHERE a.id = provisions.agreement_id), DATE '9999-12-31')"
        if op.get_bind().dialect.name == "postgresql"
        else "UPDATE provisions SET signed_key = COALESCE((SELECT a.signed_on FROM agreements a"
        " WHERE a.id = provisions.agreement_id), '9999-12-31')"
    )
    with op.batch_alter_table("provisions") as batch:
        for name, columns in PROVISION_INDEXES.items():
            batch.drop_index(name)
            batch.create_index(name, columns)
        batch.create_index("ix_provisions_id", ["id", "agreement_id", "position", "kind"])
        batch.create_index(
            "ix_provisions_signed", ["signed_key", "agreement_id", "position", "id", "kind"]
        )
    with op.batch_alter_table("agreement_parties") as batch:
        batch.create_index("ix_agreement_parties_party", ["party", "agreement_id"])
    with op.batch_alter_table("events") as batch:
        batch.create_index("ix_events_kind", ["kind", "earliest_utc", "id"])
    with op.batch_alter_table("event_links") as batch:
        batch.create_index("ix_event_links_agreement", ["agreement_id", "event_id"])
    op.create_table(
        "provision_facets",
        sa.Column("agreement_id", sa.String(), nullable=False),
        sa.Column("domain", sa.String(), nullable=False, comment="a domain id, or * for any"),
        sa.Column("co_domain", sa.String(), nullable=False, comment="a domain id, or * for any"),
        sa.Column("actor", sa.String(), nullable=False, comment="a party code, or * for any"),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False, comment="how many provisions"),
        sa.PrimaryKeyConstraint("agreement_id", "domain", "co_domain", "actor", "kind"),
        comment="provisions per agreement, domain, co-domain, actor and kind; kept by writes",
    )
    with op.batch_alter_table("provision_facets") as batch:
        batch.create_index(
            "ix_provision_facets_domain",
            ["domain", "co_domain", "actor", "agreement_id", "kind", "n"],
        )
        batch.create_index(
            "ix_provision_facets_co_domain",
            ["domain", "actor", "agreement_id", "co_domain", "kind", "n"],
        )
    op.create_table(
        "matrix_cells",
        sa.Column("partner", sa.String(), nullable=False),
        sa.Column("domain", sa.String(), nullable=False),
        sa.Column(
            "n",
            sa.Integer(),
            nullable=False,
            comment="how many provisions of the partner's agreements",
        ),
        sa.Column(
            "cell",
            sa.Text(),
            nullable=False,
            comment="the cell as the compare API sends it (JSON)",
        ),
        sa.PrimaryKeyConstraint("partner", "domain"),
        comment="the compare matrix's non-empty cells; kept by writes",
    )
    op.create_table(
        "summary_documents",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False, comment="a whole answer, as the API sends it"),
        sa.PrimaryKeyConstraint("name"),
        comment="answers about the whole registry (the compare matrix), rendered by each write",
    )
    _fill(op.get_bind())


def _fill(bind: sa.Connection) -> None:
    """Summaries of the agreements already stored (none in a new registry); the rendered
    answer is left to readers, who render it from the cells when it is missing, since
    its row has columns this revision does not create."""
    from pactwatch.model import Agreement
    from pactwatch.store import summary

    records = bind.execute(sa.text("SELECT record FROM agreements")).scalars().all()
    summary.rebuild(bind, [Agreement.model_validate_json(r) for r in records], document=False)


def downgrade() -> None:
    op.drop_table("summary_documents")
    op.drop_table("matrix_cells")
    op.drop_table("provision_facets")
    with op.batch_alter_table("event_links") as batch:
        batch.drop_index("ix_event_links_agreement")
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_kind")
    with op.batch_alter_table("agreement_parties") as batch:
        batch.drop_index("ix_agreement_parties_party")
    with op.batch_alter_table("provisions") as batch:
        batch.drop_index("ix_provisions_signed")
        batch.drop_index("ix_provisions_id")
        batch.drop_index("ix_provisions_order")
        batch.drop_index("ix_provisions_primary_domain")
        batch.create_index("ix_provisions_order", ["agreement_id", "position"])
        batch.create_index("ix_provisions_primary_domain", ["primary_domain"])
        batch.drop_column("signed_key")
