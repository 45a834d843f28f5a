"""An agreement as a JSON-LD document and as an rdflib graph (shared by jsonld and ttl).

The document is the contract JSON plus `@id`s and `@type`s, read through the vocabulary's
@context: every resource gets an IRI under https://pactwatch.org/id/ (no blank nodes, so
the same record always gives the same triples and the same Turtle), party codes become
`pwparty:RO`, domains `pwdomain:air_defence`. Null fields are left out.

RDF has no order, so list positions that matter (provisions, spans) are kept as
`pw:position`; the order of domains (primary first) is kept by `pw:primaryDomain`.

Events bearing on the exported agreements are nodes of their own under
https://pactwatch.org/id/event/, beside the agreements (an event can bear on several),
pointing at each agreement, provision and mechanism they bear on with `pw:bearsOn`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pactwatch.export.base import bearing_on
from pactwatch.export.vocab import CLASSES, ID, OMITTED, PREFIXES, PW, context
from pactwatch.model import Agreement, Event

if TYPE_CHECKING:
    from rdflib import Graph

REFS = {"parties": "pwparty:", "party": "pwparty:", "actors": "pwparty:"}
REFS |= {"beneficiaries": "pwparty:", "domains": "pwdomain:"}


def agreement_iri(agreement_id: str) -> str:
    return f"{ID}agreement/{agreement_id}"


def _clean(data: dict[str, Any], refs: dict[str, str] = REFS) -> dict[str, Any]:
    """Drop nulls, empty lists and the fields kept out of the linked data; turn codes into
    compact IRIs."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None or value == [] or key in OMITTED:
            continue
        if key in refs:
            prefix = refs[key]
            value = [prefix + v for v in value] if isinstance(value, list) else prefix + value
        out[key] = value
    return out


def _node(iri: str, cls: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"@id": iri, "@type": CLASSES[cls], **_clean(data)}


def _exact(value: float) -> str:
    """A number as a decimal string: a JSON number would pass through a lossy double form."""
    return format(Decimal(repr(value)), "f")


def _provision(base: str, position: int, p: dict[str, Any]) -> dict[str, Any]:
    iri = f"{base}/provision/{p['id']}"
    node = _node(iri, "Provision", p)
    node["position"] = position
    node["pw:primaryDomain"] = {"@id": "pwdomain:" + p["domains"][0]}
    if p["amount"] is not None:
        exact = _exact(p["amount"]["value"])
        node["amount"] = _node(f"{iri}/amount", "Amount", p["amount"] | {"value": exact})
    node["spans"] = [_span(base, iri, i, s) for i, s in enumerate(p["spans"])]
    return node


def _span(base: str, owner: str, position: int, span: dict[str, Any]) -> dict[str, Any]:
    node = _node(f"{owner}/span/{position}", "Span", span)
    return node | {"source": f"{base}/source/{span['source']}", "position": position}


def agreement_document(agreement: Agreement) -> dict[str, Any]:
    """The agreement as a JSON-LD node (without @context)."""
    data = agreement.model_dump(mode="json")
    base = agreement_iri(agreement.id)
    doc = _node(base, "Agreement", data)
    doc["term"] = _node(f"{base}/term", "Term", data["term"])
    doc["signatories"] = [
        _node(f"{base}/signatory/{i}", "Signatory", s) for i, s in enumerate(data["signatories"])
    ]
    doc["sources"] = [_node(f"{base}/source/{s['id']}", "Source", s) for s in data["sources"]]
    doc["provisions"] = [_provision(base, i, p) for i, p in enumerate(data["provisions"])]
    doc["mechanisms"] = [
        _node(f"{base}/mechanism/{m['id']}", "Mechanism", m)
        | ({"provision": f"{base}/provision/{m['provision']}"} if m["provision"] else {})
        for m in data["mechanisms"]
    ]
    doc["mentions"] = [
        _node(f"{base}/mention/{i}", "Mention", m)
        | {"spans": [_span(base, f"{base}/mention/{i}", j, s) for j, s in enumerate(m["spans"])]}
        for i, m in enumerate(data["mentions"])
    ]
    return {k: v for k, v in doc.items() if v != []}


def event_iri(event_id: str) -> str:
    return f"{ID}event/{event_id}"


def bears_on(event: Event) -> list[str]:
    """IRIs of what the event bears on: agreements, then provisions, then mechanisms."""
    targets = [agreement_iri(a) for a in event.agreements]
    for kind, refs in (("provision", event.provisions), ("mechanism", event.mechanisms)):
        for ref in refs:
            agreement_id, _, item = ref.partition("/")
            targets.append(f"{agreement_iri(agreement_id)}/{kind}/{item}")
    return targets


def event_document(event: Event) -> dict[str, Any]:
    """The event as a JSON-LD node (without @context)."""
    data = event.model_dump(mode="json", exclude={"agreements", "provisions", "mechanisms"})
    iri = event_iri(event.id)
    node = _node(iri, "Event", data)
    node["bears_on"] = bears_on(event)
    node["sources"] = [
        _node(f"{iri}/source/{i}", "EventSource", s) for i, s in enumerate(data["sources"])
    ]
    node["quantities"] = [
        _node(f"{iri}/quantity/{i}", "Quantity", q | {"value": _exact(q["value"])})
        for i, q in enumerate(data["quantities"])
    ]
    return {k: v for k, v in node.items() if v != []}


def jsonld_document(
    agreements: list[Agreement], *, single: bool, events: Sequence[Event] = ()
) -> dict[str, Any]:
    """A self-contained JSON-LD document: the @context inline, one node or an @graph.

    The events kept are those bearing on the agreements; with any, even a single
    agreement's document is an @graph (the agreement first, then its events).
    """
    nodes = [agreement_document(a) for a in agreements]
    nodes += [event_document(e) for e in bearing_on(events, (a.id for a in agreements))]
    if single and len(nodes) == 1:
        return {"@context": context(), **nodes[0]}
    return {"@context": context(), "@graph": nodes}


def graph_of(agreements: list[Agreement], events: Sequence[Event] = ()) -> Graph:
    """The RDF graph of the agreements and the events bearing on them, parsed from their
    JSON-LD (offline: context inline)."""
    from rdflib import Graph  # on use: rdflib slows every command's start-up

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    document = jsonld_document(agreements, single=False, events=events)
    graph.parse(data=json.dumps(document), format="json-ld")
    _keep_duration_forms(graph, agreements)
    return graph


def _keep_duration_forms(graph: Graph, agreements: list[Agreement]) -> None:
    """Put back durations as written: rdflib normalises "PT24H" to "P1D", which is not the
    same rule (a day across a DST change is not 24 hours)."""
    from rdflib import XSD, Literal, URIRef

    for agreement in agreements:
        base = agreement_iri(agreement.id)
        for m in agreement.mechanisms:
            node = URIRef(f"{base}/mechanism/{m.id}")
            for name, value in (("within", m.within), ("every", m.every)):
                if value is not None:
                    prop = URIRef(PW + name)
                    graph.remove((node, prop, None))
                    graph.add((node, prop, Literal(value, datatype=XSD.duration, normalize=False)))
