"""A date is shown only as precisely as it is known: a month is never rendered as a day.

The same month-precision meeting and delivery run through everything that shows a date:
`status` (table and JSON), `due` (table and JSON), the JSON and Atom feeds and the
iCalendar export. None of them may print the month's first day, which is what a naive
reading of "2025-03" as an instant would give.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pactwatch import verbs
from pactwatch.curate.events import with_content_id
from pactwatch.curate.yamlio import dump_yaml
from pactwatch.model import Event
from tests.cli import run_cli
from tests.rule_case import CASE_SOURCE

REPORT_REGISTRY = Path(__file__).parent / "fixtures" / "report-registry"
AT = "2026-11-27T12:00:00+02:00"
MONTH_EVENTS: list[dict[str, Any]] = [
    {
        "id": "dialogue-march",
        "kind": "meeting",
        "on": "2025-03",
        "actors": ["UA", "RO"],
        "mechanisms": ["ua-ro-2024/strategic-dialogue"],
        "sources": [CASE_SOURCE],
    },
    {
        "id": "patriot-october",
        "kind": "delivery",
        "on": "2024-10",
        "actors": ["RO"],
        "provisions": ["ua-ro-2024/patriot"],
        "completes": True,
        "sources": [CASE_SOURCE],
    },
]
# What a month read as a day would print: its first day, as a date or as an instant.
AS_DAYS = ("2025-03-01", "2024-10-01", "20250301", "20241001")


@pytest.fixture
def db(tmp_path: Path, data_dir: Path) -> str:
    root = tmp_path / "data"
    shutil.copytree(REPORT_REGISTRY, root)
    (root / "events").mkdir()
    text = dump_yaml({"events": MONTH_EVENTS})
    (root / "events" / "month.yaml").write_text(text, encoding="utf-8")
    path = str(tmp_path / "registry.db")
    verbs.load(path, [root])
    return path


def _no_day(text: str, where: str) -> None:
    for day in AS_DAYS:
        assert day not in text, f"{where} shows a month as the day {day}"


def test_the_model_keeps_a_month_a_month() -> None:
    event = Event.model_validate(MONTH_EVENTS[0])
    assert (event.precision, event.when(), event.iso_date()) == ("month", "2025-03", "2025-03")
    assert event.earliest().isoformat() == "2025-03-01T00:00:00+00:00"
    assert event.latest().date().isoformat() == "2025-03-31"
    made = with_content_id(event).id
    assert made.startswith("meeting-2025-03-") and "2025-03-01" not in made, made
    week = Event.model_validate({**MONTH_EVENTS[0], "on": "2024-09-13", "precision": "week"})
    assert (week.when(), week.iso_date()) == ("week of 2024-09-09", "2024-W37")
    assert week.latest().date().isoformat() == "2024-09-15"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"on": "2025-03", "precision": "day"}, "precision 'day' does not fit 'on' '2025-03'"),
        ({"on": "2025-03-04", "precision": "month"}, "does not fit 'on' '2025-03-04'"),
        ({"on": "2025", "precision": "week"}, "precision 'week' does not fit"),
    ],
)
def test_a_precision_finer_or_coarser_than_the_date_is_refused(
    fields: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Event.model_validate({**MONTH_EVENTS[0], **fields})


def test_event_add_names_a_precision_that_does_not_fit_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["event", "add", "--kind", "meeting", "--on", "2025-03", "--precision", "day"]
    args += ["--source", "https://example.org/m", "--file", str(tmp_path / "e.yaml")]
    result = run_cli(capsys, *args)
    assert result.code == 1 and "precision 'day' does not fit" in result.err, result
    assert "Traceback" not in result.err and not (tmp_path / "e.yaml").exists()


def test_status_shows_the_month_and_the_rule_that_scored_it(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    args = ["status", "ua-ro-2024", "--at", AT, "--db", db]
    data = json.loads(run_cli(capsys, *args, "--format", "json").out)
    patriot = next(p for p in data["provisions"] if p["provision"] == "patriot")
    assert (patriot["status"], patriot["score"]) == ("fulfilled", 1), patriot
    assert patriot["rule"] == "E1: delivery patriot-october in 2024-10 completes it", patriot
    assert [(e["on"], e["precision"]) for e in patriot["evidence"]] == [("2024-10", "month")]
    table = run_cli(capsys, *args)
    assert "delivery patriot-october in 2024-10 completes it" in table.out, table.out
    _no_day(json.dumps(data) + table.out, "status")


def test_due_leaves_the_day_of_a_month_meeting_unsaid(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    args = ["due", "--at", AT, "--db", db, "--agreement", "ua-ro-2024"]
    items = json.loads(run_cli(capsys, *args, "--format", "json").out)
    met = [i for i in items if i["state"] == "met"]
    assert [(i["fulfilled_by"], i["fulfilled_on"]) for i in met] == [("dialogue-march", "2025-03")]
    assert met[0]["fulfilled_at"] is None and met[0]["fulfilled_precision"] == "month", met
    table = run_cli(capsys, *args)
    assert "dialogue-march (2025-03)" in table.out, table.out
    _no_day(json.dumps(items) + table.out, "due")


def test_feeds_and_calendar_never_show_the_month_as_a_day(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = run_cli(capsys, *["feed", "--format", "json", "--at", AT, "--db", db]).out
    titles = [item["title"] for item in json.loads(feed)["items"]]
    assert "ua-ro-2024 strategic-dialogue: met by dialogue-march in 2025-03" in titles, titles
    atom = run_cli(capsys, *["feed", "--format", "atom", "--at", AT, "--db", db]).out
    assert "met by dialogue-march in 2025-03<" in atom, atom
    calendar = run_cli(capsys, *["export", "ics", "--db", db]).out
    assert "dialogue-march in 2025-03" in calendar.replace("\r\n ", ""), calendar
    for text, where in ((feed, "JSON feed"), (atom, "Atom feed"), (calendar, "calendar")):
        _no_day(text, where)
