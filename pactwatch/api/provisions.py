"""/api/v1/provisions: filter, sort and page through commitments; curators add and edit them."""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from pactwatch.api.auth import curator
from pactwatch.api.body import MERGE_PATCH, OPENAPI, JsonObject
from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.downloads import as_download
from pactwatch.api.errors import ApiError
from pactwatch.api.held_reads import read_connection
from pactwatch.api.http import conditional
from pactwatch.api.plain_url import next_link
from pactwatch.api.views import checker, with_url_id
from pactwatch.api.writer import whole_write, write_turn
from pactwatch.export.cells import neutral
from pactwatch.model.taxonomy import domain_ids
from pactwatch.store import query, write

router = APIRouter(prefix="/api/v1", tags=["provisions"])
Config = Annotated[ServiceConfig, Depends(config)]
SortName = Literal["agreement", "-agreement", "signed_on", "-signed_on", "domain", "-domain", "id"]
Kind = Literal["action", "support", "declaration", "mechanism"]
PARTY = r"^[A-Z]{2,4}$"
MAX_LENGTH = {"agreement": 120, "q": 200, "cursor": 500}
"""The free-text parameters' length limits (the route's, and `fast_reads`' same checks)."""
MAX_LIMIT = 1000
CSV_COLUMNS = (
    "agreement_id", "id", "section", "actors", "beneficiaries", "action", "object", "domains",
    "kind", "partners", "instruments", "condition", "timing", "amount", "flags",
)  # fmt: skip


@dataclass(frozen=True)
class ProvisionQuery:
    """Every provisions parameter, parsed and checked once (422 names the bad one)."""

    filter: query.ProvisionFilter
    sort: query.Sort
    limit: int
    after: list[Any] | None


async def provision_query(
    agreement: Annotated[str | None, Query(max_length=MAX_LENGTH["agreement"])] = None,
    domain: Annotated[str | None, Query(description="taxonomy id, e.g. air_defence")] = None,
    actor: Annotated[str | None, Query(pattern=PARTY)] = None,
    beneficiary: Annotated[str | None, Query(pattern=PARTY)] = None,
    kind: Kind | None = None,
    partner: Annotated[str | None, Query(pattern=PARTY, description="a party")] = None,
    q: Annotated[
        str | None, Query(max_length=MAX_LENGTH["q"], description="full-text query")
    ] = None,
    sort: SortName = "agreement",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: Annotated[str | None, Query(max_length=MAX_LENGTH["cursor"])] = None,
) -> ProvisionQuery:
    if domain is not None and domain not in domain_ids():
        raise ApiError(422, "unknown-domain", f"domain: {domain!r} is not a taxonomy id", "domain")
    order = query.Sort(sort.lstrip("-"), descending=sort.startswith("-"))
    f = query.ProvisionFilter(agreement, domain, actor, beneficiary, kind, partner, q)
    return ProvisionQuery(f, order, limit, decode_cursor(cursor, sort))


