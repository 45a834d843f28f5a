"""`/compare`: partners x domains as a heat map; every cell links to its provisions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from pactwatch.api.compare import matrix_view
from pactwatch.api.config import ServiceConfig, config
from pactwatch.web import charts
from pactwatch.web.contrast import shade
from pactwatch.web.render import page

router = APIRouter(include_in_schema=False)
Config = Annotated[ServiceConfig, Depends(config)]


def context(cfg: ServiceConfig) -> dict[str, Any]:
    view = matrix_view(cfg.engine)
    cells = {(c["partner"], c["domain"]): c for c in view["cells"]}
    used = [d for d in view["domains"] if any(k[1] == d["id"] for k in cells)]
    top = max((c["count"] for c in view["cells"]), default=1)
    return {
        "title": "Compare partners",
        "partners": view["partners"],
        "domains": used,
        "cells": cells,
        "top": top,
        "shade": lambda count: shade(count / top),
        "chart": charts.svg(charts.heatmap(view)) if view["cells"] else None,
    }


@router.get("/compare", response_class=HTMLResponse)
async def compare(request: Request, cfg: Config) -> Response:
    return await page(request, cfg, "compare.html", lambda: context(cfg))
