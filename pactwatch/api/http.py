"""Conditional, cached reads: ETag, If-None-Match, Cache-Control, keyed on the generation.

The registry's generation changes with every load and write, so (generation, URL) names
one exact response: a client revalidating gets 304 without the query being run, and the
in-process cache serves repeated questions (a facet page, the matrix) until the next write.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from pactwatch.api.cache import Depends
from pactwatch.api.config import ServiceConfig
from pactwatch.api.held_reads import held_reads, read_connection
from pactwatch.store import state
from pactwatch.store.state import digest

CACHE_CONTROL = "public, max-age=0, must-revalidate"
Produce = Callable[[], tuple[bytes, str]]


def current_generation(config: ServiceConfig) -> str:
    remembered = config.remembered_generation()
    if remembered is not None:
        return remembered
    epoch = config.epoch
    with read_connection(config.engine) as connection:
        value = state.generation(connection)
    config.remember_generation(value, epoch)
    return value


async def generation_now(config: ServiceConfig) -> str:
    """`current_generation` from the event loop, at what it costs on each backend.

    A service whose workers share the registry reads it on every request (nothing
    remembered), so the read must be cheap: on SQLite one row by key costs less than a
    thread hop and runs on the loop, as the quick answers do; elsewhere it goes to a
    held-read worker, whose connection is already open.
    """
    remembered = config.remembered_generation()
    if remembered is not None:
        return remembered
    if config.engine.dialect.name == "sqlite":
        return current_generation(config)
    return await held_reads(config.engine).run(lambda: current_generation(config))


def _url_key(request: Request) -> str:
    query = request.url.query
    return request.url.path + ("?" + query if query else "")


async def conditional(
    request: Request,
    config: ServiceConfig,
    produce: Produce,
    etag: str | None = None,
    vary: str = "",
    depends: Depends = None,
    quick: bool = False,
) -> Response:
    """The response `produce` makes, or 304, with ETag and Cache-Control set.

    Runs on the event loop; only a cache miss goes to a worker thread (and, off SQLite,
    a generation not remembered: `generation_now`), so a cached answer costs no thread
    hand-off. A `quick` producer (a few index
    lookups and bytes joined, no page rendering) runs on the loop itself on SQLite, where
    the hand-off to a thread costs more than the query, and elsewhere on a thread that
    keeps its connection (`held_reads`).

    `etag` overrides the generation-based tag (an agreement carries its own write ETag);
    `vary` names whatever else the response depends on (a page showing today's date);
    `depends` names the agreements the answer reads (none: the whole registry), so a write
    drops only the cached answers it changed.
    """
    generation = await generation_now(config)
    cache = config.responses
    cache.follow(generation)
    key = (vary, _url_key(request))
    tag = etag or f'W/"{digest((generation + vary, key[1]))}"'
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    if tag in _tags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    cached = cache.get(key) if config.cache_responses else None
    if cached is None:
        started = cache.start()
        if quick and config.engine.dialect.name == "sqlite":
            cached = produce()
        elif quick:
            cached = await held_reads(config.engine).run(produce)
        else:
            cached = await run_in_threadpool(produce)
        if config.cache_responses:
            cache.keep(key, cached, depends, started)
    body, media_type = cached
    return Response(content=body, media_type=media_type, headers=headers)


def _tags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {t.strip() for t in header.split(",")}
