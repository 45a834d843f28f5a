"""The service's commands: `token create` prints a token once, refuses a duplicate name."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from pactwatch.store import open_engine, tables
from pactwatch.store.tokens import token_owner
from tests.cli import run_cli


def test_token_create_prints_a_token_stored_only_as_a_hash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "r.db")
    result = run_cli(capsys, "token", "create", "ana", "--db", db)
    assert result.code == 0, result.err
    token = result.out.strip()
    assert token.startswith("pw_") and len(token) > 30, result.out
    engine = open_engine(db)
    try:
        with engine.connect() as connection:
            assert token_owner(connection, token) == "ana"
            assert token_owner(connection, token + "x") is None
            stored = connection.execute(select(tables.api_tokens.c.token_hash)).scalars().all()
        assert stored and token not in stored, stored
    finally:
        engine.dispose()
    again = run_cli(capsys, "token", "create", "ana", "--db", db)
    assert again.code == 1
    assert again.err.count("\n") == 1 and "token-exists" in again.err, again.err


def test_serve_rejects_a_bad_port(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    result = run_cli(capsys, "serve", "--db", str(tmp_path / "r.db"), "--port", "70000")
    assert result.code == 2 and "--port" in result.err and "65535" in result.err, result.err
