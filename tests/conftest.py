"""Shared fixtures.

Tests that need the seed report read it from `../shared/seeds`. They skip when it is
absent on a developer's machine, but fail under CI (CI=true), where it must be present.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pactwatch.settings import PROJECT_ROOT, sources_dir
from pactwatch.store import open_engine

SEED_NAME = "000_79d3496055499d00.txt"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip a test whose prerequisite is missing, except under CI where that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required, not skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def seed_available() -> bool:
    return (sources_dir() / SEED_NAME).is_file()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    path = sources_dir() / SEED_NAME
    require(path.is_file(), f"seed report not found at {path}")
    return path


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_bytes().decode("utf-8")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return PROJECT_ROOT / "data"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "registry.db"


@pytest.fixture
def fresh_engine(db_path: Path) -> Iterator[Engine]:
    engine = open_engine(str(db_path))
    yield engine
    engine.dispose()
