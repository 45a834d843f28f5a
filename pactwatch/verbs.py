"""The Python API: the CLI's verbs as importable functions.

Each command-line verb calls exactly one function here, so a notebook or another program
gets the same behaviour (and the same coded problems) as the terminal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine

from pactwatch.curate import load_dataset, validate_dataset
from pactwatch.curate.dataset import Loaded, read_record
from pactwatch.curate.events import (
    EventSet,
    check_events,
    event_folders,
    read_events,
    write_event_file,
)
from pactwatch.export import EventAware, Exporter, MultiFileExporter, exporter_for
from pactwatch.export.akn_read import read_akn
from pactwatch.export.output import write_file, write_folder
from pactwatch.model import (
    Agreement,
    Event,
    EventFile,
    EventSource,
    PactwatchError,
    Problem,
)
from pactwatch.notify import Delivery, WebhookSettings, deliver, idempotency_key
from pactwatch.rules import DueSummary, Obligation, evaluate, opened_by, summarise
from pactwatch.rules.changes import Change, changes
from pactwatch.rules.status import Compliance, assess_agreement
from pactwatch.rules.timing import require_aware
from pactwatch.settings import data_dir, default_db, sources_dir
from pactwatch.sources import SourceLibrary
from pactwatch.store import (
    AgreementSummary,
    LoadReport,
    ensure_loaded,
    get_agreement,
    list_agreements,
    load_registry,
    open_engine,
)
from pactwatch.store import events as store_events
from pactwatch.store.engine import database_url
from pactwatch.store.events import insert_events
from pactwatch.store.read import all_agreements


def validate(paths: Sequence[Path] = (), sources: Path | None = None) -> list[Problem]:
    """Every problem in the curated files under `paths` (default: the data folder)."""
    dataset = load_dataset(list(paths) or [data_dir()])
    problems = validate_dataset(dataset, SourceLibrary(sources or sources_dir()))
    return problems + check_events(read_events(event_folders(paths)), dataset.by_id()).problems


def load(
    db: str | None = None, paths: Sequence[Path] = (), sources: Path | None = None
) -> LoadReport:
    """Validate the dataset, then replace the registry's content with it in one transaction."""
    dataset = load_dataset(list(paths) or [data_dir()])
    problems = validate_dataset(dataset, SourceLibrary(sources or sources_dir()))
    found = check_events(read_events(event_folders(paths)), dataset.by_id())
    if problems or found.problems:
        raise LoadRefused(problems + found.problems)
    records = found.records()
    engine = open_engine(db)
    target = _sqlite_file(db)
    existed = target.exists() if target else True
    try:
        report = load_registry(
            engine,
            [item.record for item in dataset.agreements],
            also=lambda connection: insert_events(connection, records),
        )
        return replace(report, events=len(records), warnings=tuple(found.warnings))
    except BaseException:
        engine.dispose()
        if target is not None and not existed:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        engine.dispose()


class LoadRefused(PactwatchError):
    """Validation found several problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0])
        self.problems = problems


def _sqlite_file(db: str | None) -> Path | None:
    url = database_url(db)
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or ":memory:" in url:
        return None
    return Path(url[len(prefix) :])


def _open_for_reading(db: str | None) -> Engine:
    """An engine on an existing registry; reading never creates an empty database file."""
    target = _sqlite_file(db)
    if target is not None and not target.exists():
        raise PactwatchError.at(
            str(target), "", "registry-empty", "no registry here yet; run `pactwatch load` first"
        )
    engine = open_engine(db)
    ensure_loaded(engine, database_url(db))
    return engine


def registry(db: str | None = None) -> list[AgreementSummary]:
    engine = _open_for_reading(db)
    try:
        return list_agreements(engine)
    finally:
        engine.dispose()


def agreement(agreement_id: str, db: str | None = None) -> Agreement:
    engine = _open_for_reading(db)
    try:
        found = get_agreement(engine, agreement_id)
    finally:
        engine.dispose()
    if found is None:
        raise PactwatchError.at(
            database_url(db),
            "agreement",
            "unknown-agreement",
            f"no agreement with id {agreement_id!r}; `pactwatch list` shows them",
        )
    return found


def export(fmt: str, db: str | None = None, agreement_id: str | None = None) -> bytes:
    """One agreement (when `agreement_id` is given) or the whole registry, in a format."""
    return _filled_exporter(fmt, db, agreement_id).finalize()


def _filled_exporter(fmt: str, db: str | None, agreement_id: str | None) -> Exporter:
    exporter = exporter_for(fmt, single=agreement_id is not None)
    if isinstance(exporter, EventAware):
        _, events = _registry_inputs(db)
        exporter.use_events(events)
    if agreement_id is not None:
        exporter.write(agreement(agreement_id, db))
    else:
        engine = _open_for_reading(db)
        try:
            for item in all_agreements(engine):
                exporter.write(item)
        finally:
            engine.dispose()
    return exporter


def export_to(
    fmt: str, out: Path, db: str | None = None, agreement_id: str | None = None
) -> list[Path]:
    """Write an export atomically to `out` and return the paths written.

    Formats made of several files (datapackage, one akn/yaml file per agreement) write a
    folder unless `out` ends with the format's own extension (`pkg.zip`, `ro.xml`).
    """
    exporter = _filled_exporter(fmt, db, agreement_id)
    if isinstance(exporter, MultiFileExporter) and out.suffix != f".{exporter.extension}":
        return write_folder(out, exporter.finalize_files())
    write_file(out, exporter.finalize())
    return [out]


def import_agreement(fmt: str, path: Path) -> Agreement:
    """Read an agreement back from an exported document (so far: Akoma Ntoso XML)."""
    if fmt != "akn":
        raise PactwatchError.at(
            str(path), "format", "unknown-format", f"cannot import {fmt!r}; choose one of: akn"
        )
    return read_akn(path)


# --- Rules: what is due, triggers, events, status, feeds, alerts ---------------------------


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


def _registry_inputs(db: str | None) -> tuple[list[Agreement], list[Event]]:
    engine = _open_for_reading(db)
    try:
        return all_agreements(engine), store_events.read_events(engine)
    finally:
        engine.dispose()


def due(db: str | None = None, at: datetime | None = None) -> DueReport:
    """Every obligation in the registry at `at` (default: now) and the next deadline."""
    now = instant(at)
    agreements, events = _registry_inputs(db)
    obligations = evaluate(agreements, events, now)
    return DueReport(now, obligations, summarise(obligations, now))


def status(agreement_id: str, db: str | None = None, at: datetime | None = None) -> Compliance:
    """Each provision's status and G7-style score, with the rule behind it."""
    now = instant(at)
    found = agreement(agreement_id, db)
    _, events = _registry_inputs(db)
    return assess_agreement(found, evaluate([found], events, now), events, now)


