"""`pactwatch event add`: record one event, checked, in a data file and/or the registry."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pactwatch import verbs
from pactwatch.cli.errors import print_problems
from pactwatch.cli.rules_cmds import parse_instant
from pactwatch.settings import default_db

if TYPE_CHECKING:
    from pactwatch.model import Event

event_app = typer.Typer(help="Record what happened: deliveries, meetings, triggers, ...")

Many = Annotated[list[str] | None, typer.Option()]


def build_event(fields: dict[str, Any], event_id: str | None) -> Event:
    """The event from command-line fields; its id defaults to one derived from its content,
    so adding the same event twice gives the same id (and is recognised as a duplicate)."""
    from pydantic import ValidationError

    from pactwatch.curate.dataset import validation_problems
    from pactwatch.curate.events import with_content_id
    from pactwatch.model import Event

    try:
        draft = Event.model_validate({"id": event_id or "draft", **fields})
        return draft if event_id is not None else with_content_id(draft)
    except ValidationError as error:
        problems = validation_problems("event add", error)
        print_problems(problems)
        raise typer.Exit(1) from None


def _quantity(text: str) -> dict[str, Any]:
    value, _, unit = text.partition(" ")
    try:
        return {"value": float(value), "unit": unit.strip() or "units"}
    except ValueError:
        typer.echo(
            f"error: --quantity: {text!r} is not 'VALUE UNIT' (e.g. '4 launchers')", err=True
        )
        raise typer.Exit(2) from None


@event_app.command("add")
def add(
    kind: Annotated[str, typer.Option(help="delivery, training, meeting, consultation, ...")],
    source: Annotated[
        list[str] | None, typer.Option(metavar="URL", help="Evidence (repeatable).")
    ] = None,
    document: Annotated[
        list[str] | None,
        typer.Option(metavar="SHA256", help="Evidence: sha256 of a document (repeatable)."),
    ] = None,
    at: Annotated[str | None, typer.Option(metavar="DATETIME", help="Exact instant.")] = None,
    on: Annotated[
        str | None, typer.Option(metavar="DATE", help="2024, 2024-07 or 2024-07-11.")
    ] = None,
    precision: Annotated[
        str | None,
        typer.Option(
            help="day, week, month or year (default: what --on gives); 'week': --on's ISO week."
        ),
    ] = None,
    subkind: Annotated[str | None, typer.Option(help="For triggers: what kind.")] = None,
    agreement: Many = None,
    actor: Many = None,
    provision: Many = None,
    mechanism: Many = None,
    quantity: Many = None,
    description: Annotated[str | None, typer.Option()] = None,
    completes: Annotated[bool, typer.Option(help="It completes the provisions named.")] = False,
    background: Annotated[
        bool, typer.Option(help="Context only (e.g. before signing): shown, never counted.")
    ] = False,
    happened: Annotated[
        bool,
        typer.Option(
            "--happened/--did-not-happen",
            help="--did-not-happen records that the act named did not take place.",
        ),
    ] = True,
    event_id: Annotated[str | None, typer.Option("--id", help="Default: from content.")] = None,
    file: Annotated[
        Path | None,
        typer.Option(help="Events file to add to (default without --registry: data/events/)."),
    ] = None,
    registry: Annotated[
        bool,
        typer.Option(
            help="Record it in the registry instead of data/events/ (with --file: in both). "
            "Only in the registry, a later `load` refuses until data/ has it too."
        ),
    ] = False,
    db: Annotated[str | None, typer.Option(help="Registry for --registry.")] = None,
) -> None:
    """Record one event after checking it; the same event twice is recorded once."""
    fields: dict[str, Any] = {
        "kind": kind,
        "subkind": subkind,
        "at": parse_instant(at),
        "on": on,
        "precision": precision,
        "agreements": agreement or [],
        "actors": actor or [],
        "provisions": provision or [],
        "mechanisms": mechanism or [],
        "sources": [{"url": s} for s in source or []] + [{"sha256": d} for d in document or []],
        "quantities": [_quantity(q) for q in quantity or []],
        "description": description,
        "completes": completes,
        "background": background,
        "happened": happened,
    }
    event = build_event(fields, event_id)
    added = verbs.add_event(event, file=file, db=(db or default_db()) if registry else None)
    if added.duplicate_of:
        typer.echo(f"already recorded as {added.duplicate_of}; nothing written", err=True)
        return
    for warning in added.warnings:
        typer.echo(f"warning: {warning.line()}", err=True)
    where = " and ".join(added.written)
    only = " only (not in data/events/)" if registry and file is None else ""
    typer.echo(f"recorded {event.id} in {where}{only}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(event_app, name="event")
