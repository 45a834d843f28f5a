"""Turtle: the same triples as the JSON-LD export, serialised by rdflib.

Every resource has an IRI (no blank nodes), and rdflib's Turtle writer sorts subjects and
predicates, so the same records give the same bytes.
"""

from __future__ import annotations

from pactwatch.export.base import register
from pactwatch.export.linked_data import graph_of
from pactwatch.model import Agreement


class TurtleExporter:
    media_type = "text/turtle"
    extension = "ttl"

    def __init__(self, *, single: bool = False) -> None:
        self._agreements: list[Agreement] = []

    def write(self, agreement: Agreement) -> None:
        self._agreements.append(agreement)

    def finalize(self) -> bytes:
        return graph_of(self._agreements).serialize(format="turtle", encoding="utf-8")


register("ttl", TurtleExporter)
