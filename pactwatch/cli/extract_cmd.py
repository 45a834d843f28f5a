"""`pactwatch extract` (text -> draft record) and `pactwatch eval` (draft vs curated)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pactwatch.cli.options import FormatOption, TextOrJson

if TYPE_CHECKING:
    from pactwatch.extract.run import StreamResult


class DraftFormat(StrEnum):
    json = "json"
    yaml = "yaml"


class InputFormat(StrEnum):
    auto = "auto"
    text = "text"
    html = "html"


def extract(
    files: Annotated[list[str], typer.Argument(help="Text or HTML files; '-' reads stdin.")],
    fmt: Annotated[DraftFormat, typer.Option("--format", help="Output format.")] = (
        DraftFormat.json
    ),
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help='Read {"id", "text"} lines, write one result a line.')
    ] = False,
    input_format: Annotated[
        InputFormat, typer.Option("--input", help="Treat input as text or HTML.")
    ] = InputFormat.auto,
    emit_text: Annotated[
        Path | None, typer.Option("--emit-text", help="Write the text spans refer to here.")
    ] = None,
) -> None:
    """Draft an agreement record from a text, each provision with spans and reasons."""
    from pactwatch.curate.yamlio import dump_yaml
    from pactwatch.extract.run import extract_document, read_input

    if jsonl:
        _extract_jsonl(files)
        return
    if emit_text is not None and len(files) != 1:
        raise typer.BadParameter("--emit-text takes exactly one input file", param_hint="FILE")
    drafts: list[dict[str, Any]] = []
    for name in files:
        data = sys.stdin.buffer.read() if name == "-" else None
        document = read_input(name, data, input_format.value)
        if emit_text is not None:
            emit_text.write_text(document.text, encoding="utf-8")
        drafts.append(extract_document(document).model_dump(mode="json"))
    payload: Any = drafts[0] if len(drafts) == 1 else drafts
    if fmt is DraftFormat.yaml:
        typer.echo(dump_yaml(payload), nl=False)
    else:
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))


def _results(files: list[str]) -> Iterator[StreamResult]:
    from pactwatch.extract.run import extract_stream, read_input

    for name in files:
        if name == "-":
            yield from extract_stream(sys.stdin, "<stdin>")
            continue
        path = Path(name)
        if not path.is_file():
            read_input(name)  # raises the one-line missing-file error
        with path.open(encoding="utf-8", errors="replace") as handle:
            yield from extract_stream(handle, name)


def _extract_jsonl(files: list[str], out: TextIO = sys.stdout) -> None:
    from pactwatch.extract.run import prepare_batch

    failures = 0
    prepare_batch()
    progress = Progress(
        TextColumn("extracting"),
        BarColumn(),
        TextColumn("{task.completed} documents"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not sys.stderr.isatty(),
    )
    with progress:
        task = progress.add_task("extract", total=None)
        for result in _results(files):
            failures += result.error is not None
            out.write(result.json_line())
            progress.advance(task)
    if failures:
        typer.echo(f"{failures} document(s) could not be read; see their error lines", err=True)
        raise typer.Exit(1)


def evaluate(
    pred: Annotated[Path, typer.Argument(help="Draft record (JSON or YAML), e.g. from extract.")],
    gold: Annotated[Path, typer.Argument(help="Curated record (YAML or JSON).")],
    fmt: FormatOption = TextOrJson.table,
) -> None:
    """Score a draft against a curated record: provisions matched by span overlap."""
    from pactwatch.extract.run import evaluate as evaluate_files

    scores = evaluate_files(pred, gold)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(scores.as_dict(), indent=2))
        return
    table = Table("measure", "value", title=f"{pred.name} vs {gold.name}")
    for key, value in scores.as_dict().items():
        table.add_row(key.replace("_", " "), "n/a" if value is None else str(value))
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command()(extract)
    app.command("eval")(evaluate)
