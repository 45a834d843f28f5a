"""/api/v1/events: what happened, read by anyone, recorded by curators.

A POST is checked as `pactwatch event add` checks an event (the model, then the agreements,
provisions and mechanisms it names, its date against their signing, a trigger's exact
instant), and every refusal is a 422 naming the field. The same content posted twice is
recorded once: the second answer is 200 with the recorded event, not a second row.
A DELETE (token needed) removes one event, with a history row per agreement it named.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import ValidationError

from pactwatch.api.agreements import dumps
from pactwatch.api.auth import curator
from pactwatch.api.body import OPENAPI, JsonObject
from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.errors import ApiError
from pactwatch.api.http import conditional
from pactwatch.api.writer import whole_write, write_turn
from pactwatch.curate.dataset import Loaded, validation_problems
from pactwatch.curate.events import EventSet, check_events, with_content_id
from pactwatch.model import Agreement, Event, Problem
from pactwatch.model.event import EventKind
from pactwatch.store import events as store_events
from pactwatch.store.engine import reader
from pactwatch.store.write import WriteRejected

router = APIRouter(prefix="/api/v1", tags=["events"])
Config = Annotated[ServiceConfig, Depends(config)]
JSON = "application/json"
REQUEST = "request"


def event_json(event: Event) -> dict[str, Any]:
    return {**event.model_dump(mode="json"), "url": f"/api/v1/events/{event.id}"}


@router.get("/events", summary="Events by time, of one kind and/or bearing on one agreement")
async def list_events(
    request: Request,
    cfg: Config,
    agreement: Annotated[
        str | None,
        Query(max_length=120, description="Events naming it, and registry-wide triggers."),
    ] = None,
    kind: EventKind | None = None,
) -> Response:
    def produce() -> tuple[bytes, str]:
        with reader(cfg.engine).connect() as connection:
            found = store_events.find_events(connection, agreement, kind)
        return dumps([event_json(e) for e in found]), JSON

    return await conditional(request, cfg, produce)


@router.get("/events/{event_id}", summary="One event")
async def get_event(event_id: str, request: Request, cfg: Config) -> Response:
    def produce() -> tuple[bytes, str]:
        with reader(cfg.engine).connect() as connection:
            found = store_events.event_by_id(connection, event_id)
        if found is None:
            raise ApiError(404, "unknown-event", f"no event with id {event_id!r}", "id")
        return dumps(event_json(found)), JSON

    return await conditional(request, cfg, produce)


def parsed_event(body: dict[str, Any]) -> Event:
    """The body as an Event (id derived from its content when left out), or a 422."""
    at = body.get("at")
    if isinstance(at, str):
        try:
            naive = datetime.fromisoformat(at).tzinfo is None
        except ValueError:
            naive = False  # the model reports the malformed value itself
        if naive:
            message = f"{at} has no time zone; write it with an offset, e.g. {at}+02:00"
            raise WriteRejected.one(422, "at", "naive-datetime", message)
    try:
        event = Event.model_validate({"id": "draft", **body})
    except ValidationError as error:
        raise WriteRejected(422, validation_problems(REQUEST, error)) from None
    return event if body.get("id") else with_content_id(event)


def event_problems(event: Event, agreements: Mapping[str, Agreement]) -> list[Problem]:
    """The errors `pactwatch event add` would refuse this event for, each naming its field."""
    checked = check_events(EventSet(events=[Loaded(Path(REQUEST), event)]), agreements)
    return [
        Problem(REQUEST, _field(p.code, event, agreements), p.code, p.message)
        for p in checked.problems
    ]


def _field(code: str, event: Event, agreements: Mapping[str, Agreement]) -> str:
    if code == "unknown-agreement":
        unknown = event.agreement_ids() - agreements.keys()
        if unknown & set(event.agreements):
            return "agreements"
        in_provisions = any(ref.split("/", 1)[0] in unknown for ref in event.provisions)
        return "provisions" if in_provisions else "mechanisms"
    fields = {
        "unknown-provision": "provisions",
        "unknown-mechanism": "mechanisms",
        "trigger-needs-instant": "at",
        "trigger-needs-subkind": "subkind",
        "event-before-signing": "at" if event.at is not None else "on",
    }
    return fields.get(code, "")


@router.post(
    "/events",
    openapi_extra=OPENAPI,
    status_code=201,
    summary="Record an event (token needed); the same content twice is recorded once (200)",
)
async def create_event(
    cfg: Config, who: Annotated[str, Depends(curator)], body: JsonObject
) -> Response:
    event = parsed_event(body)
    saved = await whole_write(cfg, lambda: cfg.writes.record_event(event, who, event_problems))
    url = f"/api/v1/events/{saved.event.id}"
    return Response(
        dumps(event_json(saved.event)),
        201 if saved.created else 200,
        headers={"Location": url},
        media_type=JSON,
    )


@router.delete(
    "/events/{event_id}",
    status_code=204,
    summary="Remove an event (token needed); history keeps what it was",
)
async def remove_event(
    event_id: str, cfg: Config, who: Annotated[str, Depends(curator)]
) -> Response:
    await write_turn(cfg, lambda: cfg.writes.delete_event(event_id, who))
    return Response(status_code=204)
