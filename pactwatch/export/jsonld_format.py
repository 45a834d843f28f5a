"""JSON-LD: the contract JSON with the Pactwatch @context inline (see docs/vocabulary.md).

The context is the committed `schema/pactwatch.context.jsonld`, inlined so that the file
reads as RDF with no network access.
"""

from __future__ import annotations

import json

from pactwatch.export.base import EventCollector, register
from pactwatch.export.linked_data import jsonld_document


class JsonLdExporter(EventCollector):
    media_type = "application/ld+json"
    extension = "jsonld"

    def finalize(self) -> bytes:
        document = jsonld_document(self._agreements, single=self._single, events=self._events)
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


register("jsonld", JsonLdExporter)
