"""The codebook: every exported column, its type, its meaning and its allowed values.

Generated, never written by hand: the flat provisions table's columns come from
`tables.COLUMNS` (what the CSV, Parquet and XLSX writers write), the Data Package's from
its own descriptor, and a meaning a table does not declare is taken from the model's
field descriptions (`pactwatch/model`), so a column cannot be exported without being
described, and a description cannot outlive its column. Allowed values come from the
model's literal types. `docs/codebook.md` is this text, kept equal by a test; every
Data Package and every folder export ships it, with the licence (`licence.py`).
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel

from pactwatch.export.datapackage import TABLES, Field, Resource
from pactwatch.export.licence import licence_text
from pactwatch.export.tables import COLUMNS
from pactwatch.model import Agreement, Event
from pactwatch.model.agreement import (
    Amount,
    AmountQualifier,
    AmountUnit,
    Explanation,
    LegalNature,
    Mechanism,
    Mention,
    Provision,
    ProvisionKind,
    ReviewState,
    Signatory,
    Source,
    Span,
    StructureNode,
    Term,
)
from pactwatch.model.event import EventSource
from pactwatch.model.taxonomy import domains

FILE_NAME = "codebook.md"

# Which model classes describe a Data Package table's columns, in the order asked.
_MODELS: dict[str, tuple[type[BaseModel], ...]] = {
    "agreements": (Agreement, Term),
    "signatories": (Signatory,),
    "sources": (Source,),
    "provisions": (Provision, Amount),
    "spans": (Span,),
    "mechanisms": (Mechanism,),
    "mentions": (Mention,),
    "structure": (StructureNode,),
    "explanations": (Explanation, Span),
    "events": (Event,),
    "event_sources": (EventSource,),
}

# Columns every table shares, described once.
_COMMON = {
    "position": "Order of the row within its parent (0-based).",
    "agreement_id": "Agreement the row belongs to (agreements.id).",
    "provision_id": "Provision the row belongs to, within its agreement (provisions.provision_id).",
    "mechanism_id": "Mechanism the row refers to, within its agreement (mechanisms.id).",
    "source_id": "Source the offsets count in, within its agreement (sources.id).",
    "event_id": "Event the row belongs to (events.id).",
    "provision_count": "Number of provisions coded for the agreement.",
}

_TABLE_VALUES: dict[str, tuple[str, ...]] = {
    "legal_nature": get_args(LegalNature),
    "kind": get_args(ProvisionKind),
    "review_state": get_args(ReviewState),
    "amount_qualifier": get_args(AmountQualifier),
    "amount_unit": get_args(AmountUnit),
}


def _model_description(table: str, name: str) -> str | None:
    for model in _MODELS.get(table, ()):
        key = {"provision_id": "id", "amount_value": "value"}.get(name, name)
        key = key.removeprefix("amount_") if model is Amount else key
        info = model.model_fields.get(key)
        if info is not None and info.description:
            return info.description
    return None


def _flat(name: str) -> str | None:
    for column in COLUMNS:
        if column.name in (name, f"agreement_{name}"):
            return column.description
    return None


def meaning(table: str, f: Field) -> str:
    """What a Data Package column holds: declared, else the flat table's, else the model's."""
    return (
        f.description
        or _COMMON.get(f.name)
        or _model_description(table, f.name)
        or _flat(f.name)
        or ""
    )


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _values(values: tuple[str, ...] | Any) -> str:
    return ", ".join(f"`{v}`" for v in values) if values else ""


def table_section() -> list[str]:
    lines = [
        "## The provisions table (`csv`, `parquet`, `xlsx`)",
        "",
        "One row per provision, its agreement's metadata repeated on each row. Lists are "
        "joined with `; `; empty cells are nulls.",
        "",
        "| column | type | meaning | values |",
        "| --- | --- | --- | --- |",
    ]
    domain_ids = tuple(d.id for d in domains())
    values = {**_TABLE_VALUES, "primary_domain": domain_ids}
    for c in COLUMNS:
        lines.append(_row([f"`{c.name}`", c.type, c.description, _values(values.get(c.name))]))
    return lines


def package_section(tables: tuple[Resource, ...] = TABLES) -> list[str]:
    lines = [
        "## The Data Package (`datapackage`)",
        "",
        "Related CSV tables with their keys declared in `datapackage.json`.",
    ]
    for t in tables:
        lines += [
            "",
            f"### `{t.name}.csv`",
            "",
            t.description,
            "",
            f"Primary key: {', '.join(f'`{k}`' for k in t.primary_key)}.",
            "",
            "| column | type | required | meaning | values |",
            "| --- | --- | --- | --- | --- |",
        ]
        for f in t.fields:
            lines.append(
                _row(
                    [
                        f"`{f.name}`",
                        f.type,
                        "yes" if f.required else "",
                        meaning(t.name, f),
                        _values(f.enum),
                    ]
                )
            )
    return lines


def undescribed() -> list[str]:
    """Columns with no meaning anywhere (a test keeps this empty)."""
    missing = [f"provisions table: {c.name}" for c in COLUMNS if not c.description]
    for t in TABLES:
        missing += [f"{t.name}.csv: {f.name}" for f in t.fields if not meaning(t.name, f)]
    return missing


def codebook() -> str:
    """The codebook as Markdown."""
    lines = [
        "# Pactwatch codebook",
        "",
        "Every column Pactwatch exports, its type and its meaning. Generated from the "
        "exporters' column declarations and the model's field descriptions "
        "(`pactwatch/export/codebook.py`); do not edit by hand. Dates are ISO 8601; "
        "offsets count characters (Python `str` indices, end exclusive) in the source's "
        "UTF-8 text; party codes are ISO 3166-1 alpha-2, or `EU`, `NATO`.",
        "",
        *table_section(),
        "",
        *package_section(),
        "",
        licence_text(heading="##"),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    print(codebook(), end="")
