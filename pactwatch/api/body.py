"""A write's JSON body: read only after the token is checked, refused when unstorable.

FastAPI parses a declared body before it runs any dependency, so an anonymous client
sending malformed JSON learnt about the body (422) before hearing it needs a token (401),
and a chunked body past the size limit broke the parse as a generic 400 instead of the
413 the size guard answers. The body is therefore a dependency of its own that runs after
`curator`, reads the bytes (through the size guard) and parses them.

Python's JSON parser also accepts escapes that are not text: a lone surrogate
(`"\\ud800"`) cannot be encoded as UTF-8, so SQLite fails on it, and PostgreSQL refuses a
NUL character in any text. Both used to surface as a 500 from deep in a write; checking
the parsed body once names the field instead. The walk is iterative, since a body may
nest as deep as the parser allows.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request

from pactwatch.api.auth import curator
from pactwatch.api.errors import ApiError

OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
"""The body as the OpenAPI document shows it (FastAPI cannot see a body read by hand)."""

MERGE_PATCH = {
    "requestBody": {
        "required": True,
        "content": {
            media: {"schema": {"type": "object"}}
            for media in ("application/merge-patch+json", "application/json")
        },
    }
}
"""A JSON Merge Patch body (RFC 7396); plain `application/json` is read the same way."""


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (a lone surrogate)"
    return None


def unstorable(body: Any) -> tuple[str, str] | None:
    """The path and problem of the first string (or key) no database stores, if any."""
    stack: list[tuple[str, Any]] = [("body", body)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                problem = _text_problem(key)
                if problem:
                    return f"{path}.<key>", f"a key {problem}"
                stack.append((f"{path}.{key}", item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}", item) for i, item in enumerate(value))
        elif isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                return path, problem
    return None


def parsed(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or an ApiError (422) naming what is wrong with it."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise ApiError(422, "malformed-json", "body: nested too deeply", "body") from None
    except ValueError as error:
        reason = str(error).splitlines()[0][:200]
        message = f"body: malformed JSON ({reason})"
        raise ApiError(422, "malformed-json", message, "body") from None
    if not isinstance(data, dict):
        raise ApiError(422, "invalid-parameter", "body: a JSON object is expected", "body")
    found = unstorable(data)
    if found is not None:
        where = "".join(c if c.isprintable() else "?" for c in found[0][:200])
        raise ApiError(422, "invalid-text", f"{where} {found[1]}", where)
    return data


async def write_body(request: Request, _: Annotated[str, Depends(curator)]) -> dict[str, Any]:
    """The body of a curator's write, read once the token is known to be good."""
    return parsed(await request.body())


JsonObject = Annotated[dict[str, Any], Depends(write_body)]
"""A write's body: a JSON object whose every string can be stored."""
