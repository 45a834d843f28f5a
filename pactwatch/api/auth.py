"""Who is writing: a bearer token checked against the stored hashes. Reads need none, but
a curator's token shows them what only curators see (who wrote each history entry)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from pactwatch.api.config import ServiceConfig, config
from pactwatch.api.held_reads import read_connection
from pactwatch.api.http import quick_read
from pactwatch.api.writer import write_turn

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="pactwatch"'}


async def curator(request: Request, cfg: Annotated[ServiceConfig, Depends(config)]) -> str:
    """The token's name, or 401 (before the body is even read)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401, "writes need a token: send 'Authorization: Bearer <token>'", CHALLENGE
        )
    name = await token_owner(cfg, token.strip())
    if name is None:
        raise HTTPException(
            401,
            "unknown, expired or revoked token; create one with `pactwatch token add`",
            CHALLENGE,
        )
    return name


async def token_owner(cfg: ServiceConfig, token: str) -> str | None:
    """The token's owner, checked where it costs a write least: on SQLite on the loop, as
    the write itself runs (but without waiting for the writers' turn: it only reads); on a
    PostgreSQL server on this machine on the loop's own connection (`quick_read`), so the
    write takes one hop to its writer, not two; else on the writer's connection, in the
    hop before the write's."""
    if cfg.engine.dialect.name == "sqlite":
        return cfg.writes.token_owner(token)
    if cfg.reads_on_loop:

        def owner() -> str | None:
            with read_connection(cfg.engine) as connection:
                return cfg.writes.token_owner(token, on=connection)

        return await quick_read(cfg, owner)
    return await write_turn(cfg, lambda: cfg.writes.token_owner(token))


async def maybe_curator(
    request: Request, cfg: Annotated[ServiceConfig, Depends(config)]
) -> str | None:
    """The token's name when a token is sent (401 if it is not valid), else None."""
    if "authorization" not in request.headers:
        return None
    return await curator(request, cfg)
