"""Verbs of the web service: the app on a registry, and curator tokens."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI

from pactwatch.settings import DB_ENV, SOURCES_ENV, default_db, source_dirs
from pactwatch.sources import SourceLibrary
from pactwatch.store.registry import Registry, TokenInfo
from pactwatch.verbs.registry import Db, opened


def service(
    db: str | None = None,
    sources: Path | Sequence[Path] | None = None,
    cache: bool = True,
    shared: bool = False,
) -> FastAPI:
    """The web service (API and pages) on a registry, its schema migrated first.

    `cache=False` turns off the in-process response cache (ETags and 304s stay).
    `shared`: other processes serve the same registry (`serve --workers`), so writers
    queue with theirs, and every request reads the generation afresh: another worker's
    write must change this one's ETags and cached answers at once, not a second later.
    """
    from pactwatch.api import ServiceConfig
    from pactwatch.web import create_app

    registry = Registry.open(db, must_exist=False)
    registry.create_schema()
    registry.checkpoint_in_background()
    if shared:
        registry.share_writes()
    library = SourceLibrary(sources if sources else source_dirs())
    config = ServiceConfig(
        registry.engine,
        library,
        cache_responses=cache,
        registry=registry,
        generation_ttl=0.0 if shared else ServiceConfig.generation_ttl,
    )
    return create_app(config)


CACHE_ENV = "PACTWATCH_SERVE_CACHE"
WORKER_APP = "pactwatch.verbs.service:worker_service"
"""The import path uvicorn gives each worker process (`serve --workers`)."""


def prepare_workers(db: str | None, sources: Path | Sequence[Path] | None, cache: bool) -> None:
    """Migrate the registry once, then hand the options to the worker processes.

    uvicorn starts each worker in a fresh interpreter and names its app only by import
    path, so the options travel in the environment the workers inherit: the registry
    and sources in their usual variables, the cache in its own.
    """
    with opened(db, must_exist=False) as registry:
        registry.create_schema()
    os.environ[DB_ENV] = db or default_db()
    if sources:
        folders = [sources] if isinstance(sources, Path) else list(sources)
        os.environ[SOURCES_ENV] = os.pathsep.join(str(folder) for folder in folders)
    os.environ[CACHE_ENV] = "1" if cache else "0"


def worker_service() -> FastAPI:
    """The app of one worker process of `pactwatch serve --workers N` (`prepare_workers`)."""
    app = service(cache=os.environ.get(CACHE_ENV, "1") != "0", shared=True)
    tune_for_serving()
    return app


SWITCH_INTERVAL = 0.0005
"""Seconds a thread waiting for the interpreter waits before asking the running one to yield."""


def tune_for_serving() -> None:
    """Set the interpreter up for the service once its app is built.

    Reads run on the event loop's thread; writes and page renders run on worker threads.
    SQLite's and PostgreSQL's drivers let go of the interpreter around every statement,
    and a thread taking it back behind a busy event loop may wait the whole switch
    interval (5 ms by default) each time, so a write of a hundred statements beside a
    stream of reads took several times its own work; at `SWITCH_INTERVAL` each wait is a
    tenth as long (`benchmarks/switch_interval.py` measures both). And the heap is settled.
    """
    sys.setswitchinterval(SWITCH_INTERVAL)
    settle_heap()


def settle_heap() -> None:
    """Exempt what exists once the app is built from the garbage collector's full passes.

    The app's objects (routes, schemas, the taxonomy, compiled statements) live as long
    as the process, yet every full collection walks them all, pausing every request in
    flight for as long; frozen, a full pass walks only what requests made since.
    """
    gc.collect()
    gc.freeze()


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
