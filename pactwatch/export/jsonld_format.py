"""JSON-LD: the contract JSON with the Pactwatch @context inline (see docs/vocabulary.md).

The context is the committed `schema/pactwatch.context.jsonld`, inlined so that the file
reads as RDF with no network access.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pactwatch.export.base import register
from pactwatch.export.linked_data import jsonld_document
from pactwatch.model import Agreement, Event


class JsonLdExporter:
    media_type = "application/ld+json"
    extension = "jsonld"

    def __init__(self, *, single: bool = False) -> None:
        self._single = single
        self._agreements: list[Agreement] = []
        self._events: list[Event] = []

    def use_events(self, events: Sequence[Event]) -> None:
        """The registry's events; those bearing on the written agreements become nodes."""
        self._events = list(events)

    def write(self, agreement: Agreement) -> None:
        self._agreements.append(agreement)

    def finalize(self) -> bytes:
        document = jsonld_document(self._agreements, single=self._single, events=self._events)
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


register("jsonld", JsonLdExporter)
