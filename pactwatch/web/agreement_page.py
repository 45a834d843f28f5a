"""`/agreements/{id}`: metadata, the term, provisions by section beside the marked source.

Each provision shows its status in words and its score only when recorded evidence gives
one ("no evidence recorded" otherwise), with a link to the events behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.errors import ApiError
from pactwatch.api.http import current_generation
from pactwatch.api.views import source_text
from pactwatch.curate.coverage import official_source
from pactwatch.curate.sources_diff import compare_sources
from pactwatch.model import Agreement, Event, Provision
from pactwatch.model.citation import cite
from pactwatch.rules import Obligation, evaluate
from pactwatch.rules.status import assess_agreement
from pactwatch.rules.timing import days_until
from pactwatch.store import events as store_events
from pactwatch.store import query
from pactwatch.store.engine import reader
from pactwatch.web import charts
from pactwatch.web.citing import citation
from pactwatch.web.highlight import marked_source
from pactwatch.web.render import page
from pactwatch.web.standing import standings

router = APIRouter(include_in_schema=False)
Config = Annotated[ServiceConfig, Depends(config)]
PageNumber = Annotated[int, Query(alias="page", ge=1, le=100_000)]


def _source_panel(cfg: ServiceConfig, agreement: Agreement) -> dict[str, Any] | None:
    """The official text when the record has one, else the first source spans point into,
    marked up when its text is present."""
    cited = [s.source for p in agreement.provisions for s in p.spans]
    if not cited:
        return None
    official = official_source(agreement)
    source = official if official is not None else agreement.source(cited[0])
    if source is None:
        return None
    text = source_text(agreement, source.id, cfg.library)
    return {
        "source": source,
        "html": marked_source(agreement, source.id, text) if text is not None else None,
    }


def _timeline(
    agreement: Agreement, obligations: list[Obligation], events: list[Event], today: date
) -> tuple[str | None, list[dict[str, str]]]:
    """The agreement's dates, dialogues, deadlines and events as one chart (SVG), and the
    same marks as rows for the text beside it."""
    spec = charts.agreement_timeline(agreement, obligations, events, today)
    return (charts.svg(spec), charts.marks(spec)) if spec else (None, [])


def _disagreements(agreement: Agreement) -> dict[str, list[str]]:
    """Per provision, one line for each way another source words it differently."""
    lines: dict[str, list[str]] = {}
    for item in compare_sources(agreement).provisions:
        for f in item.findings:
            if f.kind == "omits":
                continue
            title = _source_title(agreement, f.source)
            if f.kind == "adds":
                text = f"Only {title} states this; the official text does not."
            else:
                verb = "says the opposite" if f.kind == "contradicts" else "words it differently"
                text = f"{title} {verb}: {f.field} {_shown(f.reading)} (text: {_shown(f.record)})"
            lines.setdefault(item.id, []).append(text)
    return lines


def _source_title(agreement: Agreement, source_id: str) -> str:
    source = agreement.source(source_id)
    return f"the {source.kind.replace('_', ' ')}" if source else source_id


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return f"“{value}”" if isinstance(value, str) else str(value)


def _citations(agreement: Agreement) -> dict[str, str]:
    return {p.id: cite(p.eid, agreement.structure) for p in agreement.provisions if p.eid}


def context(
    cfg: ServiceConfig,
    agreement: Agreement,
    today: date,
    base_url: str = "/",
    shown: Agreement | None = None,
) -> dict[str, Any]:
    """The page's context: `agreement` is the whole record (statuses, counts, the citation's
    version are of the whole), `shown` the same agreement with only this page's provisions."""
    shown = shown or agreement
    spec = charts.term(agreement, today)
    with reader(cfg.engine).connect() as connection:
        events = store_events.find_events(connection, agreement.id)
    now = datetime.now(UTC)
    obligations = evaluate([agreement], events, now)
    compliance = assess_agreement(agreement, obligations, events, now)
    sections = [
        (section or "Opening", list(items))
        for section, items in groupby(shown.provisions, key=lambda p: p.section)
    ]
    end = agreement.term_end()
    timeline_chart, timeline_rows = _timeline(agreement, obligations, events, today)
    return {
        "title": agreement.title,
        "a": agreement,
        "end": end,
        "today": today,
        "days_left": days_until(end, now) if end and end > today else None,
        "standings": standings(agreement, obligations, now),
        "term_chart": charts.svg(spec) if spec else None,
        "timeline_chart": timeline_chart,
        "timeline_rows": timeline_rows,
        "status": {a.provision: a for a in compliance.assessments},
        "compliance": compliance,
        "sections": sections,
        "panel": _source_panel(cfg, agreement),
        "citations": _citations(shown),
        "disagreements": _disagreements(agreement),
        "cite": citation(
            agreement, None, base_url, current_generation(cfg), cfg.library, now.date()
        ),
        "cited": None,
        "pager": whole_pager(shown),
        "unreviewed": sum(
            1 for p in agreement.provisions if p.review is None or p.review.state != "reviewed"
        ),
    }


PAGE_SIZE = 100
"""Provisions shown on one agreement page; the rest are a link away (`?page=2`, ...)."""


def page_of(connection: Connection, agreement_id: str, number: int) -> tuple[Agreement, Pager]:
    """The agreement with only one page of its provisions, and what the pager shows.

    The head comes without provisions and only the page's provisions are read (a range of
    the order index) and validated, so a page of an agreement with thousands of provisions
    costs what a small agreement costs.
    """
    found = query.agreement_head(connection, agreement_id)
    if found is None:
        raise ApiError(404, "unknown-agreement", f"no agreement with id {agreement_id!r}", "id")
    head, _, total = found
    pages = max(1, -(-total // PAGE_SIZE))
    if not 1 <= number <= pages:
        raise ApiError(404, "unknown-page", f"page {number} of {pages}", "page")
    start = (number - 1) * PAGE_SIZE
    records = query.provision_records(connection, agreement_id, start, start + PAGE_SIZE)
    provisions = [Provision.model_validate_json(r) for r in records]
    agreement = Agreement.model_validate_json(head).model_copy(update={"provisions": provisions})
    pager = Pager(number, pages, total, start + 1, start + len(provisions))
    return agreement, pager


@dataclass(frozen=True)
class Pager:
    number: int
    pages: int
    total: int
    first: int
    last: int


def whole_pager(agreement: Agreement) -> Pager:
    """The pager of a page that shows every provision (a cited version, a small record)."""
    total = len(agreement.provisions)
    return Pager(1, 1, total, 1 if total else 0, total)


@router.get("/agreements/{agreement_id}", response_class=HTMLResponse)
async def agreement(
    agreement_id: str, request: Request, cfg: Config, page_number: PageNumber = 1
) -> Response:
    today = date.today()

    def build() -> dict[str, Any]:
        """Runs only on a cache miss, in a worker thread (404 is never cached)."""
        with reader(cfg.engine).connect() as connection:
            shown, pager = page_of(connection, agreement_id, page_number)
            record = query.agreement_record(connection, agreement_id)
        if record is None:  # removed between the two reads
            raise ApiError(404, "unknown-agreement", f"no agreement with id {agreement_id!r}", "id")
        whole = Agreement.model_validate_json(record[0])
        return {**context(cfg, whole, today, str(request.base_url), shown), "pager": pager}

    return await page(
        request,
        cfg,
        "agreement.html",
        build,
        vary_today=True,
        vary=str(request.base_url),
        depends=frozenset({agreement_id}),
    )
