"""`/charts/NAME.svg` and `/charts/NAME.vl.json`: the pages' charts as files."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from pactwatch.api.compare import matrix_view
from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.errors import ApiError
from pactwatch.api.http import conditional
from pactwatch.api.views import summaries
from pactwatch.store import query
from pactwatch.web import charts

router = APIRouter(include_in_schema=False)
Config = Annotated[ServiceConfig, Depends(config)]
CHARTS: dict[str, Callable[[ServiceConfig], charts.Spec]] = {
    "timeline": lambda cfg: charts.timeline(summaries(cfg.engine, query.AgreementFilter())),
    "compare": lambda cfg: charts.heatmap(matrix_view(cfg.engine)),
}


@router.get("/charts/{filename}")
async def chart(filename: str, request: Request, cfg: Config) -> Response:
    name, _, ext = filename.partition(".")
    if name not in CHARTS or ext not in {"svg", "vl.json"}:
        raise ApiError(404, "unknown-chart", f"no chart {filename!r}; try timeline.svg", "name")

    def produce() -> tuple[bytes, str]:
        spec = CHARTS[name](cfg)
        if ext == "svg":
            return charts.svg(spec).encode("utf-8"), "image/svg+xml"
        return json.dumps(spec, indent=2).encode("utf-8"), "application/json"

    return await conditional(request, cfg, produce)
