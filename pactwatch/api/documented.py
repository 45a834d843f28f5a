"""What the OpenAPI document says each operation can answer besides success.

Every error has one shape (see `errors.py`); the document used to list only the success
status, so a client (or a fuzzer reading the document) met 404, 409, 413 and 428 answers
it was never told about, and FastAPI's own 422 schema, which is not the shape we send.
Reads can answer 404 (an unknown id) and 422 (a bad parameter); writes also 401 (no valid
token), 409 (a stale ETag or an existing id), 413 (a body over the limit) and 428 (no
If-Match). A history read with a token that is not valid is a 401 too.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "problems"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "problems": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "path": {"type": "string"},
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}

REASONS = {
    401: "no valid token (missing, unknown, expired or revoked)",
    404: "no such agreement, provision, source, event or format",
    409: "stale If-Match, or the id exists",
    413: "body over the size limit",
    422: "a parameter or body field is not valid; the problems name it",
    428: "If-Match is required",
}
READS = (404, 422)
WRITES = (401, 404, 409, 413, 422, 428)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def error_response(status: int) -> dict[str, Any]:
    return {
        "description": REASONS[status],
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
    }


def document_errors(router: APIRouter) -> None:
    """Add the error answers to every operation of `router` (explicit ones are kept)."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        statuses: tuple[int, ...] = WRITES if (route.methods or set()) & WRITE_METHODS else READS
        if route.path.endswith("/history"):
            statuses = (401, *READS)
        for status in statuses:
            route.responses.setdefault(status, error_response(status))
