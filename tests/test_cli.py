"""The command line as a user meets it: list, show, export, schema, the --db option."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pactwatch.curate import load_dataset
from pactwatch.model import Agreement
from pactwatch.model.schema import agreement_schema, render
from tests.cli import run_cli


@pytest.fixture
def loaded_db(data_registry: Path) -> str:
    return str(data_registry)


def test_load_says_what_it_loaded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    result = run_cli(capsys, "load", str(data_dir), "--db", str(tmp_path / "cli.db"))
    assert result.code == 0, result
    assert "loaded 29 agreements" in result.err


@pytest.fixture(scope="module")
def ua_ro(data_dir: Path) -> Agreement:
    return load_dataset([data_dir / "agreements" / "ua-ro-2024.yaml"]).agreements[0].record


def test_list_json_has_one_entry_per_agreement(
    capsys: pytest.CaptureFixture[str], loaded_db: str, ua_ro: Agreement
) -> None:
    result = run_cli(capsys, "list", "--db", loaded_db, "--format", "json")
    rows = json.loads(result.out)
    assert len(rows) == 29
    assert set(rows[0]) == {"id", "title", "parties", "signed_on", "signed_at", "provisions"}
    romania = next(r for r in rows if r["id"] == "ua-ro-2024")
    assert romania["provisions"] == len(ua_ro.provisions)
    assert romania["parties"] == ["UA", "RO"]
    assert [r["signed_on"] for r in rows] == sorted(r["signed_on"] for r in rows)


def test_list_table_names_partners(capsys: pytest.CaptureFixture[str], loaded_db: str) -> None:
    out = run_cli(capsys, "list", "--db", loaded_db).out
    for partner in ("Romania", "United Kingdom", "Albania", "European Union"):
        assert partner in out


def test_db_option_honours_the_environment(
    capsys: pytest.CaptureFixture[str], loaded_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACTWATCH_DB", loaded_db)
    rows = json.loads(run_cli(capsys, "list", "--format", "json").out)
    assert len(rows) == 29


def test_show_lists_every_provision_with_its_committing_party(
    capsys: pytest.CaptureFixture[str],
    loaded_db: str,
    ua_ro: Agreement,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = run_cli(capsys, "show", "ua-ro-2024", "--db", loaded_db).out
    assert "Klaus Werner Iohannis" in out and "2034-07-11" in out
    lines = out.splitlines()
    for p in ua_ro.provisions:
        row = next((i for i, line in enumerate(lines) if f"{p.id} · {p.kind}" in line), None)
        assert row is not None, p.id
        who = ",".join(p.actors)
        assert any(who in line for line in lines[row - 3 : row + 1]), (p.id, who)
    for heading in {p.section for p in ua_ro.provisions if p.section}:
        assert heading in out


def test_export_json_is_the_contract_in_stable_order(
    capsys: pytest.CaptureFixture[str], loaded_db: str, ua_ro: Agreement
) -> None:
    first = run_cli(capsys, "export", "json", "--agreement", "ua-ro-2024", "--db", loaded_db)
    second = run_cli(capsys, "export", "json", "--agreement", "ua-ro-2024", "--db", loaded_db)
    assert first.code == 0 and first.out == second.out
    data = json.loads(first.out)
    assert Agreement.model_validate(data) == ua_ro
    assert list(data) == list(Agreement.model_fields)
    assert list(data["provisions"][0])[:4] == ["id", "section", "eid", "actors"]


def test_export_json_of_the_registry_is_an_array(
    capsys: pytest.CaptureFixture[str], loaded_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "all.json"
    assert run_cli(capsys, "export", "json", "--db", loaded_db, "--out", str(out)).code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 29


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["show", "ua-xx-2099"], "unknown-agreement"),
        (["export", "svg", "--agreement", "ua-ro-2024"], "unknown-format"),
    ],
)
def test_unknown_names_give_one_line(
    capsys: pytest.CaptureFixture[str], loaded_db: str, args: list[str], code: str
) -> None:
    result = run_cli(capsys, *args, "--db", loaded_db)
    assert result.code == 1
    assert result.err.count("\n") == 1 and f"[{code}]" in result.err, result.err


def test_reading_an_empty_registry_says_to_load(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = run_cli(capsys, "list", "--db", str(tmp_path / "nothing.db"))
    assert result.code == 1
    assert "pactwatch load" in result.err and "[registry-empty]" in result.err
    assert not (tmp_path / "nothing.db").exists()


def test_schema_command_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "schema").out == render(agreement_schema())


def test_validate_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    bad = Path(__file__).parent / "bad_inputs" / "unknown_domain.yaml"
    result = run_cli(capsys, "validate", str(bad), "--format", "json")
    problems = json.loads(result.out)
    assert result.code == 1
    assert problems == [
        {
            "file": str(bad),
            "path": "provisions.0.domains.1",
            "code": "unknown-domain",
            "message": problems[0]["message"],
        }
    ]
