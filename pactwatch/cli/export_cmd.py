"""`pactwatch export FORMAT`: the registry (or one agreement) in a format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pactwatch import verbs
from pactwatch.cli.options import DbOption


def export(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="Output format, e.g. json.")],
    agreement: Annotated[str | None, typer.Option(help="Only this agreement id.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout.")] = None,
    db: DbOption = None,
) -> None:
    """Export agreements from the registry."""
    data = verbs.export(fmt, db, agreement)
    if out is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)


def register(app: typer.Typer) -> None:
    app.command()(export)
