"""Conditional, cached reads: ETag, If-None-Match, Cache-Control, keyed on the generation.

The registry's generation changes with every load and write, so (generation, URL) names
one exact response: a client revalidating gets 304 without the query being run, and the
in-process cache serves repeated questions (a facet page, the matrix) until the next write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from pactwatch.api.cache import Depends
from pactwatch.api.config import ServiceConfig
from pactwatch.api.held_reads import held_reads, read_connection
from pactwatch.api.loop_reads import loop_reads
from pactwatch.api.plain_url import url_key
from pactwatch.store import state
from pactwatch.store.state import digest

T = TypeVar("T")
CACHE_CONTROL = "public, max-age=0, must-revalidate"
Answer = tuple[bytes, str]
Produce = Callable[[], Answer]


def current_generation(config: ServiceConfig) -> str:
    remembered = config.remembered_generation()
    if remembered is not None:
        return remembered
    epoch = config.epoch
    with read_connection(config.engine) as connection:
        value = state.read_generation(connection)
    config.remember_generation(value, epoch)
    return value


async def quick_read(config: ServiceConfig, work: Callable[[], T]) -> T:
    """`work()` (a few index lookups) from the event loop, where it costs least: on the loop
    itself on SQLite, where a thread hop costs more than the query; on PostgreSQL on the
    loop too when the server shares the machine (`loop_reads`), else on a held-read
    worker, whose connection is already open."""
    if config.engine.dialect.name == "sqlite":
        return work()
    if config.reads_on_loop:
        return await loop_reads(config.engine).run(work)
    return await held_reads(config.engine).run(work)


async def generation_now(config: ServiceConfig) -> str:
    """`current_generation` from the event loop (`quick_read`).

    A service whose workers share the registry reads it on every request (nothing
    remembered), so the read must be cheap.
    """
    remembered = config.remembered_generation()
    if remembered is not None:
        return remembered
    return await quick_read(config, lambda: current_generation(config))


async def generation_and(config: ServiceConfig, produce: Produce) -> tuple[str, Answer | None]:
    """The generation and, when it must be read from another database, the answer too.

    Off SQLite a shared service reads the generation on a held connection before every
    answer; a second hop to a held-read worker for the answer itself queued each uncached
    request twice behind the others' (32 connections on 4 threads) and twice waited for
    the interpreter, which made the tail. So one `quick_read` reads both; the caller
    decides as before, with the answer in hand. (Two statements, two snapshots, as with
    two hops: the answer is at least as new as the generation.)
    """
    remembered = config.remembered_generation()
    if remembered is not None or config.engine.dialect.name == "sqlite":
        return await generation_now(config), None

    def both() -> tuple[str, Answer]:
        generation = current_generation(config)
        return generation, produce()

    return await quick_read(config, both)


async def conditional(
    request: Request,
    config: ServiceConfig,
    produce: Produce,
    etag: str | None = None,
    vary: str = "",
    depends: Depends = None,
    quick: bool = False,
    coding: str | None = None,
) -> Response:
    """The response `produce` makes, or 304, with ETag and Cache-Control set.

    Runs on the event loop; only a cache miss (and, off SQLite, a generation not
    remembered: `generation_now`) reads the database, so a cached answer costs no read.
    A `quick` producer (a few index lookups and bytes joined, no page rendering) goes
    through `quick_read`; any other runs on a worker thread.

    `etag` overrides the generation-based tag (an agreement carries its own write ETag);
    `vary` names whatever else the response depends on (a page showing today's date);
    `depends` names the agreements the answer reads (none: the whole registry), so a write
    drops only the cached answers it changed. `coding` says that the answer was negotiated
    on Accept-Encoding and which content coding `produce`'s bytes carry ("" for none):
    each coding is its own representation, with its own ETag and cache entry.
    """
    cache = config.responses
    if coding is not None:
        vary += "|coding:" + coding
    key = (vary, url_key(request.scope))
    started = cache.start()
    answer = None
    if quick and not _may_be_kept(request, config, key):
        generation, answer = await generation_and(config, produce)
    else:
        generation = await generation_now(config)
    if answer is not None and cache.start() == started:
        cache.follow(generation)  # a clear for a new generation: the answer was read after it
        started = cache.start()
    else:
        cache.follow(generation)
    tag = etag or f'W/"{digest((generation + vary, key[1]))}"'
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    if coding is not None:
        headers["Vary"] = "Accept-Encoding"
    if tag in _tags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    cached = cache.get(key) if config.cache_responses else None
    if cached is None:
        if answer is None:
            started = cache.start()
        if answer is not None:  # read with the generation
            cached = answer
        elif quick:
            cached = await quick_read(config, produce)
        else:
            cached = await run_in_threadpool(produce)
        if config.cache_responses:
            cache.keep(key, cached, depends, started)
    body, media_type = cached
    if coding:
        headers["Content-Encoding"] = coding
    return Response(content=body, media_type=media_type, headers=headers)


def accepts_gzip(request: Request) -> bool:
    """Whether Accept-Encoding allows gzip (RFC 9110 12.5.3): named, or by `*`, with a
    quality above zero; a named coding's quality overrides the wildcard's."""
    named: float | None = None
    wildcard: float | None = None
    for item in request.headers.get("accept-encoding", "").split(","):
        coding, _, parameters = item.partition(";")
        coding = coding.strip().lower()
        quality = _quality(parameters)
        if coding in ("gzip", "x-gzip"):
            named = quality if named is None else max(named, quality)
        elif coding == "*":
            wildcard = quality
    chosen = named if named is not None else wildcard
    return chosen is not None and chosen > 0


def _quality(parameters: str) -> float:
    """The q of `;q=0.5`-style parameters; 1 when absent, 0 when unreadable (refused)."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def _may_be_kept(request: Request, config: ServiceConfig, key: tuple[str, str]) -> bool:
    """Whether the answer may not be needed: the client holds a tag, or the cache an answer."""
    if "if-none-match" in request.headers:
        return True
    return config.cache_responses and key in config.responses.entries


def _tags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {t.strip() for t in header.split(",")}
