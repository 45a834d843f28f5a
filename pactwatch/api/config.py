"""What a running service needs: the registry engine, the source library, its limits."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy import Engine

from pactwatch.api.cache import ResponseCache
from pactwatch.api.loop_reads import LOOP_READS, LOOP_WRITES, LoopConnections, on_this_machine
from pactwatch.sources import SourceLibrary
from pactwatch.store.registry import Registry

MAX_BODY_BYTES = 1_000_000


@dataclass
class ServiceConfig:
    engine: Engine
    library: SourceLibrary
    max_body_bytes: int = MAX_BODY_BYTES
    cache_responses: bool = True
    cache_bytes: int = 64_000_000
    generation_ttl: float = 1.0
    _generation: tuple[str, float] = ("", -1e9)
    epoch: int = 0
    registry: Registry | None = None
    """The one way the service writes; made on `engine` when not given."""
    reads_on_loop: bool | None = None
    """Whether PostgreSQL's quick reads block the event loop on a held connection rather
    than go to held-read threads (`loop_reads`); by default, when the server is on this
    machine. (SQLite's always run on the loop.)"""
    writes_on_loop: bool | None = None
    """Whether PostgreSQL's edits (and token checks) block the event loop on a held
    connection, as SQLite's run on it, rather than go to the held writer's thread
    (`writer.LoopWrites`); by default, when the server is on this machine."""
    responses: ResponseCache = field(init=False)

    def __post_init__(self) -> None:
        self.responses = ResponseCache(self.cache_bytes)
        local = on_this_machine(self.engine.url)
        if self.reads_on_loop is None:
            self.reads_on_loop = local
        if self.writes_on_loop is None:
            self.writes_on_loop = local
        if self.registry is None:
            url = self.engine.url.render_as_string(hide_password=True)
            self.registry = Registry(self.engine, url, [])
        self.registry.listeners.append(self.changed)

    def close_loop_connections(self) -> None:
        """Let go of the connections this thread's event loop held for reads and writes
        (`loop_reads`, `writer.LoopWrites`): called on the app's shutdown, on the loop's
        thread."""
        held = [getattr(self.engine, LOOP_READS, None), getattr(self.writes, LOOP_WRITES, None)]
        for found in held:
            if isinstance(found, LoopConnections):
                found.close()

    @property
    def writes(self) -> Registry:
        """The registry every write of the service goes through."""
        assert self.registry is not None
        return self.registry

    def changed(
        self, agreement_ids: frozenset[str] | None, generations: tuple[str, str] | None
    ) -> None:
        """Told by the registry after a write or load commits: the agreements it changed
        (None: everything, as a load does) and the generation it moved from and to."""
        if agreement_ids is None or generations is None:
            self.responses.clear()
            self.forget_generation()
        else:
            self.invalidate(agreement_ids, generations)

    @property
    def cache(self) -> dict[tuple[str, str], tuple[bytes, str]]:
        return self.responses.entries

    @property
    def cached_bytes(self) -> int:
        return self.responses.size

    def keep(self, key: tuple[str, str], response: tuple[bytes, str]) -> None:
        """Cache a response that depends on the whole registry (see `ResponseCache.keep`)."""
        self.responses.keep(key, response)

    def invalidate(self, agreement_ids: Iterable[str], generations: tuple[str, str]) -> None:
        """After a write of these agreements commits (moving the generation `before -> after`):
        drop the answers that read them, and read the generation afresh."""
        self.responses.invalidate(agreement_ids)
        self.responses.wrote(*generations)
        self.forget_generation()

    def remembered_generation(self) -> str | None:
        """The registry's generation as read less than `generation_ttl` seconds ago.

        Writes through this service forget it at once; a load by another process is seen
        within the TTL. Saves one database round trip on every cached read.
        """
        value, at = self._generation
        return value if value and time.monotonic() - at < self.generation_ttl else None

    def remember_generation(self, value: str, epoch: int) -> None:
        """Keep a generation read while `epoch` was current, unless a write came since."""
        if epoch == self.epoch:
            self._generation = (value, time.monotonic())

    def forget_generation(self) -> None:
        """After a write commits: the next read goes to the database again."""
        self.epoch += 1
        self._generation = ("", -1e9)


async def config(request: Request) -> ServiceConfig:
    """The app's config (a FastAPI dependency)."""
    found: ServiceConfig = request.app.state.config
    return found
