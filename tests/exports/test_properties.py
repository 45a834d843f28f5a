"""Property tests: made-up agreements with awkward text survive Akoma Ntoso, YAML and RDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from pactwatch.curate.yamlio import load_yaml
from pactwatch.export.akn import agreement_akn
from pactwatch.export.akn_read import read_akn
from pactwatch.export.linked_data import agreement_iri
from pactwatch.export.yaml_format import agreement_yaml
from pactwatch.model import Agreement
from pactwatch.model.values import FIRST_YEAR, LAST_YEAR
from tests.exports.conftest import export_bytes

# Any printable text, with newlines and tabs; XML cannot hold other control characters.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"), max_size=25
)
SLUG = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,8}", fullmatch=True)
PARTY = st.sampled_from(["UA", "RO", "NO", "EU", "NATO", "PL", "NL"])
DOMAIN = st.sampled_from(["air_defence", "training", "other", "cyber"])

FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


@st.composite
def provisions(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(SLUG, unique=True, max_size=4))
    return [
        {
            "id": pid,
            "section": draw(st.none() | TEXT),
            "actors": draw(st.lists(PARTY, max_size=2)),
            "action": draw(TEXT),
            "object": draw(TEXT),
            "domains": draw(st.lists(DOMAIN, min_size=1, max_size=2)),
            "summary": draw(st.none() | TEXT),
            "flags": draw(st.lists(TEXT, max_size=2)),
            "amount": draw(
                st.none()
                | st.builds(
                    dict,
                    value=st.floats(0, 1e12, allow_nan=False),
                    currency=st.sampled_from(["EUR", "USD"]),
                )
            ),
            "spans": [{"source": "s", "start": 0, "end": draw(st.integers(1, 99))}],
        }
        for pid in ids
    ]


@st.composite
def agreements(draw: st.DrawFn) -> Agreement:
    return Agreement.model_validate(
        {
            "id": draw(SLUG),
            "title": draw(TEXT),
            "parties": draw(st.lists(PARTY, min_size=1, max_size=3)),
            "signatories": [
                {"name": draw(TEXT), "role": draw(TEXT), "party": draw(PARTY)}
                for _ in range(draw(st.integers(0, 2)))
            ],
            "signed_on": draw(st.none() | st.dates(FIRST_DAY, LAST_DAY).map(str)),
            "signed_at": draw(st.none() | TEXT),
            "sources": [{"id": "s", "title": draw(TEXT)}],
            "provisions": draw(provisions()),
            "notes": draw(st.lists(TEXT, max_size=2)),
        }
    )


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(agreements())
def test_akn_round_trip(agreement: Agreement) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "doc.xml"
        path.write_bytes(agreement_akn(agreement))
        assert read_akn(path) == agreement


@FAST
@given(agreements())
def test_yaml_round_trip(agreement: Agreement) -> None:
    assert Agreement.model_validate(load_yaml(agreement_yaml(agreement))) == agreement


@FAST
@given(agreements())
def test_turtle_keeps_titles_and_notes(agreement: Agreement) -> None:
    graph = Graph().parse(data=export_bytes("ttl", [agreement]), format="turtle")
    subject = URIRef(agreement_iri(agreement.id))
    assert {str(o) for o in graph.objects(subject, URIRef("https://schema.org/name"))} == {
        agreement.title
    }
    notes = {str(o) for o in graph.objects(subject, URIRef("https://pactwatch.org/ns/vocab#note"))}
    assert notes == set(agreement.notes)
