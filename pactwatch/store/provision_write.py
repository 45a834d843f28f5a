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
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    Connection,
    delete,
    insert,
    literal_column,
    select,
    text,
    update,
)

from pactwatch.model import Agreement, Problem, Provision
from pactwatch.store import content_hash, fts, summary, tables, versions, write
from pactwatch.store.load import PROVISION_LISTS, provision_json, provision_rows


@dataclass(frozen=True)
class _Locked:
    """What an edit reads about the agreement, in the statement that locks its row."""

    content_version: str
    version: int
    content_sum: bytes
    unreviewed: int
    head: str


def _lock(connection: Connection, agreement_id: str) -> _Locked | None:
    a, v = tables.agreements, versions.agreement_versions
    query = (
        select(v.c.version, a.c.version, v.c.content_sum, v.c.unreviewed, v.c.head)
        .join_from(a, v, v.c.agreement_id == a.c.id)
        .where(a.c.id == agreement_id)
    )
    if not _sqlite(connection):
        query = query.with_for_update(of=a)
    row = connection.execute(query).one_or_none()
    if row is None:
        return None
    return _Locked(str(row[0]), int(row[1]), bytes(row[2]), int(row[3]), str(row[4]))


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
    locked = _lock(connection, agreement_id)
    if locked is None:
        raise write.unknown(agreement_id)
    write.check_match((locked.content_version, locked.version), if_match)
    pid = str(data.target_id if isinstance(data, write.Patch) else data.get("id", ""))
    p = tables.provisions
    rowid = literal_column("provisions.rowid") if _sqlite(connection) else p.c.position
    found = connection.execute(
        select(p.c.position, p.c.record, rowid).where(
            p.c.agreement_id == agreement_id, p.c.id == pid
        )
    ).one_or_none()
    if found is None:
        raise write.WriteRejected.one(404, "id", "unknown-provision", f"no provision {pid!r}")
    position, old_json, row_number = int(found[0]), str(found[1]), int(found[2])
    old = json.loads(old_json)
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
    summary.move_provision(connection, agreement_id, before, new)
    a = tables.agreements
    connection.execute(update(a).where(a.c.id == agreement_id).values(version=version))
    content_version = _new_version(
        connection, agreement_id, locked, position, old, json.loads(new_json)
    )
    write.record_history(
        connection,
        actor,
        ("provision", agreement_id, pid),
        version,
        before.model_dump_json(),
        new_json,
    )
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
    p = tables.provisions
    row = {k: v for k, v in new[p][0].items() if k not in ("agreement_id", "id", "position")}
    connection.execute(
        update(p).where(p.c.agreement_id == agreement_id, p.c.id == after.id).values(**row)
    )
    for table in PROVISION_LISTS:
        if old[table] == new[table]:
            continue
        connection.execute(
            delete(table).where(
                table.c.agreement_id == agreement_id, table.c.provision_id == after.id
            )
        )
        if new[table]:
            connection.execute(insert(table), new[table])


def _reindex(connection: Connection, agreement_id: str, pid: str, rowid: int) -> None:
    """Replace the provision's FTS row: found by rowid when it shares the provision's."""
    table = fts.FTS_TABLE
    owner = connection.execute(
        text(f"SELECT agreement_id, provision_id FROM {table} WHERE rowid = :r"), {"r": rowid}
    ).one_or_none()
    if owner is not None and tuple(owner) == (agreement_id, pid):
        connection.execute(text(f"DELETE FROM {table} WHERE rowid = :r"), {"r": rowid})
    else:  # indexed before rowids were shared: find it the slow way
        connection.execute(
            text(f"DELETE FROM {table} WHERE agreement_id = :a AND provision_id = :p"),
            {"a": agreement_id, "p": pid},
        )
    connection.execute(text(fts.FILL_ONE), {"a": agreement_id, "p": pid})


def _new_version(
    connection: Connection,
    agreement_id: str,
    locked: _Locked,
    position: int,
    old: dict[str, Any],
    new: dict[str, Any],
) -> str:
    """The content version and unreviewed count after the edit: the provision's old hash
    out of the stored sum and its new one in."""
    total = content_hash.combine(
        locked.content_sum,
        add=[content_hash.provision_part(position, new)],
        remove=[content_hash.provision_part(position, old)],
    )
    counted = locked.unreviewed - versions.unreviewed(old) + versions.unreviewed(new)
    content_version = content_hash.version_of_sum(total)
    v = versions.agreement_versions
    connection.execute(
        update(v)
        .where(v.c.agreement_id == agreement_id)
        .values(content_sum=total, version=content_version, unreviewed=counted)
    )
    return content_version
