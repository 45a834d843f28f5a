"""The Data Package: frictionless accepts it, keys and foreign keys included."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from frictionless import validate

from pactwatch import verbs
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
        "agreements", "signatories", "sources", "provisions", "structure", "explanations",
        "spans", "mechanisms", "mentions", "events",
        "event_sources", "event_agreements", "event_provisions", "event_mechanisms",
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
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"


def rows_of(folder: Path, table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / f"{table}.csv").read_text("utf-8"))))


def test_registry_events_fill_the_event_tables_and_validate(
    fixture_db: str, fixture_events: list[Event], tmp_path: Path
) -> None:
    """Events loaded into a registry reach the package through the export verb."""
    folder = tmp_path / "pkg"
    verbs.export_to("datapackage", folder, fixture_db)
    report = validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    events = rows_of(folder, "events")
    assert sorted(r["id"] for r in events) == sorted(e.id for e in fixture_events), events
    by_id = {e.id: e for e in fixture_events}
    times = [by_id[r["id"]].earliest() for r in events]
    assert times == sorted(times), events
    for table, column, attr in (
        ("event_provisions", "provision_id", "provisions"),
        ("event_mechanisms", "mechanism_id", "mechanisms"),
    ):
        links = {
            (r["event_id"], f"{r['agreement_id']}/{r[column]}") for r in rows_of(folder, table)
        }
        expected = {(e.id, ref) for e in fixture_events for ref in getattr(e, attr)}
        assert links == expected and links, (table, links)
    agreements = {(r["event_id"], r["agreement_id"]) for r in rows_of(folder, "event_agreements")}
    assert agreements == {(e.id, a) for e in fixture_events for a in e.agreements}, agreements
    paid = next(r for r in events if by_id[r["id"]].completes)
    assert paid["completes"] == "true", paid
    read_back = [cell.split(" ", 1) for cell in paid["quantities"].split("; ")]
    quantities = by_id[paid["id"]].quantities
    assert [(float(v), u) for v, u in read_back] == [(q.value, q.unit) for q in quantities], paid
    titles = {r["title"] for r in rows_of(folder, "event_sources")}
    assert titles >= {s.title for e in fixture_events for s in e.sources if s.title}, titles


def test_link_tables_declare_foreign_keys(fixture_agreements: list[Agreement]) -> None:
    descriptor = json.loads(export_files("datapackage", fixture_agreements)["datapackage.json"])
    keys = {
        r["name"]: {fk["reference"]["resource"] for fk in r["schema"].get("foreignKeys", [])}
        for r in descriptor["resources"]
    }
    assert keys["event_agreements"] == {"events", "agreements"}, keys
    assert keys["event_provisions"] == {"events", "provisions"}, keys
    assert keys["event_mechanisms"] == {"events", "mechanisms"}, keys


def test_one_agreement_keeps_its_events_and_drops_links_elsewhere(
    fixture_db: str, tmp_path: Path
) -> None:
    """Exporting zz-empty-2025 alone: the statement naming both agreements stays, its link
    to the agreement left out does not (it would dangle), and nothing about zz-fixture does."""
    folder = tmp_path / "one"
    verbs.export_to("datapackage", folder, fixture_db, "zz-empty-2025")
    report = validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    events = rows_of(folder, "events")
    assert [r["id"] for r in events] == ["zz-memo-statement"], events
    assert "zz-fixture-2025" in events[0]["agreements"], events
    links = rows_of(folder, "event_agreements")
    assert [r["agreement_id"] for r in links] == ["zz-empty-2025"], links
    assert rows_of(folder, "event_provisions") == [] == rows_of(folder, "event_mechanisms")


def test_a_dangling_event_link_is_caught(
    full: Agreement, fixture_events: list[Event], tmp_path: Path
) -> None:
    write_folder(tmp_path / "pkg", export_files("datapackage", [full], fixture_events))
    links = tmp_path / "pkg" / "event_provisions.csv"
    assert ",grant" in links.read_text(), links.read_text()
    links.write_text(links.read_text().replace(",grant", ",no-such-provision", 1))
    report = validate(tmp_path / "pkg" / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in json.dumps(report.flatten(["type"])), report.flatten(["type"])


def test_unscoped_events_are_kept_and_order_does_not_follow_input(
    full: Agreement, fixture_events: list[Event]
) -> None:
    """An event naming no agreement bears on all of them; the rows' order is the events' own."""
    anywhere = Event.model_validate(
        {"id": "zz-anywhere", "kind": "trigger", "subkind": "significant_escalation",
         "at": "2025-06-01T00:00:00+00:00", "sources": [{"url": "https://example.org/x"}]}
    )  # fmt: skip
    forward = export_files("datapackage", [full], [*fixture_events, anywhere])
    backward = export_files("datapackage", [full], [anywhere, *reversed(fixture_events)])
    assert forward == backward
    ids = [row[0] for row in csv.reader(io.StringIO(forward["events.csv"].decode()))][1:]
    assert "zz-anywhere" in ids and len(ids) == len(fixture_events) + 1, ids
