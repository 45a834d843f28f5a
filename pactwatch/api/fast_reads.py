"""The hottest reads (filtered provisions, search with facets, the matrix) without FastAPI's
routing and parameter solving.

Profiled uncached at 100,000 provisions, a filtered page spent more CPU in FastAPI's
request handling (matching the path against every route, solving ten query parameters
through pydantic, the exception and exit-stack wrappers) than in its indexed query. This
ASGI layer sits inside the request guards (`BodyLimit`, `PageNul`) and answers a GET of
one of these paths itself when every query parameter is one the route knows, given once,
and plainly valid. Everything else (an unknown, repeated or doubtful parameter, CSV, HEAD,
a cursor that does not decode, any error before the answer is sent) goes on to the
FastAPI route, which stays the documented operation and answers errors in the one shape.
Both call the same `provision_query` and the same answer functions, so bodies, ETags and
the response cache are shared.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, get_args
from urllib.parse import parse_qsl

from fastapi import Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from pactwatch.api.compare import compare_answer, search_answer
from pactwatch.api.config import ServiceConfig
from pactwatch.api.provisions import (
    MAX_LENGTH,
    MAX_LIMIT,
    PARTY,
    Kind,
    SortName,
    provision_query,
    provisions_answer,
)

PARTY_RE = re.compile(PARTY)
LIMIT = re.compile(r"[1-9][0-9]{0,3}")
KINDS = frozenset(get_args(Kind))
SORTS = frozenset(get_args(SortName))
FILTERS: dict[str, int | None] = {**MAX_LENGTH, "domain": None}
"""Free-text parameters and their length limits (the route's own)."""

Answer = Callable[[Request, ServiceConfig, dict[str, str]], Awaitable[Response | None]]


def _checked(params: dict[str, str], extra: frozenset[str]) -> dict[str, Any] | None:
    """`provision_query`'s arguments when each is surely valid, else None (the route decides)."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if name in FILTERS:
            limit = FILTERS[name]
            if limit is not None and len(value) > limit:
                return None
            out[name] = value
        elif name in ("actor", "beneficiary", "partner"):
            if PARTY_RE.fullmatch(value) is None:
                return None
            out[name] = value
        elif name == "kind":
            if value not in KINDS:
                return None
            out[name] = value
        elif name == "sort":
            if value not in SORTS:
                return None
            out[name] = value
        elif name == "limit":
            if LIMIT.fullmatch(value) is None or int(value) > MAX_LIMIT:
                return None
            out[name] = int(value)
        elif name not in extra:
            return None
    return out


async def _provisions(
    request: Request, cfg: ServiceConfig, params: dict[str, str]
) -> Response | None:
    if params.get("format", "json") != "json":
        return None
    args = _checked(params, frozenset({"format"}))
    if args is None:
        return None
    pq = await provision_query(**args)
    return await provisions_answer(request, cfg, pq)


async def _search(request: Request, cfg: ServiceConfig, params: dict[str, str]) -> Response | None:
    args = _checked(params, frozenset())
    if args is None:
        return None
    pq = await provision_query(**args)
    return await search_answer(request, cfg, pq)


async def _compare(request: Request, cfg: ServiceConfig, params: dict[str, str]) -> Response | None:
    return None if params else await compare_answer(request, cfg)


ANSWERS: dict[str, Answer] = {
    "/api/v1/provisions": _provisions,
    "/api/v1/search": _search,
    "/api/v1/compare": _compare,
}


class FastReads:
    """Answers the GETs in `ANSWERS` directly when it can; passes everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = ANSWERS.get(scope.get("path", "")) if scope["type"] == "http" else None
        if answer is None or scope["method"] != "GET" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        response = await self._try(answer, scope, receive)
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    async def _try(self, answer: Answer, scope: Scope, receive: Receive) -> Response | None:
        """The response, or None when the route should answer (parsed as Starlette does)."""
        try:
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            params = dict(pairs)
            if len(params) != len(pairs):
                return None
            request = Request(scope, receive)
            return await answer(request, scope["app"].state.config, params)
        except Exception:  # the route answers it again, in the one error shape
            return None
