"""Commands over official texts and the records coded from them: structure, coverage,
review, sources-diff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pactwatch.cli.options import FormatOption, SourcesOption, TextOrJson

AgreementArgument = Annotated[str, typer.Argument(help="Agreement id, e.g. ua-ro-2024.")]
DataOption = Annotated[
    list[Path] | None,
    typer.Option("--data", help="Agreement files or folders (default: the data/ folder)."),
]


def structure(
    file: Annotated[Path | None, typer.Argument(help="An official text file.")] = None,
    fmt: FormatOption = TextOrJson.table,
    fill: Annotated[
        list[Path] | None,
        typer.Option(
            "--fill",
            help="Curated record(s) to update: store the structure of the record's official "
            "text and set every provision's eId from its span.",
        ),
    ] = None,
    sources: SourcesOption = None,
) -> None:
    """Parse an official text into its hierarchy (parts, sections, paragraphs, items), each
    node with an Akoma Ntoso-style eId and its offsets; or fill records with it."""
    from pactwatch.verbs import texts

    if fill:
        for record_path in fill:
            done = texts.fill_structure(record_path, sources)
            typer.echo(
                f"{done.path}: {done.nodes} structure nodes; eIds set on {done.provisions} "
                f"provisions and {done.explanations} explanations"
            )
        return
    if file is None:
        raise typer.BadParameter("give an official text FILE, or --fill RECORD")
    outline = texts.structure(file)
    record = texts.structure_record(outline, "text")
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(record.model_dump(mode="json", exclude_none=True), indent=1))
        return
    from pactwatch.model.citation import cite

    text = texts.read_text_file(file)
    for node in record.nodes:
        depth = node.eid.count("__")
        words = " ".join(text[node.start : node.heading_end or node.end].split())[:60]
        typer.echo(f"{'  ' * depth}{node.eid}  [{cite(node.eid, record)}]  {words}")
    leaves = sum(1 for n in outline.leaves())
    typer.echo(
        f"{len(record.nodes)} nodes, {leaves} leaves "
        f"({'hard-wrapped' if outline.wrapped else 'one paragraph per line'})",
        err=True,
    )


def coverage(
    agreement: AgreementArgument,
    fmt: FormatOption = TextOrJson.table,
    data: DataOption = None,
    sources: SourcesOption = None,
) -> None:
    """Share of the official text's operative sentences that provisions or explanations
    account for; lists the rest by eId and offsets."""
    from pactwatch.verbs import texts

    result = texts.coverage(agreement, data or [], sources)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    elif result.skipped:
        typer.echo(f"{agreement}: coverage not measured: {result.skipped}")
    else:
        typer.echo(
            f"{agreement}: {result.operative_units} operative units, {result.covered} covered, "
            f"{result.explained} explained, {len(result.uncovered)} uncovered; ratio {result.ratio}"
        )
        for unit in result.uncovered:
            typer.echo(f"  uncovered {unit.eid} {unit.start}..{unit.end}")
    raise typer.Exit(0 if result.skipped is None and not result.uncovered else 1)


def review(
    agreement: AgreementArgument,
    every: Annotated[bool, typer.Option("--all", help="List reviewed provisions too.")] = False,
    fmt: FormatOption = TextOrJson.table,
    data: DataOption = None,
) -> None:
    """List the provisions of an agreement that nobody has reviewed yet."""
    from pactwatch.verbs import texts

    items = texts.review(agreement, data or [], include_reviewed=every)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps([item.__dict__ for item in items], indent=2))
        return
    for item in items:
        typer.echo(f"{item.state:9} {item.provision:40} {item.eid or '-'}")
    waiting = sum(1 for item in items if item.state != "reviewed")
    typer.echo(f"{waiting} provision(s) of {agreement} waiting for review", err=True)


def sources_diff(
    agreement: AgreementArgument,
    fmt: FormatOption = TextOrJson.table,
    data: DataOption = None,
    every: Annotated[
        bool, typer.Option("--all", help="Also list what the other sources leave out.")
    ] = False,
    only: Annotated[
        str | None,
        typer.Option("--only", help="Only findings of one kind: adds, differs or contradicts."),
    ] = None,
) -> None:
    """Where an agreement's sources disagree: per provision, which sources cover it, what a
    report leaves out or adds, and where it words a field differently or says the opposite."""
    from pactwatch.verbs import texts

    result = texts.sources_diff(agreement, data or [])
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(result.as_dict(), indent=2, default=str))
        return
    for item in result.provisions:
        for f in item.findings:
            if (f.kind == "omits" and not every) or (only and f.kind != only):
                continue
            detail = f" {f.field}: text {f.record!r} / {f.source} {f.reading!r}" if f.field else ""
            basis = f"  [{f.basis}]" if f.basis else ""
            typer.echo(f"{f.kind:11} {item.id:32} {f.source}{detail}{basis}")
    counts = ", ".join(f"{n} {kind}" for kind, n in result.counts().items())
    typer.echo(
        f"{agreement}: primary {result.primary}, compared with "
        f"{', '.join(result.secondary) or 'no other source'}: {counts}",
        err=True,
    )


def reference(
    partner: Annotated[str | None, typer.Argument(help="A partner code, e.g. GB.")] = None,
    fmt: FormatOption = TextOrJson.table,
    data: DataOption = None,
    sources: SourcesOption = None,
) -> None:
    """The Ukrainian government's summary (Sept 2025) item by item, each beside the
    provisions it maps to (or why none fits); fails on an unmapped or wrongly mapped item."""
    from pactwatch.cli.errors import print_problems
    from pactwatch.verbs import texts

    report = texts.reference(data or [], sources)
    if fmt is TextOrJson.json:
        typer.echo(
            json.dumps(
                {"stats": report.stats(), "problems": [p.as_dict() for p in report.problems]},
                indent=2,
            )
        )
    else:
        for item in report.mapping.items:
            if partner and item.partner != partner.upper():
                continue
            words = report.text[item.start : item.end] if report.text else "(summary absent)"
            target = ", ".join(item.provisions) or f"none: {item.reason or '(unmapped)'}"
            typer.echo(f"{item.partner} {item.start}..{item.end} {words[:110]}\n    -> {target}")
        stats = report.stats()
        typer.echo(
            f"{stats['items']} items from {stats['partners']} partners: "
            f"{stats['matched']} matched to provisions, {stats['explained']} explained",
            err=True,
        )
        print_problems(report.problems)
    raise typer.Exit(1 if report.problems else 0)


def ask(
    question: Annotated[str, typer.Argument(help="consultation-24h, money or nato-accession.")],
    fmt: FormatOption = TextOrJson.table,
    data: DataOption = None,
) -> None:
    """Answer a standing question from every coded agreement: which have a 24-hour
    consultation clause, what money each partner pledged per period, what happens to each
    agreement when Ukraine joins NATO."""
    from rich.console import Console
    from rich.table import Table

    from pactwatch.verbs import texts

    rows = texts.ask(question, data or [])
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(box=None, pad_edge=False)
    for key in rows[0] if rows else []:
        table.add_column(key, overflow="fold")
    for row in rows:
        table.add_row(*[_cell(v) for v in row.values()])
    Console(width=200).print(table)
    typer.echo(f"{len(rows)} row(s)", err=True)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 1000 else f"{value:g}"
    return "" if value is None else str(value)


def register(app: typer.Typer) -> None:
    app.command()(structure)
    app.command()(coverage)
    app.command()(review)
    app.command("sources-diff")(sources_diff)
    app.command()(reference)
    app.command()(ask)
