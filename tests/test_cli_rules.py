"""The rules commands end to end: due, trigger, status, feed, export ics, event add."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from icalendar import Calendar

from pactwatch import verbs
from pactwatch.store import open_engine
from pactwatch.store.events import read_events as registry_events
from tests.cli import run_cli

# The rules run on a frozen record (the report's reading of Ukraine-Romania), so their
# expected states do not move when the curated dataset grows.
REPORT_REGISTRY = Path(__file__).parent / "fixtures" / "report-registry"

AT = "2026-11-27T12:00:00+02:00"
DUE_KEYS = {
    "agreement",
    "mechanism",
    "kind",
    "period_start",
    "period_end",
    "due_at",
    "state",
    "fulfilled_by",
}


@pytest.fixture
def db(tmp_path: Path, data_dir: Path) -> str:
    path = str(tmp_path / "registry.db")
    verbs.load(path, [REPORT_REGISTRY])
    return path


def test_due_json_is_the_documented_contract(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    result = run_cli(capsys, *["due", "--at", AT, "--format", "json", "--db", db])
    assert result.code == 0, result
    items = json.loads(result.out)
    assert items and all(item.keys() >= DUE_KEYS for item in items), items[:1]
    assert {i["state"] for i in items} <= {"upcoming", "open", "met", "unrecorded", "missed"}
    for item in items:
        for key in ("period_start", "period_end", "due_at"):
            assert datetime.fromisoformat(item[key]).utcoffset() is not None, item
    dialogue = [i for i in items if i["mechanism"] == "strategic-dialogue"]
    # no meeting is recorded: the past periods read "no meeting recorded", never "missed"
    assert [i["state"] for i in dialogue[:3]] == ["unrecorded", "unrecorded", "open"], dialogue
    assert [i["label"] for i in dialogue[:2]] == ["no meeting recorded"] * 2, dialogue[:2]
    assert all(i["missed_by"] is None for i in items), items
    table = run_cli(capsys, *["due", "--at", AT, "--db", db])
    words = " ".join(table.out.split())
    assert "│ no meeting recorded │" in words and "│ missed" not in words, table.out
    assert "2 passed with nothing recorded, 0 missed on evidence" in words, table.out


def test_trigger_opens_the_24_hour_clock_and_records_once(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["trigger", "renewed_aggression", "--at", "2026-12-31T23:30:00+02:00"]
    args += ["--source", "https://example.org/report", "--db", db]
    first = run_cli(capsys, *args)
    assert first.code == 0, first
    assert "ua-ro-2024" in first.out and "2027-01-01 23:30+02:00" in first.out, first.out
    again = run_cli(capsys, *args)
    assert again.code == 0 and "already recorded" in again.err, again
    due = json.loads(
        run_cli(
            capsys, *["due", "--at", "2027-01-01T00:00:00+02:00", "--format", "json", "--db", db]
        ).out
    )
    clocks = [i for i in due if i["kind"] == "consultation_on_trigger"]
    assert len(clocks) == 1, clocks
    assert clocks[0]["due_at"] == "2027-01-01T23:30:00+02:00" and clocks[0]["state"] == "open", (
        clocks
    )


@pytest.mark.parametrize(
    "at, message",
    [("2026-03-10T06:00:00", "has no time zone"), ("10 March", "not an ISO 8601 date-time")],
)
def test_trigger_with_a_bad_time_is_a_one_line_usage_error(
    db: str, at: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["trigger", "renewed_aggression", "--at", at, "--source", "https://e.org", "--db", db]
    result = run_cli(capsys, *args)
    assert result.code == 2, result
    assert message in result.err and "--at" in result.err and result.err.count("\n") == 1, (
        result.err
    )
    assert "Traceback" not in result.err
    assert verbs.due(db, datetime.fromisoformat(AT)).summary.counts["open"] == 2


def test_status_scores_each_provision_with_its_rule(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, "status", "ua-ro-2024", "--at", AT, "--format", "json", "--db", db)
    assert result.code == 0, result
    data = json.loads(result.out)
    assert len(data["provisions"]) == 37
    by_id = {p["provision"]: p for p in data["provisions"]}
    dialogue = by_id["strategic-dialogue"]
    assert (dialogue["status"], dialogue["score"]) == ("no_evidence", None), dialogue
    assert dialogue["status_label"] == "no evidence recorded", dialogue
    assert by_id["consult-24h"]["status"] == "no_evidence", by_id["consult-24h"]
    assert all(p["rule"] for p in data["provisions"])
    assert all(p["score"] is None for p in data["provisions"]), "no event, no score"
    assert data["overall_percent"] is None and data["scored"] == 0, data["overall_percent"]
    assert set(data["by_party_percent"]) == {"UA", "RO"}, data["by_party_percent"]
    table = run_cli(capsys, *["status", "ua-ro-2024", "--at", AT, "--db", db])
    assert "Compliance n/a overall" in table.out and "no evidence recorded" in table.out, table
    assert "overdue" not in table.out and "not started" not in table.out, table.out
    unknown = run_cli(capsys, *["status", "ua-zz-2024", "--db", db])
    assert unknown.code == 1 and "unknown-agreement" in unknown.err, unknown


def test_feeds_parse_as_json_feed_and_atom(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(run_cli(capsys, *["feed", "--format", "json", "--at", AT, "--db", db]).out)
    ids = [item["id"] for item in data["items"]]
    assert len(ids) == len(set(ids)) and ids, ids
    assert data["items"][0]["date_published"] >= data["items"][-1]["date_published"]
    atom = ET.fromstring(run_cli(capsys, *["feed", "--format", "atom", "--at", AT, "--db", db]).out)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("a:id", namespaces=ns) for e in atom.findall("a:entry", ns)] == ids


def test_ics_export_parses_back_with_stable_uids(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run_cli(capsys, *["export", "ics", "--db", db])
    assert first.code == 0, first
    calendar = Calendar.from_ical(first.out.encode("utf-8"))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 11, [str(e["summary"]) for e in events]
    ends = sorted(e.decoded("dtend") for e in events)
    assert ends[-1] == datetime.fromisoformat("2034-07-11T00:00:00+00:00"), ends[-1]
    verbs.trigger("significant_escalation", datetime.fromisoformat(AT), "https://e.org/x", db=db)
    second = Calendar.from_ical(run_cli(capsys, *["export", "ics", "--db", db]).out.encode("utf-8"))
    uids_before = {str(e["uid"]) for e in events}
    uids_after = {str(e["uid"]) for e in second.walk("VEVENT")}
    assert uids_before < uids_after and len(uids_after - uids_before) == 1, uids_after - uids_before


def _data_copy(tmp_path: Path, data_dir: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(REPORT_REGISTRY / "agreements", root / "agreements")
    shutil.copytree(data_dir / "taxonomy", root / "taxonomy")
    (root / "events").mkdir()
    return root


def test_event_add_writes_a_file_that_load_reads(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = _data_copy(tmp_path, data_dir)
    monkeypatch.setenv("PACTWATCH_DATA", str(root))
    args = ["event", "add", "--kind", "meeting", "--at", "2025-05-20T10:00:00+03:00"]
    args += ["--actor", "UA", "--actor", "RO", "--mechanism", "ua-ro-2024/strategic-dialogue"]
    args += ["--source", "https://example.org/dialogue"]
    added = run_cli(capsys, *args)
    assert added.code == 0, added
    files = list((root / "events").glob("*.yaml"))
    assert len(files) == 1, files
    again = run_cli(capsys, *args)
    assert "already recorded" in again.err and len(list((root / "events").glob("*.yaml"))) == 1, (
        again
    )
    db = str(tmp_path / "r.db")
    load = run_cli(capsys, *["load", str(root), "--db", db])
    assert load.code == 0 and "1 events" in load.err, load
    due = verbs.due(db, datetime.fromisoformat(AT))
    first = due.obligations[0]
    assert (first.mechanism, first.state, first.fulfilled_by) == (
        "strategic-dialogue",
        "met",
        files[0].stem,
    )


def test_event_add_refuses_an_unknown_provision_and_writes_nothing(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = _data_copy(tmp_path, data_dir)
    monkeypatch.setenv("PACTWATCH_DATA", str(root))
    args = [
        "event",
        "add",
        "--kind",
        "delivery",
        "--on",
        "2025-01",
        "--provision",
        "ua-ro-2024/submarines",
    ]
    result = run_cli(capsys, *[*args, "--source", "https://example.org/x"])
    assert result.code == 1 and "unknown-provision" in result.err, result
    assert result.err.count("\n") == 1, result.err
    assert list((root / "events").iterdir()) == []


def test_event_add_into_the_registry_and_a_file_together(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "more.yaml"
    at = (datetime.fromisoformat(AT) - timedelta(hours=2)).isoformat()
    args = ["event", "add", "--kind", "consultation", "--at", at, "--actor", "UA", "--actor", "RO"]
    args += [
        "--agreement",
        "ua-ro-2024",
        "--source",
        "https://example.org/c",
        "--file",
        str(target),
    ]
    result = run_cli(capsys, *[*args, "--registry", "--db", db])
    assert result.code == 0, result
    assert target.is_file() and "consultation" in target.read_text(encoding="utf-8")
    engine = open_engine(db)
    try:
        assert "consultation" in {e.kind for e in registry_events(engine)}
    finally:
        engine.dispose()


def test_a_consultation_before_its_trigger_is_recorded_with_a_warning(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    verbs.trigger(
        "renewed_aggression",
        datetime.fromisoformat("2026-03-10T06:00:00+00:00"),
        "https://e.org/t",
        db=db,
    )
    args = ["event", "add", "--kind", "consultation", "--at", "2026-03-10T07:00:00+02:00"]
    args += [
        "--actor",
        "UA",
        "--actor",
        "RO",
        "--agreement",
        "ua-ro-2024",
        "--source",
        "https://e.org/c",
    ]
    result = run_cli(capsys, *[*args, "--registry", "--db", db])
    assert result.code == 0, result
    warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "consultation-before-trigger" in warnings[0], result.err
    clock = [o for o in verbs.due(db, datetime.fromisoformat(AT)).obligations if o.opened_by]
    assert [o.state for o in clock] == ["unrecorded"], clock


def test_load_keeps_a_duplicated_event_once_and_says_so(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _data_copy(tmp_path, data_dir)
    shutil.copy(Path(__file__).parent / "bad_events" / "duplicate-event.yaml", root / "events")
    validate = run_cli(capsys, *["validate", str(root)])
    assert validate.code == 0, validate
    result = run_cli(capsys, *["load", str(root), "--db", str(tmp_path / "r.db")])
    assert result.code == 0 and "1 events" in result.err, result
    assert "warning:" in result.err and "duplicate-event" in result.err, result.err


def test_validate_reports_bad_events_with_the_agreements(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _data_copy(tmp_path, data_dir)
    shutil.copy(Path(__file__).parent / "bad_events" / "unknown-provision.yaml", root / "events")
    result = run_cli(capsys, *["validate", str(root)])
    assert result.code == 1 and "unknown-provision" in result.err, result


def test_a_trigger_without_evidence_is_refused_and_not_recorded(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, *["trigger", "renewed_aggression", "--at", AT, "--db", db])
    assert result.code == 2 and "--source" in result.err and result.err.count("\n") == 1, result
    assert not [o for o in verbs.due(db, datetime.fromisoformat(AT)).obligations if o.opened_by]


def test_due_filters_by_state_and_agreement(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "due",
        "--at",
        AT,
        "--format",
        "json",
        "--db",
        db,
        "--state",
        "open",
        "--state",
        "unrecorded",
    ]
    items = json.loads(run_cli(capsys, *args).out)
    assert sorted(i["state"] for i in items) == ["open", "open", "unrecorded", "unrecorded"], items
    missed = json.loads(run_cli(capsys, *[*args[:-4], "--state", "missed"]).out)
    assert missed == [], "nothing is missed without an event that says so"
    none = json.loads(run_cli(capsys, *[*args, "--agreement", "ua-gb-2024"]).out)
    assert none == [], none


def test_due_table_stops_at_its_limit_and_says_how_many_more(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table shows the first --limit obligations, earliest deadline first, and says how
    many it left out; the line above it still counts them all, and JSON lists every one,
    one obligation per line."""
    monkeypatch.setenv("COLUMNS", "200")
    listed = run_cli(capsys, *["due", "--at", AT, "--format", "json", "--db", db])
    items = json.loads(listed.out)
    lines = listed.out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(items) + 2
    assert [json.loads(line.strip().rstrip(",")) for line in lines[1:-1]] == items
    everything = run_cli(capsys, *["due", "--at", AT, "--db", db])
    cut = run_cli(capsys, *["due", "--at", AT, "--db", db, "--limit", "2"])
    assert everything.code == cut.code == 0
    assert cut.out.splitlines()[0] == everything.out.splitlines()[0]  # the counts: all
    assert "shown" not in everything.out
    assert f"2 of {len(items)} shown, earliest deadline first" in " ".join(cut.out.split())
    due_at = sorted(i["due_at"] for i in items)
    rows = [line for line in cut.out.splitlines() if line.startswith("│")]
    assert len(rows) == 2
    assert [r.split("│")[4].strip()[:10] for r in rows] == [d[:10] for d in due_at[:2]]
    assert run_cli(capsys, *["due", "--at", AT, "--db", db, "--limit", "0"]).out == everything.out
    refused = run_cli(capsys, *["due", "--db", db, "--limit", "-1"])
    assert refused.code == 2 and "--limit" in refused.err


