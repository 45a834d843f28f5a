"""The Data Package: frictionless accepts it, keys and foreign keys included."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from frictionless import validate

from pactwatch.export.datapackage import DataPackageExporter
from pactwatch.export.output import write_folder
from pactwatch.model import Agreement, Event
from tests.exports.conftest import export_files


def package(agreements: list[Agreement], folder: Path) -> Path:
    write_folder(folder, export_files("datapackage", agreements))
    return folder / "datapackage.json"


def test_frictionless_validates_fixture_and_curated_packages(
    fixture_agreements: list[Agreement], curated: list[Agreement], tmp_path: Path
) -> None:
    for name, agreements in (("fixture", fixture_agreements), ("curated", curated)):
        report = validate(package(agreements, tmp_path / name))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_dangling_foreign_key_is_caught(full: Agreement, tmp_path: Path) -> None:
    descriptor = package([full], tmp_path / "pkg")
    spans = descriptor.parent / "spans.csv"
    spans.write_text(spans.read_text().replace("defend-ua", "no-such-provision", 1))
    report = validate(descriptor)
    assert not report.valid
    assert "foreign-key" in json.dumps(report.flatten(["type"])), report.flatten(["type"])


def test_keys_types_and_tables(fixture_agreements: list[Agreement]) -> None:
    files = export_files("datapackage", fixture_agreements)
    descriptor = json.loads(files["datapackage.json"])
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert set(resources) == {
        "agreements", "signatories", "sources", "provisions",
        "spans", "mechanisms", "mentions", "events",
    }  # fmt: skip
    assert resources["provisions"]["schema"]["primaryKey"] == ["agreement_id", "provision_id"]
    types = {f["name"]: f["type"] for f in resources["agreements"]["schema"]["fields"]}
    assert (types["signed_on"], types["term_years"], types["indefinite"]) == (
        "date", "integer", "boolean",
    )  # fmt: skip
    events = list(csv.reader(io.StringIO(files["events.csv"].decode())))
    assert events == [list(Event.model_fields)], events
    rows = list(csv.DictReader(io.StringIO(files["provisions.csv"].decode())))
    assert [r["provision_id"] for r in rows] == [
        "opening",
        "defend-ua",
        "grant",
        "consult",
        "training",
    ]
    assert descriptor["licenses"][0]["name"] == "MIT"


def test_events_fill_their_table_and_validate(full: Agreement, tmp_path: Path) -> None:
    exporter = DataPackageExporter()
    exporter.write(full)
    exporter.write_event(
        Event.model_validate(
            {"id": "trigger-1", "kind": "trigger", "subkind": "renewed_aggression",
             "at": "2025-03-01T04:30:00+02:00", "agreements": [full.id], "actors": ["UA"],
             "mechanisms": [f"{full.id}/consult-24h"], "quantities": [{"value": 3, "unit": "x"}],
             "sources": [{"url": "https://example.org/a?b=1&c=2"}]}
        )
    )  # fmt: skip
    write_folder(tmp_path / "pkg", exporter.finalize_files())
    report = validate(tmp_path / "pkg" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO((tmp_path / "pkg" / "events.csv").read_text())))
    assert rows[0]["at"] == "2025-03-01T04:30:00+02:00" and rows[0]["quantities"] == "3 x", rows
