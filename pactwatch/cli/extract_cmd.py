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

from pactwatch.cli.errors import fail
from pactwatch.cli.options import FormatOption, SourcesOption, TextOrJson

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
            _emit_text(emit_text, document.text)
        drafts.append(extract_document(document).model_dump(mode="json"))
    payload: Any = drafts[0] if len(drafts) == 1 else drafts
    if fmt is DraftFormat.yaml:
        typer.echo(dump_yaml(payload), nl=False)
    else:
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))


def _emit_text(path: Path, text: str) -> None:
    """The text spans count in, written whole or not at all (never an empty or cut file)."""
    from pactwatch.export.output import write_file

    try:
        write_file(path, text.encode("utf-8"), "--emit-text")
    except OSError as error:
        fail(f"--emit-text: {path}: {error.strerror or error}; nothing was written")


def _progress(label: str, counter: str) -> Progress:
    """A progress bar on stderr, shown only to a person at a terminal."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn(counter),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not sys.stderr.isatty(),
    )


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


def _extract_jsonl(files: list[str], out: TextIO | None = None) -> None:
    from pactwatch.extract.run import prepare_batch

    out = out or sys.stdout  # looked up now: the stream may have been replaced since import
    failures = 0
    prepare_batch()
    progress = _progress("extracting", "{task.completed} documents")
    with progress:
        task = progress.add_task("extract", total=None)
        for result in _results(files):
            failures += result.error is not None
            out.write(result.json_line())
            progress.advance(task)
    if failures:
        typer.echo(f"{failures} document(s) could not be read; see their error lines", err=True)
        raise typer.Exit(1)


DataOption = Annotated[
    list[Path] | None,
    typer.Option("--data", help="Agreement files or folders (default: the data/ folder)."),
]


def evaluate(
    pred: Annotated[
        Path | None, typer.Argument(help="Draft record (JSON or YAML), e.g. from extract.")
    ] = None,
    gold: Annotated[Path | None, typer.Argument(help="Curated record (YAML or JSON).")] = None,
    registry: Annotated[
        bool,
        typer.Option(
            "--registry",
            help="Leave one agreement out: draft each coded agreement's official text with a "
            "model trained on all the others, and score it against its record.",
        ),
    ] = False,
    corpus: Annotated[
        bool,
        typer.Option(
            "--corpus",
            help="With --registry: score our own reports (data/corpus) instead, each drafted "
            "by a model that saw nothing about its partner.",
        ),
    ] = False,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="With --registry: these agreements.")
    ] = None,
    fmt: FormatOption = TextOrJson.table,
    data: DataOption = None,
    sources: SourcesOption = None,
) -> None:
    """Score a draft against a curated record (provisions matched by span overlap), or
    with --registry the extractor on every coded agreement it was not trained on."""
    if registry:
        if pred is not None or gold is not None:
            raise typer.BadParameter("--registry takes no files", param_hint="PRED GOLD")
        _evaluate_registry(only or [], fmt, data or [], sources, corpus)
        return
    if pred is None or gold is None:
        raise typer.BadParameter("give a draft and a curated record", param_hint="PRED GOLD")
    from pactwatch.extract.run import evaluate as evaluate_files

    scores = evaluate_files(pred, gold)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(scores.as_dict(), indent=2))
        return
    table = Table("measure", "value", title=f"{pred.name} vs {gold.name}")
    for key, value in scores.as_dict().items():
        table.add_row(key.replace("_", " "), "n/a" if value is None else str(value))
    Console().print(table)


def _evaluate_registry(
    only: list[str], fmt: TextOrJson, data: list[Path], sources: list[Path] | None, corpus: bool
) -> None:
    from pactwatch.verbs.learning import evaluate_registry

    progress = _progress("leave one out", "{task.completed} {task.description}")
    with progress:
        task = progress.add_task("", total=len(only) or None)
        result = evaluate_registry(
            data,
            sources,
            only,
            lambda ident: progress.update(task, advance=1, description=ident),
            reports=corpus,
        )
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(result, indent=2))
        return
    table = Table(
        "agreement",
        "gold",
        "predicted",
        "recall",
        "precision",
        "actors",
        "domains",
        "action",
        "object",
        "metadata",
        title="leave one agreement out",
    )
    for row in result["per_agreement"]:
        right = sum(row["metadata"].values())
        table.add_row(
            row["agreement"],
            str(row["gold"]),
            str(row["predicted"]),
            str(row["recall"]),
            str(row["precision"]),
            str(row["actor_accuracy"]),
            str(row["domain_accuracy"]),
            str(row["action_accuracy"]),
            str(row["object_accuracy"]),
            f"{right}/{len(row['metadata'])}",
        )
    Console(width=120).print(table)
    typer.echo(
        f"all {result['agreements']} agreements: recall {result['recall']}, precision "
        f"{result['precision']}, actors {result['actor_accuracy']}, domains "
        f"{result['domain_accuracy']}, action {result['action_accuracy']}, object "
        f"{result['object_accuracy']}, metadata {result['metadata_accuracy']}, amounts "
        f"{result['amount_accuracy']} of {result['amount_pairs']} (sum, unit and hedge)"
    )


def train(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Where to write the model (default: data/models/extractor.json)."
        ),
    ] = None,
    data: DataOption = None,
    sources: SourcesOption = None,
) -> None:
    """Train the extractor's decisions from the reviewed records and their official texts
    (fixed seeds: the same records give the same file)."""
    from pactwatch.verbs.learning import train as train_model

    path, model = train_model(out, data or [], sources)
    weights = sum(len(h.weights) for h in model.heads.values())
    typer.echo(
        f"trained on {len(model.trained_on)} agreements: {len(model.heads)} decisions, "
        f"{weights} weights; wrote {path}"
    )


def register(app: typer.Typer) -> None:
    app.command()(extract)
    app.command("eval")(evaluate)
    app.command()(train)
