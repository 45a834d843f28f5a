"""Verbs over the curated dataset and the registry: validate, load, list, show.

Reading helpers live here too, so every verb opens the registry the same way: an
SQLite path that does not exist is an error, never a new empty file. A verb takes `db` as
a path or URL, or as a `Registry` the caller opened once (the command line opens one per
command and passes it to every verb the command calls).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from pactwatch.curate import Dataset, load_dataset, validate_dataset
from pactwatch.curate.events import (
    EventSet,
    check_events,
    event_folders,
    read_events,
)
from pactwatch.model import (
    Agreement,
    Event,
    PactwatchError,
    Problem,
)
from pactwatch.settings import data_dir, source_dirs
from pactwatch.sources import SourceLibrary
from pactwatch.store import (
    AgreementSummary,
    LoadReport,
    get_agreement,
    list_agreements,
)
from pactwatch.store import events as store_events
from pactwatch.store.engine import database_url
from pactwatch.store.events import insert_events
from pactwatch.store.read import all_agreements
from pactwatch.store.registry import Registry, sqlite_file
from pactwatch.store.unsaved import Unsaved, unsaved

Db = str | Registry | None
"""A registry's path or URL (None: the default), or one already open."""


@contextmanager
def opened(db: Db, *, must_exist: bool = True) -> Iterator[Registry]:
    """The registry `db` names, opened for this call, or `db` itself when it is open."""
    if isinstance(db, Registry):
        yield db
        return
    registry = Registry.open(db, must_exist=must_exist)
    try:
        yield registry
    finally:
        registry.close()


def db_label(db: Db) -> str:
    return db.url if isinstance(db, Registry) else database_url(db)


SourcesArg = Path | Sequence[Path] | None


def source_library(sources: SourcesArg = None) -> SourceLibrary:
    """The library every verb reads sources from: the named folders, else the defaults."""
    if sources is None or (not isinstance(sources, Path) and not sources):
        return SourceLibrary(source_dirs())
    return SourceLibrary(sources)


def _checked(
    paths: Sequence[Path], sources: SourcesArg, strict: bool = False
) -> tuple[Dataset, EventSet, list[Problem]]:
    """The dataset and its events, read and checked once: what `validate` reports and
    `load` refuses to write."""
    dataset = load_dataset(list(paths) or [data_dir()])
    problems = validate_dataset(dataset, source_library(sources), strict=strict)
    events = check_events(read_events(event_folders(paths)), dataset.by_id())
    return dataset, events, problems + events.problems


def validate(
    paths: Sequence[Path] = (), sources: SourcesArg = None, strict: bool = False
) -> list[Problem]:
    """Every problem in the curated files under `paths` (default: the data folder).
    `strict` also refuses provisions that nobody has reviewed."""
    return _checked(paths, sources, strict)[2]


@dataclass(frozen=True)
class Checked:
    """What `validate` looked at, so its verdict can say what "no problems" covers."""

    problems: list[Problem]
    agreements: int
    texts: int
    found: int
    skipped: str | None

    def verdict(self) -> str:
        """The closing line of a validation without problems."""
        head = f"no problems found in {self.agreements} agreement(s)"
        if self.skipped:
            return f"{head}, but {self.skipped}"
        if not self.texts:
            return f"{head}; no record names a source text, so no span was checked"
        return f"{head}; spans checked against {self.found} of {self.texts} source text(s)"


def validate_checked(
    paths: Sequence[Path] = (), sources: SourcesArg = None, strict: bool = False
) -> Checked:
    """`validate`, with how many records and source texts the checks covered."""
    dataset, _, problems = _checked(paths, sources, strict)
    library = source_library(sources)
    hashes = {s.sha256 for item in dataset.agreements for s in item.record.sources if s.sha256}
    found = sum(1 for h in hashes if library.present() and library.path_for(h))
    return Checked(
        problems, len(dataset.agreements), len(hashes), found, span_checks_skipped(sources)
    )


def span_checks_skipped(sources: SourcesArg = None) -> str | None:
    """Why spans could not be checked against their sources, or None when they were."""
    library = source_library(sources)
    if library.present():
        return None
    folders = ", ".join(str(r) for r in library.roots)
    return f"no source folder found ({folders}): spans were not checked against their texts"


def load(
    db: Db = None,
    paths: Sequence[Path] = (),
    sources: SourcesArg = None,
    *,
    replace_changes: bool = False,
) -> LoadReport:
    """Validate the dataset, then replace the registry's content with it in one transaction.

    When the registry holds events, triggers or edits that the dataset does not (written
    through the service or `pactwatch trigger`), nothing is loaded and `WouldDrop` says
    what, unless `replace_changes` is set."""
    dataset, found, problems = _checked(paths, sources)
    if problems:
        raise LoadRefused(problems)
    records = found.records()
    agreements = [item.record for item in dataset.agreements]
    target = None if isinstance(db, Registry) else sqlite_file(db)
    existed = target.exists() if target else True
    try:
        with opened(db, must_exist=False) as registry:
            if not replace_changes:
                with registry.reader().connect() as connection:
                    lost = unsaved(connection, {a.id: a for a in agreements}, records)
                if lost:
                    raise WouldDrop(registry.url, lost)
            report = registry.load(
                agreements, also=lambda connection: insert_events(connection, records)
            )
        return replace(report, events=len(records), warnings=tuple(found.warnings))
    except BaseException:
        if target is not None and not existed:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        raise


class WouldDrop(PactwatchError):
    """The registry holds writes the dataset lacks; nothing was loaded."""

    def __init__(self, url: str, lost: Unsaved) -> None:
        super().__init__(Problem(url, "", "registry-only-changes", lost.line()))
        self.lost = lost


class LoadRefused(PactwatchError):
    """Validation found several problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0])
        self.problems = problems


def registry(db: Db = None) -> list[AgreementSummary]:
    with opened(db) as found:
        return list_agreements(found.engine)


def agreement(agreement_id: str, db: Db = None) -> Agreement:
    with opened(db) as opened_registry:
        found = get_agreement(opened_registry.engine, agreement_id)
    if found is None:
        raise unknown_agreement(agreement_id, db)
    return found


def unknown_agreement(agreement_id: str, db: Db) -> PactwatchError:
    return PactwatchError.at(
        db_label(db),
        "agreement",
        "unknown-agreement",
        f"no agreement with id {agreement_id!r}; `pactwatch list` shows them",
    )


def registry_inputs(db: Db) -> tuple[list[Agreement], list[Event]]:
    """Every agreement and every event in the registry: what the rules engine takes."""
    with opened(db) as found:
        return all_agreements(found.engine), store_events.read_events(found.engine)
