"""`link --apply`: proposals recorded once as draft events, which count for nothing until a
curator reviews them; then the feed shows what they changed and the webhook says it once."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.curate.events import read_events
from pactwatch.link import load_agreements
from pactwatch.model import Event
from pactwatch.notify import verify_signature
from pactwatch.rules import evaluate
from pactwatch.rules.evidence_changes import status_changes
from pactwatch.rules.status import assess_agreement
from tests.cli import run_cli
from tests.test_webhook import REPORT_REGISTRY, SECRET, Receiver, _settings, receiver

__all__ = ["receiver"]

REPORT = (
    "BUCHAREST, Oct 4, 2024 (Wire) - Romania handed over a Patriot air defence system to "
    "Ukraine on Thursday, the defence ministry said.\n"
)
NOW = datetime.fromisoformat("2024-12-01T12:00:00+00:00")


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_apply_records_one_draft_however_often_it_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, report: Path
) -> None:
    target = tmp_path / "proposed.yaml"
    first = run_cli(capsys, "link", str(report), "--apply", "--file", str(target))
    assert first.code == 0, first.err
    assert "draft delivery-2024-10-03-" in first.err
    again = run_cli(capsys, "link", str(report), "--apply", "--file", str(target))
    assert again.code == 0 and "already recorded" in again.err
    [loaded] = read_events([target]).records()
    assert loaded.review is not None and loaded.review.state == "draft"
    assert loaded.provisions == ["ua-ro-2024/patriot"]
    assert loaded.on == "2024-10-03" and loaded.date_precision == "day"


def test_link_json_is_the_proposals(capsys: pytest.CaptureFixture[str], report: Path) -> None:
    result = run_cli(capsys, "link", str(report), "--format", "json")
    [proposal] = json.loads(result.out)
    assert proposal["links"][0]["provision"] == "patriot"


def test_a_missing_report_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    result = run_cli(capsys, "link", str(tmp_path / "nope.txt"))
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1 and "nope.txt" in result.err


def _delivery(review: str | None) -> Event:
    return Event.model_validate(
        {
            "id": "patriot-arrived",
            "kind": "delivery",
            "on": "2024-10-03",
            "actors": ["RO"],
            "provisions": ["ua-ro-2024/patriot"],
            "sources": [{"url": "https://example.org/patriot"}],
            **({"review": {"state": review}} if review else {}),
        }
    )


def _meeting(review: str | None) -> Event:
    return Event.model_validate(
        {
            "id": "dialogue-held",
            "kind": "meeting",
            "on": "2025-03-04",
            "actors": ["RO", "UA"],
            "mechanisms": ["ua-ro-2024/strategic-dialogue"],
            "sources": [{"url": "https://example.org/dialogue"}],
            **({"review": {"state": review}} if review else {}),
        }
    )


def test_a_draft_counts_for_nothing_until_it_is_reviewed() -> None:
    [romania] = [a for a in load_agreements() if a.id == "ua-ro-2024"]
    at = datetime.fromisoformat("2026-11-28T12:00:00+00:00")

    def status(events: list[Event]) -> dict[str, str]:
        found = assess_agreement(romania, evaluate([romania], events, at), events, at)
        return {a.provision: a.status for a in found.assessments}

    nothing = status([])
    assert status([_delivery("draft"), _meeting("draft")]) == nothing
    assert evaluate([romania], [_meeting("draft")], at) == evaluate([romania], [], at)
    assert status_changes([romania], [_delivery("draft")], at) == []
    reviewed = status([_delivery("reviewed"), _meeting("reviewed")])
    assert nothing["patriot"] == "no_evidence" != reviewed["patriot"]
    assert nothing["strategic-dialogue"] != reviewed["strategic-dialogue"]
    assert status([_delivery(None)])["patriot"] == reviewed["patriot"]


def test_reviewed_evidence_shows_in_the_feed_and_alerts_once(
    receiver: Receiver, tmp_path: Path, data_dir: Path
) -> None:
    db = str(tmp_path / "registry.db")
    verbs.load(db, [REPORT_REGISTRY])
    _, before = verbs.feed(db, NOW)
    assert not [c for c in before if "patriot" in c.id]
    verbs.add_event(_delivery("draft"), db=db, file=tmp_path / "events.yaml")
    _, drafted = verbs.feed(db, NOW)
    assert [c.id for c in drafted] == [c.id for c in before]
    reviewed = _delivery("reviewed").model_copy(update={"id": "patriot-arrived-reviewed"})
    verbs.add_event(reviewed, db=db, file=tmp_path / "events.yaml")
    _, after = verbs.feed(db, NOW)
    [change] = [c for c in after if c.id.startswith("ua-ro-2024/patriot#")]
    assert change.id.endswith("@patriot-arrived-reviewed")
    first = verbs.notify_feed(_settings(receiver.url), after, NOW, db, sleep=lambda _: None)
    bodies = [json.loads(body) for _, body in receiver.received]
    assert len(first) == len(after) == len(bodies)
    [alert] = [b for b in bodies if b["type"].startswith("provision.")]
    assert alert["change"]["provision"] == {"agreement": "ua-ro-2024", "id": "patriot"}
    headers, body = next((h, b) for h, b in receiver.received if b"provision." in b)
    assert verify_signature(headers["X-Pactwatch-Signature"], body, SECRET)
    again = verbs.notify_feed(_settings(receiver.url), after, NOW, db, sleep=lambda _: None)
    assert again == [] and len(receiver.received) == len(bodies)


def test_the_feed_command_lists_status_changes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    db = str(tmp_path / "registry.db")
    verbs.load(db, [REPORT_REGISTRY])
    verbs.add_event(_delivery(None), db=db, file=tmp_path / "events.yaml")
    result = run_cli(capsys, "feed", "--db", db, "--at", NOW.isoformat())
    items = json.loads(result.out)["items"]
    assert any(i["tags"][0] == "provision" and "patriot" in i["title"] for i in items)


def test_a_reviewed_meeting_that_meets_an_obligation_alerts_once(
    receiver: Receiver, tmp_path: Path, data_dir: Path
) -> None:
    db = str(tmp_path / "registry.db")
    verbs.load(db, [REPORT_REGISTRY])
    at = datetime.fromisoformat("2025-04-01T12:00:00+00:00")
    verbs.add_event(_meeting("draft"), db=db, file=tmp_path / "events.yaml")
    _, drafted = verbs.feed(db, at)
    assert not [c for c in drafted if c.id.endswith("#met")]
    reviewed = _meeting("reviewed").model_copy(update={"id": "dialogue-held-reviewed"})
    verbs.add_event(reviewed, db=db, file=tmp_path / "events.yaml")
    _, found = verbs.feed(db, at)
    [met] = [c for c in found if c.id.endswith("#met")]
    assert "dialogue-held-reviewed" in met.title()
    verbs.notify_feed(_settings(receiver.url), found, at, db, sleep=lambda _: None)
    verbs.notify_feed(_settings(receiver.url), found, at, db, sleep=lambda _: None)
    types = [json.loads(body)["type"] for _, body in receiver.received]
    assert types.count("obligation.met") == 1
    assert len(types) == len(found)
