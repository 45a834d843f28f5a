"""What a running service needs: the registry engine, the source library, its limits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy import Engine

from pactwatch.sources import SourceLibrary
from pactwatch.store.registry import Registry

MAX_BODY_BYTES = 1_000_000


@dataclass
class ServiceConfig:
    engine: Engine
    library: SourceLibrary
    max_body_bytes: int = MAX_BODY_BYTES
    cache_responses: bool = True
    cache: dict[tuple[str, str], tuple[bytes, str]] = field(default_factory=dict)
    cache_bytes: int = 64_000_000
    cached_bytes: int = 0
    generation_ttl: float = 1.0
    _generation: tuple[str, float] = ("", -1e9)
    epoch: int = 0
    registry: Registry | None = None
    """The one way the service writes; made on `engine` when not given."""

    def __post_init__(self) -> None:
        if self.registry is None:
            url = self.engine.url.render_as_string(hide_password=True)
            self.registry = Registry(self.engine, url, [])
        self.registry.listeners.append(self.changed)

    @property
    def writes(self) -> Registry:
        """The registry every write of the service goes through."""
        assert self.registry is not None
        return self.registry

    def changed(self, agreement_ids: frozenset[str] | None) -> None:
        """Told by the registry after a write or load commits (None: everything changed)."""
        self.forget_generation()

    def keep(self, key: tuple[str, str], response: tuple[bytes, str]) -> None:
        """Cache a response; past the byte budget (or on a new generation) start afresh."""
        size = len(response[0])
        if size > self.cache_bytes // 8:
            return
        if self.cached_bytes + size > self.cache_bytes:
            self.cache.clear()
            self.cached_bytes = 0
        self.cache[key] = response
        self.cached_bytes += size

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
