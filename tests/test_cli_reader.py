"""The command line as a reader meets it: version, what validate covered, status at 100 columns."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from pactwatch import verbs
from tests.cli import run_cli
from tests.conftest import require
from tests.test_cli_rules import AT, REPORT_REGISTRY


def test_version_is_the_installed_one(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "--version")
    assert (result.code, result.out) == (0, f"pactwatch {version('pactwatch')}\n"), result


def test_validate_says_when_spans_were_not_checked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder"
    result = run_cli(capsys, "validate", str(REPORT_REGISTRY), "--sources", str(missing))
    assert result.code == 0, result
    last = result.err.strip().splitlines()[-1]
    assert last.startswith("valid: no problems found in 1 agreement(s), but "), last
    assert "spans were not checked" in last and str(missing) in last, last


def test_validate_says_how_many_texts_the_spans_were_checked_against(
    capsys: pytest.CaptureFixture[str], seed_available: bool
) -> None:
    require(seed_available, "the seed report is needed to check spans")
    one = REPORT_REGISTRY / "agreements" / "ua-ro-2024.yaml"
    result = run_cli(capsys, "validate", str(one))
    assert result.code == 0, result
    assert result.err.strip().endswith(
        "valid: no problems found in 1 agreement(s); spans checked against 1 of 1 source text(s)"
    ), result.err


def test_status_reads_at_100_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "registry.db")
    verbs.load(db, [REPORT_REGISTRY])
    monkeypatch.setenv("COLUMNS", "100")
    result = run_cli(capsys, "status", "ua-ro-2024", "--at", AT, "--db", db)
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 100
    rows = [line for line in lines if line.split(" ", 1)[0] and not line.startswith(" ")]
    provisions = 37
    body = len(lines) - 4  # title, header, the G7 legend, the compliance line
    assert body <= 2 * provisions, "\n".join(lines)
    assert len(rows) >= provisions
