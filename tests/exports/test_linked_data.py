"""JSON-LD and Turtle: one vocabulary, a committed @context, SHACL shapes that hold."""

from __future__ import annotations

import json
import re

from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from pactwatch.export.linked_data import agreement_iri, event_iri, graph_of
from pactwatch.export.vocab import OMITTED, PW, TERMS, model_fields, render_context
from pactwatch.model import Agreement, Event
from pactwatch.settings import PROJECT_ROOT
from tests.exports.conftest import export_bytes

CONTEXT = PROJECT_ROOT / "schema" / "pactwatch.context.jsonld"
SHAPES = PROJECT_ROOT / "schema" / "pactwatch.shapes.ttl"
VOCABULARY_DOC = PROJECT_ROOT / "docs" / "vocabulary.md"


def shapes() -> Graph:
    return Graph().parse(SHAPES)


def test_committed_context_matches_the_model() -> None:
    assert CONTEXT.read_text(encoding="utf-8") == render_context(), (
        "schema/pactwatch.context.jsonld is stale: run "
        "`python -m pactwatch.export.vocab > schema/pactwatch.context.jsonld`"
    )


def test_every_model_field_has_a_documented_term() -> None:
    doc = VOCABULARY_DOC.read_text(encoding="utf-8")
    for model, field in model_fields():
        if field in OMITTED:
            assert f"`{field}`" in doc, f"{model}.{field} is left out but not documented"
            continue
        assert field in TERMS, f"{model}.{field} has no vocabulary term"
        prop = TERMS[field][0]
        assert f"`{prop}`" in doc, f"{prop} ({model}.{field}) is not in docs/vocabulary.md"


def test_exports_conform_to_the_shapes(
    fixture_agreements: list[Agreement], fixture_events: list[Event], ua_ro: Agreement
) -> None:
    graph = graph_of([*fixture_agreements, ua_ro], fixture_events)
    assert (None, RDF_TYPE, URIRef(PW + "Event")) in graph, "no event reached the graph"
    conforms, _, report = validate(graph, shacl_graph=shapes())
    assert conforms, report


def test_the_shapes_catch_a_provision_without_action(full: Agreement) -> None:
    graph = graph_of([full])
    provision = URIRef(agreement_iri(full.id) + "/provision/grant")
    graph.remove((provision, URIRef(PW + "action"), None))
    conforms, _, report = validate(graph, shacl_graph=shapes())
    assert not conforms
    assert "action" in str(report), report


def test_turtle_and_jsonld_carry_the_same_triples(
    full: Agreement, empty: Agreement, fixture_events: list[Event]
) -> None:
    ttl = export_bytes("ttl", [full, empty], fixture_events)
    jsonld = export_bytes("jsonld", [full, empty], fixture_events)
    from_ttl = Graph().parse(data=ttl, format="turtle")
    from_jsonld = Graph().parse(data=jsonld, format="json-ld")
    assert (None, RDF_TYPE, URIRef(PW + "Event")) in from_jsonld, "no event in the JSON-LD"
    assert len(from_ttl) > 100, len(from_ttl)
    assert isomorphic(from_ttl, from_jsonld)


def test_text_needing_escapes_reads_back_exactly(full: Agreement) -> None:
    graph = Graph().parse(data=export_bytes("ttl", [full], single=True), format="turtle")
    name = URIRef("https://schema.org/name")
    names = {str(o) for o in graph.objects(URIRef(agreement_iri(full.id)), name)}
    assert names == {full.title}, names
    summary = full.provisions[0].summary
    assert Literal(summary) in set(graph.objects(None, URIRef("https://schema.org/description")))


def test_no_blank_nodes_and_typed_values(ua_ro: Agreement) -> None:
    graph = graph_of([ua_ro])
    assert all(isinstance(s, URIRef) for s in graph.subjects()), "a blank node slipped in"
    signed = graph.value(URIRef(agreement_iri(ua_ro.id)), URIRef(PREFIX_ELI + "date_document"))
    assert isinstance(signed, Literal) and signed.toPython() == ua_ro.signed_on


PREFIX_ELI = "http://data.europa.eu/eli/ontology#"
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
BEARS_ON = URIRef(PW + "bearsOn")


def test_events_point_at_the_provisions_and_mechanisms_they_bear_on(
    fixture_agreements: list[Agreement], fixture_events: list[Event]
) -> None:
    graph = graph_of(fixture_agreements, fixture_events)
    for event in fixture_events:
        node = URIRef(event_iri(event.id))
        targets = set(graph.objects(node, BEARS_ON))
        expected = {URIRef(agreement_iri(a)) for a in event.agreements}
        for kind, refs in (("Provision", event.provisions), ("Mechanism", event.mechanisms)):
            for ref in refs:
                agreement_id, item = ref.split("/")
                target = URIRef(f"{agreement_iri(agreement_id)}/{kind.lower()}/{item}")
                assert (target, RDF_TYPE, URIRef(PW + kind)) in graph, (event.id, target)
                expected.add(target)
        assert targets == expected, (event.id, targets)
        at = graph.value(node, URIRef("https://schema.org/startDate"))
        assert (at.toPython() if isinstance(at, Literal) else None) == event.at, (event.id, at)


def test_only_events_bearing_on_the_export_are_kept(
    empty: Agreement, fixture_events: list[Event]
) -> None:
    """One agreement alone: an @graph of it and the events that name it, nothing else."""
    doc = json.loads(export_bytes("jsonld", [empty], fixture_events, single=True))
    ids = [node["@id"] for node in doc["@graph"]]
    expected = [event_iri(e.id) for e in fixture_events if empty.id in e.agreement_ids()]
    assert ids == [agreement_iri(empty.id), *expected] and expected, ids


def test_the_shapes_catch_an_undated_event_and_a_stray_link(
    full: Agreement, fixture_events: list[Event]
) -> None:
    trigger = next(e for e in fixture_events if e.at is not None)
    for broken in ("undated", "stray"):
        graph = graph_of([full], fixture_events)
        node = URIRef(event_iri(trigger.id))
        if broken == "undated":
            graph.remove((node, URIRef("https://schema.org/startDate"), None))
        else:
            graph.add((node, BEARS_ON, URIRef("https://example.org/elsewhere")))
        conforms, _, report = validate(graph, shacl_graph=shapes())
        assert not conforms, (broken, report)


def test_single_jsonld_is_one_node_with_inline_context(ua_ro: Agreement) -> None:
    doc = json.loads(export_bytes("jsonld", [ua_ro], single=True))
    assert doc["@id"] == agreement_iri("ua-ro-2024")
    assert doc["@context"] == json.loads(CONTEXT.read_text())["@context"]
    assert re.fullmatch(r"pwparty:[A-Z]{2}", doc["parties"][0]), doc["parties"]
