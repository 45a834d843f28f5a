"""/api/v1/export/{format}: the registry in every format `pactwatch.export` registers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.downloads import as_download
from pactwatch.api.errors import ApiError
from pactwatch.api.http import conditional
from pactwatch.export import exporter_for, formats
from pactwatch.export.filled import filled_exporter
from pactwatch.store.engine import reader

router = APIRouter(prefix="/api/v1", tags=["export"])
Config = Annotated[ServiceConfig, Depends(config)]


def exported(cfg: ServiceConfig, fmt: str) -> tuple[bytes, str]:
    """The whole registry in `fmt`, events included where the format shows them: the
    bytes `pactwatch export FMT` writes."""
    exporter = filled_exporter(fmt, reader(cfg.engine), texts=cfg.library.text_for)
    assert exporter is not None  # no agreement id asked for
    return exporter.finalize(), exporter.media_type


@router.get("/export", summary="The export formats this server offers")
def list_formats() -> dict[str, list[str]]:
    return {"formats": formats()}


@router.get("/export/{fmt}", summary="The whole registry in one format")
async def export(fmt: str, request: Request, cfg: Config) -> Response:
    if fmt not in formats():
        raise ApiError(404, "unknown-format", f"no format {fmt!r}; see /api/v1/export", "format")

    def produce() -> tuple[bytes, str]:
        return exported(cfg, fmt)

    response = await conditional(request, cfg, produce)
    name = f"pactwatch-{fmt}.{exporter_for(fmt).extension}"
    return as_download(response, name, described=fmt in TABLE_FORMATS)


TABLE_FORMATS = frozenset({"csv", "parquet", "xlsx", "datapackage"})


@router.get(
    "/codebook",
    summary="Every exported column, its type and meaning, and the licence (Markdown)",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}}}},
)
async def codebook(request: Request, cfg: Config) -> Response:
    def produce() -> tuple[bytes, str]:
        from pactwatch.export.codebook import codebook as text

        return text().encode("utf-8"), "text/markdown; charset=utf-8"

    response = await conditional(request, cfg, produce)
    return as_download(response, "pactwatch-codebook.md")
