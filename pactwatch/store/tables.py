"""The registry's tables: explicit names and foreign keys, readable in Datasette.

The whole contract record is kept as JSON beside the normalised rows, so reading an
agreement back gives exactly what was loaded, while the rows serve queries and facets.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    literal_column,
)
from sqlalchemy.dialects import postgresql  # noqa: F401  (registers to_tsvector's types)

metadata = MetaData()

KEEP_ON_LOAD = {"keep_on_load": True}
"""`info` of tables a load must not clear: history and tokens outlive any dataset."""


def _agreement_fk() -> Column[str]:
    return Column(
        "agreement_id", String, ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
    )


def _provision_child(name: str, *columns: Column[object]) -> Table:
    """A table of list values belonging to a provision, in the list's order."""
    return Table(
        name,
        metadata,
        Column("agreement_id", String, primary_key=True),
        Column("provision_id", String, primary_key=True),
        Column("position", Integer, primary_key=True),
        *columns,
        ForeignKeyConstraint(
            ["agreement_id", "provision_id"],
            ["provisions.agreement_id", "provisions.id"],
            ondelete="CASCADE",
        ),
    )


domains = Table(
    "domains",
    metadata,
    Column("id", String, primary_key=True),
    Column("label", String, nullable=False),
    Column("definition", Text, nullable=False),
    Column("position", Integer, nullable=False),
)

agreements = Table(
    "agreements",
    metadata,
    Column("id", String, primary_key=True),
    Column("title", Text, nullable=False),
    Column("kind", String, nullable=False),
    Column("signed_on", Date),
    Column("signed_at", String),
    Column("legal_nature", String, nullable=False),
    Column("term_years", Integer),
    Column("ends_on", Date),
    Column("provision_count", Integer, nullable=False),
    Column(
        "record",
        Text,
        nullable=False,
        comment="the contract JSON with its provisions array empty (each is provisions.record)",
    ),
    Column(
        "provisions_at",
        Integer,
        comment="where the provisions' records go in `record` (null: `record` is whole)",
    ),
    Column(
        "version",
        Integer,
        nullable=False,
        server_default="1",
        comment="bumped by every write; the ETag curators send back (optimistic concurrency)",
    ),
    Column(
        "rules",
        Text,
        comment="id, title, parties, signed_on, term and mechanisms as JSON: what the rules read",
    ),
)

agreement_parties = Table(
    "agreement_parties",
    metadata,
    _agreement_fk(),
    Column("position", Integer, primary_key=True),
    Column("party", String, nullable=False),
    Index("ix_agreement_parties_party", "party", "agreement_id"),
)

