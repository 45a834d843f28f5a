"""`pactwatch monitor`: link every document of a news archive, on Dask, into dated Parquet."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pactwatch.cli.options import FormatOption, TextOrJson

if TYPE_CHECKING:
    from rich.progress import Progress

    from pactwatch.monitor import ChunkCounts, Linker, MonitorResult


def monitor(
    archive: Annotated[
        Path, typer.Argument(help="JSON-lines or Parquet of {id, date, url, text}, or a folder.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the proposals (Parquet by date).")],
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes of the local cluster.")
    ] = 2,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of a running Dask scheduler (e.g. tcp://host:8786) to use instead "
            "of a local cluster; its workers must see ARCHIVE and --out at the same paths.",
        ),
    ] = None,
    chunk_mb: Annotated[
        float,
        typer.Option("--chunk-mb", min=0.001, help="JSON-lines bytes per task, in MB."),
    ] = 16.0,
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="Agreement files or folders (default: the data/ folder)."),
    ] = None,
    redo: Annotated[
        bool, typer.Option("--redo", help="Discard the results in --out and start over.")
    ] = False,
    fmt: FormatOption = TextOrJson.table,
) -> None:
    """Propose events from every document of an archive; a rerun skips the chunks done.

    Documents that cannot be read or linked are written to OUT/_errors.jsonl and counted;
    the exit code is 1 if there were any.
    """
    from pactwatch.monitor import monitor as run_monitor
    from pactwatch.monitor import on_dask, summary
    from pactwatch.monitor.archive import archive_files
    from pactwatch.monitor.cluster import dask_client

    archive_files(archive)  # a missing or unknown archive is refused before a cluster starts
    linker = _linker(data)
    progress = _progress()
    seen = [0]

    def advance(counts: ChunkCounts) -> None:
        seen[0] += counts.documents
        progress.update(task, advance=1, description=f"· {seen[0]:,} documents")

    with progress, dask_client(workers, scheduler) as client:
        task = progress.add_task("", total=None)
        result = run_monitor(
            archive,
            out,
            linker,
            execute=on_dask(client),
            chunk_bytes=max(1, int(chunk_mb * 1_000_000)),
            planned=lambda n: progress.update(task, total=n),
            finished=advance,
            redo=redo,
        )
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(summary(result), indent=2))
    else:
        typer.echo(_line(archive, result))
    if result.failed:
        typer.echo(f"error: {result.failed} document(s) failed; see {result.errors_file}", err=True)
        raise typer.Exit(1)


def _linker(data: list[Path] | None) -> Linker:
    from pactwatch.link import propose
    from pactwatch.link.proposal import Proposal
    from pactwatch.monitor import Linker
    from pactwatch.settings import data_dir

    return Linker(propose, Proposal, tuple(data or [data_dir()]))


def _progress() -> Progress:
    """Chunks done of those to run, on stderr, shown only to a person at a terminal."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("monitoring"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("chunks {task.description}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not sys.stderr.isatty(),
    )


def _line(archive: Path, result: MonitorResult) -> str:
    done = f" ({result.skipped} done before)" if result.skipped else ""
    return (
        f"{archive}: {result.documents:,} documents in {result.chunks} chunk(s){done}, "
        f"{result.proposals:,} proposals over {result.dates} date(s) in {result.out}, "
        f"{result.failed:,} failed"
    )


def register(app: typer.Typer) -> None:
    app.command()(monitor)
