"""Who is writing: a bearer token checked against the stored hashes. Reads need none."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from pactwatch.api.config import ServiceConfig, config
from pactwatch.store.tokens import token_owner

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="pactwatch"'}


def curator(request: Request, cfg: Annotated[ServiceConfig, Depends(config)]) -> str:
    """The token's name, or 401 (before the body is even read)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401, "writes need a token: send 'Authorization: Bearer <token>'", CHALLENGE
        )
    name = token_owner(cfg.engine, token.strip())
    if name is None:
        raise HTTPException(
            401, "unknown token; create one with `pactwatch token create`", CHALLENGE
        )
    return name
