"""`pactwatch link` (report -> proposed events) and `pactwatch eval-links` (against gold)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from pactwatch.cli.errors import fail
from pactwatch.cli.options import FormatOption, TextOrJson

if TYPE_CHECKING:
    from pactwatch.verbs.links import Linked


def _published(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--published: {text!r} is not an ISO date (e.g. 2024-10-04)", 2)
        raise  # unreachable: fail exits


def link(
    files: Annotated[list[str], typer.Argument(help="Reports (text or HTML); '-' reads stdin.")],
    fmt: FormatOption = TextOrJson.table,
    published: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="The report's date, when the text does not say it."),
    ] = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Record each proposal as a draft event for review.")
    ] = False,
    file: Annotated[
        Path | None,
        typer.Option(help="Events file for --apply (default: data/events/proposed.yaml)."),
    ] = None,
    registry: Annotated[
        bool, typer.Option(help="With --apply, also record in the registry.")
    ] = False,
    db: Annotated[str | None, typer.Option(help="Registry for --registry.")] = None,
    source: Annotated[
        str | None, typer.Option(metavar="URL", help="The report's URL, for --apply.")
    ] = None,
    data: Annotated[Path | None, typer.Option(help="Data folder (default: data/).")] = None,
) -> None:
    """Propose events a report records, each linked to provisions with a score and reason."""
    from pactwatch.settings import default_db
    from pactwatch.verbs import links

    found = links.link(files, published=_published(published), data=data)
    if fmt is TextOrJson.json:
        dumped = {i.document.name: [p.model_dump(mode="json") for p in i.proposals] for i in found}
        out = next(iter(dumped.values())) if len(files) == 1 else dumped
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        _table(found)
    if apply:
        applied = links.apply(
            found,
            file=file,
            db=(db or default_db()) if registry else None,
            source=source,
            data=data,
        )
        for added in applied.added:
            if added.duplicate_of:
                typer.echo(f"already recorded as {added.duplicate_of}", err=True)
            else:
                typer.echo(f"draft {added.event.id} in {', '.join(added.written)}", err=True)
        for line in applied.skipped:
            typer.echo(f"skipped {line}", err=True)


def _table(found: list[Linked]) -> None:
    console = Console(width=120)
    for item in found:
        if not item.proposals:
            console.print(f"{item.document.name}: no event proposed")
            continue
        table = Table(title=item.document.name, title_justify="left")
        for column in ("kind", "date", "actors", "link", "score", "reason"):
            table.add_column(column)
        for p in item.proposals:
            when = f"{p.on} ({p.precision})" if p.on else "?"
            for i, lk in enumerate(p.links or [None]):
                table.add_row(
                    p.kind if i == 0 else "",
                    when if i == 0 else "",
                    " ".join(p.actors) if i == 0 else "",
                    f"{lk.agreement}/{lk.provision}" if lk else "(registry-wide)",
                    f"{lk.score:.2f}" if lk else "",
                    lk.reason if lk else p.date_reason,
                )
        console.print(table)


def eval_links(
    predictions: Annotated[Path, typer.Argument(help="`pactwatch link --format json` output.")],
    gold: Annotated[Path, typer.Argument(help="A *.gold.yaml file or a folder of them.")],
    only: Annotated[
        list[str] | None, typer.Option(help="Score only these texts (repeatable).")
    ] = None,
    written: Annotated[
        str | None,
        typer.Option(help="Score the texts links.yaml lists as written 'beside' or 'after'."),
    ] = None,
    fmt: FormatOption = TextOrJson.table,
) -> None:
    """Precision and recall of provision links and of event dates against gold."""
    from pactwatch.verbs import links

    result = links.eval_links(predictions, gold, only or [], written)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    for name, ratio in (("links", result.links), ("dates", result.dates)):
        typer.echo(
            f"{name}: precision {ratio.precision:.3f} ({ratio.right}/{ratio.proposed}), "
            f"recall {ratio.recall:.3f} ({ratio.found}/{ratio.expected})"
        )
    for name, notes in result.misses.items():
        for note in notes:
            typer.echo(f"  {name}: {note}")


def register(app: typer.Typer) -> None:
    app.command("link")(link)
    app.command("eval-links")(eval_links)
