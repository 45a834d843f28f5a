"""Turtle: the same triples as the JSON-LD export, serialised by rdflib.

Every resource has an IRI (no blank nodes), and rdflib's Turtle writer sorts subjects and
predicates, so the same records give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from pactwatch.export.base import register
from pactwatch.export.linked_data import graph_of
from pactwatch.model import Agreement, Event


class TurtleExporter:
    media_type = "text/turtle"
    extension = "ttl"

    def __init__(self, *, single: bool = False) -> None:
        self._agreements: list[Agreement] = []
        self._events: list[Event] = []

    def use_events(self, events: Sequence[Event]) -> None:
        """The registry's events; those bearing on the written agreements become nodes."""
        self._events = list(events)

    def write(self, agreement: Agreement) -> None:
        self._agreements.append(agreement)

    def finalize(self) -> bytes:
        return graph_of(self._agreements, self._events).serialize(format="turtle", encoding="utf-8")


register("ttl", TurtleExporter)
