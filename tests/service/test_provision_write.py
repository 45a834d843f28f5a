"""An edit of one provision leaves the registry exactly as a rewrite of the whole record would.

Each case edits a provision through `provision_write.save_provision` (the curator's path),
snapshots every row the agreement owns, the summary tables, the search index, the whole
record a reader assembles and the compare answer, rolls back, then stores the same edited
record with `load.replace_agreement` and snapshots again: the two must be equal, on SQLite
and PostgreSQL, and the assembled record must be the text `record_json` gives. The
whole-record path is made to fail inside the edit, so a silent fallback to it cannot pass
these tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select, text

from pactwatch import verbs
from pactwatch.curate.validate import check_agreement
from pactwatch.model import Agreement, Problem
from pactwatch.settings import source_dirs
from pactwatch.sources import SourceLibrary
from pactwatch.store import (
    content_hash,
    fts,
    open_engine,
    provision_write,
    records,
    summary,
    tables,
    versions,
    write,
)
from pactwatch.store.load import record_json, replace_agreement
from pactwatch.web.citing import version_of
from tests.service.conftest import DATA

AID = "ua-ro-2024"
Edit = Callable[[dict[str, Any]], dict[str, Any] | write.Patch]
WHOLE_REGISTRY = (summary.provision_facets, summary.matrix_cells)
ASSEMBLED = "(the whole record and the compare answer, as readers get them)"


def _check(agreement: Agreement) -> list[Problem]:
    return check_agreement(agreement, "request", SourceLibrary(source_dirs()))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    verbs.load(db_url, [DATA])
    engine = open_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def no_whole_rewrite(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> write.Written:
        raise AssertionError("the edit fell back to rewriting the whole agreement")

    monkeypatch.setattr(write, "save_provision", refuse)


def snapshot(connection: Connection, aid: str) -> dict[str, list[str]]:
    """Every row of the agreement, of the summary tables, and of its search index."""
    out: dict[str, list[str]] = {}
    for table in tables.metadata.sorted_tables:
        if table.info.get("keep_on_load"):
            continue  # history and tokens: what a write appends, not what it leaves
        if table in WHOLE_REGISTRY:
            query = select(table)
        elif "agreement_id" in table.c:
            query = select(table).where(table.c.agreement_id == aid)
        else:
            continue
        out[table.name] = sorted(repr(tuple(r)) for r in connection.execute(query))
    whole = records.read(connection, aid)
    assert whole is not None
    matrix = summary.document(connection, summary.MATRIX) or summary.matrix_body(connection)
    out[ASSEMBLED] = [whole.record, str(whole.version), whole.content_version, matrix]
    if connection.dialect.name == "sqlite":
        columns = ", ".join(("agreement_id", "provision_id", *fts.FTS_COLUMNS))
        rows = connection.execute(
            text(f"SELECT {columns} FROM {fts.FTS_TABLE} WHERE agreement_id = :a"), {"a": aid}
        )
        out[fts.FTS_TABLE] = sorted(repr(tuple(r)) for r in rows)
    return out


def _stored(connection: Connection, aid: str) -> tuple[dict[str, Any], int]:
    found = records.read(connection, aid)
    assert found is not None
    return json.loads(found.record), found.version


Snapshot = dict[str, list[str]]


def both_ways(engine: Engine, pid: str, edit: Edit) -> tuple[Snapshot, Snapshot, bool, str]:
    """The rows after the one-provision write and after a whole rewrite of the same edited
    record; whether the write's ETag is the rewrite's; the edited record's cited version."""
    with engine.connect() as connection:
        with connection.begin() as transaction:
            record, version = _stored(connection, AID)
            old = next(p for p in record["provisions"] if p["id"] == pid)
            change = edit(old)
            written = provision_write.save_provision(connection, AID, change, "tester", _check, "*")
            incremental = snapshot(connection, AID)
            transaction.rollback()
        with connection.begin() as transaction:
            assert written.provision is not None
            new = written.provision.model_dump(mode="json")
            record["provisions"] = [new if p["id"] == pid else p for p in record["provisions"]]
            agreement = Agreement.model_validate(record)
            replace_agreement(connection, agreement, version + 1)
            whole = snapshot(connection, AID)
            same_etag = written.etag == write.etag(version_of(agreement), version + 1)
            assert whole[ASSEMBLED][0] == record_json(agreement)
            transaction.rollback()
    return incremental, whole, same_etag, version_of(agreement)


def _put(**changes: Any) -> Edit:
    return lambda old: {**old, **changes}


