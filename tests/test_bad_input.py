"""The bad-input corpus: one small file per failure mode, each a coded one-line error.

Every case must name the file and the field, exit with 1 and, when loaded, leave the
registry exactly as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli import run_cli
from tests.conftest import require

CORPUS = Path(__file__).parent / "bad_inputs"

CASES = [
    ("malformed_yaml.yaml", "yaml-syntax", "line 4"),
    ("unknown_field.yaml", "unknown-field", "provisions.0.benificiaries"),
    ("unknown_domain.yaml", "unknown-domain", "provisions.0.domains.1"),
    ("invalid_iso_code.yaml", "invalid-party-code", "parties.1"),
    ("duplicate_provision_id.yaml", "duplicate-provision-id", "provisions.1.id"),
    ("span_beyond_text.yaml", "span-out-of-bounds", "provisions.0.spans.0.end"),
    ("span_splits_word.yaml", "span-splits-word", "provisions.0.spans.0"),
    ("span_sha256_mismatch.yaml", "source-sha256-mismatch", "sources.0.sha256"),
    ("not_utf8.yaml", "not-utf8", ""),
    ("empty.yaml", "empty-file", ""),
    ("invalid_date.yaml", "invalid-date", "signed_on"),
    ("duplicate_key.yaml", "duplicate-key", "line 3"),
    ("inconsistent_term.yaml", "inconsistent-term-end", "term.ends_on"),
    ("source_filename_path.yaml", "invalid-file-name", "sources.0.filename"),
    ("date_out_of_range.yaml", "date-out-of-range", "signed_on"),
    ("amount_not_finite.yaml", "invalid-field", "provisions.0.amount.value"),
    ("no_data", "no-data", ""),
]
NEEDS_SEED = {"span_beyond_text.yaml", "span_splits_word.yaml", "span_sha256_mismatch.yaml"}


@pytest.mark.parametrize(("name", "code", "path"), CASES, ids=[c[0] for c in CASES])
def test_validate_reports_one_coded_line(
    capsys: pytest.CaptureFixture[str], seed_available: bool, name: str, code: str, path: str
) -> None:
    if name in NEEDS_SEED:
        require(seed_available, "seed report needed to check spans")
    target = CORPUS / name
    result = run_cli(capsys, "validate", str(target))
    lines = result.err.strip().splitlines()
    assert result.code == 1, result
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{target}: {path}"), lines[0]
    assert lines[0].endswith(f"[{code}]"), lines[0]
    assert "Traceback" not in result.err


# Failure modes of records coded from official texts, checked against texts of our own.
TEXT_CASES = [
    ("span_crosses_its_clause.yaml", "span-outside-eid", "provisions.0.spans.0"),
    ("unknown_eid.yaml", "unknown-eid", "provisions.0.eid"),
    ("invalid_review_state.yaml", "invalid-value", "provisions.0.review.state"),
    ("unknown_source_sha256.yaml", "source-not-found", "sources.0.sha256"),
    ("source_not_utf8.yaml", "source-not-utf8", "sources.0"),
]
OWN_SOURCES = [Path(__file__).parent / "texts", Path(__file__).parent / "bad_sources"]


@pytest.mark.parametrize(("name", "code", "path"), TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_official_text_failures_report_one_coded_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, code: str, path: str
) -> None:
    target = CORPUS / name
    folders = [arg for root in OWN_SOURCES for arg in ("--sources", str(root))]
    result = run_cli(capsys, "validate", str(target), *folders)
    lines = result.err.strip().splitlines()
    assert result.code == 1, result
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{target}: {path}"), lines[0]
    assert lines[0].endswith(f"[{code}]"), lines[0]
    db = tmp_path / "registry.db"
    loaded = run_cli(capsys, "load", str(target), "--db", str(db), *folders)
    assert loaded.code == 1 and not db.exists(), "a refused load writes nothing"


def _dump(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        tables = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%fts%' "
                "ORDER BY name"
            )
        ]
        return [(t, *row) for t in tables for row in connection.execute(f'SELECT * FROM "{t}"')]


@pytest.mark.parametrize(("name", "code", "path"), CASES[:5], ids=[c[0] for c in CASES[:5]])
def test_load_of_bad_input_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    data_registry: Path,
    data_dir: Path,
    name: str,
    code: str,
    path: str,
) -> None:
    db = data_registry
    before = _dump(db)
    result = run_cli(capsys, "load", str(data_dir), str(CORPUS / name), "--db", str(db))
    assert result.code == 1, result
    assert f"[{code}]" in result.err
    assert _dump(db) == before


def test_load_of_bad_input_creates_no_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "never.db"
    result = run_cli(capsys, "load", str(CORPUS / "unknown_domain.yaml"), "--db", str(db))
    assert result.code == 1
    assert not db.exists()


def test_wrong_usage_exits_with_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "validate", "--no-such-option").code == 2
    assert run_cli(capsys, "no-such-command").code == 2
