"""`pactwatch export`: files, folders, atomic writes and one-line errors."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.export import formats
from pactwatch.model import PactwatchError
from tests.exports.conftest import CLI

FORMATS = {"json", "yaml", "csv", "parquet", "xlsx", "akn", "jsonld", "ttl", "datapackage", "atop"}


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True)


def test_all_formats_are_registered() -> None:
    assert set(formats()) >= FORMATS, formats()


def test_folder_outputs(fixture_db: str, tmp_path: Path) -> None:
    akn = verbs.export_to("akn", tmp_path / "akn", fixture_db)
    assert sorted(p.name for p in akn) == ["zz-empty-2025.xml", "zz-fixture-2025.xml"]
    package = verbs.export_to("datapackage", tmp_path / "pkg", fixture_db)
    assert (tmp_path / "pkg" / "datapackage.json") in package
    again = verbs.export_to("datapackage", tmp_path / "pkg", fixture_db)
    assert again == package
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "temp left"


def test_file_outputs(fixture_db: str, tmp_path: Path) -> None:
    one = tmp_path / "one.xml"
    assert verbs.export_to("akn", one, fixture_db, "zz-fixture-2025") == [one]
    assert one.read_bytes().startswith(b"<?xml")
    zipped = tmp_path / "pkg.zip"
    verbs.export_to("datapackage", zipped, fixture_db)
    names = zipfile.ZipFile(io.BytesIO(zipped.read_bytes())).namelist()
    assert "datapackage.json" in names and "events.csv" in names, names


def test_out_into_a_missing_folder_is_a_clear_error(fixture_db: str, tmp_path: Path) -> None:
    with pytest.raises(PactwatchError) as caught:
        verbs.export_to("csv", tmp_path / "nowhere" / "x.csv", fixture_db)
    assert caught.value.problem.code == "no-such-folder"


def test_cli_writes_and_reports(fixture_db: str, tmp_path: Path) -> None:
    out = tmp_path / "atop.json"
    done = run("export", "atop", "--db", fixture_db, "--out", out)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())[0]["agreement"] == "zz-fixture-2025"
    piped = run("export", "ttl", "--db", fixture_db, "--agreement", "zz-empty-2025")
    assert piped.returncode == 0 and "pwparty:NO" in piped.stdout, piped


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("export", "nosuch"), "unknown format 'nosuch'"),
        (("export", "akn", "--agreement", "nope"), "no agreement with id 'nope'"),
        (("export", "csv", "--out", "/nonexistent-dir/x.csv"), "no folder"),
    ],
)
def test_cli_errors_are_one_line(fixture_db: str, args: tuple[str, ...], needle: str) -> None:
    failed = run(*args, "--db", fixture_db)
    assert failed.returncode == 1, failed
    assert needle in failed.stderr and failed.stderr.count("\n") == 1, failed.stderr
    assert "Traceback" not in failed.stderr
