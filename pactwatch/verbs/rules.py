"""Verbs of the rules: what is due, triggers, events, status, feeds and alerts.

The rules engine is pure; these functions fetch its inputs from the registry or the data
folder, call it with an instant, and write events (file and registry together) through
the registry's one write path, so history is kept and a running service sees them at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from pactwatch.curate import load_dataset
from pactwatch.curate.dataset import Loaded, read_record
from pactwatch.curate.events import (
    EventSet,
    check_events,
    event_folders,
    read_events,
    write_event_file,
)
from pactwatch.model import (
    Agreement,
    Event,
    EventFile,
    EventSource,
    PactwatchError,
    Problem,
)
from pactwatch.notify import (
    Delivery,
    WebhookSettings,
    change_key,
    deliver,
    deliver_change,
    idempotency_key,
)
from pactwatch.rules import DueSummary, Obligation, evaluate, opened_by, summarise
from pactwatch.rules.changes import Change
from pactwatch.rules.evidence_changes import StatusChange, feed_changes
from pactwatch.rules.indexed import evaluate_indexed, reevaluate
from pactwatch.rules.newest_changes import newest_feed
from pactwatch.rules.status import Compliance, assess_agreement
from pactwatch.rules.timing import require_aware
from pactwatch.settings import FEED_ITEMS, data_dir
from pactwatch.store import events as store_events
from pactwatch.store.feed_reads import FeedReads
from pactwatch.store.registry import Registry, cli_actor
from pactwatch.store.rule_events import RuleReads, agreement_events
from pactwatch.verbs.registry import Db, agreement, opened, registry_inputs

# The states an official is told about: a clock or period running, a deadline passed with
# nothing recorded, and a duty missed on evidence.
ALERTING = frozenset({"open", "unrecorded", "missed"})


@dataclass(frozen=True)
class DueReport:
    now: datetime
    obligations: list[Obligation]
    summary: DueSummary


@dataclass(frozen=True)
class EventAdded:
    event: Event
    duplicate_of: str | None
    warnings: list[Problem]
    written: list[str]
    opened: list[Obligation] = field(default_factory=list)


def instant(value: datetime | None, field_name: str = "--at") -> datetime:
    """`value` (default: the current time), refused without a time zone."""
    if value is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return require_aware(value, field_name)
    except ValueError as error:
        raise PactwatchError.at(field_name, "", "naive-datetime", str(error)) from None


def due(db: Db = None, at: datetime | None = None) -> DueReport:
    """Every obligation in the registry at `at` (default: now) and the next deadline."""
    now = instant(at)
    with opened(db) as registry, registry.reader().connect() as connection:
        obligations = evaluate_indexed(RuleReads(connection), now)
    return DueReport(now, obligations, summarise(obligations, now, ordered=True))


def status(agreement_id: str, db: Db = None, at: datetime | None = None) -> Compliance:
    """Each provision's status and G7-style score, with the rule behind it."""
    now = instant(at)
    with opened(db) as registry:
        found = agreement(agreement_id, registry)
        with registry.reader().connect() as connection:
            events = agreement_events(connection, agreement_id)
    return assess_agreement(found, evaluate([found], events, now), events, now)


def feed(
    db: Db = None, at: datetime | None = None, limit: int = FEED_ITEMS
) -> tuple[datetime, list[Change | StatusChange]]:
    """The `limit` newest changes of obligation state, and of provision status that
    evidence made, up to `at`, newest first, read through the indexes
    (`rules.newest_changes`); `limit` 0: every change, from the whole registry."""
    now = instant(at)
    if limit == 0:
        agreements, events = registry_inputs(db)
        obligations = evaluate(agreements, events, now)
        return now, feed_changes(agreements, events, obligations, now)
    with opened(db) as registry, registry.reader().connect() as connection:
        return now, newest_feed(RuleReads(connection), FeedReads(connection), now, limit)


def add_event(
    event: Event, *, file: Path | None = None, db: Db = None, data: Path | None = None
) -> EventAdded:
    """Check one event against the agreements and the events already recorded, then write it
    to an events file and/or the registry, all or nothing; an equal event is not written again.

    With `db`, the event goes into the registry (and into `file` too when one is named);
    without, into `file` or `data/events/ID.yaml`.
    """
    if db is not None:
        with opened(db) as registry:
            return _add_event(event, file, registry, data)
    return _add_event(event, file, None, data)


