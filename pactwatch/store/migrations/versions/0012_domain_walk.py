"""Domain rows carry their provision's position, so a domain filter walks one index.

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-28

The provisions API's default order is the agreement's own (agreement, position). A page
filtered by domain used to walk every provision of that order and probe each one's
domains, reading several hundred index entries for a page of 50 when the domain is rare.
The first domain row of each domain in a provision now holds the provision's position,
and `ix_provision_domains_walk` lists a domain's provisions in agreement order: the page
reads exactly the entries it shows. Filled here from the rows already stored; loads and
writes fill it from then on (`store/load.py`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("provision_domains") as batch:
        batch.add_column(
            sa.Column(
                "provision_position",
                sa.Integer(),
                nullable=True,
                comment="the provision's position in its agreement, on the first row of each "
                "domain",
            )
        )
    op.execute(
        "UPDATE provision_domains SET provision_position = (SELECT p.position FROM provisions p"
        " WHERE p.agreement_id = provision_domains.agreement_id"
        " AND p.id = provision_domains.provision_id)"
        " WHERE provision_domains.position = (SELECT min(d.position) FROM provision_domains d"
        " WHERE d.agreement_id = provision_domains.agreement_id"
        " AND d.provision_id = provision_domains.provision_id"
        " AND d.domain = provision_domains.domain)"
    )
    with op.batch_alter_table("provision_domains") as batch:
        batch.create_index(
            "ix_provision_domains_walk",
            ["domain", "agreement_id", "provision_position", "provision_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("provision_domains") as batch:
        batch.drop_index("ix_provision_domains_walk")
        batch.drop_column("provision_position")