def feed(db: str | None = None, at: datetime | None = None) -> tuple[datetime, list[Change]]:
    """Changes of obligation state up to `at`, newest first."""
    report = due(db, at)
    return report.now, changes(report.obligations, report.now)


def add_event(
    event: Event, *, file: Path | None = None, db: str | None = None, data: Path | None = None
) -> EventAdded:
    """Check one event against the agreements and the events already recorded, then write it
    to an events file and/or the registry, all or nothing; an equal event is not written again.
    """
    if db is not None:
        agreements, existing = _registry_inputs(db)
        known = [Loaded(Path(database_url(db)), e) for e in existing]
    else:
        agreements = [item.record for item in load_dataset([data or data_dir()]).agreements]
        known = []
    if file is not None or db is None:
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
    written = _write_event(event, target if (file or db is None) else None, db)
    warnings = [p for p in checked.warnings if p.path == mine]
    return EventAdded(event, None, warnings, written)


def _existing(file: Path | None, folders: Sequence[Path]) -> list[Path]:
    """The target file, when it exists and is not already read as part of a folder."""
    if file is None or not file.is_file():
        return []
    inside = any(file.resolve().parent == folder.resolve() for folder in folders)
    return [] if inside else [file]


def _write_event(event: Event, file: Path | None, db: str | None) -> list[str]:
    """The registry row and the file, together: the file is replaced inside the transaction."""
    written: list[str] = []
    engine = open_engine(db) if db is not None else None
    try:
        if engine is not None:
            with engine.begin() as connection:
                store_events.insert_events(connection, [event])
                if file is not None:
                    _append_to_file(file, event)
                    written.append(str(file))
            written.insert(0, database_url(db))
        elif file is not None:
            _append_to_file(file, event)
            written.append(str(file))
    finally:
        if engine is not None:
            engine.dispose()
    return written


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
    db: str | None = None,
    file: Path | None = None,
    description: str | None = None,
    now: datetime | None = None,
) -> EventAdded:
    """Record a trigger in the registry and return every clock it opens across it."""
    db = db or default_db()
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
    added = add_event(event, file=file, db=db)
    first = added.duplicate_of or event.id
    agreements, events = _registry_inputs(db)
    opened = opened_by(evaluate(agreements, events, max(moment, instant(now))), first)
    return replace(added, opened=opened)


def notify(
    settings: WebhookSettings,
    obligations: Sequence[Obligation],
    now: datetime,
    db: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send one signed alert per open or missed obligation not yet sent to this URL.

    The registry remembers each delivered key (per URL), so running `due --webhook` on a
    schedule alerts on what is new since the last run; a failed delivery is retried next run.
    """
    alerting = [o for o in obligations if o.state in {"open", "missed"}]
    engine = _open_for_reading(db)
    try:
        sent = store_events.delivered_keys(engine, settings.url)
        deliveries = []
        for obligation in alerting:
            if idempotency_key(obligation) in sent:
                continue
            delivery = deliver(settings, obligation, now, sleep)
            deliveries.append(delivery)
            store_events.mark_delivered(engine, settings.url, [delivery.key])
        return deliveries
    finally:
        engine.dispose()


def service(db: str | None = None, sources: Path | None = None, cache: bool = True) -> FastAPI:
    """The web service (API and pages) on a registry, its schema migrated first.

    `cache=False` turns off the in-process response cache (ETags and 304s stay).
    """
    from pactwatch.api import ServiceConfig
    from pactwatch.store.load import create_schema
    from pactwatch.web import create_app

    engine = open_engine(db)
    with engine.begin() as connection:
        create_schema(connection)
    library = SourceLibrary(sources or sources_dir())
    return create_app(ServiceConfig(engine, library, cache_responses=cache))


def create_token(name: str, db: str | None = None) -> str:
    """A new curator token for `name`, returned once (only its hash is stored)."""
    from pactwatch.store.tokens import create_token as store_token

    engine = open_engine(db)
    try:
        return store_token(engine, name)
    finally:
        engine.dispose()
