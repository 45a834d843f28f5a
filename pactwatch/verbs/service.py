"""Verbs of the web service: the app on a registry, and curator tokens."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI

from pactwatch.settings import source_dirs
from pactwatch.sources import SourceLibrary
from pactwatch.store import (
    open_engine,
)


def service(
    db: str | None = None, sources: Path | Sequence[Path] | None = None, cache: bool = True
) -> FastAPI:
    """The web service (API and pages) on a registry, its schema migrated first.

    `cache=False` turns off the in-process response cache (ETags and 304s stay).
    """
    from pactwatch.api import ServiceConfig
    from pactwatch.store.load import create_schema
    from pactwatch.web import create_app

    engine = open_engine(db)
    with engine.begin() as connection:
        create_schema(connection)
    library = SourceLibrary(sources if sources else source_dirs())
    return create_app(ServiceConfig(engine, library, cache_responses=cache))


def create_token(name: str, db: str | None = None) -> str:
    """A new curator token for `name`, returned once (only its hash is stored)."""
    from pactwatch.store.tokens import create_token as store_token

    engine = open_engine(db)
    try:
        return store_token(engine, name)
    finally:
        engine.dispose()
