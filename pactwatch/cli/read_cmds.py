"""Commands that read the registry for people: list and show."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import groupby
from typing import TYPE_CHECKING

import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pactwatch import verbs
from pactwatch.cli.json_out import json_list
from pactwatch.cli.options import DbOption, FormatOption, TextOrJson

if TYPE_CHECKING:
    from pactwatch.model import Agreement, Provision


def list_(db: DbOption = None, fmt: FormatOption = TextOrJson.table) -> None:
    """The registry: one line per agreement with its partner, date, place and coded provisions."""
    from pactwatch.model.codes import party_name

    summaries = verbs.registry(db)
    if fmt is TextOrJson.json:
        typer.echo(json_list((s.as_dict() for s in summaries), ensure_ascii=False))
        return
    table = Table(title=f"{len(summaries)} agreements in the registry")
    for column in ("id", "partner", "signed", "place", "provisions"):
        table.add_column(column, justify="right" if column == "provisions" else "left")
    for s in summaries:
        partners = ", ".join(party_name(p) for p in s.parties if p != "UA") or "—"
        table.add_row(
            s.id, partners, str(s.signed_on or "—"), s.signed_at or "—", str(s.provisions)
        )
    Console().print(table)


def show(agreement_id: str, db: DbOption = None) -> None:
    """One agreement for a person: metadata, term, provisions by section, mechanisms."""
    Console().print(render_agreement(verbs.agreement(agreement_id, db)))


def render_agreement(agreement: Agreement, now: datetime | None = None) -> Group:
    return Group(
        _header(agreement, now or datetime.now(UTC)), *_sections(agreement), _mechanisms(agreement)
    )


def _header(a: Agreement, now: datetime) -> Panel:
    from pactwatch.model.codes import party_name
    from pactwatch.rules.timing import days_until

    lines = [
        f"[bold]{a.title}[/bold]  ({a.id})",
        "Parties: " + ", ".join(f"{party_name(p)} ({p})" for p in a.parties),
        "Signed: " + ", ".join(filter(None, [str(a.signed_on or ""), a.signed_at or ""])),
        "Signatories: "
        + ("; ".join(f"{s.name}, {s.role} ({s.party})" for s in a.signatories) or "—"),
        f"Legal nature: {a.legal_nature}",
    ]
    if a.term.years or a.term.ends_on:
        end = a.term_end()
        left = (
            f", {days_until(end, now)} whole days left on {now.date()}"
            if end and end > now.date()
            else ""
        )
        lines.append(f"Term: {a.term.years or '?'} years, ends {end or '?'}{left}")
        for condition in a.term.ends_early_if:
            lines.append(f"  ends early if: {condition}")
    lines.append(
        f"Provisions: {len(a.provisions)}   Sources: " + ", ".join(s.id for s in a.sources)
    )
    return Panel("\n".join(lines), expand=False)


def _sections(a: Agreement) -> list[Table]:
    """One table per source heading; each provision reads as a sentence with its codes below."""
    tables = []
    for section, items in groupby(a.provisions, key=lambda p: p.section or "(opening)"):
        table = Table(title=section, title_justify="left", expand=True, show_lines=True)
        table.add_column("who → for whom", no_wrap=True)
        table.add_column("commitment", ratio=1)
        for p in items:
            who = ",".join(p.actors) + (
                " → " + ",".join(p.beneficiaries) if p.beneficiaries else ""
            )
            table.add_row(who, _commitment(p))
        tables.append(table)
    return tables


def _commitment(p: Provision) -> Text:
    what = Text(f"{p.action} {p.object}")
    extras = [
        f"with {', '.join(p.partners)}" if p.partners else "",
        f"via {', '.join(p.instruments)}" if p.instruments else "",
        f"when {p.condition}" if p.condition else "",
        p.timing or "",
    ]
    if any(extras):
        what.append(" (" + "; ".join(e for e in extras if e) + ")")
    what.append(f"\n{p.id} · {p.kind} · {', '.join(p.domains)}", style="cyan")
    for flag in p.flags:
        what.append(f"\n⚑ {flag}", style="yellow")
    return what


def _mechanisms(a: Agreement) -> Table:
    table = Table(title="Mechanisms", title_justify="left")
    for column in ("id", "kind", "rule"):
        table.add_column(column)
    for m in a.mechanisms:
        parts = [
            f"every {m.every}" if m.every else "",
            f"within {m.within}" if m.within else "",
            f"on {' or '.join(m.triggers)}" if m.triggers else "",
            f"clock starts at {m.starts_on}" if m.kind == "consultation_on_trigger" else "",
            _term_rule(a) if m.kind == "term" else "",
        ]
        table.add_row(m.id, m.kind, ", ".join(p for p in parts if p) or m.description or "")
    return table


def _term_rule(a: Agreement) -> str:
    end = a.term_end()
    early = " or ".join(a.term.ends_early_if)
    return f"{a.term.years or '?'} years, {a.signed_on or '?'} to {end or '?'}" + (
        f"; ends early if {early}" if early else ""
    )


def register(app: typer.Typer) -> None:
    app.command(name="list")(list_)
    app.command()(show)
