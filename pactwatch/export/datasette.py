"""Datasette metadata for the SQLite registry, generated from the store's tables.

`datasette pactwatch.db -m datasette/metadata.json` opens the registry with a title, the
licence, and a description of every table and column. The file is rendered from the
SQLAlchemy tables plus the descriptions below; a test fails when the committed copy is
stale (`python -m pactwatch.export.datasette > datasette/metadata.json` renews it).
Columns we have not described yet get their SQL comment or a readable form of the name.
"""

from __future__ import annotations

import json
from typing import Any

from pactwatch.export.datapackage import LICENSE
from pactwatch.store import tables

DATABASE = "pactwatch"  # Datasette names a database after the file: pactwatch.db
TABLES: dict[str, str] = {
    "agreements": (
        "One row per agreement; `record` holds the contract JSON with its provisions array "
        "empty (each provision's JSON is its row's `record`)."
    ),
    "domains": "The domain taxonomy: ids, labels and definitions.",
    "agreement_parties": "Parties of each agreement, in order.",
    "signatories": "Who signed each agreement, for which party.",
    "sources": "Documents each record was coded from, identified by sha256.",
    "provisions": "One row per commitment, tied to its source words by the spans table.",
    "provision_domains": "Taxonomy domains of each provision, primary first.",
    "provision_parties": "Actors (who commit) and beneficiaries of each provision.",
    "provision_partners": "Partners or coalitions a provision names.",
    "provision_instruments": "Instruments a provision names (e.g. European Peace Facility).",
    "provision_flags": "Data-quality notes, e.g. where a source's wording differs from its sense.",
    "spans": "Character offsets of each provision in its source's UTF-8 text (end exclusive).",
    "mechanisms": "The agreement's executable rules: term, recurring duties, triggered clocks.",
    "mentions": "Other agreements a source refers to.",
}
COLUMNS: dict[str, str] = {
    "agreement_id": "Agreement the row belongs to (agreements.id).",
    "provision_id": "Provision the row belongs to, within its agreement.",
    "position": "Order within its list (0-based).",
    "id": "Stable id (a slug).",
    "title": "Title.",
    "kind": "Kind of thing (see the contract's JSON Schema for the values).",
    "signed_on": "Date of signature.",
    "signed_at": "Place of signature.",
    "legal_nature": "political, legally_binding or unknown.",
    "term_years": "Term in years.",
    "ends_on": "End of the term.",
    "provision_count": "Number of coded provisions.",
    "record": "The contract record as JSON, as loaded (an agreement's with no provisions).",
    "label": "Readable name.",
    "definition": "What the domain covers.",
    "party": "Party code: ISO 3166-1 alpha-2, or EU, NATO.",
    "name": "Name.",
    "role": "Role (of a signatory: e.g. President; of a provision party: actor or beneficiary).",
    "language": "Language code of the source.",
    "sha256": "sha256 of the source's raw bytes.",
    "url": "Where the source can be found.",
    "section": "Heading the provision sits under in the source.",
    "action": "Normalised verb.",
    "object": "What is committed.",
    "primary_domain": "First (primary) taxonomy domain (domains.id).",
    "condition": "Trigger or condition text.",
    "timing": "Timing, e.g. annual or a deadline.",
    "amount_value": "Amount committed.",
    "amount_currency": "ISO 4217 currency of the amount.",
    "amount_period": "Period the amount covers.",
    "summary": "The commitment in our own words.",
    "domain": "Taxonomy domain (domains.id).",
    "flag": "Data-quality note.",
    "source_id": "Source the offsets count in (sources.id).",
    "start": "First character of the span.",
    "end": "Character after the span's last.",
    "within": "ISO 8601 duration within which the duty falls due, e.g. PT24H.",
    "every": "ISO 8601 period of a recurring duty, e.g. P1Y.",
    "starts_on": "What starts the clock: trigger or request.",
    "triggers": "Comma-separated trigger kinds.",
    "description": "Description in our own words.",
    "parties": "Comma-separated party codes.",
}
EXTRAS: dict[str, dict[str, Any]] = {
    "agreements": {"label_column": "title", "sort": "signed_on", "facets": ["legal_nature"]},
    "domains": {"label_column": "label", "sort": "position"},
    "provisions": {
        "label_column": "object",
        "facets": ["agreement_id", "kind", "primary_domain"],
    },
    "provisions_fts": {"hidden": True},
}


QUERIES: dict[str, dict[str, str]] = {
    "commitments": {
        "title": "Commitments, by agreement, with their domain",
        "description": "Every provision with its agreement and primary domain; "
        "leave domain empty for all, or give a domain id such as air_defence.",
        "sql": "select a.id as agreement_id, a.title as agreement, a.signed_on, "
        "p.id as provision_id, p.section, p.action, p.object, d.label as primary_domain, "
        "p.kind, p.summary from provisions p join agreements a on a.id = p.agreement_id "
        "join domains d on d.id = p.primary_domain "
        "where :domain = '' or p.primary_domain = :domain "
        "order by a.signed_on, a.id, p.position",
    }
}


def _column(table: str, name: str, comment: str | None) -> str:
    return COLUMNS.get(name) or comment or name.replace("_", " ").capitalize() + "."


def metadata() -> dict[str, Any]:
    described: dict[str, Any] = {}
    for table in sorted(tables.metadata.tables.values(), key=lambda t: t.name):
        described[table.name] = {
            "description": TABLES.get(table.name, table.name.replace("_", " ").capitalize()),
            "columns": {c.name: _column(table.name, c.name, c.comment) for c in table.columns},
            **EXTRAS.get(table.name, {}),
        }
    described["provisions_fts"] = EXTRAS["provisions_fts"]
    return {
        "title": "Pactwatch registry",
        "description": "Security agreements as data: each commitment tied to its source words.",
        "license": LICENSE["title"],
        "license_url": LICENSE["path"],
        "source": "Pactwatch curated dataset (data/agreements)",
        "databases": {DATABASE: {"tables": described, "queries": QUERIES}},
    }


def render_metadata() -> str:
    return json.dumps(metadata(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(render_metadata(), end="")
