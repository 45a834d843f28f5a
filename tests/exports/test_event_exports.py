"""Events reach every exporter that can show them, through one capability (`use_events`)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pactwatch import verbs
from pactwatch.export import base
from pactwatch.export.base import EventAware, bearing_on
from pactwatch.export.ics_format import HORIZON_LIMIT, horizon_of
from pactwatch.model import Agreement, Event
from tests.exports.conftest import export_bytes


class Probe:
    """A plugin-style format that prints the ids of the events it was given."""

    media_type = "text/plain"
    extension = "txt"

    def __init__(self, *, single: bool = False) -> None:
        self._ids: list[str] = []
        self._events: list[Event] = []

    def use_events(self, events: Sequence[Event]) -> None:
        self._events = list(events)

    def write(self, agreement: Agreement) -> None:
        self._ids.append(agreement.id)

    def finalize(self) -> bytes:
        return " ".join(e.id for e in bearing_on(self._events, self._ids)).encode()


def test_a_registered_format_with_use_events_receives_the_registry_events(
    fixture_db: str, fixture_events: list[Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing names the format: having `use_events` is enough for the export verb."""
    monkeypatch.setitem(base._REGISTRY, "zz-probe", Probe)
    assert isinstance(Probe(), EventAware)
    got = verbs.export("zz-probe", fixture_db).decode().split()
    assert sorted(got) == sorted(e.id for e in fixture_events), got
    alone = verbs.export("zz-probe", fixture_db, "zz-empty-2025").decode().split()
    assert alone == [e.id for e in fixture_events if "zz-empty-2025" in e.agreement_ids()], alone


def test_the_calendar_still_gets_its_events(
    fixture_db: str, fixture_agreements: list[Agreement]
) -> None:
    """The logged trigger opens the fixture's 24-hour clock: its deadline is in the calendar
    only when the export verb handed the events over."""
    with_events = verbs.export("ics", fixture_db).decode()
    without = export_bytes("ics", fixture_agreements).decode()
    assert "consult-24h" in with_events and "consult-24h" not in without, with_events


@pytest.mark.parametrize("fmt", ["jsonld", "ttl", "datapackage"])
def test_linked_and_tabular_exports_name_every_event(
    fmt: str, fixture_db: str, fixture_events: list[Event]
) -> None:
    data = verbs.export(fmt, fixture_db)
    if fmt == "datapackage":
        data = zipfile.ZipFile(io.BytesIO(data)).read("events.csv")
    text = data.decode("utf-8")
    missing = [e.id for e in fixture_events if e.id not in text]
    assert not missing, missing


def _event(event_id: str, hours: int, **refs: list[str]) -> Event:
    at = datetime(2025, 3, 1, tzinfo=UTC) + timedelta(hours=hours)
    data = {"id": event_id, "kind": "statement", "at": at.isoformat(), **refs}
    return Event.model_validate(data | {"sources": [{"url": "https://example.org/e"}]})


def test_bearing_on_keeps_named_and_unscoped_events_in_time_order() -> None:
    here = _event("here", 2, provisions=["a-1/p"])
    there = _event("there", 1, mechanisms=["b-2/m"])
    everywhere = _event("everywhere", 3)
    early = _event("early", 0, agreements=["a-1", "b-2"])
    for given in ([here, there, everywhere, early], [early, everywhere, there, here]):
        kept = [e.id for e in bearing_on(given, ["a-1"])]
        assert kept == ["early", "here", "everywhere"], (given, kept)


@pytest.mark.parametrize(
    "at",
    [
        datetime(9999, 12, 31, 23, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-14))),
    ],
    ids=["year-9999", "year-1-plus-14h", "year-9999-minus-14h"],
)
def test_the_calendar_horizon_holds_for_an_event_at_the_edge_of_time(
    full: Agreement, at: datetime
) -> None:
    """The model refuses such dates now; a registry written before that may still hold one
    (built here without validation), and the calendar must still be made."""
    edge = Event.model_construct(
        id="edge", kind="statement", at=at, on=None, agreements=[full.id], sources=[]
    )
    horizon = horizon_of([full], [edge])
    assert horizon <= HORIZON_LIMIT
    assert b"BEGIN:VCALENDAR" in export_bytes("ics", [full], [edge])
