"""Tokens can be listed, revoked and set to expire; an expired or revoked token gets 401."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from pactwatch.store import tables
from pactwatch.store.registry import Registry
from tests.cli import run_cli
from tests.service.conftest import Service

EVENT = {
    "kind": "statement",
    "on": "2025-02-01",
    "agreements": ["ua-ro-2024"],
    "sources": [{"url": "https://example.org/s"}],
}


def add(service: Service, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    made = run_cli(capsys, "token", "add", *args, "--db", service.url)
    assert made.code == 0, made.err
    return made.out.strip()


def post(service: Service, token: str, description: str) -> int:
    body = {**EVENT, "description": description}
    headers = {"Authorization": f"Bearer {token}"}
    status: int = service.client.post("/api/v1/events", json=body, headers=headers).status_code
    return status


def test_a_revoked_token_gets_401_and_stays_listed(
    writable: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    token = add(writable, capsys, "ana")
    assert post(writable, token, "first") == 201
    assert run_cli(capsys, "token", "revoke", "ana", "--db", writable.url).code == 0
    assert post(writable, token, "second") == 401
    listed = run_cli(capsys, "token", "list", "--db", writable.url)
    assert listed.code == 0 and listed.out.split("\t")[:2] == ["ana", "revoked"], listed.out
    assert token not in listed.out
    unknown = run_cli(capsys, "token", "revoke", "nobody", "--db", writable.url)
    assert unknown.code == 1 and "unknown-token" in unknown.err, unknown.err


def test_an_expired_token_gets_401(writable: Service, capsys: pytest.CaptureFixture[str]) -> None:
    token = add(writable, capsys, "ana", "--expires", "P1D")
    assert post(writable, token, "while valid") == 201
    listed = run_cli(capsys, "token", "list", "--db", writable.url).out
    expires = datetime.fromisoformat(listed.strip().split("expires ")[1])
    assert timedelta(hours=23) < expires - datetime.now(UTC) <= timedelta(days=1), listed
    with Registry.open(writable.url) as registry, registry.engine.begin() as connection:
        t = tables.api_tokens
        past = datetime.now(UTC) - timedelta(seconds=1)
        connection.execute(update(t).where(t.c.name == "ana").values(expires_at=past))
    assert post(writable, token, "after expiry") == 401
    assert "expired" in run_cli(capsys, "token", "list", "--db", writable.url).out


def test_expires_takes_an_instant_and_refuses_nonsense(
    writable: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    add(writable, capsys, "ana", "--expires", "2199-01-01T00:00:00+00:00")
    with Registry.open(writable.url) as registry, registry.reader().connect() as connection:
        t = tables.api_tokens
        stored = connection.execute(select(t.c.expires_at, t.c.token_hash)).one()
    assert stored.expires_at.year == 2199
    for bad in ("soon", "2199-01-01T00:00:00", "P"):
        result = run_cli(capsys, "token", "add", "bo", "--expires", bad, "--db", writable.url)
        assert result.code == 2 and "--expires" in result.err, (bad, result.err)
    past = run_cli(
        capsys, "token", "add", "bo", "--expires", "2001-01-01T00:00:00+00:00", "--db", writable.url
    )
    assert past.code == 1 and "expiry-in-past" in past.err, past.err
