"""The bad-event corpus: one small file per failure mode, each with its code and place.

Each file's first line says `# expect: CODE, PATH`; the check must report exactly that code
at that path in that file, as an error or (for duplicates and timing) a warning. Loading any
of them leaves the registry as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.curate.events import check_events, read_events
from pactwatch.store import open_engine
from pactwatch.store.events import read_events as registry_events
from tests.rule_case import REPORT_RECORD, report_agreement

BAD = sorted((Path(__file__).parent / "bad_events").glob("*.yaml"))
WARNINGS = {"duplicate-event", "consultation-before-trigger"}
AGREEMENTS = {"ua-ro-2024": report_agreement()}


def _expected(path: Path) -> tuple[str, str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    code, where = first.removeprefix("# expect:").split(",", 1)
    return code.strip(), where.strip()


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_each_bad_event_file_reports_its_code_and_place(path: Path) -> None:
    code, where = _expected(path)
    checked = check_events(read_events([path]), AGREEMENTS)
    reported = checked.warnings if code in WARNINGS else checked.problems
    lines = [p.line() for p in reported]
    assert any(p.code == code and p.path == where for p in reported), lines
    assert all(str(path) in line and "\n" not in line for line in lines), lines
    if code not in WARNINGS:
        assert not checked.warnings or code == "duplicate-event-id", checked.warnings


def test_a_duplicate_is_kept_once_and_the_earlier_id_wins() -> None:
    checked = check_events(
        read_events([Path(__file__).parent / "bad_events" / "duplicate-event.yaml"]), AGREEMENTS
    )
    assert [e.id for e in checked.records()] == ["report-a"], checked
    assert not checked.problems, checked.problems


@pytest.mark.parametrize(
    "path", [p for p in BAD if _expected(p)[0] not in WARNINGS], ids=lambda p: p.stem
)
def test_a_load_with_a_bad_event_writes_nothing(
    path: Path, tmp_path: Path, data_registry: Path
) -> None:
    db = str(data_registry)
    engine = open_engine(db)
    try:
        before = registry_events(engine)
    finally:
        engine.dispose()
    root = tmp_path / "data"
    (root / "events").mkdir(parents=True)
    (root / "agreements").mkdir()
    (root / "agreements" / "ua-ro-2024.yaml").write_bytes(REPORT_RECORD.read_bytes())
    (root / "events" / path.name).write_bytes(path.read_bytes())
    with pytest.raises(verbs.LoadRefused) as refused:
        verbs.load(db, [root])
    assert _expected(path)[0] in {p.code for p in refused.value.problems}, refused.value.problems
    engine = open_engine(db)
    try:
        assert registry_events(engine) == before
        assert len(verbs.registry(db)) == 29
    finally:
        engine.dispose()
