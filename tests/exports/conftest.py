"""Fixtures for export tests: two made-up agreements, the curated data, a loaded registry.

`zz-fixture-2025` fills every field with text that needs escaping and names outside ASCII;
`zz-empty-2025` has no provisions. Golden files are rendered from these two and the
made-up events under `fixtures/events`, which bear on them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.curate import load_dataset
from pactwatch.curate.events import check_events, event_folders, read_events
from pactwatch.export import EventAware, Exporter, MultiFileExporter, exporter_for
from pactwatch.model import Agreement, Event
from pactwatch.settings import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = PROJECT_ROOT / "tests" / "golden"
UPDATE_GOLDEN = os.environ.get("PACTWATCH_UPDATE_GOLDEN") == "1"
CLI = Path(sys.executable).parent / "pactwatch"


def load_records(folder: Path) -> list[Agreement]:
    dataset = load_dataset([folder])
    assert not dataset.problems, dataset.problems
    return [item.record for item in dataset.agreements]


def filled(
    fmt: str, agreements: Sequence[Agreement], events: Sequence[Event] = (), *, single: bool = False
) -> Exporter:
    """An exporter given the agreements and, when it shows events, the events (as the CLI does)."""
    exporter = exporter_for(fmt, single=single)
    if isinstance(exporter, EventAware):
        exporter.use_events(events)
    for agreement in agreements:
        exporter.write(agreement)
    return exporter


def export_bytes(
    fmt: str, agreements: Sequence[Agreement], events: Sequence[Event] = (), *, single: bool = False
) -> bytes:
    return filled(fmt, agreements, events, single=single).finalize()


def export_files(
    fmt: str, agreements: Sequence[Agreement], events: Sequence[Event] = ()
) -> dict[str, bytes]:
    exporter = filled(fmt, agreements, events)
    assert isinstance(exporter, MultiFileExporter), f"{fmt} does not write a folder"
    return exporter.finalize_files()


@pytest.fixture(scope="session")
def fixture_agreements() -> list[Agreement]:
    return load_records(FIXTURES)


@pytest.fixture(scope="session")
def fixture_events(fixture_agreements: list[Agreement]) -> list[Event]:
    """The made-up events, checked against the fixture agreements as a load would."""
    found = read_events(event_folders([FIXTURES]))
    checked = check_events(found, {a.id: a for a in fixture_agreements})
    assert not checked.problems and not checked.warnings, (checked.problems, checked.warnings)
    return checked.records()


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
    # the fixtures cite sources that exist nowhere (fingerprints made up for the exports):
    # loaded with no source folder, their spans are not checked against texts
    verbs.load(db, [FIXTURES], [FIXTURES / "no-source-folder"])
    return db
