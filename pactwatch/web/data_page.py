"""`/data`: every export format, the API, the charts' specs, and the database itself."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from pactwatch.api.config import ServiceConfig, config
from pactwatch.export import exporter_for, formats
from pactwatch.web.charts_routes import CHARTS
from pactwatch.web.render import page

router = APIRouter(include_in_schema=False)
Config = Annotated[ServiceConfig, Depends(config)]


def context() -> dict[str, Any]:
    exports = [
        {"name": f, "href": f"/api/v1/export/{f}", "media_type": exporter_for(f).media_type}
        for f in formats()
    ]
    return {"title": "Data", "exports": exports, "charts": sorted(CHARTS)}


@router.get("/data", response_class=HTMLResponse)
async def data(request: Request, cfg: Config) -> Response:
    return await page(request, cfg, "data.html", context)
