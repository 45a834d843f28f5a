"""Events read from data/events/*.yaml and checked against the agreements they name.

Errors (unknown agreement or provision, a date before signing on an event that is not
marked as background, a trigger without an exact instant, an event that both completes a
provision and says it did not happen or is only background, one id for two different
events) stop a load or an `event add`. Warnings do not:
the same fact recorded twice is kept once, and a consultation that precedes every trigger
is reported because it will meet no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pactwatch.curate.dataset import Loaded, read_record, yaml_files
from pactwatch.curate.yamlio import dump_yaml
from pactwatch.model import Agreement, Event, EventFile, Problem
from pactwatch.model.values import Duration
from pactwatch.settings import data_dir

TRIGGER_KINDS = ("renewed_aggression", "significant_escalation")


@dataclass
class EventSet:
    """Events found under some paths (duplicates by content dropped), with what was found."""

    events: list[Loaded[Event]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def records(self) -> list[Event]:
        return [item.record for item in self.events]


def event_folders(paths: Sequence[Path] = ()) -> list[Path]:
    """Where events live for a load of `paths`: each folder's `events/` (default: data/)."""
    folders = [path / "events" for path in (paths or [data_dir()]) if path.is_dir()]
    return [folder for folder in folders if folder.is_dir()]


def read_events(paths: Iterable[Path]) -> EventSet:
    """Every event in the YAML files named, or found in these folders (none is fine)."""
    files, problems = yaml_files(paths, "events")
    found = EventSet(problems=[p for p in problems if p.code != "no-data"])
    for path in files:
        record, problems = read_record(path, EventFile)
        found.problems.extend(problems)
        if record is not None:
            found.events.extend(Loaded(path, event) for event in record.events)
    return found


def check_events(found: EventSet, agreements: Mapping[str, Agreement]) -> EventSet:
    """The same events with duplicates dropped, plus every problem and warning about them."""
    result = EventSet(problems=list(found.problems), warnings=list(found.warnings))
    by_id: dict[str, Loaded[Event]] = {}
    by_print: dict[str, Loaded[Event]] = {}
    for item in _ordered(found.events):
        event, file = item.record, str(item.path)
        at = f"event {event.id}"
        fingerprint = event.fingerprint()
        if fingerprint in by_print:
            first = by_print[fingerprint]
            result.warnings.append(
                Problem(
                    file,
                    at,
                    "duplicate-event",
                    f"same content as event {first.record.id} ({first.path}); recorded once",
                )
            )
            continue
        if event.id in by_id:
            result.problems.append(
                Problem(
                    file,
                    at,
                    "duplicate-event-id",
                    f"id {event.id!r} is already used by another event in {by_id[event.id].path}",
                )
            )
            continue
        by_id[event.id] = by_print[fingerprint] = item
        result.problems.extend(
            Problem(file, at, code, msg) for code, msg in _check(event, agreements)
        )
        result.events.append(item)
    for item in result.events:
        result.warnings.extend(
            Problem(str(item.path), f"event {item.record.id}", code, msg)
            for code, msg in _timing_warnings(item.record, result.records(), agreements)
        )
    return result


def _ordered(items: Sequence[Loaded[Event]]) -> list[Loaded[Event]]:
    """Stable order (time, then id) so which duplicate is kept never depends on file order."""
    return sorted(items, key=lambda item: (item.record.earliest(), item.record.id))


def _check(event: Event, agreements: Mapping[str, Agreement]) -> Iterator[tuple[str, str]]:
    if event.completes and not event.is_evidence():
        why = "is only background" if event.background else "says it did not happen"
        yield (
            "completes-without-evidence",
            f"it {why}, so it cannot complete what it names; drop 'completes'",
        )
    if event.kind == "trigger":
        if event.at is None:
            yield "trigger-needs-instant", "a trigger opens a clock: give 'at' with its offset"
        if event.subkind is None:
            yield "trigger-needs-subkind", f"give its subkind, one of: {', '.join(TRIGGER_KINDS)}"
    for aid in sorted(event.agreement_ids()):
        agreement = agreements.get(aid)
        if agreement is None:
            yield "unknown-agreement", f"no agreement with id {aid!r}; `pactwatch list` shows them"
            continue
        if (
            not event.background
            and agreement.signed_on
            and event.latest() < datetime.combine(agreement.signed_on, datetime.min.time(), UTC)
        ):
            yield (
                "event-before-signing",
                f"dated {event.when()}, before {aid} was signed on {agreement.signed_on}; "
                "mark it 'background: true' if it is context for what it names",
            )
    for kind, refs in (("provision", event.provisions), ("mechanism", event.mechanisms)):
        for ref in refs:
            aid, item = ref.split("/", 1)
            agreement = agreements.get(aid)
            if agreement is not None and item not in _item_ids(agreement, kind):
                yield (
                    f"unknown-{kind}",
                    f"{aid} has no {kind} {item!r}; `pactwatch show {aid}` lists them",
                )


def _item_ids(agreement: Agreement, kind: str) -> set[str]:
    items = agreement.provisions if kind == "provision" else agreement.mechanisms
    return {item.id for item in items}


def _timing_warnings(
    event: Event, events: Sequence[Event], agreements: Mapping[str, Agreement]
) -> Iterator[tuple[str, str]]:
    """A consultation that comes before every trigger that could open its clock."""
    if event.kind != "consultation" or not event.is_evidence():
        return
    for aid in sorted(event.agreement_ids()):
        agreement = agreements.get(aid)
        clocks = (
            [m for m in agreement.mechanisms if m.kind == "consultation_on_trigger"]
            if agreement
            else []
        )
        for mechanism in clocks:
            if event.at is None:
                yield "consultation-needs-instant", "the 24-hour rule needs 'at' with its offset"
                return
            within = Duration.parse(mechanism.within or "PT24H").exact
            starters = [
                e.earliest()
                for e in events
                if e.kind in ("trigger", "request")
                and e.at is not None
                and (not e.agreement_ids() or aid in e.agreement_ids())
                and (e.subkind is None or e.subkind in mechanism.triggers)
            ]
            if any(s <= event.earliest() <= s + within for s in starters):
                continue
            later = [s for s in starters if s > event.earliest()]
            if later:
                yield (
                    "consultation-before-trigger",
                    f"at {event.at.isoformat()} it precedes the trigger at {min(later).isoformat()}"
                    f" ({aid}/{mechanism.id}): it meets no clock; check both times and offsets",
                )


def with_content_id(draft: Event) -> Event:
    """The event with an id derived from its kind, day and content: adding the same event
    twice gives the same id, so it is recognised as a duplicate wherever it comes from.
    The date in it is no more precise than the event's ('2024-08', '2024-w37')."""
    return draft.model_copy(
        update={"id": f"{draft.kind}-{date_slug(draft)}-{draft.fingerprint()[:8]}"}
    )


def date_slug(event: Event) -> str:
    """The event's date for an id, as precise as it is known and no more."""
    first = event.earliest().date()
    if event.date_precision == "week":
        year, week, _ = first.isocalendar()
        return f"{year}-w{week:02d}"
    if event.date_precision in ("month", "year"):
        return event.on or first.isoformat()
    return first.isoformat()


def event_yaml(event: Event) -> dict[str, object]:
    """An event as written in data files: defaults left out, instants as text with offset."""
    return event.model_dump(mode="json", exclude_defaults=True)


def write_event_file(path: Path, events: Sequence[Event]) -> None:
    """Write an events file whole, through a temporary file, so it is never half-written."""
    text = dump_yaml({"events": [event_yaml(e) for e in events]})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
