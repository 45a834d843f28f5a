"""The API's routers and the pieces every request goes through (errors, size limit)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from pactwatch.api import agreements, compare, export, provisions
from pactwatch.api.config import ServiceConfig
from pactwatch.api.errors import BodyLimit, install_error_handlers


def api_router() -> APIRouter:
    router = APIRouter()
    for module in (agreements, provisions, compare, export):
        router.include_router(module.router)
    return router


def install(app: FastAPI, cfg: ServiceConfig) -> None:
    """Attach the API to an app: its state, error shape, body limit and routes."""
    app.state.config = cfg
    install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=cfg.max_body_bytes)
    app.include_router(api_router())
