"""The Pactwatch RDF vocabulary and the JSON-LD @context, generated from the model.

Each field of every contract model maps to one term: schema.org or ELI where a term fits,
our own namespace (`pw:`) for the rest (see docs/vocabulary.md). `context()` walks the
pydantic models, so a new field without a term is an error, and the committed
`schema/pactwatch.context.jsonld` is checked against a fresh rendering by a test.

Events are resources too. An event's `agreements`, `provisions` and `mechanisms` are all
written under one key, `bears_on` (`pw:bearsOn`): the target's IRI already says what it
is, and on an agreement the keys `provisions` and `mechanisms` already mean "has part".
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from pactwatch.model import (
    Agreement,
    Amount,
    Event,
    EventSource,
    Mechanism,
    Mention,
    Provision,
    Quantity,
    Signatory,
    Source,
    Span,
    Term,
)

PW = "https://pactwatch.org/ns/vocab#"
ID = "https://pactwatch.org/id/"
PREFIXES = {
    "pw": PW,
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "pwparty": f"{ID}party/",
    "pwdomain": f"{ID}domain/",
}
MODELS: tuple[type[BaseModel], ...] = (
    Agreement,
    Signatory,
    Term,
    Source,
    Provision,
    Amount,
    Span,
    Mechanism,
    Mention,
    Event,
    EventSource,
    Quantity,
)
# Model fields written under another JSON key (see the module docstring).
RENAMED: dict[tuple[str, str], str] = {
    ("Event", "agreements"): "bears_on",
    ("Event", "provisions"): "bears_on",
    ("Event", "mechanisms"): "bears_on",
}
CLASSES: dict[str, list[str]] = {
    "Agreement": ["pw:Agreement", "eli:LegalResource"],
    "Signatory": ["pw:Signatory", "schema:Role"],
    "Term": ["pw:Term"],
    "Source": ["pw:Source", "schema:CreativeWork"],
    "Provision": ["pw:Provision", "eli:LegalResourceSubdivision"],
    "Amount": ["pw:Amount", "schema:MonetaryAmount"],
    "Span": ["pw:Span"],
    "Mechanism": ["pw:Mechanism"],
    "Mention": ["pw:Mention"],
    "Event": ["pw:Event", "schema:Event"],
    "EventSource": ["pw:EventSource", "schema:CreativeWork"],
    "Quantity": ["pw:Quantity", "schema:QuantitativeValue"],
}

# JSON key -> (property, value kind). Kinds: text, ref (an IRI), node (a nested resource),
# or an XSD datatype. One key means one property wherever it appears.
TERMS: dict[str, tuple[str, str]] = {
    "id": ("schema:identifier", "text"),
    "title": ("schema:name", "text"),
    "kind": ("pw:kind", "text"),
    "parties": ("pw:party", "ref"),
    "signatories": ("pw:signatory", "node"),
    "signed_on": ("eli:date_document", "xsd:date"),
    "signed_at": ("pw:signedAt", "text"),
    "legal_nature": ("pw:legalNature", "text"),
    "term": ("pw:term", "node"),
    "sources": ("pw:source", "node"),
    "provisions": ("eli:has_part", "node"),
    "mechanisms": ("pw:mechanism", "node"),
    "mentions": ("pw:mention", "node"),
    "notes": ("pw:note", "text"),
    "name": ("schema:name", "text"),
    "role": ("schema:roleName", "text"),
    "party": ("pw:party", "ref"),
    "years": ("pw:termYears", "xsd:integer"),
    "ends_on": ("pw:endsOn", "xsd:date"),
    "ends_early_if": ("pw:endsEarlyIf", "text"),
    "indefinite": ("pw:indefinite", "xsd:boolean"),
    "language": ("schema:inLanguage", "text"),
    "sha256": ("schema:sha256", "text"),
    "url": ("schema:url", "xsd:anyURI"),
    "filename": ("pw:filename", "text"),
    "published_on": ("schema:datePublished", "text"),
    "author": ("schema:author", "text"),
    "section": ("pw:section", "text"),
    "actors": ("pw:actor", "ref"),
    "beneficiaries": ("pw:beneficiary", "ref"),
    "action": ("pw:action", "text"),
    "object": ("pw:object", "text"),
    "domains": ("pw:domain", "ref"),
    "partners": ("pw:partner", "text"),
    "instruments": ("pw:instrument", "text"),
    "condition": ("pw:condition", "text"),
    "timing": ("pw:timing", "text"),
    "amount": ("pw:amount", "node"),
    "value": ("schema:value", "xsd:decimal"),
    "currency": ("schema:currency", "text"),
    "period": ("pw:period", "text"),
    "spans": ("pw:span", "node"),
    "flags": ("pw:flag", "text"),
    "summary": ("schema:description", "text"),
    "why": ("pw:why", "text"),
    "source": ("pw:inSource", "ref"),
    "start": ("pw:start", "xsd:integer"),
    "end": ("pw:end", "xsd:integer"),
    "within": ("pw:within", "xsd:duration"),
    "every": ("pw:every", "xsd:duration"),
    "triggers": ("pw:trigger", "text"),
    "starts_on": ("pw:startsOn", "text"),
    "provision": ("pw:provision", "ref"),
    "description": ("schema:description", "text"),
    "position": ("pw:position", "xsd:integer"),
    "subkind": ("pw:subkind", "text"),
    "at": ("schema:startDate", "xsd:dateTime"),
    "on": ("pw:onDate", "text"),
    "bears_on": ("pw:bearsOn", "ref"),
    "quantities": ("pw:quantity", "node"),
    "unit": ("schema:unitText", "text"),
    "completes": ("pw:completes", "xsd:boolean"),
    "precision": ("pw:datePrecision", "text"),
    "background": ("pw:background", "xsd:boolean"),
    "happened": ("pw:happened", "xsd:boolean"),
    "authentic": ("pw:authentic", "xsd:boolean"),
    "authentic_languages": ("pw:authenticLanguage", "text"),
    "effective": ("pw:effective", "text"),
    "prevailing_language": ("pw:prevailingLanguage", "text"),
    "eid": ("pw:eId", "text"),
    "notice": ("pw:notice", "xsd:duration"),
    "renewal": ("pw:renewal", "text"),
    "on_nato_accession": ("pw:onNatoAccession", "text"),
    "qualifier": ("pw:qualifier", "text"),
}
# Fields of the record that stay out of the linked data, and why: the structure is the
# text's outline (a provision carries its eId and citation instead); readings, explanations
# and review states are curation records, in the JSON and YAML exports.
OMITTED: frozenset[str] = frozenset({"structure", "readings", "not_a_commitment", "review"})


def model_fields() -> list[tuple[str, str]]:
    """(model, JSON key) for every field of every contract model, in declaration order."""
    return [
        (m.__name__, RENAMED.get((m.__name__, name), name))
        for m in MODELS
        for name in m.model_fields
    ]


def _definition(prop: str, kind: str) -> str | dict[str, str]:
    if kind == "text":
        return prop
    if kind in ("ref", "node"):
        return {"@id": prop, "@type": "@id"}
    return {"@id": prop, "@type": kind}


def context() -> dict[str, Any]:
    """The @context: prefixes, class names, then one term per JSON key (sorted)."""
    missing = sorted({name for _, name in model_fields()} - set(TERMS) - OMITTED)
    if missing:
        raise KeyError(f"model fields without a vocabulary term: {', '.join(missing)}")
    ctx: dict[str, Any] = dict(PREFIXES)
    for name in sorted(TERMS):
        prop, kind = TERMS[name]
        ctx[name] = _definition(prop, kind)
    return ctx


def render_context() -> str:
    """The committed file's text: stable key order, two-space indent, trailing newline."""
    return json.dumps({"@context": context()}, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(render_context(), end="")
