"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pactwatch.settings import DB_ENV, SOURCES_ENV

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        help="Registry: an SQLite file path or a database URL.",
        show_default="pactwatch.db",
    ),
]
SourcesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--sources",
        envvar=SOURCES_ENV,
        help="Folder of source texts, found by sha256 (repeat for several; the variable "
        "takes several joined by the path separator).",
        show_default="../shared/seeds and ../shared/sources",
    ),
]


class TextOrJson(StrEnum):
    table = "table"
    json = "json"


FormatOption = Annotated[
    TextOrJson, typer.Option("--format", help="Output for people or machines.")
]
