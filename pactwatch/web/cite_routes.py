"""Citations: "cite this" for an agreement or a provision, as JSON, text, BibTeX or
CSL-JSON under /api/v1, and the versioned permalinks they point to.

A permalink (`/agreements/ID/provisions/PID/v/VERSION`) always answers: with the current
record when the version is current; with what the cited version said and what changed
since when the record was edited after it (from the store's history); and, when no write
recorded that version (a reload replaced the dataset), with the current record and a note.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.errors import ApiError
from pactwatch.api.http import conditional, current_generation
from pactwatch.api.rules import moment
from pactwatch.model import Agreement
from pactwatch.rules.timing import iso
from pactwatch.store import query
from pactwatch.store.engine import reader
from pactwatch.store.write import HistoryEntry, history
from pactwatch.web import agreement_page, provision_page
from pactwatch.web.citing import VERSION_DIGITS, Citation, citation
from pactwatch.web.render import page
from pactwatch.web.versions import Found, find_agreement, find_provision

router = APIRouter()
Config = Annotated[ServiceConfig, Depends(config)]
Format = Literal["json", "text", "bibtex", "csl"]
DatasetParam = Annotated[str | None, Query(pattern=r"^[0-9a-z]{1,40}$")]
VERSION = re.compile(rf"^[0-9a-f]{{{VERSION_DIGITS}}}$")
MEDIA = {
    "json": "application/json",
    "text": "text/plain; charset=utf-8",
    "bibtex": "application/x-bibtex; charset=utf-8",
    "csl": "application/vnd.citationstyles.csl+json",
}


def load_agreement(cfg: ServiceConfig, agreement_id: str) -> Agreement:
    with reader(cfg.engine).connect() as connection:
        found = query.agreement_record(connection, agreement_id)
    if found is None:
        raise ApiError(404, "unknown-agreement", f"no agreement with id {agreement_id!r}", "id")
    return Agreement.model_validate_json(found[0])


def cite_for(
    cfg: ServiceConfig, request: Request, agreement: Agreement, provision_id: str | None
) -> Citation:
    provision = None
    if provision_id is not None:
        provision = agreement.provision(provision_id)
        if provision is None:
            message = f"{agreement.id} has no provision {provision_id!r}"
            raise ApiError(404, "unknown-provision", message, "id")
    dataset = current_generation(cfg)
    today = datetime.now(UTC).date()
    return citation(agreement, provision, str(request.base_url), dataset, cfg.library, today)


def _body(cite: Citation, fmt: Format) -> tuple[bytes, str]:
    if fmt == "text":
        return cite.text.encode("utf-8"), MEDIA[fmt]
    if fmt == "bibtex":
        return cite.bibtex.encode("utf-8"), MEDIA[fmt]
    data: Any = [cite.csl] if fmt == "csl" else cite.as_dict()
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"), MEDIA[fmt]


def _vary(request: Request) -> str:
    return str(request.base_url) + datetime.now(UTC).date().isoformat()


@router.get(
    "/api/v1/agreements/{agreement_id}/cite",
    tags=["citations"],
    summary="Cite an agreement: versioned permalink, text, BibTeX, CSL-JSON",
)
async def cite_agreement(
    agreement_id: str, request: Request, cfg: Config, format: Format = "json"
) -> Response:
    def produce() -> tuple[bytes, str]:
        return _body(cite_for(cfg, request, load_agreement(cfg, agreement_id), None), format)

    return await conditional(request, cfg, produce, vary=_vary(request))


@router.get(
    "/api/v1/agreements/{agreement_id}/provisions/{provision_id}/cite",
    tags=["citations"],
    summary="Cite a provision: its quoted words, clause, versioned permalink, text, BibTeX, CSL",
)
async def cite_provision(
    agreement_id: str, provision_id: str, request: Request, cfg: Config, format: Format = "json"
) -> Response:
    def produce() -> tuple[bytes, str]:
        agreement = load_agreement(cfg, agreement_id)
        return _body(cite_for(cfg, request, agreement, provision_id), format)

    return await conditional(request, cfg, produce, vary=_vary(request))


def _history(cfg: ServiceConfig, agreement_id: str) -> list[HistoryEntry]:
    with reader(cfg.engine).connect() as connection:
        return history(connection, agreement_id)


def _unknown_version(version: str) -> ApiError:
    return ApiError(404, "unknown-version", f"{version!r} is not a record version", "version")


@router.get(
    "/agreements/{agreement_id}/provisions/{provision_id}/v/{version}",
    response_class=HTMLResponse,
    include_in_schema=False,
)
async def provision_version(
    agreement_id: str,
    provision_id: str,
    version: str,
    request: Request,
    cfg: Config,
    dataset: DatasetParam = None,
) -> Response:
    now = moment(None)
    if not VERSION.match(version):
        raise _unknown_version(version)

    def build() -> dict[str, Any]:
        agreement = load_agreement(cfg, agreement_id)
        current = agreement.provision(provision_id)
        found = find_provision(_history(cfg, agreement_id), current, provision_id, version)
        if current is None and found is None:
            message = f"{agreement_id} has no provision {provision_id!r}, now or before"
            raise ApiError(404, "unknown-provision", message, "id")
        if current is None:
            assert found is not None
            message = (
                f"{agreement_id}/{provision_id} was removed after version {found.version}; "
                f"its history: /api/v1/agreements/{agreement_id}/history"
            )
            raise ApiError(410, "removed-provision", message, "id")
        context = provision_page.context(
            cfg, agreement_id, provision_id, now, str(request.base_url)
        )
        return {**context, "cited": found or _not_recorded(version), "cited_dataset": dataset}

    vary = iso(now) + str(request.base_url)
    return await page(request, cfg, "provision.html", build, vary=vary)


def _not_recorded(version: str) -> Found:
    """A version no write recorded: the page says so and shows the current record."""
    return Found(version, None, [], [], False)


@router.get(
    "/agreements/{agreement_id}/v/{version}", response_class=HTMLResponse, include_in_schema=False
)
async def agreement_version(
    agreement_id: str, version: str, request: Request, cfg: Config, dataset: DatasetParam = None
) -> Response:
    if not VERSION.match(version):
        raise _unknown_version(version)
    today = datetime.now(UTC).date()

    def build() -> dict[str, Any]:
        agreement = load_agreement(cfg, agreement_id)
        found = find_agreement(_history(cfg, agreement_id), agreement, version)
        context = agreement_page.context(cfg, agreement, today, str(request.base_url))
        return {**context, "cited": found or _not_recorded(version), "cited_dataset": dataset}

    return await page(
        request, cfg, "agreement.html", build, vary=str(request.base_url), vary_today=True
    )