signatories = Table(
    "signatories",
    metadata,
    _agreement_fk(),
    Column("position", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("role", String, nullable=False),
    Column("party", String, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    _agreement_fk(),
    Column("id", String, primary_key=True),
    Column("kind", String, nullable=False),
    Column("title", Text, nullable=False),
    Column("language", String, nullable=False),
    Column("sha256", String),
    Column("url", Text),
)

provisions = Table(
    "provisions",
    metadata,
    _agreement_fk(),
    Column("id", String, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("section", Text),
    Column("action", String, nullable=False),
    Column("object", Text, nullable=False),
    Column("kind", String, nullable=False),
    Column("primary_domain", String, ForeignKey("domains.id"), nullable=False),
    Column("condition", Text),
    Column("timing", String),
    Column("amount_value", Float),
    Column("amount_currency", String),
    Column("amount_period", String),
    Column("summary", Text),
    Column("record", Text, comment="the provision's contract JSON (always written by a load)"),
    Column("search_text", Text, comment="the words PostgreSQL's text search indexes"),
    Column(
        "signed_key",
        Date,
        comment="the agreement's signing date (9999-12-31 if unknown): the signed_on sort",
    ),
    Index(
        "ix_provisions_primary_domain", "primary_domain", "agreement_id", "position", "id", "kind"
    ),
    Index("ix_provisions_order", "agreement_id", "position", "id", "kind"),
    Index("ix_provisions_id", "id", "agreement_id", "position", "kind"),
    Index("ix_provisions_signed", "signed_key", "agreement_id", "position", "id", "kind"),
)
"""Each sort the API offers has an index in its order, carrying the id and kind, so a page
is read in order, filters are probed without touching the table, and only the rows shown
are fetched (`query.py`)."""

SEARCH_VECTOR = func.to_tsvector(literal_column("'english'::regconfig"), provisions.c.search_text)
"""PostgreSQL's text-search vector of a provision; the GIN index below is on this expression."""

Index("ix_provisions_search", SEARCH_VECTOR, postgresql_using="gin").ddl_if(dialect="postgresql")

provision_domains = _provision_child(
    "provision_domains",
    Column("domain", String, ForeignKey("domains.id"), nullable=False),
    Column(
        "provision_position",
        Integer,
        comment="the provision's position in its agreement, on the first row of each domain",
    ),
)
Index(
    "ix_provision_domains_domain",
    provision_domains.c.domain,
    provision_domains.c.agreement_id,
    provision_domains.c.provision_id,
)
Index(
    "ix_provision_domains_walk",
    provision_domains.c.domain,
    provision_domains.c.agreement_id,
    provision_domains.c.provision_position,
    provision_domains.c.provision_id,
)
"""A domain's provisions are probed by id (the first index) and walked in agreement order
(the second), so a page filtered by domain reads only the entries it shows."""
provision_parties = _provision_child(
    "provision_parties",
    Column("role", String, nullable=False, comment="actor or beneficiary"),
    Column("party", String, nullable=False),
)
Index(
    "ix_provision_parties_party",
    provision_parties.c.party,
    provision_parties.c.role,
    provision_parties.c.agreement_id,
    provision_parties.c.provision_id,
)
provision_partners = _provision_child("provision_partners", Column("name", Text, nullable=False))
provision_instruments = _provision_child(
    "provision_instruments", Column("name", Text, nullable=False)
)
provision_flags = _provision_child("provision_flags", Column("flag", Text, nullable=False))
spans = _provision_child(
    "spans",
    Column("source_id", String, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

mechanisms = Table(
    "mechanisms",
    metadata,
    _agreement_fk(),
    Column("id", String, primary_key=True),
    Column("kind", String, nullable=False),
    Column("within", String),
    Column("every", String),
    Column("starts_on", String, nullable=False),
    Column("triggers", Text, nullable=False, comment="comma-separated trigger kinds"),
    Column("provision_id", String),
    Column("description", Text),
)

mentions = Table(
    "mentions",
    metadata,
    _agreement_fk(),
    Column("position", Integer, primary_key=True),
    Column("kind", String, nullable=False),
    Column("parties", String, nullable=False, comment="comma-separated party codes"),
)

history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String, nullable=False, comment="the token name that wrote"),
    Column("entity", String, nullable=False, comment="agreement or provision"),
    Column("action", String, nullable=False, comment="create, update or delete"),
    Column("agreement_id", String, nullable=False),
    Column("provision_id", String),
    Column("version", Integer, nullable=False, comment="the agreement's version after the write"),
    Column("before", Text, comment="contract JSON before the write; null on create"),
    Column("after", Text, comment="contract JSON after the write; null on delete"),
    Index("ix_history_agreement", "agreement_id", "id"),
    info=KEEP_ON_LOAD,
    comment="every curator write, appended in the write's own transaction",
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("name", String, primary_key=True),
    Column("token_hash", String, nullable=False, unique=True, comment="sha256 of the token"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column(
        "expires_at",
        DateTime(timezone=True),
        comment="after this instant the token gives 401; null: never expires",
    ),
    Column(
        "revoked_at",
        DateTime(timezone=True),
        comment="when `pactwatch token revoke` stopped it; null: in use",
    ),
    info=KEEP_ON_LOAD,
    comment="curator tokens; the token itself is shown once and never stored",
)

registry_state = Table(
    "registry_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "generation",
        String,
        nullable=False,
        comment="changes with every load and write: readers' ETags and caches key on it",
    ),
)
