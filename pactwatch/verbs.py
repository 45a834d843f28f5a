"""The Python API: the CLI's verbs as importable functions.

Each command-line verb calls exactly one function here, so a notebook or another program
gets the same behaviour (and the same coded problems) as the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine

from pactwatch.curate import load_dataset, validate_dataset
from pactwatch.export import exporter_for
from pactwatch.model import Agreement, PactwatchError, Problem
from pactwatch.settings import data_dir, sources_dir
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
from pactwatch.store.engine import database_url
from pactwatch.store.read import all_agreements


def validate(paths: Sequence[Path] = (), sources: Path | None = None) -> list[Problem]:
    """Every problem in the curated files under `paths` (default: the data folder)."""
    dataset = load_dataset(list(paths) or [data_dir()])
    return validate_dataset(dataset, SourceLibrary(sources or sources_dir()))


def load(
    db: str | None = None, paths: Sequence[Path] = (), sources: Path | None = None
) -> LoadReport:
    """Validate the dataset, then replace the registry's content with it in one transaction."""
    dataset = load_dataset(list(paths) or [data_dir()])
    problems = validate_dataset(dataset, SourceLibrary(sources or sources_dir()))
    if problems:
        raise LoadRefused(problems)
    engine = open_engine(db)
    target = _sqlite_file(db)
    existed = target.exists() if target else True
    try:
        return load_registry(engine, [item.record for item in dataset.agreements])
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
    exporter = exporter_for(fmt, single=agreement_id is not None)
    if agreement_id is not None:
        exporter.write(agreement(agreement_id, db))
    else:
        engine = _open_for_reading(db)
        try:
            for item in all_agreements(engine):
                exporter.write(item)
        finally:
            engine.dispose()
    return exporter.finalize()


def create_token(name: str, db: str | None = None) -> str:
    """A new curator token for `name`, returned once (only its hash is stored)."""
    from pactwatch.store.tokens import create_token as store_token

    engine = open_engine(db)
    try:
        return store_token(engine, name)
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
