"""`/`: the registry as a timeline and a table, with counts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.views import summaries
from pactwatch.store import query
from pactwatch.web import charts
from pactwatch.web.render import page

router = APIRouter(include_in_schema=False)
Config = Annotated[ServiceConfig, Depends(config)]


def context(cfg: ServiceConfig) -> dict[str, Any]:
    rows = summaries(cfg.engine, query.AgreementFilter())
    return {
        "title": "Registry",
        "rows": rows,
        "total_provisions": sum(r["provisions"] for r in rows),
        "coded": sum(1 for r in rows if r["provisions"]),
        "chart": charts.svg(charts.timeline(rows)),
    }


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, cfg: Config) -> Response:
    return await page(request, cfg, "home.html", lambda: context(cfg))
