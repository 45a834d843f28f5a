"""`/due`: what is due now, for the official running an agreement.

Open 24-hour clocks first, each with its deadline written out (readable without
JavaScript) and a countdown that `due.js` keeps running; then what was missed on evidence,
apart from the deadlines that passed with nothing recorded (no evidence either way), the
next strategic dialogue of each agreement, and the terms that end next. The page is computed
for the current second, so its cache key carries that instant.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.rules import due_obligations, moment
from pactwatch.rules import Obligation, summarise
from pactwatch.rules.obligations import count_label
from pactwatch.rules.timing import iso
from pactwatch.web.render import page

router = APIRouter(include_in_schema=False)
Config = Annotated[ServiceConfig, Depends(config)]
TERMS_SHOWN = 10


def remaining(deadline: datetime, now: datetime) -> str:
    """Time left as people read it; `due.js` writes the same form every second."""
    seconds = int((deadline - now) / timedelta(seconds=1))
    if seconds <= 0:
        return "deadline passed"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    lead = f"{days} d " if days else ""
    return f"{lead}{hours} h {minutes} min {secs} s left"


def duration(deadline: datetime, now: datetime) -> str:
    """Time left as an HTML duration string (the countdown's `datetime` value)."""
    seconds = max(0, int((deadline - now) / timedelta(seconds=1)))
    return f"PT{seconds}S"


def first_per_mechanism(obligations: list[Obligation]) -> list[Obligation]:
    """The earliest obligation of each (agreement, mechanism), in due order."""
    seen: dict[tuple[str, str], Obligation] = {}
    for o in sorted(obligations, key=Obligation.sort_key):
        seen.setdefault((o.agreement, o.mechanism), o)
    return sorted(seen.values(), key=Obligation.sort_key)


def _latest_first(obligations: Iterable[Obligation]) -> list[Obligation]:
    return sorted(obligations, key=lambda o: (o.due_at, o.agreement, o.mechanism), reverse=True)


def sections(obligations: list[Obligation], now: datetime) -> dict[str, list[Obligation]]:
    """What each table on /due lists; the summary line counts these same lists, so its
    numbers are the tables' lengths (the terms table shows the first TERMS_SHOWN)."""
    pending = [o for o in obligations if o.state in {"open", "upcoming"}]
    return {
        "clocks": [o for o in pending if o.kind == "consultation_on_trigger" and o.state == "open"],
        "missed": _latest_first(o for o in obligations if o.state == "missed"),
        "unrecorded": _latest_first(o for o in obligations if o.state == "unrecorded"),
        "dialogues": first_per_mechanism([o for o in pending if o.kind == "recurring"]),
        "terms": [o for o in pending if o.kind == "term"],
    }


def context(cfg: ServiceConfig, now: datetime) -> dict[str, Any]:
    obligations = due_obligations(cfg, now)
    lists = sections(obligations, now)
    return {
        "title": "What is due",
        "now": now,
        "iso": iso,
        "remaining": remaining,
        "duration": duration,
        "summary": summarise(obligations, now),
        "count_label": count_label,
        **lists,
        "terms": lists["terms"][:TERMS_SHOWN],
        "terms_total": len(lists["terms"]),
    }


@router.get("/due", response_class=HTMLResponse)
async def due(request: Request, cfg: Config) -> Response:
    now = moment(None)
    return await page(request, cfg, "due.html", lambda: context(cfg, now), vary=iso(now))
