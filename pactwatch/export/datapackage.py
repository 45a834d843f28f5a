"""A Frictionless Data Package: the registry as related CSV tables plus `datapackage.json`.

Tables: agreements, signatories, sources, provisions, spans, mechanisms, mentions,
events, event_sources, and three link tables saying which agreements, provisions and
mechanisms each event bears on. The descriptor declares every column's type, the primary
keys and the foreign keys, so `frictionless validate datapackage.json` checks the whole
package, references included. List fields are joined with "; " as in the provisions table export.

Events arrive through `use_events` (the `EventAware` capability). Only those bearing on
the exported agreements are kept, and only their links into those agreements become link
rows: a link to an agreement left out of the package would be a dangling foreign key. The
events table still lists every reference of the record. Links are split by target, one
table each, because a single table would need a foreign key that is half empty on most
rows, which Frictionless (rightly) reports as a broken reference.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, get_args

from pactwatch.export.base import EventCollector, bearing_on, register, zip_files
from pactwatch.export.csv_format import csv_bytes
from pactwatch.export.tables import (
    Value,
    agreement_fields,
    joined,
    provision_columns,
    span_text,
)
from pactwatch.model import Agreement, Event
from pactwatch.model.agreement import LegalNature, MechanismKind, ProvisionKind, SourceKind
from pactwatch.model.event import EventKind, Precision

LICENSE = {"name": "MIT", "path": "https://opensource.org/licenses/MIT", "title": "MIT License"}
Row = dict[str, Value]


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "string"
    required: bool = False
    enum: tuple[str, ...] = ()
    description: str = ""

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.description:
            out["description"] = self.description
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class Resource:
    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()

    def descriptor(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "fields": [f.descriptor() for f in self.fields],
            "primaryKey": list(self.primary_key),
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": list(mine), "reference": {"resource": res, "fields": list(theirs)}}
                for mine, res, theirs in self.foreign_keys
            ]
        return {
            "name": self.name,
            "path": f"{self.name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": self.description,
            "schema": schema,
        }

    def csv(self, rows: list[Row]) -> bytes:
        names = [f.name for f in self.fields]
        return csv_bytes(names, [[row.get(n) for n in names] for row in rows])


def _req(name: str, type_: str = "string", **kw: Any) -> Field:
    return Field(name, type_, required=True, **kw)


AGREEMENT_FK = ((("agreement_id",), "agreements", ("id",)),)
PROVISION_FK = (("agreement_id", "provision_id"), "provisions", ("agreement_id", "provision_id"))
MECHANISM_FK = (("agreement_id", "mechanism_id"), "mechanisms", ("agreement_id", "id"))
EVENT_FK = (("event_id",), "events", ("id",))
SOURCE_FK = (("agreement_id", "source_id"), "sources", ("agreement_id", "id"))


_AID = _req("agreement_id", description="Agreement the row belongs to.")
_EID = _req("event_id", description="Event the row belongs to (events.id).")
_TARGET_AID = _req("agreement_id", description="Agreement the event bears on.")


def _event_fields() -> Iterator[Field]:
    """The events table follows the Event model, so the rules work can fill it as is."""
    for name in Event.model_fields:
        if name == "id":
            yield _req("id")
        elif name == "kind":
            yield _req("kind", enum=get_args(EventKind))
        elif name == "at":
            yield Field("at", "datetime", description="Exact instant, with its UTC offset.")
        elif name == "completes":
            yield _req("completes", "boolean", description="Completes the provisions it names.")
        elif name == "precision":
            yield _req(
                "precision",
                enum=get_args(Precision),
                description="How precisely the date is known; never read it as more precise.",
            )
        elif name == "background":
            yield _req(
                "background", "boolean", description="Context only: never counted as evidence."
            )
        elif name == "happened":
            yield _req(
                "happened", "boolean", description="False: records that the act did not happen."
            )
        elif name == "review":
            yield Field(
                "review", enum=("draft", "reviewed"), description="draft: never counted yet."
            )
        else:
            yield Field(name)


# The tables, referenced tables first.
TABLES: tuple[Resource, ...] = (
    Resource(
        "agreements",
        "One row per agreement.",
        (
            _req("id"),
            _req("title"),
            _req("kind"),
            _req("parties"),
            Field("signed_on", "date"),
            Field("signed_at"),
            _req("legal_nature", enum=get_args(LegalNature)),
            Field("term_years", "integer"),
            Field("ends_on", "date"),
            Field("ends_early_if"),
            Field("notice"),
            Field("renewal"),
            Field("on_nato_accession"),
            Field("effective"),
            Field("prevailing_language"),
            Field("authentic_languages"),
            _req("indefinite", "boolean"),
            Field("notes"),
            _req("provision_count", "integer"),
            Field("structure_parser", description="Parser version that read the text's structure."),
        ),
        ("id",),
    ),
    Resource(
        "signatories",
        "Who signed, for which party.",
        (
            _AID,
            _req("position", "integer"),
            _req("name"),
            _req("role"),
            _req("party"),
        ),
        ("agreement_id", "position"),
        AGREEMENT_FK,
    ),
    Resource(
        "sources",
        "Documents a record was coded from, by sha256.",
        (
            _AID,
            _req("id"),
            _req("kind", enum=get_args(SourceKind)),
            _req("title"),
            _req("language"),
            Field("sha256"),
            Field("url"),
            Field("filename"),
            Field("published_on"),
            Field("author"),
            Field("authentic", "boolean"),
        ),
        ("agreement_id", "id"),
        AGREEMENT_FK,
    ),
    Resource(
        "provisions",
        "One row per provision (commitment).",
        (
            _AID,
            _req("provision_id"),
            _req("position", "integer"),
            Field("section"),
            Field("eid"),
            Field("citation"),
            Field("actors"),
            Field("beneficiaries"),
            _req("action"),
            _req("object"),
            _req("primary_domain"),
            _req("domains"),
            _req("kind", enum=get_args(ProvisionKind)),
            Field("partners"),
            Field("instruments"),
            Field("condition"),
            Field("timing"),
            Field("amount_value", "number"),
            Field("amount_currency"),
            Field("amount_period"),
            Field("amount_unit"),
            Field("amount_qualifier"),
            Field("summary"),
            Field("flags"),
            Field("why"),
            Field("spans"),
            Field("review_state"),
            Field("reviewed_by"),
            Field("reviewed_on"),
            Field("review_extractor"),
            Field("review_changed"),
            Field("readings"),
        ),
        ("agreement_id", "provision_id"),
        AGREEMENT_FK,
    ),
    Resource(
        "spans",
        "Character offsets of each provision in its source's UTF-8 text.",
        (
            _AID,
            _req("provision_id"),
            _req("position", "integer"),
            _req("source_id"),
            _req("start", "integer"),
            _req("end", "integer"),
        ),
        ("agreement_id", "provision_id", "position"),
        (PROVISION_FK, SOURCE_FK),
    ),
    Resource(
        "mechanisms",
        "Executable rules: term, recurring duties, triggered clocks.",
        (
            _AID,
            _req("id"),
            _req("kind", enum=get_args(MechanismKind)),
            Field("within"),
            Field("every"),
            Field("triggers"),
            _req("starts_on"),
            Field("provision_id"),
            Field("description"),
        ),
        ("agreement_id", "id"),
        AGREEMENT_FK,
    ),
    Resource(
        "mentions",
        "Other agreements the source refers to.",
        (
            _AID,
            _req("position", "integer"),
            _req("kind"),
            Field("parties"),
            Field("spans"),
        ),
        ("agreement_id", "position"),
        AGREEMENT_FK,
    ),
    Resource(
        "structure",
        "The official text's hierarchy: one row per node, with its Akoma Ntoso eId.",
        (
            _AID,
            _req("position", "integer"),
            _req("eid"),
            _req("source_id"),
            _req("kind"),
            Field("num"),
            Field("label"),
            _req("start", "integer"),
            _req("end", "integer"),
            Field("heading_end", "integer"),
            Field("gaps"),
        ),
        ("agreement_id", "position"),
        AGREEMENT_FK,
    ),
    Resource(
        "explanations",
        "Operative sentences that are not commitments, and why.",
        (
            _AID,
            _req("position", "integer"),
            _req("source_id"),
            _req("start", "integer"),
            _req("end", "integer"),
            Field("eid"),
            _req("reason"),
        ),
        ("agreement_id", "position"),
        AGREEMENT_FK,
    ),
    Resource(
        "events",
        "Things that happened, which the rules turn into obligation states.",
        tuple(_event_fields()),
        ("id",),
    ),
    Resource(
        "event_sources",
        "Where each event is reported: a URL, or the sha256 of a document, and a title.",
        (_EID, _req("position", "integer"), Field("url"), Field("title"), Field("sha256")),
        ("event_id", "position"),
        (EVENT_FK,),
    ),
    Resource(
        "event_agreements",
        "Agreements an event names (a trigger limited to them, a statement about them).",
        (_EID, _req("position", "integer"), _TARGET_AID),
        ("event_id", "position"),
        (EVENT_FK, AGREEMENT_FK[0]),
    ),
    Resource(
        "event_provisions",
        "Provisions an event bears on (a delivery, a payment, a training course).",
        (_EID, _req("position", "integer"), _TARGET_AID, _req("provision_id")),
        ("event_id", "position"),
        (EVENT_FK, PROVISION_FK),
    ),
    Resource(
        "event_mechanisms",
        "Mechanisms an event bears on (a dialogue meeting, a consultation, a trigger).",
        (_EID, _req("position", "integer"), _TARGET_AID, _req("mechanism_id")),
        ("event_id", "position"),
        (EVENT_FK, MECHANISM_FK),
    ),
)


def agreement_row(a: Agreement) -> Row:
    """The agreement's own row: metadata, term and notes, lists joined."""
    return {
        **agreement_fields(a),
        "indefinite": a.term.indefinite,
        "notes": joined(a.notes),
        "provision_count": len(a.provisions),
        "structure_parser": a.structure.parser if a.structure else None,
    }


