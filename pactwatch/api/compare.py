"""/api/v1/compare and /api/v1/search: the partners x domains matrix, and search with facets."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import Engine

from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.held_reads import read_connection
from pactwatch.api.http import conditional
from pactwatch.api.provisions import ProvisionQuery, depends_on, provision_query
from pactwatch.model.codes import party_name
from pactwatch.model.taxonomy import domains
from pactwatch.store import query, summary
from pactwatch.store.engine import reader

router = APIRouter(prefix="/api/v1", tags=["compare"])
Config = Annotated[ServiceConfig, Depends(config)]


def matrix_view(engine: Engine) -> dict[str, Any]:
    """Partners x domains: counts and provision ids per cell, zeros left out."""
    with reader(engine).connect() as connection:
        partners, cells = query.matrix(connection)
    return {
        "partners": [{"code": p, "name": party_name(p)} for p in partners],
        "domains": [{"id": d.id, "label": d.label} for d in domains()],
        "cells": [
            {
                "partner": c.partner,
                "domain": c.domain,
                "count": c.count,
                "provisions": c.provisions,
                "url": f"/api/v1/provisions?partner={c.partner}&domain={c.domain}",
            }
            for c in cells
        ],
    }


def search_view(engine: Engine, pq: ProvisionQuery) -> dict[str, Any]:
    """The first page of hits, the total, and facet counts over every hit."""
    with reader(engine).connect() as connection:
        page = query.provision_page(connection, pq.filter, pq.sort, pq.limit, pq.after)
        total = query.count_provisions(connection, pq.filter)
        facets = query.facets(connection, pq.filter)
    return {
        "total": total,
        "items": [{"agreement_id": r.agreement_id, **json.loads(r.record)} for r in page.items],
        "facets": {
            name: [{"value": v, "count": n} for v, n in values] for name, values in facets.items()
        },
    }


def matrix_bytes(engine: Engine) -> bytes:
    """`matrix_view` as JSON: the answer every write keeps rendered in the summary."""
    with read_connection(engine) as connection:
        body = query.document_bytes(connection, summary.MATRIX)
        if body is None:  # a registry written before the summary existed
            body = summary.matrix_body(connection).encode()
    return body


@router.get("/compare", summary="Partners x domains: counts and the provisions behind each cell")
async def compare(request: Request, cfg: Config) -> Response:
    return await compare_answer(request, cfg)


async def compare_answer(request: Request, cfg: ServiceConfig) -> Response:
    """The matrix (or 304): the route's body, shared with `fast_reads`."""
    return await conditional(
        request, cfg, lambda: (matrix_bytes(cfg.engine), "application/json"), quick=True
    )


def search_bytes(engine: Engine, pq: ProvisionQuery) -> bytes:
    """`search_view` as JSON; each item's stored contract JSON is spliced in, not re-parsed."""
    with read_connection(engine) as connection:
        page = query.provision_page(connection, pq.filter, pq.sort, pq.limit, pq.after)
        facets = query.facets(connection, pq.filter)
    total = query.total_of(facets)
    items = ", ".join(
        '{"agreement_id": ' + json.dumps(r.agreement_id) + ", " + r.record[1:] for r in page.items
    )
    shown = {name: [{"value": v, "count": n} for v, n in values] for name, values in facets.items()}
    body = f'{{"total": {total}, "items": [{items}], "facets": {json.dumps(shown)}}}'
    return body.encode("utf-8")


@router.get("/search", summary="Provisions matching a query, with facet counts")
async def search(
    request: Request, cfg: Config, pq: Annotated[ProvisionQuery, Depends(provision_query)]
) -> Response:
    return await search_answer(request, cfg, pq)


async def search_answer(request: Request, cfg: ServiceConfig, pq: ProvisionQuery) -> Response:
    """Hits, total and facets (or 304) for checked parameters; shared with `fast_reads`."""
    return await conditional(
        request,
        cfg,
        lambda: (search_bytes(cfg.engine, pq), "application/json"),
        depends=depends_on(pq.filter),
        quick=True,
    )
