"""YAML export: data/agreements-style files that load back to the same records."""

from __future__ import annotations

from pathlib import Path

from pactwatch.curate import load_dataset
from pactwatch.curate.yamlio import load_yaml
from pactwatch.export.output import write_folder
from pactwatch.model import Agreement
from tests.exports.conftest import export_bytes, export_files


def round_trip(agreements: list[Agreement], folder: Path) -> dict[str, Agreement]:
    write_folder(folder, export_files("yaml", agreements))
    dataset = load_dataset([folder])
    assert not dataset.problems, dataset.problems
    return dataset.by_id()


def test_fixture_records_round_trip(fixture_agreements: list[Agreement], tmp_path: Path) -> None:
    back = round_trip(fixture_agreements, tmp_path / "out")
    assert back == {a.id: a for a in fixture_agreements}


def test_curated_dataset_round_trips(curated: list[Agreement], tmp_path: Path) -> None:
    back = round_trip(curated, tmp_path / "out")
    assert back == {a.id: a for a in curated}


def test_norway_code_is_quoted(empty: Agreement) -> None:
    text = export_bytes("yaml", [empty], single=True).decode()
    assert "- 'NO'" in text, text
    assert load_yaml(text)["parties"] == ["UA", "NO"]