def test_a_failed_file_write_leaves_the_registry_as_it_was(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "events.yaml"
    blocked.mkdir()  # a directory where the events file should go: the write must fail
    args = [
        "event",
        "add",
        "--kind",
        "statement",
        "--on",
        "2025-02-01",
        "--agreement",
        "ua-ro-2024",
    ]
    args += ["--source", "https://example.org/s", "--file", str(blocked), "--registry", "--db", db]
    result = run_cli(capsys, *args)
    assert result.code == 1 and result.err.count("\n") == 1, result
    assert "Traceback" not in result.err
    engine = open_engine(db)
    try:
        assert registry_events(engine) == []
    finally:
        engine.dispose()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == [], leftovers


def test_two_events_into_one_file_inside_the_events_folder(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = _data_copy(tmp_path, data_dir)
    monkeypatch.setenv("PACTWATCH_DATA", str(root))
    target = root / "events" / "2025.yaml"
    for day in ("2025-02-01", "2025-03-01"):
        args = ["event", "add", "--kind", "payment", "--on", day, "--agreement", "ua-ro-2024"]
        result = run_cli(capsys, *args, "--source", "https://example.org/p", "--file", str(target))
        assert result.code == 0 and "warning" not in result.err, result
    assert run_cli(capsys, "validate", str(root)).code == 0
    text = target.read_text(encoding="utf-8")
    assert text.count("kind: payment") == 2, text
