"""A load through the bulk path leaves exactly what the row-by-row path left.

The reference below is the load as it was written before `bulk.py`: every table filled by
SQLAlchemy's `insert()` with indexes in place, the summary cube counted provision by
provision (`summary.facet_rows`), records dumped straight from the model. Both run on the
curated dataset and one record that uses every list, an amount, mechanisms and mentions,
on SQLite and PostgreSQL; every row of every table (SQLite's rowids and FTS5 index
included), every index and every constraint must come out the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, insert, text
from sqlalchemy.exc import IntegrityError

from pactwatch.curate import load_dataset
from pactwatch.model import Agreement
from pactwatch.settings import PROJECT_ROOT
from pactwatch.store import bulk, fts, open_engine, records, state, summary, tables
from pactwatch.store import load as store_load
from pactwatch.store.load import load_registry, provision_json, record_json
from tests.service.conftest import reset_postgresql

Dump = dict[str, list[tuple[Any, ...]]]


def everything() -> Agreement:
    """A record using every part a load writes, with text json must not escape."""
    provisions = [
        {
            "id": f"p{i}",
            "section": "Article 2 — Défense",
            "actors": ["PL", "UA"] if i % 2 else ["PL"],
            "beneficiaries": ["UA"],
            "action": "fund",
            "object": f"Łódź training centre, phase {i}",
            "domains": ["air_defence", "training", "financial_aid"][: 1 + i % 3],
            "kind": ("action", "support", "declaration", "mechanism")[i % 4],
            "partners": ["Ramstein group"] if i % 3 == 0 else [],
            "instruments": ["European Peace Facility", "NATO CAP"][: i % 3],
            "condition": "if requested" if i == 1 else None,
            "timing": "annual" if i == 2 else None,
            "amount": {"value": 1.5e9 + i, "currency": "EUR", "period": "2025"} if i < 3 else None,
            "spans": [{"source": "text", "start": 10 * i, "end": 10 * i + 5}],
            "flags": ["wording-differs"] if i == 4 else [],
            "summary": f"Pays for phase {i} «in full».",
            "review": {"state": "reviewed"} if i % 2 else None,
        }
        for i in range(7)
    ]
    return Agreement.model_validate(
        {
            "id": "ua-pl-test",
            "title": "Agreement with every part",
            "parties": ["UA", "PL"],
            "signatories": [{"name": "A. Person", "role": "President", "party": "PL"}],
            "sources": [{"id": "text", "kind": "official_text", "title": "The text"}],
            "provisions": provisions,
            "mechanisms": [
                {"id": "consult", "kind": "consultation_on_trigger", "within": "PT24H",
                 "triggers": ["renewed_aggression"], "provision": "p3"}
            ],
            "mentions": [{"kind": "agreement", "parties": ["UA", "GB"]}],
        }
    )  # fmt: skip


@pytest.fixture(scope="module")
def agreements() -> list[Agreement]:
    dataset = load_dataset([PROJECT_ROOT / "data"])
    assert not dataset.problems, dataset.problems
    return [item.record for item in dataset.agreements] + [everything()]


def row_by_row(engine: Engine, agreements: Sequence[Agreement]) -> None:
    """The load before the bulk path, step by step."""
    with engine.begin() as connection:
        store_load.create_schema(connection)
        store_load._clear(connection)
        connection.execute(insert(tables.domains), list(store_load._domain_rows()))
        store_load.insert_agreements(connection, agreements)
        cube = [row for a in agreements for row in summary.facet_rows(a)]
        connection.execute(insert(summary.provision_facets), cube)
        summary.refresh_partners(
            connection, {p for a in agreements for p in summary.partners_of(a)}
        )
        summary.render_matrix(connection)
        fts.rebuild(connection)
        state.set_generation(connection, state.digest(record_json(a) for a in agreements))


def dump(engine: Engine) -> Dump:
    """Every row of every table in a stable order, and the schema's indexes and keys."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            return _sqlite(connection)
        return _postgresql(connection)


