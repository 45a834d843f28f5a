"""Provisions as one flat table: one row per provision, with its agreement's metadata.

Analysts open this in a spreadsheet, pandas or R, so list fields are joined with "; " and
every column has one declared type, shared by the CSV, Parquet and XLSX writers so the
three files agree. Fields that do not fit a provision row (signatories, sources,
mechanisms, mentions, notes) are in the Data Package, JSON and RDF exports.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pactwatch.export.quotes import TextLookup, quoted
from pactwatch.model import Agreement, Provision, Span, Structure
from pactwatch.model.citation import cite

ColumnType = Literal["string", "integer", "number", "date"]
Value = str | int | float | bool | date | None
Row = dict[str, Value]
SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("agreement_id", "string", "Stable slug of the agreement."),
    Column("agreement_title", "string", "Title of the agreement."),
    Column("agreement_kind", "string", "Kind of agreement, e.g. bilateral_security_agreement."),
    Column("parties", "string", "Party codes (ISO 3166-1 alpha-2, EU, NATO), '; '-joined."),
    Column("signed_on", "date", "Date of signature."),
    Column("signed_at", "string", "Place of signature."),
    Column("legal_nature", "string", "political, legally_binding or unknown."),
    Column("term_years", "integer", "Term in years."),
    Column("ends_on", "date", "End of the term."),
    Column("ends_early_if", "string", "Early-end conditions, '; '-joined."),
    Column("notice", "string", "Written notice to terminate (ISO 8601 duration)."),
    Column("renewal", "string", "How the term may be extended."),
    Column("on_nato_accession", "string", "What the text says happens on NATO accession."),
    Column("effective", "string", "When the agreement takes effect."),
    Column("prevailing_language", "string", "Language that prevails on divergence."),
    Column("authentic_languages", "string", "Authentic language versions, '; '-joined."),
    Column("position", "integer", "Order of the provision within the agreement (0-based)."),
    Column("provision_id", "string", "Stable id of the provision within the agreement."),
    Column("section", "string", "Heading the provision sits under in the source."),
    Column("eid", "string", "Akoma Ntoso eId of the clause in the official text."),
    Column("citation", "string", "The clause as its text numbers it, e.g. 'Part II, paragraph 3'."),
    Column("actors", "string", "Who commits, '; '-joined party codes."),
    Column("beneficiaries", "string", "For whom, '; '-joined party codes."),
    Column("action", "string", "Normalised verb."),
    Column("object", "string", "What is committed."),
    Column("primary_domain", "string", "First (primary) taxonomy domain."),
    Column("domains", "string", "All taxonomy domains, primary first, '; '-joined."),
    Column("kind", "string", "action, support, declaration or mechanism."),
    Column("partners", "string", "Partners or coalitions named, '; '-joined."),
    Column("instruments", "string", "Instruments named, '; '-joined."),
    Column("condition", "string", "Trigger or condition text."),
    Column("timing", "string", "Timing, e.g. annual or a deadline."),
    Column("amount_value", "number", "Amount committed."),
    Column("amount_currency", "string", "ISO 4217 currency of the amount."),
    Column("amount_period", "string", "Period the amount covers."),
    Column("amount_unit", "string", "currency, or percent_of_gdp."),
    Column("amount_qualifier", "string", "exact, about, at_least, more_than or up_to."),
    Column("summary", "string", "The commitment in our own words."),
    Column("flags", "string", "Data-quality notes, '; '-joined."),
    Column("why", "string", "Rules and lexicon entries behind a draft, '; '-joined."),
    Column("spans", "string", "Source offsets as source:start-end, '; '-joined."),
    Column(
        "quote",
        "string",
        "The words at the spans, from the governments' published texts, when the text was "
        "present at export (spans joined by ' … '); empty for news reports, which are not "
        "ours to redistribute.",
    ),
    Column("review_state", "string", "draft or reviewed."),
    Column("reviewed_by", "string", "Who reviewed the provision."),
    Column("reviewed_on", "string", "When it was reviewed."),
    Column("review_extractor", "string", "Extractor version that drafted it."),
    Column("review_changed", "string", "Whether the reviewer changed the draft (true/false)."),
    Column("readings", "string", "How other sources word it: 'source: field=value, ...'."),
)


def joined(values: Iterable[str]) -> str:
    return SEPARATOR.join(values)


def span_text(spans: Iterable[Span]) -> str:
    return joined(f"{s.source}:{s.start}-{s.end}" for s in spans)


def agreement_fields(a: Agreement) -> Row:
    """The agreement's metadata and term as flat values; shared by every tabular format."""
    return {
        "id": a.id,
        "title": a.title,
        "kind": a.kind,
        "parties": joined(a.parties),
        "signed_on": a.signed_on,
        "signed_at": a.signed_at,
        "legal_nature": a.legal_nature,
        "term_years": a.term.years,
        "ends_on": a.term.ends_on,
        "ends_early_if": joined(a.term.ends_early_if),
        "notice": a.term.notice,
        "renewal": a.term.renewal,
        "on_nato_accession": a.term.on_nato_accession,
        "effective": a.effective,
        "prevailing_language": a.prevailing_language,
        "authentic_languages": joined(a.authentic_languages),
    }


