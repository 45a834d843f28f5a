"""The API's routers and the pieces every request goes through (errors, size limit)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from pactwatch.api import agreements, compare, events, export, provisions, rules
from pactwatch.api.config import ServiceConfig
from pactwatch.api.documented import document_errors
from pactwatch.api.errors import BodyLimit
from pactwatch.api.fast_reads import FastReads
from pactwatch.api.turns import ReadTurns


def api_router() -> APIRouter:
    router = APIRouter()
    for module in (agreements, provisions, compare, export, rules, events):
        document_errors(module.router)
        router.include_router(module.router)
    return router


def install(app: FastAPI, cfg: ServiceConfig) -> None:
    """Attach the API to an app: its state, error shape, body limit, read turns and routes.

    The error handlers are installed by the caller (`install_error_handlers`, or the web
    app's wrapper that answers page paths with HTML).
    """
    app.state.config = cfg
    app.add_middleware(FastReads)  # inside the guards: added first, so run after them
    app.add_middleware(BodyLimit, limit=cfg.max_body_bytes)
    app.add_middleware(ReadTurns)  # before any of a read runs: writes need not wait for it
    app.include_router(api_router())
