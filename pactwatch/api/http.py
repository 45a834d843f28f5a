"""Conditional, cached reads: ETag, If-None-Match, Cache-Control, keyed on the generation.

The registry's generation changes with every load and write, so (generation, URL) names
one exact response: a client revalidating gets 304 without the query being run, and the
in-process cache serves repeated questions (a facet page, the matrix) until the next write.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from pactwatch.api.config import ServiceConfig
from pactwatch.store import state
from pactwatch.store.engine import reader
from pactwatch.store.state import digest

CACHE_CONTROL = "public, max-age=0, must-revalidate"
Produce = Callable[[], tuple[bytes, str]]


def current_generation(config: ServiceConfig) -> str:
    remembered = config.remembered_generation()
    if remembered is not None:
        return remembered
    epoch = config.epoch
    with reader(config.engine).connect() as connection:
        value = state.generation(connection)
    config.remember_generation(value, epoch)
    return value


def _url_key(request: Request) -> str:
    query = request.url.query
    return request.url.path + ("?" + query if query else "")


async def conditional(
    request: Request,
    config: ServiceConfig,
    produce: Produce,
    etag: str | None = None,
    vary: str = "",
) -> Response:
    """The response `produce` makes, or 304, with ETag and Cache-Control set.

    Runs on the event loop; only a cache miss (and a stale generation) goes to a worker
    thread, so a cached answer costs no thread hand-off.

    `etag` overrides the generation-based tag (an agreement carries its own write ETag);
    `vary` names whatever else the response depends on (a page showing today's date).
    """
    generation = config.remembered_generation()
    if generation is None:
        generation = await run_in_threadpool(current_generation, config)
    generation += vary
    key = (generation, _url_key(request))
    tag = etag or f'W/"{digest(key)}"'
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    if tag in _tags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    cached = config.cache.get(key) if config.cache_responses else None
    if cached is None:
        cached = await run_in_threadpool(produce)
        if config.cache_responses:
            config.keep(key, cached)
    body, media_type = cached
    return Response(content=body, media_type=media_type, headers=headers)


def _tags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {t.strip() for t in header.split(",")}