def agreement_columns(a: Agreement) -> Row:
    """The agreement's fields as leading columns of a provision row (prefixed where a
    provision has a field of the same name)."""
    fields = agreement_fields(a)
    renamed = {f"agreement_{k}": fields.pop(k) for k in ("id", "title", "kind")}
    return {**renamed, **fields}


def _readings(p: Provision) -> str:
    """Each other source's wording as 'source: field=value, ...', '; '-joined."""
    parts = []
    for source, reading in p.readings.items():
        fields = reading.model_dump(mode="json", exclude_none=True)
        shown = ", ".join(f"{k}={_flat(v)}" for k, v in fields.items())
        parts.append(f"{source}: {shown}")
    return joined(parts)


def _flat(value: object) -> str:
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items() if v is not None)
    return str(value)


def provision_columns(position: int, p: Provision, structure: Structure | None = None) -> Row:
    review = p.review
    return {
        "position": position,
        "provision_id": p.id,
        "section": p.section,
        "eid": p.eid,
        "citation": cite(p.eid, structure) if p.eid else None,
        "actors": joined(p.actors),
        "beneficiaries": joined(p.beneficiaries),
        "action": p.action,
        "object": p.object,
        "primary_domain": p.domains[0],
        "domains": joined(p.domains),
        "kind": p.kind,
        "partners": joined(p.partners),
        "instruments": joined(p.instruments),
        "condition": p.condition,
        "timing": p.timing,
        "amount_value": p.amount.value if p.amount else None,
        "amount_currency": p.amount.currency if p.amount else None,
        "amount_period": p.amount.period if p.amount else None,
        "amount_unit": p.amount.unit if p.amount else None,
        "amount_qualifier": p.amount.qualifier if p.amount else None,
        "summary": p.summary,
        "flags": joined(p.flags),
        "why": joined(p.why),
        "spans": span_text(p.spans),
        "review_state": review.state if review else None,
        "reviewed_by": review.by if review else None,
        "reviewed_on": review.on if review else None,
        "review_extractor": review.extractor if review else None,
        "review_changed": None
        if review is None or review.changed is None
        else str(review.changed).lower(),
        "readings": _readings(p) or None,
    }


def provision_rows(
    agreements: Iterable[Agreement], texts: TextLookup | None = None
) -> Iterator[Row]:
    """One row per provision, in agreement order then provision order; with `texts`, the
    quoted words of each provision's spans (see `quotes`)."""
    for agreement in agreements:
        head = agreement_columns(agreement)
        for position, provision in enumerate(agreement.provisions):
            row = {**head, **provision_columns(position, provision, agreement.structure)}
            row["quote"] = quoted(agreement, provision.spans, texts)
            yield row


class TableExporter:
    """Collects agreements; subclasses turn `provision_rows` into a file format."""

    media_type = "text/csv"
    extension = "csv"
    binary = False

    def __init__(self, *, single: bool = False) -> None:
        self.single = single
        self.agreements: list[Agreement] = []
        self.texts: TextLookup | None = None

    def write(self, agreement: Agreement) -> None:
        self.agreements.append(agreement)

    def use_texts(self, lookup: TextLookup) -> None:
        self.texts = lookup

    def rows(self) -> list[Row]:
        return list(provision_rows(self.agreements, self.texts))
