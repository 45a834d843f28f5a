"""Verbs of the web service: the app on a registry, and curator tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI

from pactwatch.settings import source_dirs
from pactwatch.sources import SourceLibrary
from pactwatch.store.registry import Registry, TokenInfo
from pactwatch.verbs.registry import Db, opened


def service(
    db: str | None = None, sources: Path | Sequence[Path] | None = None, cache: bool = True
) -> FastAPI:
    """The web service (API and pages) on a registry, its schema migrated first.

    `cache=False` turns off the in-process response cache (ETags and 304s stay).
    """
    from pactwatch.api import ServiceConfig
    from pactwatch.web import create_app

    registry = Registry.open(db, must_exist=False)
    registry.create_schema()
    library = SourceLibrary(sources if sources else source_dirs())
    config = ServiceConfig(registry.engine, library, cache_responses=cache, registry=registry)
    return create_app(config)


def create_token(name: str, db: Db = None, expires_at: datetime | None = None) -> str:
    """A new curator token for `name`, returned once (only its hash is stored)."""
    with opened(db, must_exist=False) as registry:
        return registry.create_token(name, expires_at)


def list_tokens(db: Db = None) -> list[TokenInfo]:
    """Every token's name, creation, expiry and revocation (never the secret)."""
    with opened(db) as registry:
        return registry.list_tokens()


def revoke_token(name: str, db: Db = None) -> None:
    """Stop the token `name` working; its row (and the history it wrote) stays."""
    with opened(db) as registry:
        registry.revoke_token(name)
