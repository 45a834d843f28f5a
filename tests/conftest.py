"""Shared fixtures.

Tests that need the seed report read it from `../shared/seeds`. They skip when it is
absent on a developer's machine, but fail under CI (CI=true), where it must be present.
"""

from __future__ import annotations

import os
import sqlite3
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


@pytest.fixture(scope="session")
def data_registry_template(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """`data/` loaded once per test process; tests take copies (see `data_registry`)."""
    from pactwatch import verbs

    path = tmp_path_factory.mktemp("data-registry") / "registry.db"
    verbs.load(str(path), [data_dir])
    return path


@pytest.fixture
def data_registry(tmp_path: Path, data_registry_template: Path) -> Path:
    """A registry holding the whole dataset, this test's own copy.

    A load of every agreement takes seconds; copying the loaded file takes milliseconds, and
    the tests that change it still start from exactly what `load` writes. SQLite's backup
    API copies the WAL's pages too, so the copy is whole whatever state the file is in.
    """
    target = tmp_path / "registry.db"
    with sqlite3.connect(data_registry_template) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return target


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "registry.db"


@pytest.fixture
def fresh_engine(db_path: Path) -> Iterator[Engine]:
    engine = open_engine(str(db_path))
    yield engine
    engine.dispose()
