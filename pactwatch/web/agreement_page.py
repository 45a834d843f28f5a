"""`/agreements/{id}`: metadata, the term, provisions by section beside the marked source.

Each provision shows its status in words and its score only when recorded evidence gives
one ("no evidence recorded" otherwise), with a link to the events behind it.
"""

from __future__ import annotations

from collections.abc import Callable
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
from pactwatch.store import query, versions
from pactwatch.store.engine import reader
from pactwatch.web import charts
from pactwatch.web.citing import citation, version_of
from pactwatch.web.highlight import marked_spans
from pactwatch.web.render import page
from pactwatch.web.standing import standings

router = APIRouter(include_in_schema=False)
Config = Annotated[ServiceConfig, Depends(config)]
PageNumber = Annotated[int, Query(alias="page", ge=1, le=100_000)]


Spans = list[tuple[str, str, int, int]]
"""(provision, source, start, end) of spans into one source, in the record's order."""


@dataclass(frozen=True)
class Whole:
    """What the page says about the whole record: its content version, how many provisions
    are unreviewed, the source its first span cites, and (only when the panel shows a
    text) every span into that source."""

    version: str
    unreviewed: int
    first_cited: str | None
    spans_into: Callable[[str], Spans]

    @classmethod
    def of(cls, agreement: Agreement) -> Whole:
        """From a whole record in hand (a cited earlier version)."""
        every = [(p.id, s.source, s.start, s.end) for p in agreement.provisions for s in p.spans]
        return cls(
            version_of(agreement),
            sum(
                1 for p in agreement.provisions if p.review is None or p.review.state != "reviewed"
            ),
            every[0][1] if every else None,
            lambda source: [s for s in every if s[1] == source],
        )


def _source_panel(cfg: ServiceConfig, agreement: Agreement, whole: Whole) -> dict[str, Any] | None:
    """The official text when the record has one, else the first source spans point into,
    marked up when its text is present."""
    if whole.first_cited is None:
        return None
    official = official_source(agreement)
    source = official if official is not None else agreement.source(whole.first_cited)
    if source is None:
        return None
    text = source_text(agreement, source.id, cfg.library)
    if text is None:
        return {"source": source, "html": None}
    return {"source": source, "html": marked_spans(whole.spans_into(source.id), source.id, text)}


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
    whole: Whole | None = None,
    events: list[Event] | None = None,
) -> dict[str, Any]:
    """The page's context: `shown` is the agreement with only this page's provisions;
    `agreement` holds at least those and every provision evidence can score (those events
    or mechanisms name), so the statuses and the scores summed over it are the whole
    record's; `whole` is what else the page says about the whole record. Without `shown`
    and `whole`, `agreement` is a whole record and both come from it."""
    shown = shown or agreement
    whole = whole or Whole.of(agreement)
    spec = charts.term(agreement, today)
    if events is None:
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
        "a": shown,
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
        "panel": _source_panel(cfg, agreement, whole),
        "citations": _citations(shown),
        "disagreements": _disagreements(shown),
        "cite": citation(
            shown,
            None,
            base_url,
            current_generation(cfg),
            cfg.library,
            now.date(),
            whole.version,
        ),
        "cited": None,
        "pager": whole_pager(shown),
        "unreviewed": whole.unreviewed,
    }


PAGE_SIZE = 100
"""Provisions shown on one agreement page; the rest are a link away (`?page=2`, ...)."""


def page_of(connection: Connection, agreement_id: str, number: int) -> tuple[Agreement, Pager]:
    """The agreement with only one page of its provisions, and what the pager shows.

    The head is kept without provisions (`store.versions`) and only the page's provisions
    are read (a range of the order index) and validated, so a page of an agreement with
    thousands of provisions costs what a small agreement costs.
    """
    shown, pager, _ = _page(connection, agreement_id, number)
    return shown, pager


def _page(
    connection: Connection, agreement_id: str, number: int
) -> tuple[Agreement, Pager, versions.PageFacts]:
    facts = versions.page_facts(connection, agreement_id)
    if facts is None:
        raise ApiError(404, "unknown-agreement", f"no agreement with id {agreement_id!r}", "id")
    total = facts.provisions
    pages = max(1, -(-total // PAGE_SIZE))
    if not 1 <= number <= pages:
        raise ApiError(404, "unknown-page", f"page {number} of {pages}", "page")
    start = (number - 1) * PAGE_SIZE
    records = query.provision_records(connection, agreement_id, start, start + PAGE_SIZE)
    provisions = [Provision.model_validate_json(r) for r in records]
    head = Agreement.model_validate_json(facts.head)
    agreement = head.model_copy(update={"provisions": provisions})
    pager = Pager(number, pages, total, start + 1, start + len(provisions))
    return agreement, pager, facts


def scored_ids(agreement: Agreement, events: list[Event]) -> set[str]:
    """The provisions evidence can give a status other than "no evidence" and a score:
    those an event names, and those a mechanism (with its obligations) belongs to."""
    prefix = f"{agreement.id}/"
    named = {r.removeprefix(prefix) for e in events for r in e.provisions if r.startswith(prefix)}
    return named | {m.provision for m in agreement.mechanisms if m.provision}


def paged_context(
    cfg: ServiceConfig, agreement_id: str, number: int, today: date, base_url: str
) -> dict[str, Any]:
    """One page of the live agreement page, without reading the whole record: the page's
    provisions and those evidence can score are read by key, the rest of what the page
    says about the whole (version, unreviewed count, spans) from small stored rows."""
    with reader(cfg.engine).connect() as connection:
        shown, pager, facts = _page(connection, agreement_id, number)
        events = store_events.find_events(connection, agreement_id)
        on_page = {p.id for p in shown.provisions}
        wanted = scored_ids(shown, events) - on_page
        extra = versions.provision_records(connection, agreement_id, wanted)
        first = versions.first_cited(connection, agreement_id)
    scored = [*shown.provisions, *(Provision.model_validate_json(r) for r in extra)]
    subject = shown.model_copy(update={"provisions": scored})

    def spans_into(source_id: str) -> Spans:
        with reader(cfg.engine).connect() as connection:
            return versions.spans_in_order(connection, agreement_id, source_id)

    whole = Whole(facts.version, facts.unreviewed, first, spans_into)
    found = context(cfg, subject, today, base_url, shown, whole, events)
    return {**found, "pager": pager}


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
        return paged_context(cfg, agreement_id, page_number, today, str(request.base_url))

    return await page(
        request,
        cfg,
        "agreement.html",
        build,
        vary_today=True,
        vary=str(request.base_url),
        depends=frozenset({agreement_id}),
    )