EDITS: dict[str, tuple[str, Edit]] = {
    "domains, actors and kind move": (
        "patriot",
        _put(domains=["cyber", "demining", "air_defence"], actors=["UA", "RO"], kind="support"),
    ),
    "text only (nothing counted moves)": (
        "patriot",
        _put(object='Patriot "system" — «ППО»', summary="Romania's words, in ours: ‘quoted’."),
    ),
    "a merge patch drops lists and sets a review": (
        "transit",
        lambda old: write.Patch(
            "transit",
            {"spans": None, "actors": ["UA"], "review": {"state": "reviewed", "by": "ana"}},
        ),
    ),
    "a provision named by a mechanism loses a domain": (
        "consult-24h",
        lambda old: {**old, "domains": old["domains"][:1], "flags": ["checked twice"]},
    ),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_one_provision_write_equals_whole_rewrite(
    engine: Engine, no_whole_rewrite: None, name: str
) -> None:
    pid, edit = EDITS[name]
    incremental, whole, same_etag, cited = both_ways(engine, pid, edit)
    assert incremental.keys() == whole.keys()
    for table in whole:
        assert incremental[table] == whole[table], table
    assert incremental != snapshot_before(engine), "the edit changed nothing"
    assert same_etag
    (row,) = whole[versions.agreement_versions.name]
    assert repr(cited) in row


def snapshot_before(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        return snapshot(connection, AID)


def test_edit_keeps_history_of_that_provision_only(engine: Engine, no_whole_rewrite: None) -> None:
    with engine.begin() as connection:
        record, version = _stored(connection, AID)
        old = next(p for p in record["provisions"] if p["id"] == "patriot")
        provision_write.save_provision(
            connection, AID, {**old, "timing": "2025"}, "ana", _check, "*"
        )
    with engine.connect() as connection:
        entry = write.history(connection, AID)[-1]
    assert (entry.entity, entry.provision_id) == ("provision", "patriot")
    assert entry.version == version + 1
    assert entry.before is not None and entry.after is not None
    assert json.loads(entry.before)["id"] == json.loads(entry.after)["id"] == "patriot"
    assert json.loads(entry.after)["timing"] == "2025" and "provisions" not in entry.after


BAD: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "unknown domain": lambda old: {**old, "domains": ["air_defence", "no_such_domain"]},
    "span past its source": lambda old: {
        **old,
        "spans": [{"source": "nowhere", "start": 0, "end": 5}],
    },
    "invalid field": lambda old: {**old, "kind": "wish", "spans": [{"start": 9, "end": 2}]},
}


@pytest.mark.parametrize("name", list(BAD))
def test_rejected_edit_names_the_same_problems(engine: Engine, name: str) -> None:
    """The whole-record check and the one-provision check refuse with the same problems."""
    refused: list[list[Problem]] = []
    for path in (provision_write.save_provision, write.save_provision):
        with engine.connect() as connection, connection.begin() as transaction:
            record, _ = _stored(connection, AID)
            old = next(p for p in record["provisions"] if p["id"] == "patriot")
            with pytest.raises(write.WriteRejected) as caught:
                path(connection, AID, BAD[name](old), "ana", _check, "*")
            refused.append(caught.value.problems)
            transaction.rollback()
    assert refused[0] == refused[1]
    assert refused[0] and all(p.path.startswith("provisions.1") for p in refused[0])


def test_revision_0010_splits_stored_records_and_back(engine: Engine) -> None:
    """A registry stored before 0010 (whole records, sorted-key texts, versions as then
    defined) is split into parts and back without a byte of any record changing; an edit
    after the upgrade keeps the assembled record equal to `record_json`'s."""
    from alembic import command

    from pactwatch.store.migrate import alembic_config, migrate

    with engine.connect() as connection:
        before = records.read(connection, AID)
    assert before is not None
    whole = json.loads(before.record)
    new_version = version_of(Agreement.model_validate(whole))
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0008")
    with engine.connect() as connection:
        a = tables.agreements
        stored = connection.execute(select(a.c.record).where(a.c.id == AID)).scalar_one()
        old_version = connection.execute(
            text("SELECT version FROM agreement_versions WHERE agreement_id = :a"), {"a": AID}
        ).scalar_one()
    assert stored == before.record == record_json(Agreement.model_validate(whole))
    assert old_version == content_hash.legacy_version(whole) != new_version
    with engine.begin() as connection:  # a row whose JSON a load never wrote
        connection.execute(
            text("UPDATE provisions SET record = NULL WHERE agreement_id = :a AND id = :p"),
            {"a": AID, "p": "transit"},
        )
        migrate(connection)
    with engine.begin() as connection:
        found = records.read(connection, AID)
        assert found is not None and found.record == stored
        assert found.content_version == new_version
        patriot = next(p for p in whole["provisions"] if p["id"] == "patriot")
        written = provision_write.save_provision(
            connection, AID, {**patriot, "timing": "2031"}, "ana", _check, "*"
        )
        after = records.read(connection, AID)
    assert after is not None and written.provision is not None
    edited = Agreement.model_validate(json.loads(after.record))
    assert after.record == record_json(edited)
    assert edited.provision("patriot") == written.provision
    assert after.content_version == version_of(edited)
