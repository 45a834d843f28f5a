"""The Arrow schema of the monitor's output, derived from the proposal model's JSON Schema.

Every chunk is written by a different process, and a chunk whose proposals all leave a
field empty would otherwise infer a `null` column that no other file agrees with. One
schema, from the model that is the contract, makes every file of the dataset read as one
table.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
from pydantic import BaseModel

DOCUMENT_FIELDS = [
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("doc_url", pa.string()),
]
PARTITION = "published"


def output_schema(model: type[BaseModel]) -> pa.Schema:
    """The document's id and URL, then the proposal's fields as `model_dump(mode="json")`
    gives them. The date partition is the folder name (`published=YYYY-MM-DD`), as Hive
    partitioning keeps it."""
    schema = model.model_json_schema(mode="serialization")
    definitions = schema.get("$defs", {})
    fields = list(DOCUMENT_FIELDS)
    for name, spec in schema.get("properties", {}).items():
        fields.append(pa.field(name, _arrow_type(spec, definitions)))
    return pa.schema(fields)


def _arrow_type(spec: dict[str, Any], definitions: dict[str, Any]) -> pa.DataType:
    if "$ref" in spec:
        return _arrow_type(definitions[spec["$ref"].rsplit("/", 1)[-1]], definitions)
    options = spec.get("anyOf") or spec.get("oneOf")
    if options:
        kinds = [o for o in options if o.get("type") != "null"]
        if len(kinds) == 1:
            return _arrow_type(kinds[0], definitions)
        return pa.string()  # a union of shapes is kept as text
    if "enum" in spec or "const" in spec:
        return pa.string()
    kind = spec.get("type")
    if kind == "object" and "properties" in spec:
        return pa.struct(
            [
                pa.field(name, _arrow_type(sub, definitions))
                for name, sub in spec["properties"].items()
            ]
        )
    if kind == "array":
        return pa.list_(_arrow_type(spec.get("items", {}), definitions))
    return _SCALARS.get(kind, pa.string())


_SCALARS: dict[Any, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}


def to_cell(value: Any, kind: pa.DataType) -> Any:
    """A value as its column holds it: shapes the schema keeps as text become JSON."""
    if value is None:
        return None
    if pa.types.is_struct(kind) and isinstance(value, dict):
        return {f.name: to_cell(value.get(f.name), f.type) for f in kind}
    if pa.types.is_list(kind) and isinstance(value, list):
        return [to_cell(item, kind.value_type) for item in value]
    if pa.types.is_string(kind) and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value
