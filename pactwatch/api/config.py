"""What a running service needs: the registry engine, the source library, its limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy import Engine

from pactwatch.sources import SourceLibrary

MAX_BODY_BYTES = 1_000_000


@dataclass
class ServiceConfig:
    engine: Engine
    library: SourceLibrary
    max_body_bytes: int = MAX_BODY_BYTES
    cache_responses: bool = True
    cache: dict[tuple[str, str], tuple[bytes, str]] = field(default_factory=dict)
    cache_size: int = 1024


def config(request: Request) -> ServiceConfig:
    """The app's config (a FastAPI dependency)."""
    found: ServiceConfig = request.app.state.config
    return found
