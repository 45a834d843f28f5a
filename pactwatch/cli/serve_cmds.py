"""`pactwatch serve` (the API and pages) and `pactwatch token add|list|revoke` (curator tokens)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from pactwatch import verbs
from pactwatch.cli.errors import fail
from pactwatch.cli.options import DbOption, SourcesOption

if TYPE_CHECKING:
    from fastapi import FastAPI


def serve(
    db: DbOption = None,
    sources: SourcesOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    cache: Annotated[
        bool, typer.Option(help="Keep rendered responses until the registry changes.")
    ] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Processes answering requests (one per core uses them all; each keeps "
            "its own response cache).",
        ),
    ] = 1,
) -> None:
    """Serve the registry: web pages at / and the JSON API at /api/v1."""
    import uvicorn

    from pactwatch.store import database_url

    if workers == 1:
        app: FastAPI | str = verbs.service(db, sources, cache)
        verbs.tune_for_serving()
    else:
        verbs.prepare_workers(db, sources, cache)
        app = verbs.WORKER_APP
    Console(stderr=True).print(
        f"serving {database_url(db)} at [bold]http://{host}:{port}/[/bold] "
        f"(API: http://{host}:{port}/api/v1/openapi.json)"
        f"{f' in {workers} worker processes' if workers > 1 else ''}; Ctrl-C stops"
    )
    uvicorn.run(
        app, factory=workers > 1, host=host, port=port, workers=workers, log_level="warning"
    )


token_app = typer.Typer(help="Curator tokens for API writes.", no_args_is_help=True)


ExpiresOption = Annotated[
    str | None,
    typer.Option(
        "--expires",
        metavar="WHEN",
        help="When it stops working: a duration from now (P90D, PT12H) or an instant with "
        "its offset (2027-01-01T00:00:00+00:00). Default: never.",
    ),
]


def expiry(text: str | None, now: datetime) -> datetime | None:
    """--expires as an aware instant, or a usage error (exit 2) naming the forms."""
    if text is None:
        return None
    from pactwatch.model.values import Duration, add_months

    if text.upper().startswith("P"):
        try:
            span = Duration.parse(text.upper())
        except ValueError:
            pass
        else:
            day = add_months(now.date(), span.years * 12 + span.months)
            return datetime.combine(day, now.timetz()) + span.exact
    else:
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            value = None
        if value is not None and value.tzinfo is not None:
            return value
    fail(f"--expires: {text!r} is neither a duration (P90D) nor an instant with its offset", 2)
    raise AssertionError  # fail exits


def token_add(
    name: Annotated[str, typer.Argument(help="Who the token is for (kept in history).")],
    expires: ExpiresOption = None,
    db: DbOption = None,
) -> None:
    """Create a token and print it once; only its hash is stored."""
    until = expiry(expires, datetime.now(UTC))
    token = verbs.create_token(name, db, until)
    typer.echo(token)
    ends = f"; it stops working at {until.isoformat(timespec='seconds')}" if until else ""
    Console(stderr=True).print(
        f"token for {name!r} created{ends}; it is shown only now. "
        "Send it as 'Authorization: Bearer <token>'.",
        highlight=False,
    )


@token_app.command("list")
def token_list(db: DbOption = None) -> None:
    """Every token: name, created, expires, state (never the secret)."""
    now = datetime.now(UTC)
    for info in verbs.list_tokens(db):
        expires = info.expires_at.isoformat(timespec="seconds") if info.expires_at else "never"
        created = info.created_at.isoformat(timespec="seconds")
        typer.echo(f"{info.name}\t{info.state(now)}\tcreated {created}\texpires {expires}")


@token_app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="The token's name (see `token list`).")],
    db: DbOption = None,
) -> None:
    """Stop a token working at once; history keeps the name it wrote under."""
    verbs.revoke_token(name, db)
    typer.echo(f"token {name!r} revoked", err=True)


token_app.command("add")(token_add)
token_app.command("create", hidden=True)(token_add)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(token_app, name="token")
