"""Fixtures for export tests: two made-up agreements, the curated data, a loaded registry.

`zz-fixture-2025` fills every field with text that needs escaping and names outside ASCII;
`zz-empty-2025` has no provisions. Golden files are rendered from these two.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.curate import load_dataset
from pactwatch.export import MultiFileExporter, exporter_for
from pactwatch.model import Agreement
from pactwatch.settings import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = PROJECT_ROOT / "tests" / "golden"
UPDATE_GOLDEN = os.environ.get("PACTWATCH_UPDATE_GOLDEN") == "1"
CLI = Path(sys.executable).parent / "pactwatch"


def load_records(folder: Path) -> list[Agreement]:
    dataset = load_dataset([folder])
    assert not dataset.problems, dataset.problems
    return [item.record for item in dataset.agreements]


def export_bytes(fmt: str, agreements: Sequence[Agreement], *, single: bool = False) -> bytes:
    exporter = exporter_for(fmt, single=single)
    for agreement in agreements:
        exporter.write(agreement)
    return exporter.finalize()


def export_files(fmt: str, agreements: Sequence[Agreement]) -> dict[str, bytes]:
    exporter = exporter_for(fmt)
    for agreement in agreements:
        exporter.write(agreement)
    assert isinstance(exporter, MultiFileExporter), f"{fmt} does not write a folder"
    return exporter.finalize_files()


@pytest.fixture(scope="session")
def fixture_agreements() -> list[Agreement]:
    return load_records(FIXTURES)


@pytest.fixture(scope="session")
def full(fixture_agreements: list[Agreement]) -> Agreement:
    return next(a for a in fixture_agreements if a.id == "zz-fixture-2025")


@pytest.fixture(scope="session")
def empty(fixture_agreements: list[Agreement]) -> Agreement:
    return next(a for a in fixture_agreements if a.id == "zz-empty-2025")


@pytest.fixture(scope="session")
def curated() -> list[Agreement]:
    return load_records(PROJECT_ROOT / "data")


@pytest.fixture(scope="session")
def ua_ro(curated: list[Agreement]) -> Agreement:
    return next(a for a in curated if a.id == "ua-ro-2024")


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A registry file loaded with the two fixture agreements, named as Datasette expects."""
    db = str(tmp_path_factory.mktemp("registry") / "pactwatch.db")
    verbs.load(db, [FIXTURES])
    return db
