"""Contract JSON: the model's own field order, two-space indent, UTF-8, trailing newline.

A single agreement exports as an object, a collection as an array. The same bytes come out for the
same record, so exports diff cleanly and can be golden-tested.
"""

from __future__ import annotations

import json
from typing import Any

from pactwatch.export.base import register
from pactwatch.model import Agreement


def agreement_json(agreement: Agreement) -> dict[str, Any]:
    return agreement.model_dump(mode="json")


def dumps(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class JsonExporter:
    media_type = "application/json"
    extension = "json"

    def __init__(self, *, single: bool = False) -> None:
        self._single = single
        self._records: list[dict[str, Any]] = []

    def write(self, agreement: Agreement) -> None:
        self._records.append(agreement_json(agreement))

    def finalize(self) -> bytes:
        if self._single:
            return dumps(self._records[0] if self._records else None)
        return dumps(self._records)


register("json", JsonExporter)
