"""`pactwatch export FORMAT`: the registry (or one agreement) in a format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pactwatch import verbs
from pactwatch.cli.options import DbOption, SourcesOption

# The built-in formats, for the help text: asking `pactwatch.export.formats()` would import
# every exporter on every command. tests/test_cli_startup.py keeps the two the same.
FORMATS = (
    "akn",
    "atop",
    "csv",
    "datapackage",
    "ics",
    "json",
    "jsonld",
    "parquet",
    "ttl",
    "xlsx",
    "yaml",
)


def export(
    fmt: Annotated[
        str, typer.Argument(metavar="FORMAT", help=f"Output format: {', '.join(FORMATS)}.")
    ],
    agreement: Annotated[str | None, typer.Option(help="Only this agreement id.")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write here instead of stdout: a file, or a folder for datapackage and for "
            "one file per agreement (akn, yaml) unless PATH ends with the format's extension."
        ),
    ] = None,
    db: DbOption = None,
    sources: SourcesOption = None,
) -> None:
    """Export agreements from the registry (tables quote the official texts' words when
    the texts are in the source folders)."""
    from pactwatch.export import exporter_for, is_binary

    if out is not None:
        written = verbs.export_to(fmt, out, db, agreement, sources)
        typer.echo(f"wrote {len(written)} file(s) to {out}", err=True)
        return
    if is_binary(exporter_for(fmt, single=agreement is not None)) and sys.stdout.isatty():
        typer.echo(f"error: {fmt} output is binary; write it with --out PATH", err=True)
        raise typer.Exit(1)
    data = verbs.export(fmt, db, agreement, sources)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.command()(export)
