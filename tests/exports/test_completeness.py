"""Every value of the fixture record (which fills every field) reaches each full export.

Tables of provisions are the exception by design (one row per provision; docs/exports.md):
they carry every provision field and the agreement's metadata columns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel
from rdflib import Graph, Literal, URIRef

from pactwatch.export.tables import COLUMNS
from pactwatch.export.vocab import OMITTED
from pactwatch.model import Agreement, Event
from tests.exports.conftest import export_bytes, export_files


def leaves(value: Any) -> Iterator[str]:
    """Every scalar in a JSON value, as the text an export would hold."""
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    elif isinstance(value, bool):
        yield "true" if value else "false"
    elif isinstance(value, float) and value.is_integer():
        yield str(int(value))  # 12.0 may be written 12; "12" is in "12.0" too
    elif value is not None:
        yield str(value)


def test_fixture_fills_every_field(full: Agreement) -> None:
    """So the checks below cover every field: each is set in at least one instance."""
    groups: list[Sequence[BaseModel]] = [
        [full], full.provisions, full.mechanisms, full.sources, full.signatories,
        full.mentions, [full.term], [p.amount for p in full.provisions if p.amount],
    ]  # fmt: skip
    for instances in groups:
        for name in type(instances[0]).model_fields:
            values = [getattr(item, name) for item in instances]
            assert any(v not in (None, []) for v in values), (type(instances[0]).__name__, name)


def test_fixture_events_fill_every_field(fixture_events: list[Event]) -> None:
    groups: list[Sequence[BaseModel]] = [
        fixture_events,
        [s for e in fixture_events for s in e.sources],
        [q for e in fixture_events for q in e.quantities],
    ]
    for instances in groups:
        for name in type(instances[0]).model_fields:
            values = [getattr(item, name) for item in instances]
            assert any(v not in (None, [], False) for v in values), (type(instances[0]), name)


def values_of(full: Agreement, events: list[Event], rdf: bool = False) -> list[str]:
    """Every scalar of the record and of its events (references as their parts: exports
    write 'agreement/provision' as two cells or as an IRI). For RDF, without the fields the
    vocabulary keeps out of the linked data on purpose (docs/vocabulary.md)."""
    record = full.model_dump(mode="json")
    if rdf:
        record = {k: v for k, v in record.items() if k not in OMITTED}
        record["provisions"] = [
            {k: v for k, v in p.items() if k not in OMITTED} for p in record["provisions"]
        ]
    found = list(leaves(record))
    for event in events:
        data = event.model_dump(mode="json")
        if rdf:
            data = {k: v for k, v in data.items() if k not in OMITTED}
        refs = [
            part
            for key in ("provisions", "mechanisms")
            for ref in data.pop(key)
            for part in ref.split("/")
        ]
        found += [*leaves(data), *refs]
    return found


def test_datapackage_holds_every_value(full: Agreement, fixture_events: list[Event]) -> None:
    files = export_files("datapackage", [full], fixture_events)
    cells = [
        cell
        for name, data in files.items()
        if name.endswith(".csv")
        for row in csv.reader(io.StringIO(data.decode("utf-8")))
        for cell in row
    ]
    text = "\n".join(cells)
    missing = [v for v in values_of(full, fixture_events) if v not in text]
    assert not missing, missing


def test_rdf_holds_every_value(full: Agreement, fixture_events: list[Event]) -> None:
    turtle = export_bytes("ttl", [full], fixture_events)
    graph = Graph().parse(data=turtle, format="turtle")
    values = {str(o) for o in graph.objects() if isinstance(o, Literal | URIRef)}
    text = " ".join(values)
    raw = turtle.decode("utf-8")  # durations as written: rdflib re-normalises when parsing
    expected = values_of(full, fixture_events, rdf=True)
    missing = [v for v in expected if v not in text and v not in raw]
    assert not missing, missing


def test_provision_table_holds_every_provision_value(full: Agreement) -> None:
    text = export_bytes("csv", [full]).decode("utf-8")
    for provision in full.provisions:
        missing = [v for v in leaves(provision.model_dump(mode="json")) if v not in text]
        missing = [v for v in missing if '"' not in v and "\n" not in v]  # CSV doubles quotes
        assert not missing, (provision.id, missing)
    assert len(COLUMNS) == len(text.splitlines()[0].split(","))
