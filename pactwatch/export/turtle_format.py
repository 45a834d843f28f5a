"""Turtle: the same triples as the JSON-LD export, serialised by rdflib.

Every resource has an IRI (no blank nodes), and rdflib's Turtle writer sorts subjects and
predicates, so the same records give the same bytes.
"""

from __future__ import annotations

from pactwatch.export.base import EventCollector, register
from pactwatch.export.linked_data import graph_of


class TurtleExporter(EventCollector):
    media_type = "text/turtle"
    extension = "ttl"

    def finalize(self) -> bytes:
        return graph_of(self._agreements, self._events).serialize(format="turtle", encoding="utf-8")


register("ttl", TurtleExporter)