def encode_cursor(sort: str, key: list[Any]) -> str:
    raw = json.dumps([sort, key], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


MAX_POSITION = 2**31 - 1
"""No agreement has more provisions; and every backend's integer holds it."""


def _cursor_value(value: Any) -> bool:
    """A value a cursor of ours can hold: a position, or text a database can compare.

    Anything else (an integer past 64 bits, a NUL, a lone surrogate) would reach the
    database and fail there as a 500; a cursor is the client's to tamper with."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value <= MAX_POSITION
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    return False


def decode_cursor(cursor: str | None, sort: str) -> list[Any] | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, key = json.loads(raw)
        ok = name == sort and isinstance(key, list) and 2 <= len(key) <= 3
        ok = ok and all(_cursor_value(v) for v in key)
    except (binascii.Error, ValueError, TypeError):
        ok = False
    if not ok:
        raise ApiError(422, "invalid-cursor", "cursor: not a cursor from this sort", "cursor")
    return list(key)


def _page(cfg: ServiceConfig, pq: ProvisionQuery) -> query.ProvisionPage:
    with read_connection(cfg.engine) as connection:
        try:
            return query.provision_page(connection, pq.filter, pq.sort, pq.limit, pq.after)
        except ValueError:
            raise ApiError(422, "invalid-cursor", "cursor: values do not fit", "cursor") from None


def _json_page(page: query.ProvisionPage, request: Request, sort: str) -> bytes:
    """Each row's stored JSON spliced in after its agreement's id, encoded once."""
    heads: dict[str, str] = {}
    parts = []
    for r in page.items:
        head = heads.get(r.agreement_id)
        if head is None:
            head = heads[r.agreement_id] = '{"agreement_id":' + json.dumps(r.agreement_id) + ","
        parts.append(head + r.record[1:])
    next_url = None
    if page.next_key is not None:
        next_url = next_link(request.scope, encode_cursor(sort, page.next_key))
    tail = json.dumps({"next": next_url, "count": len(page.items)})
    return ('{"items":[' + ",".join(parts) + "]," + tail[1:]).encode()


def _csv_text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _csv_page(page: query.ProvisionPage) -> bytes:
    """One page as CSV; text a spreadsheet would run as a formula is neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in page.items:
        data = {"agreement_id": row.agreement_id, **json.loads(row.record)}
        amount = data.get("amount")
        data["amount"] = f"{amount['value']} {amount['currency']}" if amount else ""
        writer.writerow(neutral(_csv_text(data.get(c))) for c in CSV_COLUMNS)
    return out.getvalue().encode("utf-8")


@router.get(
    "/provisions",
    summary="Provisions: filter, full-text q, sort, cursor pages, CSV",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
async def list_provisions(
    request: Request,
    cfg: Config,
    pq: Annotated[ProvisionQuery, Depends(provision_query)],
    format: Literal["json", "csv"] = "json",
) -> Response:
    response = await provisions_answer(request, cfg, pq, format)
    if format == "csv":
        as_download(response, "pactwatch-provisions.csv")
    return response


async def provisions_answer(
    request: Request, cfg: ServiceConfig, pq: ProvisionQuery, format: str = "json"
) -> Response:
    """The page (or 304) for checked parameters: the route's body, shared with `fast_reads`."""
    sort = ("-" if pq.sort.descending else "") + pq.sort.name

    def produce() -> tuple[bytes, str]:
        page = _page(cfg, pq)
        if format == "csv":
            return _csv_page(page), "text/csv; charset=utf-8"
        return _json_page(page, request, sort), "application/json"

    return await conditional(request, cfg, produce, depends=depends_on(pq.filter), quick=True)


def depends_on(f: query.ProvisionFilter) -> frozenset[str] | None:
    """The agreements a filtered answer reads: the one it names, else the whole registry."""
    return frozenset({f.agreement}) if f.agreement else None


def _written(result: write.Written, provision_id: str, status: int) -> Response:
    provision = result.provision
    body = json.dumps(provision.model_dump(mode="json") if provision else None).encode()
    return Response(body, status, media_type="application/json", headers={"ETag": result.etag})


@router.post(
    "/agreements/{agreement_id}/provisions",
    openapi_extra=OPENAPI,
    status_code=201,
    summary="Add a provision (token, and the agreement's ETag in If-Match)",
)
async def create_provision(
    agreement_id: str,
    cfg: Config,
    who: Annotated[str, Depends(curator)],
    body: JsonObject,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    check = checker(cfg)
    result = await whole_write(
        cfg,
        lambda: cfg.writes.save_provision(agreement_id, body, who, check, if_match, create=True),
    )
    return _written(result, str(body.get("id")), 201)


@router.put(
    "/agreements/{agreement_id}/provisions/{provision_id}",
    openapi_extra=OPENAPI,
    summary="Replace a provision (token, and the agreement's ETag in If-Match)",
)
async def update_provision(
    agreement_id: str,
    provision_id: str,
    cfg: Config,
    who: Annotated[str, Depends(curator)],
    body: JsonObject,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    body = with_url_id(body, provision_id)
    check = checker(cfg)
    result = await write_turn(
        cfg, lambda: cfg.writes.save_provision(agreement_id, body, who, check, if_match)
    )
    return _written(result, provision_id, 200)


@router.patch(
    "/agreements/{agreement_id}/provisions/{provision_id}",
    openapi_extra=MERGE_PATCH,
    summary="Change some fields of a provision (JSON Merge Patch; token and If-Match)",
)
async def patch_provision(
    agreement_id: str,
    provision_id: str,
    cfg: Config,
    who: Annotated[str, Depends(curator)],
    body: JsonObject,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    """RFC 7396: fields named are set (null removes one), spans, summary and every other
    field are kept; the result is checked as a whole record."""
    patch = write.Patch(provision_id, with_url_id(body, provision_id))
    check = checker(cfg)
    result = await write_turn(
        cfg, lambda: cfg.writes.save_provision(agreement_id, patch, who, check, if_match)
    )
    return _written(result, provision_id, 200)