def _sqlite(connection: Connection) -> Dump:
    out: Dump = {}
    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    out["schema"] = [tuple(r) for r in connection.exec_driver_sql(schema)]
    for name, sql in connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version'"
    ).all():
        order = "ORDER BY rowid" if "WITHOUT ROWID" not in str(sql).upper() else ""
        key = "rowid, *" if order else "*"
        rows = connection.exec_driver_sql(f'SELECT {key} FROM "{name}" {order}')
        found = [tuple(r) for r in rows]
        out[name] = found if order else sorted(found, key=repr)
    return out


def _postgresql(connection: Connection) -> Dump:
    out: Dump = {}
    out["indexes"] = [
        tuple(r)
        for r in connection.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "ORDER BY indexname"
            )
        )
    ]
    out["constraints"] = [
        tuple(r)
        for r in connection.execute(
            text(
                "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid "
                "WHERE t.relnamespace = current_schema()::regnamespace ORDER BY 1, 2"
            )
        )
    ]
    names = connection.execute(
        text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename != 'alembic_version'"
        )
    ).scalars()
    for name in names:
        rows = connection.execute(text(f'SELECT * FROM "{name}"')).all()
        out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def fresh(url: str) -> Engine:
    """An engine on an empty registry at `url` (a new file, or an emptied schema)."""
    if url.startswith("postgresql"):
        reset_postgresql(url)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(url + suffix).unlink(missing_ok=True)
    return open_engine(url)


def test_the_bulk_load_writes_what_the_row_by_row_load_wrote(
    db_url: str, agreements: list[Agreement]
) -> None:
    engine = fresh(db_url)
    row_by_row(engine, agreements)
    reference = dump(engine)
    engine.dispose()

    engine = fresh(db_url)
    load_registry(engine, agreements)  # an empty registry: indexes and keys built after
    first = dump(engine)
    load_registry(engine, agreements)  # over a loaded one (PostgreSQL keeps its indexes)
    again = dump(engine)
    engine.dispose()

    filled = ["provision_domains", "provision_parties", "provision_partners",
              "provision_instruments", "provision_flags", "spans", "mechanisms", "mentions",
              "signatories", "provision_facets", "matrix_cells", "agreement_versions"]  # fmt: skip
    assert all(reference[name] for name in filled)
    assert set(first) == set(reference)
    for name in reference:
        assert first[name] == reference[name], name
        assert again[name] == reference[name], name


def test_records_are_the_models_own_json(db_url: str, agreements: list[Agreement]) -> None:
    """The bulk path reuses one dump per agreement; the text is still the model's."""
    engine = fresh(db_url)
    load_registry(engine, agreements)
    with engine.connect() as connection:
        stored = {a.id: records.read(connection, a.id) for a in agreements}
        provisions = dict(
            ((a, p), r)
            for a, p, r in connection.execute(
                text("SELECT agreement_id, id, record FROM provisions")
            )
        )
    engine.dispose()
    for agreement in agreements:
        found = stored[agreement.id]
        assert found is not None and found.record == record_json(agreement)
        for p in agreement.provisions:
            assert provisions[(agreement.id, p.id)] == provision_json(p)


def test_a_failed_bulk_load_leaves_rows_indexes_and_keys_as_they_were(
    db_url: str, agreements: list[Agreement]
) -> None:
    engine = fresh(db_url)
    load_registry(engine, agreements[:4])
    before = dump(engine)
    broken = everything().model_copy(update={"id": agreements[0].id})
    with pytest.raises(IntegrityError):  # a duplicate id, met after rows were written
        load_registry(engine, [*agreements, broken])
    assert dump(engine) == before
    engine.dispose()


def test_a_failed_first_load_leaves_an_empty_registry(
    db_url: str, agreements: list[Agreement], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = fresh(db_url)
    empty = dump(engine)
    real = store_load.agreement_rows
    calls = {"n": 0}

    def failing(agreement: Agreement) -> Any:
        calls["n"] += 1
        if calls["n"] == len(agreements) - 1:
            raise RuntimeError("disk on fire")
        return real(agreement)

    monkeypatch.setattr(store_load, "agreement_rows", failing)
    monkeypatch.setattr(bulk, "BATCH_ROWS", 500)  # rows written before the failure
    with pytest.raises(RuntimeError, match="disk on fire"):
        load_registry(engine, agreements)
    assert dump(engine) == empty
    engine.dispose()
