"""JSON Schema for the contract, generated from the pydantic models (the one source of truth)."""

from __future__ import annotations

import json
from typing import Any

from pactwatch.model.agreement import Agreement
from pactwatch.model.event import Event

SCHEMA_ID = "https://pactwatch.org/schema/agreement.schema.json"


def agreement_schema() -> dict[str, Any]:
    schema = Agreement.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def event_schema() -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **Event.model_json_schema()}


def render(schema: dict[str, Any]) -> str:
    """Stable text (sorted keys, trailing newline) so the committed copy diffs cleanly."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
