"""`pactwatch import FORMAT FILE`: read an exported document back into a curated record."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pactwatch import verbs


def import_(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="Input format: akn.")],
    file: Annotated[Path, typer.Argument(help="The document to read.")],
    out: Annotated[
        Path | None, typer.Option(help="Write the record (YAML) here instead of stdout.")
    ] = None,
) -> None:
    """Read an exported agreement back as a data/agreements-style YAML record."""
    from pactwatch.export.output import write_file
    from pactwatch.export.yaml_format import agreement_yaml

    record = agreement_yaml(verbs.import_agreement(fmt, file)).encode("utf-8")
    if out is None:
        typer.echo(record.decode("utf-8"), nl=False)
    else:
        write_file(out, record)


def register(app: typer.Typer) -> None:
    app.command(name="import")(import_)
