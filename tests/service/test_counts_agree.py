"""Counts and days agree on every page and command, and each mechanism reads in one line.

`pactwatch show`, `pactwatch due`, the agreement page and /due count days left with one
function; the /due summary counts the lists its tables show; `due --agreement` summarises
that agreement, not the registry. The standing line says what the record and the events
say, and "no ... recorded" when no event is recorded.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from pactwatch import verbs
from pactwatch.cli.read_cmds import render_agreement
from pactwatch.rules import evaluate
from pactwatch.rules.timing import days_until
from pactwatch.web.standing import standings
from tests.cli import run_cli
from tests.service.conftest import DATA

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "registry.db")
    verbs.load(path, [DATA])
    return path


def _text(renderable: object) -> str:
    console = Console(width=200, record=True)
    console.print(renderable)
    return console.export_text()


def test_show_and_due_count_the_same_days_left(db: str) -> None:
    for hour in (0, 1, 12, 23):
        now = AT.replace(hour=hour, minute=30)
        agreement = verbs.agreement("ua-ro-2024", db)
        shown = re.search(r"(\d+) whole days left", _text(render_agreement(agreement, now)))
        term = next(
            o
            for o in verbs.due(db, now).obligations
            if o.agreement == "ua-ro-2024" and o.kind == "term"
        )
        assert shown and int(shown.group(1)) == term.days_remaining, (hour, shown, term)
        end = agreement.term_end()
        assert end is not None and term.days_remaining == days_until(end, now)
        assert term.days_remaining == (end - now.date()).days - 1  # whole days: not the date gap


def test_due_summary_counts_the_agreement_it_shows(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    db = str(tmp_path / "full.db")
    verbs.load(db, [data_dir])  # every agreement with its mechanisms
    out = run_cli(
        capsys, "due", "--at", AT.isoformat(), "--db", db, "--agreement", "ua-ro-2024"
    ).out
    rows = [line for line in out.splitlines() if line.startswith("│ ")]
    counted = re.search(r"(\d+) upcoming, (\d+) open, (\d+) met, (\d+) passed", out)
    assert counted and rows, out
    assert sum(int(n) for n in counted.groups()) + int(
        re.search(r"(\d+) missed on evidence", out).group(1)  # type: ignore[union-attr]
    ) == len(rows), (counted.groups(), len(rows))
    everything = verbs.due(db, AT).obligations
    assert len(rows) < len(everything), "the registry has more than one agreement's periods"


def test_due_page_summary_is_the_tables_lengths(db: str) -> None:
    an_hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    verbs.trigger("significant_escalation", an_hour_ago, "https://example.org/r", db=db)
    client = TestClient(verbs.service(db))
    html = client.get("/due").text
    lead = re.sub(r"<[^>]+>", "", html[html.index('<p class="lead">') : html.index("Also as")])
    said = {
        "clocks": r"(\d+) consultation clocks? open",
        "missed": r"(\d+) missed on evidence",
        "unrecorded": r"(\d+) passed with nothing recorded",
        "dialogues": r"(\d+) dialogues? pending",
        "terms": r"(\d+) terms? still to end",
    }
    for table, pattern in said.items():
        found = re.search(pattern, lead)
        assert found, (pattern, lead)
        body = re.search(rf'<table class="due {table}">.*?<tbody>(.*?)</tbody>', html, re.S)
        rows = body.group(1).count("<tr") if body else 0
        if table == "terms":
            heading = re.search(r'<h2 id="terms-h">[^<]*?(\d+)\)</h2>', html)
            assert heading and int(heading.group(1)) == int(found.group(1)), heading
            assert rows == min(10, int(found.group(1)))
        else:
            assert rows == int(found.group(1)), (table, rows, lead)
    assert re.search(r"[1-9]\d* consultation clocks? open", lead), lead


def test_a_mechanism_reads_in_one_line_from_record_and_events(db: str) -> None:
    agreement = verbs.agreement("ua-ro-2024", db)
    events = verbs.due(db, AT)  # no trigger recorded yet
    lines = {s.mechanism: s for s in standings(agreement, events.obligations, AT)}
    consult = lines["consult-24h"].line
    assert lines["consult-24h"].name == "Consultations within 24 hours"
    assert consult.startswith("standing, in force until 11 July 2034"), consult
    mechanism = next(m for m in agreement.mechanisms if m.id == "consult-24h")
    what = "request" if mechanism.starts_on == "request" else "trigger"
    assert consult.endswith(f"no {what} recorded") and "never" not in consult, consult
    assert lines["term"].line.startswith("in force until 11 July 2034 (")
    at = AT - timedelta(hours=2)
    verbs.trigger("significant_escalation", at, "https://example.org/r", db=db)
    later = verbs.due(db, AT).obligations
    after = {s.mechanism: s.line for s in standings(agreement, later, AT)}
    assert (
        f"{what} recorded 1 time, last {at.date().isoformat()}; 1 clock running"
        in after["consult-24h"]
    )
    page = TestClient(verbs.service(db)).get("/agreements/ua-ro-2024").text
    assert (
        "Consultations within 24 hours</a></strong>: standing, in force until 11 July 2034" in page
    )
    assert evaluate([agreement], [], AT) != later
