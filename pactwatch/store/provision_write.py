"""A curator's edit of one provision, written as what it changes.

Replacing the whole agreement for a one-provision edit (`write.save_provision`) validates,
serialises and rewrites every provision: at 2,000 provisions that is seconds per write.
Here an edit of an existing provision costs what the provision costs, in the caller's
transaction: its row (whose `record` is its part of the agreement's record: `records.py`),
the list rows that differ, its FTS row, the cube rows whose counts move
(`summary.move_provision`), the agreement's version, its content version (the old
provision's hash out of the sum, the new one's in: `content_hash.py`), and one history row
with that provision before and after. Nothing here reads or writes a text the size of
the agreement.

Checks: the new provision is validated alone and checked inside the agreement's head
(its sources, structure, term), so every problem it can cause is found with the path a
whole-record check gives (`provisions.N...`); the other provisions are unchanged and
were checked when they were written. Creating a provision goes through the full write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    Connection,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)

from pactwatch.model import Agreement, Problem, Provision
from pactwatch.store import content_hash, fts, state, summary, tables, versions, write
from pactwatch.store.load import PROVISION_LISTS, provision_json, provision_rows


@dataclass(frozen=True)
class _Locked:
    """What an edit reads about the agreement and the provision, in the statement that
    locks the agreement's row (`position` None: no such provision)."""

    content_version: str
    version: int
    content_sum: bytes
    unreviewed: int
    head: str
    position: int | None
    record: str
    rowid: int
    parties: str
    """The agreement's parties, comma-separated (for the matrix cells an edit may move)."""
    generation: str | None
    """The registry's generation, read with its row locked, so no other write moves it
    before this one does (and the write reads it in no statement of its own)."""


@cache
def _lock_query(dialect: str) -> Select[Any]:
    """The locking read, built once per dialect (building a statement costs more than
    running this one; so do the other statements of an edit, built below). On PostgreSQL
    it locks the registry's generation row too, which the edit's last statement updates
    anyway: a write read nothing another write may change before it commits."""
    a, v, p = tables.agreements, versions.agreement_versions, tables.provisions
    g = tables.registry_state
    ap = tables.agreement_parties
    rowid = literal_column("provisions.rowid") if dialect == "sqlite" else p.c.position
    joined = func.group_concat if dialect == "sqlite" else func.string_agg
    parties = select(joined(ap.c.party, ",")).where(ap.c.agreement_id == a.c.id)
    query = (
        select(v.c.version, a.c.version, v.c.content_sum, v.c.unreviewed, v.c.head)
        .add_columns(p.c.position, p.c.record, rowid, parties.correlate(a).scalar_subquery())
        .add_columns(g.c.generation)
        .join_from(a, v, v.c.agreement_id == a.c.id)
        .join(g, g.c.id == state.ROW)
        .outerjoin(p, and_(p.c.agreement_id == a.c.id, p.c.id == bindparam("pid")))
        .where(a.c.id == bindparam("aid"))
    )
    return query if dialect == "sqlite" else query.with_for_update(of=[a, g])


_P = tables.provisions
_KEPT = ("agreement_id", "id", "position", "signed_key")
"""A provision's edit keeps its key, its place and its agreement's signing date."""
_PROVISION_COLUMNS = [c.name for c in _P.c if c.name not in _KEPT]
_UPDATE_PROVISION = (
    update(_P)
    .where(_P.c.agreement_id == bindparam("aid"), _P.c.id == bindparam("pid"))
    .values({name: bindparam("v_" + name) for name in _PROVISION_COLUMNS})
)
_CLEAR_LIST = {
    table: delete(table).where(
        table.c.agreement_id == bindparam("aid"), table.c.provision_id == bindparam("pid")
    )
    for table in PROVISION_LISTS
}
_FILL_LIST = {table: insert(table) for table in PROVISION_LISTS}
_FTS_OWNER = text(f"SELECT agreement_id, provision_id FROM {fts.FTS_TABLE} WHERE rowid = :r")
_FTS_DELETE = text(f"DELETE FROM {fts.FTS_TABLE} WHERE rowid = :r")
_FTS_DELETE_SLOW = text(
    f"DELETE FROM {fts.FTS_TABLE} WHERE agreement_id = :a AND provision_id = :p"
)
_FTS_FILL = text(fts.FILL_ONE)
_A = tables.agreements
_BUMP = update(_A).where(_A.c.id == bindparam("aid")).values(version=bindparam("v_version"))
_V = versions.agreement_versions
_NEW_VERSION = (
    update(_V)
    .where(_V.c.agreement_id == bindparam("aid"))
    .values(
        content_sum=bindparam("v_sum"),
        version=bindparam("v_version"),
        unreviewed=bindparam("v_unreviewed"),
    )
)
_HISTORY = insert(tables.history)
_PG_FINISH = text(
    "WITH bump AS (UPDATE agreements SET version = :version WHERE id = :aid), "
    "versioned AS (UPDATE agreement_versions SET content_sum = :v_sum, version = :v_version, "
    "unreviewed = :v_unreviewed WHERE agreement_id = :aid) "
    "INSERT INTO history "
    "(at, actor, entity, action, agreement_id, provision_id, version, before, after) "
    "VALUES (:at, :actor, :entity, :action, :agreement_id, :provision_id, :version, "
    ":before, :after)"
)
"""PostgreSQL: the version, the content version and the history row in one statement
(each statement costs the client about a quarter of a millisecond there)."""


