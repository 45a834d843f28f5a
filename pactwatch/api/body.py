"""A write's JSON body, refused with a 422 when no database could store its text.

Python's JSON parser accepts escapes that are not text: a lone surrogate (`"\\ud800"`)
cannot be encoded as UTF-8, so SQLite fails on it, and PostgreSQL refuses a NUL character
in any text. Both used to surface as a 500 from deep in a write; checking the parsed body
once, before anything else sees it, names the field instead. The walk is iterative, since
a body may nest as deep as the parser allows.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (a lone surrogate)"
    return None


def storable(body: dict[str, Any]) -> dict[str, Any]:
    """The body unchanged, or a validation error naming the first unstorable string."""
    stack: list[tuple[str, Any]] = [("", body)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                problem = _text_problem(key)
                if problem:
                    raise _unstorable(f"{path}.<key>".lstrip("."), problem)
                stack.append((f"{path}.{key}".lstrip("."), item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}".lstrip("."), item) for i, item in enumerate(value))
        elif isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                raise _unstorable(path, problem)
    return body


def _unstorable(path: str, problem: str) -> PydanticCustomError:
    shown = "".join(c if c.isprintable() else "?" for c in path[:200])
    return PydanticCustomError(
        "unstorable-text", "{path} {problem}", {"path": shown, "problem": problem}
    )


JsonObject = Annotated[dict[str, Any], Body(), AfterValidator(storable)]
"""A write's body: a JSON object whose every string can be stored."""