def _add_event(
    event: Event, file: Path | None, registry: Registry | None, data: Path | None
) -> EventAdded:
    if registry is not None:
        agreements, existing = registry_inputs(registry)
        known = [Loaded(Path(registry.url), e) for e in existing]
    else:
        agreements = [item.record for item in load_dataset([data or data_dir()]).agreements]
        known = []
    if file is not None or registry is None:
        folders = event_folders([data or data_dir()])
        known += read_events(folders + _existing(file, folders)).events
    same = next((k for k in known if k.record.fingerprint() == event.fingerprint()), None)
    if same is not None:
        return EventAdded(event, same.record.id, [], [])
    clash = next((k for k in known if k.record.id == event.id), None)
    if clash is not None:
        raise PactwatchError.at(
            str(clash.path), f"event {event.id}", "duplicate-event-id", "id already used"
        )
    target = file or (data or data_dir()) / "events" / f"{event.id}.yaml"
    checked = check_events(
        EventSet(events=[*known, Loaded(target, event)]), {a.id: a for a in agreements}
    )
    mine = f"event {event.id}"
    errors = [p for p in checked.problems if p.path == mine]
    if errors:
        raise PactwatchError(errors[0])
    written = _write_event(event, target if (file or registry is None) else None, registry)
    warnings = [p for p in checked.warnings if p.path == mine]
    return EventAdded(event, None, warnings, written)


def _event_errors(event: Event, agreements: Mapping[str, Agreement]) -> list[Problem]:
    """The check the registry runs inside its transaction, against what it holds then."""
    checked = check_events(EventSet(events=[Loaded(Path("event"), event)]), agreements)
    return checked.problems


def _existing(file: Path | None, folders: Sequence[Path]) -> list[Path]:
    """The target file, when it exists and is not already read as part of a folder."""
    if file is None or not file.is_file():
        return []
    inside = any(file.resolve().parent == folder.resolve() for folder in folders)
    return [] if inside else [file]


def _write_event(event: Event, file: Path | None, registry: Registry | None) -> list[str]:
    """The registry row and the file, together: the file is replaced inside the transaction."""
    if registry is None:
        if file is not None:
            _append_to_file(file, event)
        return [str(file)] if file is not None else []
    also = (lambda: _append_to_file(file, event)) if file is not None else None
    registry.record_event(event, cli_actor(), _event_errors, also=also)
    return [registry.url] + ([str(file)] if file is not None else [])


def _append_to_file(file: Path, event: Event) -> None:
    current: list[Event] = []
    if file.is_file():
        record, problems = read_record(file, EventFile)
        if record is None:
            raise PactwatchError(problems[0])
        current = record.events
    write_event_file(file, [*current, event])


def trigger(
    kind: str,
    at: datetime,
    source: str,
    *,
    db: Db = None,
    file: Path | None = None,
    description: str | None = None,
    now: datetime | None = None,
) -> EventAdded:
    """Record a trigger in the registry and return every clock it opens across it."""
    with opened(db) as registry:
        return _trigger(kind, at, source, registry, file, description, now)


def _trigger(
    kind: str,
    at: datetime,
    source: str,
    registry: Registry,
    file: Path | None,
    description: str | None,
    now: datetime | None,
) -> EventAdded:
    moment = instant(at)
    event_id = f"{kind.replace('_', '-')}-{moment.astimezone(UTC):%Y%m%dt%H%M%Sz}"
    event = Event(
        id=event_id,
        kind="trigger",
        subkind=kind,
        at=moment,
        sources=[EventSource(url=source)],
        description=description,
    )
    added = _add_event(event, file, registry, None)
    first = added.duplicate_of or event.id
    with registry.reader().connect() as connection:
        touched = reevaluate(RuleReads(connection), event, max(moment, instant(now)))
    opened = opened_by(touched, first)
    return replace(added, opened=opened)


def notify(
    settings: WebhookSettings,
    obligations: Sequence[Obligation],
    now: datetime,
    db: Db = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send one signed alert per open, unrecorded or missed obligation not yet sent to this URL.

    The registry remembers each delivered key (per URL), so running `due --webhook` on a
    schedule alerts on what is new since the last run; a failed delivery is retried next run.
    All the deliveries share one deadline, `settings.run_timeout` from now.
    """
    until = time.monotonic() + settings.run_timeout
    alerting = [o for o in obligations if o.state in ALERTING]
    with opened(db) as registry:
        engine = registry.engine
        sent = store_events.delivered_keys(engine, settings.url)
        deliveries = []
        for obligation in alerting:
            if idempotency_key(obligation) in sent:
                continue
            delivery = deliver(settings, obligation, now, sleep, until)
            deliveries.append(delivery)
            store_events.mark_delivered(engine, settings.url, [delivery.key])
        return deliveries


def notify_feed(
    settings: WebhookSettings,
    items: Sequence[Change | StatusChange],
    now: datetime,
    db: Db = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send one signed alert per change of the feed not yet sent to this URL: a provision's
    status moved by a reviewed event, an obligation met (or opened, unrecorded, missed).

    Keys are remembered per URL like `notify`'s, and an obligation's change has the key
    `due --webhook` sends for it, so running both, or either again, alerts once.
    """
    until = time.monotonic() + settings.run_timeout
    with opened(db) as registry:
        engine = registry.engine
        sent = store_events.delivered_keys(engine, settings.url)
        deliveries = []
        for item in sorted(items, key=lambda c: (c.at, c.id)):
            if change_key(item) in sent:
                continue
            delivery = deliver_change(settings, item, now, sleep, until)
            deliveries.append(delivery)
            store_events.mark_delivered(engine, settings.url, [delivery.key])
            sent.add(delivery.key)
        return deliveries