def span_rows(a: Agreement) -> list[Row]:
    rows: list[Row] = []
    for p in a.provisions:
        for j, s in enumerate(p.spans):
            rows.append({"agreement_id": a.id, "provision_id": p.id, "position": j})
            rows[-1].update(source_id=s.source, start=s.start, end=s.end)
    return rows


def structure_rows(a: Agreement) -> list[Row]:
    if a.structure is None:
        return []
    rows: list[Row] = []
    for i, n in enumerate(a.structure.nodes):
        row: Row = {"agreement_id": a.id, "position": i, "source_id": a.structure.source}
        row.update(eid=n.eid, kind=n.kind, num=n.num, label=n.label, start=n.start, end=n.end)
        row.update(heading_end=n.heading_end, gaps=joined(f"{g0}-{g1}" for g0, g1 in n.gaps))
        rows.append(row)
    return rows


def explanation_rows(a: Agreement) -> list[Row]:
    rows: list[Row] = []
    for i, e in enumerate(a.not_a_commitment):
        row: Row = {"agreement_id": a.id, "position": i, "source_id": e.span.source}
        row.update(start=e.span.start, end=e.span.end, eid=e.eid, reason=e.reason)
        rows.append(row)
    return rows


def agreement_rows(a: Agreement) -> dict[str, list[Row]]:
    """The rows one agreement contributes to each table."""
    aid = a.id
    return {
        "agreements": [agreement_row(a)],
        "signatories": [
            {"agreement_id": aid, "position": i, **s.model_dump()}
            for i, s in enumerate(a.signatories)
        ],
        "sources": [{"agreement_id": aid, **s.model_dump()} for s in a.sources],
        "provisions": [
            {"agreement_id": aid, **provision_columns(i, p, a.structure)}
            for i, p in enumerate(a.provisions)
        ],
        "structure": structure_rows(a),
        "explanations": explanation_rows(a),
        "spans": span_rows(a),
        "mechanisms": [
            {"agreement_id": aid, **m.model_dump(exclude={"triggers", "provision"})}
            | {"triggers": joined(m.triggers), "provision_id": m.provision}
            for m in a.mechanisms
        ],
        "mentions": [
            {"agreement_id": aid, "position": i, "kind": m.kind, "parties": joined(m.parties)}
            | {"spans": span_text(m.spans)}
            for i, m in enumerate(a.mentions)
        ],
    }


