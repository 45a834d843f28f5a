"""The curated events of the Ukraine–Romania agreement, read as the registry reads them.

These tests run on `data/` itself: the 13 sourced events must load cleanly, the Patriot
pledge must read as delivered on 2024-10-03 with its source, and nothing that is only
background (a step before signing, an announcement) may count as evidence.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.curate import load_dataset
from pactwatch.curate.events import EventSet, check_events, event_folders, read_events
from pactwatch.model import Agreement, Event
from pactwatch.rules import evaluate
from pactwatch.rules.status import Assessment, Compliance, assess_agreement
from pactwatch.settings import data_dir
from tests.cli import run_cli

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
PATRIOT_ARRIVED = "ro-patriot-delivered-2024-10-03"


@cache
def _checked() -> tuple[Agreement, EventSet]:
    agreements = {item.record.id: item.record for item in load_dataset([data_dir()]).agreements}
    checked = check_events(read_events(event_folders([data_dir()])), agreements)
    return agreements["ua-ro-2024"], checked


@cache
def _compliance() -> Compliance:
    romania, checked = _checked()
    events = checked.records()
    return assess_agreement(romania, evaluate([romania], events, NOW), events, NOW)


def _events() -> list[Event]:
    return [e for e in _checked()[1].records() if "ua-ro-2024" in e.agreement_ids()]


def _one(provision: str) -> Assessment:
    return next(a for a in _compliance().assessments if a.provision == provision)


def test_the_romania_events_load_with_no_problem_or_warning() -> None:
    _, checked = _checked()
    assert not checked.problems, [p.line() for p in checked.problems]
    assert not checked.warnings, [p.line() for p in checked.warnings]
    assert len(_events()) == 13, [e.id for e in _events()]
    for event in _events():
        assert event.sources and all(s.url for s in event.sources), event.id
        assert event.description, event.id


def test_the_patriot_pledge_reads_delivered_on_2024_10_03_with_its_source() -> None:
    patriot = _one("patriot")
    assert (patriot.status, patriot.label, patriot.score) == ("fulfilled", "fulfilled", 1)
    assert patriot.rule == f"E1: delivery {PATRIOT_ARRIVED} on 2024-10-03 completes it"
    delivered = next(e for e in patriot.evidence if e.id == PATRIOT_ARRIVED)
    assert (delivered.when, delivered.precision, delivered.kind) == (
        "2024-10-03",
        "day",
        "delivery",
    )
    assert delivered.sources and delivered.sources[0].startswith("https://"), delivered
    # the steps before it (bill, vote, law) are shown as evidence of progress, each at its
    # own precision: the bill is known to the month only
    assert [e.when for e in patriot.evidence] == [
        "2024-08",
        "2024-09-03",
        "2024-09-05",
        "2024-10-03",
    ]


def test_background_events_never_count() -> None:
    background = [e for e in _events() if e.background]
    assert background and not any(e.completes for e in background)
    romania, _ = _checked()
    assert romania.signed_on is not None
    signed = datetime(
        romania.signed_on.year, romania.signed_on.month, romania.signed_on.day, tzinfo=UTC
    )
    early = [e.id for e in _events() if e.earliest() < signed]
    assert early and all(e.background for e in _events() if e.id in early), early
    for provision in ("black-sea-demining", "transit"):
        found = _one(provision)
        assert (found.status, found.score) == ("no_evidence", None), found
        assert found.background and not found.evidence, found
        assert "background event(s) shown, not counted" in found.rule, found.rule


def test_no_recorded_dialogue_is_read_as_missed() -> None:
    romania, checked = _checked()
    dialogues = [
        o
        for o in evaluate([romania], checked.records(), NOW)
        if o.mechanism in {"strategic-dialogue", "review"} and o.due_at <= NOW
    ]
    assert dialogues and {o.state for o in dialogues} == {"unrecorded"}, dialogues
    assert {o.label for o in dialogues} == {"no meeting recorded"}
    assert _one("strategic-dialogue").status == "no_evidence"


def test_every_score_rests_on_an_event_and_names_it() -> None:
    scored = [a for a in _compliance().assessments if a.score is not None]
    assert scored, "the real events give scores"
    for found in scored:
        assert found.evidence, found
        assert any(e.id in found.rule for e in found.evidence), found.rule
    unscored = [a for a in _compliance().assessments if not a.evidence]
    assert all(a.score is None for a in unscored), [a.provision for a in unscored if a.score]


def test_the_week_of_the_first_f16_lessons_is_not_made_a_day() -> None:
    training = _one("f16-training")
    assert (training.status, training.score) == ("in_progress", 0), training
    assert [(e.when, e.precision) for e in training.evidence] == [("week of 2024-09-09", "week")]
    assert "in the week of 2024-09-09" in training.rule, training.rule


@pytest.mark.parametrize("command", [["validate"], ["load"]])
def test_validate_and_load_take_the_events_cleanly(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*command, "--db", str(tmp_path / "r.db")] if command == ["load"] else command
    result = run_cli(capsys, *args)
    assert result.code == 0, result
    assert "warning" not in result.err, result.err
    if command == ["load"]:
        assert "13 events" in result.err, result.err
        status = verbs.status("ua-ro-2024", str(tmp_path / "r.db"), NOW)
        patriot = next(a for a in status.assessments if a.provision == "patriot")
        assert patriot.rule.endswith("on 2024-10-03 completes it"), patriot.rule
