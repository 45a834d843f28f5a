"""/api/v1/agreements: the registry, one agreement's contract JSON, its sources and history."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from pactwatch.api.auth import curator, maybe_curator
from pactwatch.api.body import MERGE_PATCH, OPENAPI, JsonObject
from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.errors import ApiError
from pactwatch.api.http import conditional
from pactwatch.api.params import IsoDate
from pactwatch.api.views import agreement_bytes, checker, source_view, summaries, with_url_id
from pactwatch.api.writer import whole_write
from pactwatch.model import Agreement
from pactwatch.store import query, records, write
from pactwatch.store.engine import reader

router = APIRouter(prefix="/api/v1", tags=["agreements"])
Config = Annotated[ServiceConfig, Depends(config)]
PartyCode = Query(None, pattern=r"^[A-Z]{2,4}$", description="ISO 3166-1 alpha-2 or EU/NATO")
JSON = "application/json"
HISTORY_LIMIT = 100


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@router.get("/agreements", summary="The registry, filtered by party, date and kind")
async def list_agreements(
    request: Request,
    cfg: Config,
    party: str | None = PartyCode,
    kind: str | None = Query(None, pattern=r"^[a-z_]+$"),
    signed_from: IsoDate | None = None,
    signed_to: IsoDate | None = None,
) -> Response:
    f = query.AgreementFilter(party, kind, signed_from, signed_to)
    return await conditional(request, cfg, lambda: (dumps(summaries(cfg.engine, f)), JSON))


def _found(cfg: ServiceConfig, agreement_id: str) -> records.Stored:
    with reader(cfg.engine).connect() as connection:
        found = records.read(connection, agreement_id)
    if found is None:
        raise ApiError(404, "unknown-agreement", f"no agreement with id {agreement_id!r}", "id")
    return found


@router.get(
    "/agreements/{agreement_id}",
    summary="One agreement as contract JSON (the bytes `pactwatch export json` writes)",
)
async def get_agreement(agreement_id: str, request: Request, cfg: Config) -> Response:
    found = await run_in_threadpool(_found, cfg, agreement_id)
    tag = write.etag(found.content_version, found.version)
    return await conditional(
        request,
        cfg,
        lambda: (agreement_bytes(found.record), JSON),
        etag=tag,
        depends=frozenset({agreement_id}),
    )


@router.get(
    "/agreements/{agreement_id}/sources/{source_id}",
    summary="A source's text with the spans that point into it, when the text is present",
)
async def get_source(agreement_id: str, source_id: str, request: Request, cfg: Config) -> Response:
    def produce() -> tuple[bytes, str]:
        agreement = Agreement.model_validate_json(_found(cfg, agreement_id).record)
        if agreement.source(source_id) is None:
            message = f"{agreement_id} has no source {source_id!r}"
            raise ApiError(404, "unknown-source", message, "id")
        return dumps(source_view(agreement, source_id, cfg.library)), JSON

    return await conditional(request, cfg, produce, depends=frozenset({agreement_id}))


@router.get(
    "/agreements/{agreement_id}/history",
    summary="Curator writes, oldest first, a page at a time (authors shown to curators only)",
)
def get_history(
    agreement_id: str,
    request: Request,
    cfg: Config,
    who: Annotated[str | None, Depends(maybe_curator)],
    after: Annotated[int | None, Query(ge=0, le=2**62, description="the page's `next`")] = None,
    limit: Annotated[int, Query(ge=1, le=HISTORY_LIMIT)] = 20,
) -> Response:
    """Keyset pages bounded in entries and in bytes; `actor` is null without a valid token,
    so curators' token names are not published."""
    with reader(cfg.engine).connect() as connection:
        if not records.exists(connection, agreement_id):
            message = f"no agreement with id {agreement_id!r}"
            raise ApiError(404, "unknown-agreement", message, "id")
        page = write.history_page(connection, agreement_id, after, limit)
    items = [
        {
            "id": e.id,
            "at": (e.at if e.at.tzinfo else e.at.replace(tzinfo=UTC)).isoformat(),
            "actor": e.actor if who is not None else None,
            "entity": e.entity,
            "action": e.action,
            "provision_id": e.provision_id,
            "version": e.version,
            "before": json.loads(e.before) if e.before else None,
            "after": json.loads(e.after) if e.after else None,
        }
        for e in page.entries
    ]
    next_url = None
    if page.next_after is not None:
        next_url = str(request.url.include_query_params(after=page.next_after))
    body = dumps({"items": items, "next": next_url})
    vary = {"Vary": "Authorization"}
    return Response(body, media_type=JSON, headers={"Cache-Control": "no-store", **vary})


def _written(result: write.Written, status: int) -> Response:
    assert result.agreement is not None  # an agreement write always returns its record
    body = agreement_bytes(json.dumps(result.agreement.model_dump(mode="json")))
    return Response(body, status_code=status, media_type=JSON, headers={"ETag": result.etag})


@router.post(
    "/agreements",
    openapi_extra=OPENAPI,
    status_code=201,
    summary="Create an agreement (token needed)",
)
async def create_agreement(
    cfg: Config, who: Annotated[str, Depends(curator)], body: JsonObject
) -> Response:
    check = checker(cfg)
    result = await whole_write(
        cfg, lambda: cfg.writes.save_agreement(body, who, check, create=True)
    )
    return _written(result, 201)


@router.put(
    "/agreements/{agreement_id}",
    openapi_extra=OPENAPI,
    summary="Replace an agreement (token and If-Match)",
)
async def update_agreement(
    agreement_id: str,
    cfg: Config,
    who: Annotated[str, Depends(curator)],
    body: JsonObject,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    body = with_url_id(body, agreement_id)
    check = checker(cfg)
    result = await whole_write(
        cfg, lambda: cfg.writes.save_agreement(body, who, check, if_match=if_match)
    )
    return _written(result, 200)


@router.patch(
    "/agreements/{agreement_id}",
    openapi_extra=MERGE_PATCH,
    summary="Change some fields of an agreement (JSON Merge Patch; token and If-Match)",
)
async def patch_agreement(
    agreement_id: str,
    cfg: Config,
    who: Annotated[str, Depends(curator)],
    body: JsonObject,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    """RFC 7396: fields named are set (null removes one), every other field is kept."""
    patch = write.Patch(agreement_id, with_url_id(body, agreement_id))
    check = checker(cfg)
    result = await whole_write(
        cfg, lambda: cfg.writes.save_agreement(patch, who, check, if_match=if_match)
    )
    return _written(result, 200)
