"""`/agreements/{id}`: metadata, the term, provisions by section beside the marked source."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.errors import ApiError
from pactwatch.api.views import source_text
from pactwatch.model import Agreement
from pactwatch.rules import evaluate
from pactwatch.store import events as store_events
from pactwatch.store import query
from pactwatch.store.engine import reader
from pactwatch.web import charts
from pactwatch.web.highlight import marked_source
from pactwatch.web.render import page

router = APIRouter(include_in_schema=False)
Config = Annotated[ServiceConfig, Depends(config)]


def _source_panel(cfg: ServiceConfig, agreement: Agreement) -> dict[str, Any] | None:
    """The first source that spans point into, marked up when its text is present."""
    cited = [s.source for p in agreement.provisions for s in p.spans]
    if not cited:
        return None
    source = agreement.source(cited[0])
    if source is None:
        return None
    text = source_text(agreement, source.id, cfg.library)
    return {
        "source": source,
        "html": marked_source(agreement, source.id, text) if text is not None else None,
    }


def _timeline(cfg: ServiceConfig, agreement: Agreement, today: date) -> str | None:
    """The agreement's dates, dialogues, deadlines and events as one chart (SVG)."""
    with reader(cfg.engine).connect() as connection:
        events = store_events.find_events(connection, agreement.id)
    obligations = evaluate([agreement], events, datetime.now(UTC))
    spec = charts.agreement_timeline(agreement, obligations, events, today)
    return charts.svg(spec) if spec else None


def context(cfg: ServiceConfig, agreement: Agreement, today: date) -> dict[str, Any]:
    spec = charts.term(agreement, today)
    sections = [
        (section or "Opening", list(items))
        for section, items in groupby(agreement.provisions, key=lambda p: p.section)
    ]
    end = agreement.term_end()
    return {
        "title": agreement.title,
        "a": agreement,
        "end": end,
        "today": today,
        "days_left": (end - today).days if end and end > today else None,
        "term_chart": charts.svg(spec) if spec else None,
        "timeline_chart": _timeline(cfg, agreement, today),
        "sections": sections,
        "panel": _source_panel(cfg, agreement),
    }


@router.get("/agreements/{agreement_id}", response_class=HTMLResponse)
async def agreement(agreement_id: str, request: Request, cfg: Config) -> Response:
    today = date.today()

    def build() -> dict[str, Any]:
        """Runs only on a cache miss, in a worker thread (404 is never cached)."""
        with reader(cfg.engine).connect() as connection:
            found = query.agreement_record(connection, agreement_id)
        if found is None:
            message = f"no agreement with id {agreement_id!r}"
            raise ApiError(404, "unknown-agreement", message, "id")
        return context(cfg, Agreement.model_validate_json(found[0]), today)

    return await page(request, cfg, "agreement.html", build, vary_today=True)
