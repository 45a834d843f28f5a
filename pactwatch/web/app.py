"""The service: the JSON API and the pages in one FastAPI app, on one registry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from pactwatch.api import ServiceConfig, install
from pactwatch.api.documented import document_errors
from pactwatch.web import (
    agreement_page,
    api_docs,
    charts_routes,
    cite_routes,
    compare_page,
    data_page,
    due_page,
    home,
    provision_page,
    search_page,
)
from pactwatch.web.errors import PageNul, install_page_errors

STATIC = Path(__file__).resolve().parent / "static"


@asynccontextmanager
async def _held_while_serving(cfg: ServiceConfig) -> AsyncIterator[None]:
    """What the service holds while it serves, let go when it shuts down."""
    yield
    cfg.close_loop_connections()


def create_app(cfg: ServiceConfig) -> FastAPI:
    app = FastAPI(
        lifespan=lambda _: _held_while_serving(cfg),
        title="Pactwatch",
        version="1",
        summary="Security agreements as data: the registry, provisions, comparison, search.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    install_page_errors(app)
    install(app, cfg)
    app.add_middleware(PageNul)
    pages = (
        api_docs,
        home,
        agreement_page,
        provision_page,
        due_page,
        compare_page,
        search_page,
        data_page,
    )
    # the citations are also API reads (`/api/v1/.../cite`): their errors are documented
    document_errors(cite_routes.router)
    for module in (*pages, charts_routes, cite_routes):
        app.include_router(module.router)
    app.mount(api_docs.ASSETS, api_docs.assets(), name="api-docs-assets")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
