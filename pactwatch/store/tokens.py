"""Curator tokens: random secrets shown once, stored only as their sha256.

A token is 32 random bytes, so a plain sha256 is enough (no salt or slow hash needed: there
is nothing to brute-force); lookups compare digests, never the secret itself.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select

from pactwatch.model import PactwatchError
from pactwatch.store import tables
from pactwatch.store.migrate import migrate

PREFIX = "pw_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(engine: Engine, name: str) -> str:
    """A new token for `name`; the only time the secret exists outside the caller's hands."""
    name = name.strip()
    if not name:
        raise PactwatchError.at("token", "name", "invalid-name", "a token needs a non-empty name")
    token = PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as connection:
        migrate(connection)
        t = tables.api_tokens
        if connection.execute(select(t.c.name).where(t.c.name == name)).first():
            raise PactwatchError.at(
                "token", "name", "token-exists", f"a token named {name!r} exists; pick another name"
            )
        connection.execute(
            insert(t).values(name=name, token_hash=_hash(token), created_at=datetime.now(UTC))
        )
    return token


def token_owner(engine: Engine, token: str) -> str | None:
    """The name a token was created for, or None when it is not a known token."""
    if not token.startswith(PREFIX):
        return None
    t = tables.api_tokens
    with engine.connect() as connection:
        name = connection.execute(
            select(t.c.name).where(t.c.token_hash == _hash(token))
        ).scalar_one_or_none()
    return None if name is None else str(name)
