"""`pactwatch serve` (the API and pages) and `pactwatch token create NAME` (curator tokens)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from pactwatch import verbs
from pactwatch.cli.options import DbOption, SourcesOption


def serve(
    db: DbOption = None,
    sources: SourcesOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    cache: Annotated[
        bool, typer.Option(help="Keep rendered responses until the registry changes.")
    ] = True,
) -> None:
    """Serve the registry: web pages at / and the JSON API at /api/v1."""
    import uvicorn

    from pactwatch.store import database_url

    app = verbs.service(db, sources, cache)
    Console(stderr=True).print(
        f"serving {database_url(db)} at [bold]http://{host}:{port}/[/bold] "
        f"(API: http://{host}:{port}/api/v1/openapi.json); Ctrl-C stops"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


token_app = typer.Typer(help="Curator tokens for API writes.", no_args_is_help=True)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="Who the token is for (kept in history).")],
    db: DbOption = None,
) -> None:
    """Create a token and print it once; only its hash is stored."""
    token = verbs.create_token(name, db)
    typer.echo(token)
    Console(stderr=True).print(
        f"token for {name!r} created; it is shown only now. "
        "Send it as 'Authorization: Bearer <token>'."
    )


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(token_app, name="token")
