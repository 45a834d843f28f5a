"""/api/v1/due, /agreements/{id}/status, /calendar.ics and the feeds: the rules over HTTP.

Each answer is what the matching command prints (`pactwatch due --format json`, `status
--format json`, `export ics`, `feed`), computed by the same pure rules engine from the
registry the service holds open. An answer "at now" depends on the clock as well as the
data, so its cache key carries the instant it was computed for.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.errors import ApiError
from pactwatch.api.export import exported
from pactwatch.api.http import conditional
from pactwatch.api.params import IsoInstant
from pactwatch.export.feeds import atom_feed, json_feed
from pactwatch.rules import Obligation, State, evaluate
from pactwatch.rules.indexed import evaluate_indexed
from pactwatch.rules.newest_changes import newest_feed
from pactwatch.rules.obligations import matching
from pactwatch.rules.status import Compliance, assess_agreement
from pactwatch.rules.timing import iso, require_aware
from pactwatch.settings import FEED_ITEMS
from pactwatch.store.engine import reader
from pactwatch.store.feed_reads import FeedReads
from pactwatch.store.read import get_agreement
from pactwatch.store.rule_events import RuleReads, agreement_events

router = APIRouter(prefix="/api/v1", tags=["rules"])
Config = Annotated[ServiceConfig, Depends(config)]
JSON = "application/json"
MAX_FEED_ITEMS = 1_000
"""The most a feed request may ask for: the walk stays short (`rules.newest_changes`)."""
FeedLimit = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_FEED_ITEMS,
        description=f"The newest changes shown, 1 to {MAX_FEED_ITEMS}; every change, "
        "however old, is in `pactwatch feed --limit 0`.",
    ),
]
At = Annotated[
    IsoInstant | None,
    Query(
        description="Evaluate at this instant, ISO 8601 with its offset "
        "(e.g. 2026-11-27T12:00:00+02:00), in the years 1900-2200; default: now. "
        "Without an offset it is refused."
    ),
]


def due_obligations(cfg: ServiceConfig, now: datetime) -> list[Obligation]:
    """Every obligation at `now`, read through the indexes: only the events and the parts
    of agreements that mechanisms need (`rules.indexed`), as `pactwatch due` reads them."""
    with reader(cfg.engine).connect() as connection:
        return evaluate_indexed(RuleReads(connection), now)


def moment(at: datetime | None, field: str = "at") -> datetime:
    """`at` itself (default: now, to the second); a 422 naming the field when it is naive."""
    if at is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return require_aware(at, field)
    except ValueError as error:
        raise ApiError(422, "naive-datetime", str(error), field) from None


def live(at: datetime | None, now: datetime) -> str:
    """What else an answer depends on: the instant, when the caller did not fix one."""
    return "" if at is not None else iso(now)


def dumps(data: Any) -> bytes:
    """Compact JSON: an indent makes Python's encoder give up its C core, and `/due` on a
    registry of 1,000 agreements (31,000 obligations) took 1.7 s to encode that way."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@router.get(
    "/due",
    summary=(
        "Obligations at an instant: upcoming, open, met, unrecorded (nothing recorded by the "
        "deadline), missed on evidence (as `pactwatch due`)"
    ),
)
async def due(
    request: Request,
    cfg: Config,
    at: At = None,
    state: Annotated[list[State] | None, Query(description="Only these states.")] = None,
    agreement: Annotated[str | None, Query(max_length=120, description="Only this id.")] = None,
) -> Response:
    now = moment(at)

    def produce() -> tuple[bytes, str]:
        shown = matching(due_obligations(cfg, now), state, agreement)
        return dumps([o.as_dict() for o in shown]), JSON

    return await conditional(request, cfg, produce, vary=live(at, now))


def compliance(cfg: ServiceConfig, agreement_id: str, now: datetime) -> Compliance:
    """One agreement's provision statuses and scores at `now` (404 for an unknown id)."""
    found = get_agreement(reader(cfg.engine), agreement_id)
    if found is None:
        raise ApiError(404, "unknown-agreement", f"no agreement with id {agreement_id!r}", "id")
    with reader(cfg.engine).connect() as connection:
        events = agreement_events(connection, agreement_id)
    return assess_agreement(found, evaluate([found], events, now), events, now)


@router.get(
    "/agreements/{agreement_id}/status",
    summary=(
        "Each provision's status and G7-style score with its rule and evidence; no event, "
        "no score (as `pactwatch status`)"
    ),
)
async def status(agreement_id: str, request: Request, cfg: Config, at: At = None) -> Response:
    now = moment(at)

    def produce() -> tuple[bytes, str]:
        return dumps(compliance(cfg, agreement_id, now).as_dict()), JSON

    return await conditional(request, cfg, produce, vary=live(at, now))


@router.get(
    "/calendar.ics",
    summary="Deadlines and dialogue dates as iCalendar with stable UIDs (`export ics`)",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
async def calendar(request: Request, cfg: Config) -> Response:
    response = await conditional(request, cfg, lambda: exported(cfg, "ics"))
    response.headers["Content-Disposition"] = 'inline; filename="pactwatch.ics"'
    return response


def _feed(cfg: ServiceConfig, now: datetime, atom: bool, limit: int) -> tuple[bytes, str]:
    """The newest changes, read through the indexes (`rules.newest_changes`)."""
    with reader(cfg.engine).connect() as connection:
        found = newest_feed(RuleReads(connection), FeedReads(connection), now, limit)
    if atom:
        return atom_feed(found, now), "application/atom+xml"
    return json_feed(found, now), "application/feed+json"


@router.get(
    "/feed.json",
    summary="Changes in obligation state, newest first, as JSON Feed 1.1",
    response_class=Response,
    responses={200: {"content": {"application/feed+json": {}}}},
)
async def feed_json(
    request: Request, cfg: Config, at: At = None, limit: FeedLimit = FEED_ITEMS
) -> Response:
    now = moment(at)
    return await conditional(
        request, cfg, lambda: _feed(cfg, now, False, limit), vary=live(at, now)
    )


@router.get(
    "/feed.atom",
    summary="Changes in obligation state, newest first, as Atom 1.0",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}}},
)
async def feed_atom(
    request: Request, cfg: Config, at: At = None, limit: FeedLimit = FEED_ITEMS
) -> Response:
    now = moment(at)
    return await conditional(request, cfg, lambda: _feed(cfg, now, True, limit), vary=live(at, now))
