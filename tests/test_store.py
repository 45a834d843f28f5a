"""The registry: idempotent, transactional loads; WAL; foreign keys; full-text search."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Table, text
from sqlalchemy.exc import IntegrityError

from pactwatch import verbs
from pactwatch.curate import load_dataset
from pactwatch.model import Agreement
from pactwatch.store import get_agreement, load_registry, search_provisions
from pactwatch.store import load as store_load


@pytest.fixture(scope="module")
def agreements(data_dir: Path) -> list[Agreement]:
    dataset = load_dataset([data_dir])
    assert not dataset.problems, dataset.problems
    return [item.record for item in dataset.agreements]


def dump(db: Path) -> list[tuple[object, ...]]:
    """Every row of every table (FTS shadow tables included), in a stable order."""
    with sqlite3.connect(db) as connection:
        names = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
            )
        ]
        rows: list[tuple[object, ...]] = []
        for name in names:
            rows.extend(
                (name, *r) for r in connection.execute(f'SELECT * FROM "{name}" ORDER BY 1')
            )
        return rows


def test_loading_twice_gives_the_same_database(
    fresh_engine: Engine, db_path: Path, agreements: list[Agreement]
) -> None:
    load_registry(fresh_engine, agreements)
    first = dump(db_path)
    load_registry(fresh_engine, agreements)
    assert dump(db_path) == first
    assert len([r for r in first if r[0] == "agreements"]) == len(agreements)


def test_a_failure_mid_load_leaves_the_database_as_it_was(
    fresh_engine: Engine,
    db_path: Path,
    agreements: list[Agreement],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_registry(fresh_engine, agreements[:3])
    before = dump(db_path)
    real_rows = store_load.agreement_rows
    calls = {"n": 0}

    def failing_rows(agreement: Agreement) -> dict[Table, list[dict[str, Any]]]:
        calls["n"] += 1
        if calls["n"] == 10:
            raise RuntimeError("disk on fire")
        return real_rows(agreement)

    monkeypatch.setattr(store_load, "agreement_rows", failing_rows)
    with pytest.raises(RuntimeError, match="disk on fire"):
        load_registry(fresh_engine, agreements)
    assert calls["n"] == 10
    assert dump(db_path) == before


def test_a_failed_first_load_leaves_no_schema(
    fresh_engine: Engine,
    db_path: Path,
    agreements: list[Agreement],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(agreement: Agreement) -> dict[Table, list[dict[str, Any]]]:
        raise RuntimeError("boom")

    monkeypatch.setattr(store_load, "agreement_rows", explode)
    with pytest.raises(RuntimeError):
        load_registry(fresh_engine, agreements)
    assert dump(db_path) == []


def test_registry_uses_wal_and_enforces_foreign_keys(
    fresh_engine: Engine, agreements: list[Agreement]
) -> None:
    load_registry(fresh_engine, agreements)
    with fresh_engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    with pytest.raises(IntegrityError), fresh_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO provisions (agreement_id, id, position, action, object, kind, "
                "primary_domain) VALUES ('no-such-agreement', 'p', 0, 'a', 'o', 'action', 'other')"
            )
        )


def test_records_read_back_equal_what_was_loaded(
    fresh_engine: Engine, agreements: list[Agreement]
) -> None:
    load_registry(fresh_engine, agreements)
    for agreement in agreements:
        assert get_agreement(fresh_engine, agreement.id) == agreement, agreement.id
    assert get_agreement(fresh_engine, "no-such-id") is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("patriot", "patriot"),
        ("pilots", "f16-training"),
        ("drifting", "black-sea-demining"),
        ('"; DROP TABLE provisions; --', None),
    ],
)
def test_full_text_search_finds_provisions(
    fresh_engine: Engine, agreements: list[Agreement], query: str, expected: str | None
) -> None:
    load_registry(fresh_engine, agreements)
    hits = search_provisions(fresh_engine, query)
    if expected is None:
        assert hits == []
    else:
        assert ("ua-ro-2024", expected) in hits, hits


def test_database_url_accepts_paths_and_urls() -> None:
    from pactwatch.store import database_url

    assert database_url("x/y.db") == "sqlite:///x/y.db"
    assert database_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_load_verb_validates_and_reports(tmp_path: Path, data_dir: Path) -> None:
    report = verbs.load(str(tmp_path / "r.db"), [data_dir])
    assert report.agreements == 29
    assert report.provisions >= 30
