"""Commands over the rules: what is due, a trigger's clocks, provision status, the feed."""

from __future__ import annotations

import json
import os
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from pactwatch import verbs
from pactwatch.cli.errors import fail
from pactwatch.cli.json_out import json_list
from pactwatch.cli.options import DbOption, FormatOption, TextOrJson
from pactwatch.settings import FEED_ITEMS, WEBHOOK_SECRET_ENV

if TYPE_CHECKING:
    from pactwatch.notify.webhook import WebhookSettings
    from pactwatch.rules import Obligation
    from pactwatch.store.registry import Registry

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="DATETIME",
        help="Evaluate at this instant, ISO 8601 with offset (default: now).",
    ),
]
WebhookOption = Annotated[
    str | None,
    typer.Option(
        "--webhook",
        metavar="URL",
        help=(
            "POST a signed alert per new open, unrecorded or missed obligation "
            f"(secret: ${WEBHOOK_SECRET_ENV})."
        ),
    ),
]
STATE_STYLE = {
    "open": "yellow",
    "unrecorded": "magenta",
    "missed": "red",
    "met": "green",
    "upcoming": "dim",
}


def parse_instant(text: str | None, option: str = "--at") -> datetime | None:
    """An aware datetime from the command line, or a usage error (exit 2) that shows the form."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not an ISO 8601 date-time (e.g. 2026-03-10T06:00:00+02:00)", 2)
        raise
    if value.tzinfo is None:
        example = f"{value.isoformat()}+02:00"
        fail(f"{option}: {text} has no time zone; add its offset, e.g. {example}", 2)
    return value


def webhook_settings(url: str | None) -> WebhookSettings | None:
    if url is None:
        return None
    from pactwatch.notify.post import url_problem
    from pactwatch.notify.webhook import WebhookSettings

    problem = url_problem(url)
    if problem:
        fail(f"--webhook: {url!r} {problem}", 2)
    secret = os.environ.get(WEBHOOK_SECRET_ENV, "")
    if not secret:
        fail(f"--webhook needs a signing secret: set {WEBHOOK_SECRET_ENV}", 2)

    return WebhookSettings(url=url, secret=secret)


def obligations_table(obligations: list[Obligation], title: str) -> Table:
    """One line per obligation, its state in words ("no meeting recorded"); the rule behind
    each state is in `--format json`."""
    table = Table(title=title, title_justify="left")
    for column in ("agreement", "mechanism"):
        table.add_column(column, no_wrap=True)
    table.add_column("state", min_width=8)  # "no meeting recorded" may wrap on narrow screens
    table.add_column("due at", no_wrap=True)
    table.add_column("by", overflow="fold")
    for o in obligations:
        style = STATE_STYLE[o.state]
        table.add_row(
            o.agreement,
            o.mechanism,
            f"[{style}]{o.label}[/{style}]",
            o.due_at.isoformat(sep=" ", timespec="minutes"),
            _by(o),
        )
    return table


def _by(o: Obligation) -> str:
    """What decided the state: the fulfilling event with its date as known, the event that
    says it did not happen, or the event that opened the clock."""
    if o.fulfilled_by:
        return f"{o.fulfilled_by} ({o.fulfilled_on})"
    if o.missed_by:
        return f"{o.missed_by} says not held"
    return f"opened by {o.opened_by}" if o.opened_by else ""


TABLE_ROWS = 500
"""Rows `due` prints by default. A registry of 1,000 agreements has 31,000 obligations:
drawn as one table they took half a minute and no one reads them on a screen; the line
above the table counts them all."""


class StateChoice(StrEnum):
    upcoming = "upcoming"
    open = "open"
    met = "met"
    unrecorded = "unrecorded"
    missed = "missed"


def due(
    at: AtOption = None,
    fmt: FormatOption = TextOrJson.table,
    state: Annotated[
        list[StateChoice] | None, typer.Option(help="Only these states (repeatable).")
    ] = None,
    agreement: Annotated[str | None, typer.Option(help="Only this agreement id.")] = None,
    limit: Annotated[
        int,
        typer.Option(
            min=0,
            help="Table rows at most, earliest deadline first (0: all); the counts and "
            "--format json cover every obligation.",
        ),
    ] = TABLE_ROWS,
    db: DbOption = None,
    webhook: WebhookOption = None,
) -> None:
    """What is due: open, met, unrecorded (nothing recorded by the deadline), missed (on
    evidence) and upcoming obligations with their deadlines."""
    from pactwatch.store.registry import Registry

    settings = webhook_settings(webhook)
    moment = parse_instant(at)
    with Registry.open(db) as registry:
        _due(registry, moment, fmt, state, agreement, settings, limit)


def _due(
    registry: Registry,
    at: datetime | None,
    fmt: TextOrJson,
    state: list[StateChoice] | None,
    agreement: str | None,
    settings: WebhookSettings | None,
    limit: int = TABLE_ROWS,
) -> None:
    from pactwatch.rules import summarise
    from pactwatch.rules.obligations import count_label, matching
    from pactwatch.rules.timing import iso

    report = verbs.due(registry, at)
    shown = matching(report.obligations, {s.value for s in state or []}, agreement)
    if fmt is TextOrJson.json:
        typer.echo(json_list(o.as_dict() for o in shown))
    else:
        summary = summarise(shown, report.now)  # what the table shows, not the whole registry
        counts = ", ".join(f"{n} {count_label(state)}" for state, n in summary.counts.items())
        nxt = summary.next_due
        head = f"At {iso(report.now)}: {counts}"
        if nxt is not None:
            head += f"; next due {iso(nxt.due_at)} ({nxt.agreement} {nxt.mechanism})"
        rows = shown[:limit] if limit else shown
        console = Console()
        console.print(obligations_table(rows, head))
        if len(rows) < len(shown):
            console.print(
                f"{len(rows):,} of {len(shown):,} shown, earliest deadline first: --limit 0 "
                "shows all, --state or --agreement fewer, --format json every one."
            )
    _alert(settings, shown, report.now, registry)


def _alert(
    settings: WebhookSettings | None,
    obligations: list[Obligation],
    now: datetime,
    db: str | Registry | None,
) -> None:
    if settings is None:
        return
    sent = verbs.notify(settings, obligations, now, db)
    typer.echo(f"webhook: {len(sent)} alert(s) delivered to {settings.url}", err=True)


class TriggerKind(StrEnum):
    renewed_aggression = "renewed_aggression"
    significant_escalation = "significant_escalation"


def trigger(
    kind: Annotated[TriggerKind, typer.Argument(help="What happened.")],
    at: Annotated[str, typer.Option("--at", metavar="DATETIME", help="When, with its offset.")],
    source: Annotated[
        str | None, typer.Option("--source", metavar="URL", help="Evidence for it (required).")
    ] = None,
    description: Annotated[str | None, typer.Option(help="A line about what happened.")] = None,
    file: Annotated[Path | None, typer.Option(help="Also add it to this events file.")] = None,
    db: DbOption = None,
    webhook: WebhookOption = None,
) -> None:
    """Record a trigger and print every 24-hour deadline it opens across the registry."""
    settings = webhook_settings(webhook)
    moment = parse_instant(at)
    assert moment is not None
    if not source:
        fail("--source: a trigger needs the URL of its evidence (every event keeps one)", 2)
        return
    from pactwatch.store.registry import Registry

    with Registry.open(db) as registry:
        added = verbs.trigger(
            kind.value, moment, source, db=registry, file=file, description=description
        )
        if added.duplicate_of:
            typer.echo(f"already recorded as {added.duplicate_of}; nothing written", err=True)
        for warning in added.warnings:
            typer.echo(f"warning: {warning.line()}", err=True)
        Console().print(
            obligations_table(added.opened, f"{len(added.opened)} clock(s) opened by {kind.value}")
        )
        _alert(settings, added.opened, max(moment, verbs.instant(None)), registry)


def status(
    agreement_id: Annotated[str, typer.Argument(metavar="AGREEMENT")],
    at: AtOption = None,
    fmt: FormatOption = TextOrJson.table,
    db: DbOption = None,
) -> None:
    """Each provision's status and G7-style compliance score, with the rule and the evidence
    behind it; with no event bearing on a provision, "no evidence recorded" and no score."""
    result = verbs.status(agreement_id, db, parse_instant(at))
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    # No rules between columns and short headers ("by": the actors; "G7": the score): at 100
    # columns the rule keeps 36 characters, so most provisions take one line.
    table = Table(
        title=f"{agreement_id}: status and compliance",
        title_justify="left",
        box=None,
        pad_edge=False,
        header_style="bold underline",
    )
    table.add_column("provision", max_width=29, overflow="fold")
    for column in ("by", "status", "G7"):
        table.add_column(column, no_wrap=True)
    table.add_column("rule and evidence", min_width=24, ratio=1, overflow="fold")
    notes: dict[str, int] = {}  # each source URL once, as a numbered note under the table
    for a in result.assessments:
        score = "—" if a.score is None else f"{a.score:+d}"
        lines = [a.rule]
        for e in a.evidence:
            marks = "".join(f"[{notes.setdefault(u, len(notes) + 1)}]" for u in e.sources)
            lines.append(f"· {e.line()} {marks}".rstrip())
        lines += [f"· background: {e.line()}" for e in a.background]
        table.add_row(a.provision, ",".join(a.actors), a.label, score, "\n".join(lines))
    console = Console()
    console.print(table)
    for url, n in notes.items():
        console.print(f"[{n}] {url}", markup=False, highlight=False, soft_wrap=True)
    parts = [f"{p}: {_pct(v)}" for p, v in result.by_party.items()]
    scored = sum(1 for a in result.assessments if a.score is not None)
    console.print(
        "G7: compliance score (-1 none, 0 partial, +1 full), from evidence only.\n"
        f"Compliance {_pct(result.overall)} overall, over the {scored} provision(s) with "
        "evidence; " + "; ".join(parts)
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


class FeedFormat(StrEnum):
    json = "json"
    atom = "atom"


def feed(
    fmt: Annotated[FeedFormat, typer.Option("--format")] = FeedFormat.json,
    at: AtOption = None,
    db: DbOption = None,
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook",
            metavar="URL",
            help=f"POST a signed alert per change not sent before (secret: ${WEBHOOK_SECRET_ENV}).",
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            min=0,
            help="The newest changes shown (0: every one, worked out from the whole registry).",
        ),
    ] = FEED_ITEMS,
) -> None:
    """Changes in obligation state and in provision status (evidence recorded), newest
    first, as JSON Feed or Atom. With --webhook, every change not yet sent is sent, shown
    or not."""
    from pactwatch.export.feeds import atom_feed, json_feed

    settings = webhook_settings(webhook)
    now, found = verbs.feed(db, parse_instant(at), 0 if settings is not None else limit)
    shown = found[:limit] if limit else found
    body = json_feed(shown, now) if fmt is FeedFormat.json else atom_feed(shown, now)
    typer.echo(body.decode("utf-8"), nl=False)
    if settings is not None:
        sent = verbs.notify_feed(settings, found, now, db)
        typer.echo(f"webhook: {len(sent)} alert(s) delivered to {settings.url}", err=True)


def register(app: typer.Typer) -> None:
    app.command()(due)
    app.command()(trigger)
    app.command()(status)
    app.command()(feed)
