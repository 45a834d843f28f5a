"""`/agreements/{id}/provisions/{pid}`: one commitment, where it stands, and the evidence.

Its status and G7-style score with the rule that gave them (as `pactwatch status`), the
periods of any mechanism it carries (dialogues, consultation clocks), and every recorded
event bearing on it with its sources, so a reader can check the score against the facts.
With no event the page says "no evidence recorded" and shows no score; background events
are listed apart, as context that does not count; every date reads at its own precision.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.errors import ApiError
from pactwatch.api.http import current_generation
from pactwatch.api.rules import moment
from pactwatch.rules import evaluate
from pactwatch.rules.status import assess_provision, bearing_events
from pactwatch.rules.timing import iso
from pactwatch.store import events as store_events
from pactwatch.store.engine import reader
from pactwatch.store.read import get_agreement
from pactwatch.web.citing import citation
from pactwatch.web.render import page

router = APIRouter(include_in_schema=False)
Config = Annotated[ServiceConfig, Depends(config)]


def context(
    cfg: ServiceConfig, agreement_id: str, provision_id: str, now: datetime, base_url: str = "/"
) -> dict[str, Any]:
    agreement = get_agreement(reader(cfg.engine), agreement_id)
    if agreement is None:
        raise ApiError(404, "unknown-agreement", f"no agreement with id {agreement_id!r}", "id")
    provision = agreement.provision(provision_id)
    if provision is None:
        message = f"{agreement_id} has no provision {provision_id!r}"
        raise ApiError(404, "unknown-provision", message, "id")
    events = store_events.read_events(reader(cfg.engine))
    obligations = evaluate([agreement], events, now)
    mechanisms = {m.id for m in agreement.mechanisms if m.provision == provision.id}
    own = [o for o in obligations if o.mechanism in mechanisms]
    bearing = bearing_events(agreement, provision, own, events)  # later ones too, marked
    return {
        "title": f"{provision.id} · {agreement.id}",
        "a": agreement,
        "p": provision,
        "now": now,
        "iso": iso,
        "assessment": assess_provision(agreement, provision, obligations, events, now),
        "obligations": own,
        "events": [e for e in bearing if not e.background],
        "background": [e for e in bearing if e.background],
        "cite": citation(
            agreement,
            provision,
            base_url,
            current_generation(cfg),
            cfg.library,
            now.astimezone(UTC).date(),
        ),
        "cited": None,
    }


@router.get("/agreements/{agreement_id}/provisions/{provision_id}", response_class=HTMLResponse)
async def provision(
    agreement_id: str, provision_id: str, request: Request, cfg: Config
) -> Response:
    now = moment(None)

    def build() -> dict[str, Any]:
        """Runs only on a cache miss, in a worker thread (404 is never cached)."""
        return context(cfg, agreement_id, provision_id, now, str(request.base_url))

    return await page(request, cfg, "provision.html", build, vary=iso(now) + str(request.base_url))
