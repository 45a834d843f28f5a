"""Curator tokens: random secrets shown once, stored only as their sha256.

A token is 32 random bytes, so a plain sha256 is enough (no salt or slow hash needed: there
is nothing to brute-force); lookups compare digests, never the secret itself. A token may
carry an expiry, and a revoked one keeps its row (its name stays in the history it wrote)
but no longer opens anything.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from pactwatch.model import PactwatchError
from pactwatch.store import tables

PREFIX = "pw_"


@dataclass(frozen=True)
class TokenInfo:
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every instant stored here is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def create_token(connection: Connection, name: str, expires_at: datetime | None = None) -> str:
    """A new token for `name`; the only time the secret exists outside the caller's hands."""
    name = name.strip()
    if not name:
        raise PactwatchError.at("token", "name", "invalid-name", "a token needs a non-empty name")
    now = datetime.now(UTC)
    if expires_at is not None and expires_at <= now:
        raise PactwatchError.at(
            "token", "--expires", "expiry-in-past", f"{expires_at.isoformat()} has already passed"
        )
    token = PREFIX + secrets.token_urlsafe(32)
    t = tables.api_tokens
    if connection.execute(select(t.c.name).where(t.c.name == name)).first():
        raise PactwatchError.at(
            "token", "name", "token-exists", f"a token named {name!r} exists; pick another name"
        )
    connection.execute(
        insert(t).values(name=name, token_hash=_hash(token), created_at=now, expires_at=expires_at)
    )
    return token


def list_tokens(connection: Connection) -> list[TokenInfo]:
    t = tables.api_tokens
    rows = connection.execute(
        select(t.c.name, t.c.created_at, t.c.expires_at, t.c.revoked_at).order_by(t.c.name)
    ).all()
    return [
        TokenInfo(
            str(r.name), _aware(r.created_at) or r.created_at, _aware(r.expires_at),
            _aware(r.revoked_at),
        )
        for r in rows
    ]  # fmt: skip


def revoke_token(connection: Connection, name: str) -> None:
    """Stop the token `name` from working (at once, for every request after this one)."""
    t = tables.api_tokens
    found = connection.execute(select(t.c.revoked_at).where(t.c.name == name)).one_or_none()
    if found is None:
        raise PactwatchError.at(
            "token", "name", "unknown-token", f"no token named {name!r}; `token list` shows them"
        )
    if found[0] is None:
        connection.execute(update(t).where(t.c.name == name).values(revoked_at=datetime.now(UTC)))


def token_owner(connection: Connection, token: str, now: datetime | None = None) -> str | None:
    """The name a token was created for, or None when it is unknown, expired or revoked."""
    if not token.startswith(PREFIX):
        return None
    t = tables.api_tokens
    row = connection.execute(
        select(t.c.name, t.c.expires_at, t.c.revoked_at).where(t.c.token_hash == _hash(token))
    ).one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    expires = _aware(row.expires_at)
    if expires is not None and expires <= (now or datetime.now(UTC)):
        return None
    return str(row.name)
