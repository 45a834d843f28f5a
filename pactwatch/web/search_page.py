"""`/search`: full-text and filtered search over provisions, with facets and counts."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from pactwatch.api.compare import search_view
from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.provisions import ProvisionQuery, provision_query
from pactwatch.store import fts
from pactwatch.store.engine import reader
from pactwatch.web.render import page

router = APIRouter(include_in_schema=False)
Config = Annotated[ServiceConfig, Depends(config)]
FILTERS = ("q", "domain", "actor", "beneficiary", "kind", "partner", "agreement")


def context(request: Request, cfg: ServiceConfig, pq: ProvisionQuery) -> dict[str, Any]:
    view = search_view(cfg.engine, pq)
    current = {k: v for k in FILTERS if (v := request.query_params.get(k))}
    links = {
        name: [
            {
                **item,
                "href": "/search?" + _query({**current, name: item["value"]}),
                "active": current.get(name) == item["value"],
            }
            for item in values
        ]
        for name, values in view["facets"].items()
    }
    return {
        "title": "Search",
        "current": current,
        "total": view["total"],
        "items": view["items"],
        "facets": links,
        "clear": {k: "/search?" + _query({**current, k: ""}) for k in current},
        "api": "/api/v1/search?" + _query(current),
        "matched": _how_it_matched(cfg, current.get("q", "")),
    }


def _how_it_matched(cfg: ServiceConfig, q: str) -> list[str]:
    """The spellings, synonyms and partner names the words were also searched as."""
    if not q.strip():
        return []
    with reader(cfg.engine).connect() as connection:
        return fts.explain(connection, q)


def _query(params: dict[str, str]) -> str:
    return urlencode({k: v for k, v in params.items() if v})


@router.get("/search", response_class=HTMLResponse)
async def search(
    request: Request, cfg: Config, pq: Annotated[ProvisionQuery, Depends(provision_query)]
) -> Response:
    return await page(request, cfg, "search.html", lambda: context(request, cfg, pq))
