"""Commands over the curated dataset: schema, validate, load."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pactwatch import verbs
from pactwatch.cli.errors import print_problems
from pactwatch.cli.json_out import json_list
from pactwatch.cli.options import DbOption, FormatOption, SourcesOption, TextOrJson

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="Agreement files or folders (default: the project's data/ folder)."),
]


def schema(
    event: Annotated[bool, typer.Option("--event", help="The event schema instead.")] = False,
) -> None:
    """Print the JSON Schema of the agreement contract."""
    from pactwatch.model.schema import agreement_schema, event_schema, render

    typer.echo(render(event_schema() if event else agreement_schema()), nl=False)


def validate(
    paths: PathsArgument = None,
    sources: SourcesOption = None,
    fmt: FormatOption = TextOrJson.table,
    strict: Annotated[
        bool, typer.Option("--strict", help="Also fail on provisions nobody has reviewed.")
    ] = False,
) -> None:
    """Check curated files: schema, ids, taxonomy, ISO codes, dates, spans, eIds and
    structure (with --strict, review states too)."""
    from pactwatch.verbs.registry import validate_checked

    checked = validate_checked(paths or [], sources, strict)
    problems = checked.problems
    if checked.skipped:
        typer.echo(f"warning: {checked.skipped}", err=True)
    if fmt is TextOrJson.json:
        typer.echo(json_list(p.as_dict() for p in problems))
    else:
        print_problems(problems)
        if not problems:
            Console(stderr=True, highlight=False).print(
                f"[green]valid[/green]: {checked.verdict()}", soft_wrap=True
            )
    raise typer.Exit(1 if problems else 0)


def load(
    paths: PathsArgument = None,
    db: DbOption = None,
    sources: SourcesOption = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Load even when the registry holds events, triggers or edits that the "
            "dataset lacks: they are dropped.",
        ),
    ] = False,
    keep_changes: Annotated[
        bool,
        typer.Option(
            "--keep-changes",
            help="When the registry holds writes the dataset lacks, leave it as it is and "
            "exit 0 (what `make run` does) instead of failing.",
        ),
    ] = False,
) -> None:
    """Validate the dataset and load it into the registry, all or nothing; refuses (one
    line naming them) to drop writes that only the registry holds, unless --replace."""
    from pactwatch.store import database_url
    from pactwatch.verbs.registry import WouldDrop

    try:
        report = verbs.load(db, paths or [], sources, replace_changes=replace)
    except verbs.LoadRefused as refused:
        print_problems(refused.problems)
        typer.echo("nothing was loaded", err=True)
        raise typer.Exit(1) from None
    except WouldDrop as kept:
        typer.echo(kept.problem.line(), err=True)
        if keep_changes:
            typer.echo("the registry was kept as it is; nothing was loaded", err=True)
            return
        raise typer.Exit(1) from None
    for warning in report.warnings:
        typer.echo(f"warning: {warning.line()}", err=True)
    Console(stderr=True).print(
        f"loaded {report.agreements} agreements, {report.provisions} provisions, "
        f"{report.events} events into {database_url(db)}"
    )


def register(app: typer.Typer) -> None:
    app.command()(schema)
    app.command()(validate)
    app.command()(load)