def _lock(connection: Connection, agreement_id: str, pid: str) -> _Locked | None:
    query = _lock_query(connection.dialect.name)
    row = connection.execute(query, {"aid": agreement_id, "pid": pid}).one_or_none()
    if row is None:
        return None
    position = None if row[5] is None else int(row[5])
    return _Locked(
        str(row[0]), int(row[1]), bytes(row[2]), int(row[3]), str(row[4]),
        position, str(row[6] or ""), int(row[7] or 0), str(row[8] or ""),
        None if row[9] is None else str(row[9]),
    )  # fmt: skip


def save_provision(
    connection: Connection,
    agreement_id: str,
    data: dict[str, Any] | write.Patch,
    actor: str,
    check: write.Checker,
    if_match: str | None,
    create: bool = False,
) -> write.Written:
    """Add a provision (the full write) or replace one (a `Patch`: merge into it) in place."""
    if create:
        return write.save_provision(connection, agreement_id, data, actor, check, if_match, create)
    pid = str(data.target_id if isinstance(data, write.Patch) else data.get("id", ""))
    locked = _lock(connection, agreement_id, pid)
    if locked is None:
        raise write.unknown(agreement_id)
    write.check_match((locked.content_version, locked.version), if_match)
    state.seen(connection, locked.generation)
    if locked.position is None:
        raise write.WriteRejected.one(404, "id", "unknown-provision", f"no provision {pid!r}")
    position, row_number = locked.position, locked.rowid
    old = json.loads(locked.record)
    if isinstance(data, write.Patch):
        merged = write.merge_patch(old, data.changes)
        if isinstance(merged, dict):
            merged["id"] = pid
        data = write.as_object(merged)
    new = _validated(locked.head, position, data, check)
    before = Provision.model_validate(old)
    new_json = provision_json(new)
    version = locked.version + 1
    _write_rows(connection, agreement_id, position, before, new)
    if _sqlite(connection):
        _reindex(connection, agreement_id, pid, row_number)
    parties = locked.parties.split(",") if locked.parties else []
    summary.move_provision(connection, agreement_id, before, new, parties)
    total, content_version, counted = _new_version(locked, position, old, json.loads(new_json))
    history = write.history_row(
        actor, ("provision", agreement_id, pid), version, before.model_dump_json(), new_json
    )
    versioned = {"v_sum": total, "v_version": content_version, "v_unreviewed": counted}
    if _sqlite(connection):
        connection.execute(_BUMP, {"aid": agreement_id, "v_version": version})
        connection.execute(_NEW_VERSION, {"aid": agreement_id, **versioned})
        connection.execute(_HISTORY, history)
    else:
        connection.execute(_PG_FINISH, {"aid": agreement_id, **versioned, **history})
    etag = write.etag(content_version, version)
    return write.Written(None, version, etag, provision=new)


def _sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def _validated(head: str, position: int, data: dict[str, Any], check: Any) -> Provision:
    """The provision, validated alone and checked as part of the agreement's head."""
    where = f"provisions.{position}"
    try:
        provision = Provision.model_validate(data)
    except ValidationError as error:
        problems = [
            Problem(
                "request",
                ".".join(str(x) for x in ("provisions", position, *e["loc"])),
                "invalid-field",
                e["msg"],
            )
            for e in error.errors(include_url=False)
        ]
        raise write.WriteRejected(422, problems) from None
    probe = Agreement.model_validate_json(head).model_copy(
        update={"provisions": [provision], "mechanisms": []}
    )
    problems = [_moved(problem, where) for problem in check(probe)]
    if problems:
        raise write.WriteRejected(422, problems)
    return provision


def _moved(problem: Problem, where: str) -> Problem:
    """A problem of the probe's only provision, at the provision's place in the record."""
    if problem.path == "provisions.0" or problem.path.startswith("provisions.0."):
        path = where + problem.path[len("provisions.0") :]
        return Problem(problem.file, path, problem.code, problem.message)
    return problem


def _write_rows(
    connection: Connection, agreement_id: str, position: int, before: Provision, after: Provision
) -> None:
    """The provision's row, and the list tables whose rows differ (deleted and inserted)."""
    old = provision_rows(agreement_id, position, before)
    new = provision_rows(agreement_id, position, after)
    row = new[_P][0]
    values = {"v_" + name: row[name] for name in _PROVISION_COLUMNS}
    connection.execute(_UPDATE_PROVISION, {"aid": agreement_id, "pid": after.id, **values})
    for table in PROVISION_LISTS:
        if old[table] == new[table]:
            continue
        connection.execute(_CLEAR_LIST[table], {"aid": agreement_id, "pid": after.id})
        if new[table]:
            connection.execute(_FILL_LIST[table], new[table])


def _reindex(connection: Connection, agreement_id: str, pid: str, rowid: int) -> None:
    """Replace the provision's FTS row: found by rowid when it shares the provision's."""
    owner = connection.execute(_FTS_OWNER, {"r": rowid}).one_or_none()
    if owner is not None and tuple(owner) == (agreement_id, pid):
        connection.execute(_FTS_DELETE, {"r": rowid})
    else:  # indexed before rowids were shared: find it the slow way
        connection.execute(_FTS_DELETE_SLOW, {"a": agreement_id, "p": pid})
    connection.execute(_FTS_FILL, {"a": agreement_id, "p": pid})


def _new_version(
    locked: _Locked, position: int, old: dict[str, Any], new: dict[str, Any]
) -> tuple[bytes, str, int]:
    """The content sum, version and unreviewed count after the edit: the provision's old
    hash out of the stored sum and its new one in."""
    total = content_hash.combine(
        locked.content_sum,
        add=[content_hash.provision_part(position, new)],
        remove=[content_hash.provision_part(position, old)],
    )
    counted = locked.unreviewed - versions.unreviewed(old) + versions.unreviewed(new)
    return total, content_hash.version_of_sum(total), counted