def _number(value: float) -> str:
    """A quantity as written: whole numbers without ".0", others exactly (`repr`, never `:g`,
    which would print 2500000000.5 as 2.5e+09)."""
    return str(int(value)) if value.is_integer() else repr(value)


def event_row(event: Event) -> Row:
    """An event as one row: lists joined with "; ", sources as their URL or sha256."""
    return {
        "id": event.id,
        "kind": event.kind,
        "subkind": event.subkind,
        "at": event.at.isoformat() if event.at else None,
        "on": event.on,
        "precision": event.date_precision,
        "agreements": joined(event.agreements),
        "actors": joined(event.actors),
        "provisions": joined(event.provisions),
        "mechanisms": joined(event.mechanisms),
        "sources": joined(s.url or s.sha256 or "" for s in event.sources),
        "quantities": joined(f"{_number(q.value)} {q.unit}" for q in event.quantities),
        "description": event.description,
        "completes": event.completes,
        "background": event.background,
        "happened": event.happened,
        "review": event.review.state if event.review else None,
    }


def event_link_rows(event: Event, exported: set[str]) -> dict[str, list[Row]]:
    """The event's sources, and its links into the exported agreements (one table per kind
    of target).

    `position` is the reference's place in the event's own list, so it is stable whichever
    agreements are exported alongside.
    """
    eid = event.id
    rows: dict[str, list[Row]] = {
        "event_sources": [
            {"event_id": eid, "position": i, **s.model_dump()} for i, s in enumerate(event.sources)
        ],
        "event_agreements": [
            {"event_id": eid, "position": i, "agreement_id": aid}
            for i, aid in enumerate(event.agreements)
            if aid in exported
        ],
    }
    for table, column, refs in (
        ("event_provisions", "provision_id", event.provisions),
        ("event_mechanisms", "mechanism_id", event.mechanisms),
    ):
        targets = [(i, ref.partition("/")) for i, ref in enumerate(refs)]
        rows[table] = [
            {"event_id": eid, "position": i, "agreement_id": aid, column: item}
            for i, (aid, _, item) in targets
            if aid in exported
        ]
    return rows


