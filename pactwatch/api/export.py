"""/api/v1/export/{format}: the registry in every format `pactwatch.export` registers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.errors import ApiError
from pactwatch.api.http import conditional
from pactwatch.export import exporter_for, formats
from pactwatch.store.engine import reader
from pactwatch.store.read import all_agreements

router = APIRouter(prefix="/api/v1", tags=["export"])
Config = Annotated[ServiceConfig, Depends(config)]


@router.get("/export", summary="The export formats this server offers")
def list_formats() -> dict[str, list[str]]:
    return {"formats": formats()}


@router.get("/export/{fmt}", summary="The whole registry in one format")
async def export(fmt: str, request: Request, cfg: Config) -> Response:
    if fmt not in formats():
        raise ApiError(404, "unknown-format", f"no format {fmt!r}; see /api/v1/export", "format")

    def produce() -> tuple[bytes, str]:
        exporter = exporter_for(fmt)
        for agreement in all_agreements(reader(cfg.engine)):
            exporter.write(agreement)
        return exporter.finalize(), exporter.media_type

    response = await conditional(request, cfg, produce)
    name = f"pactwatch.{exporter_for(fmt).extension}"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
