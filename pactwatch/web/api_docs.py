"""`/api/docs`: the API reference, read in the browser from the service's own OpenAPI.

Swagger UI comes from a Python package (swagger-ui-bundle-v2) and is served from here, so
the page works offline and fetches nothing from elsewhere. Without JavaScript the page
still names the OpenAPI document and the main endpoints.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from pactwatch.web.render import render

router = APIRouter(include_in_schema=False)
ASSETS = "/api/docs/assets"


def assets() -> StaticFiles:
    return StaticFiles(directory=str(swagger_ui_path))


@router.get("/api/docs", response_class=HTMLResponse)
async def api_docs() -> HTMLResponse:
    return HTMLResponse(render("api_docs.html", title="API reference", assets=ASSETS))


@router.get("/docs")
async def docs_redirect() -> RedirectResponse:
    """Where FastAPI apps usually keep their docs: send readers to ours."""
    return RedirectResponse("/api/docs", status_code=308)