def descriptor(tables: tuple[Resource, ...]) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": "pactwatch-registry",
        "title": "Pactwatch: security agreements as data",
        "description": "Security agreements, their provisions tied to source offsets, "
        "mechanisms and events, as exported by `pactwatch export datapackage`.",
        "licenses": [LICENSE],
        "resources": [t.descriptor() for t in tables],
    }


class DataPackageExporter(EventCollector):
    """A folder (`finalize_files`) or the same files zipped (`finalize`)."""

    media_type = "application/zip"
    extension = "zip"
    binary = True

    def _with_events(self) -> dict[str, list[Row]]:
        rows: dict[str, list[Row]] = {t.name: [] for t in TABLES}
        for agreement in self._agreements:
            for name, items in agreement_rows(agreement).items():
                rows[name].extend(items)
        exported = {a.id for a in self._agreements}
        for event in bearing_on(self._events, exported):
            rows["events"].append(event_row(event))
            for name, links in event_link_rows(event, exported).items():
                rows[name].extend(links)
        return rows

    def finalize_files(self) -> dict[str, bytes]:
        rows = self._with_events()
        files = {f"{t.name}.csv": t.csv(rows[t.name]) for t in TABLES}
        text = json.dumps(descriptor(TABLES), indent=2, ensure_ascii=False) + "\n"
        files["datapackage.json"] = text.encode("utf-8")
        return files

    def finalize(self) -> bytes:
        return zip_files(self.finalize_files())


register("datapackage", DataPackageExporter)
