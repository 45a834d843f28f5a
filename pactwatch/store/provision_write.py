"""A curator's edit of one provision, written as what it changes.

Replacing the whole agreement for a one-provision edit (`write.save_provision`) validates,
serialises and rewrites every provision: at 2,000 provisions that is seconds per write.
Here an edit of an existing provision costs what the provision costs, in the caller's
transaction: its row, the list rows that differ, its FTS row, the cube rows whose counts
move (`summary.move_provision`), the agreement's record, version and content version,
and one history row with that provision before and after.

The stored record stays exactly what a full rewrite would store: a provision's stored
JSON (`provisions.record`) is the very text it has inside the agreement's record (both are
`json.dumps` of the same dump), so the new record is the old one with that text replaced,
and the sorted-key text the content version hashes is spliced the same way. Where the
text is not found (a record written by an older model), the whole record is rewritten.

Checks: the new provision is validated alone and checked inside the agreement's head
(its sources, structure, term), so every problem it can cause is found with the path a
whole-record check gives (`provisions.N...`); the other provisions are unchanged and
were checked when they were written. Creating a provision goes through the full write.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    ColumnElement,
    Connection,
    Text,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from pactwatch.model import Agreement, Problem, Provision
from pactwatch.store import fts, summary, tables, versions, write
from pactwatch.store.load import PROVISION_LISTS, provision_json, provision_rows


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
    current = write.read_current(connection, agreement_id)
    if current is None:
        raise write.unknown(agreement_id)
    write.check_match(current, if_match)
    record, version = current
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
    position, old_json, row_number = int(found[0]), found[1], int(found[2])
    spliced = _splice_at(record, old_json)
    if spliced is None:  # not stored as a full write would store it: rewrite the whole
        return write.save_provision(connection, agreement_id, data, actor, check, if_match)
    old = json.loads(old_json)
    if isinstance(data, write.Patch):
        merged = write.merge_patch(old, data.changes)
        if isinstance(merged, dict):
            merged["id"] = pid
        data = write.as_object(merged)
    new = _validated(connection, agreement_id, position, data, check)
    before = Provision.model_validate(old)
    new_json = provision_json(new)
    after_record = record[: spliced[0]] + new_json + record[spliced[1] :]
    version += 1
    _write_rows(connection, agreement_id, position, before, new)
    if _sqlite(connection):
        _reindex(connection, agreement_id, pid, row_number)
    summary.move_provision(connection, agreement_id, before, new)
    a = tables.agreements
    connection.execute(
        update(a).where(a.c.id == agreement_id).values(record=after_record, version=version)
    )
    _new_version(connection, agreement_id, old, json.loads(new_json), after_record)
    write.record_history(
        connection,
        actor,
        ("provision", agreement_id, pid),
        version,
        before.model_dump_json(),
        new_json,
    )
    return write.Written(None, version, write.etag(after_record, version), provision=new)


def _sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def _splice_at(record: str, piece: str | None) -> tuple[int, int] | None:
    """Where `piece` (a provision's stored JSON) stands in the agreement's record.

    The record holds it as one element of the provisions array, after `[` or `, ` and
    before `,` or `]`; JSON escapes every quote inside a string, so an object's text can
    only match at an object of the same content, and no two provisions share an id."""
    if not piece:
        return None
    start = record.find(piece, record.find('"provisions": ['))
    stop = start + len(piece)
    if start < 0 or record[start - 1] not in "[ " or record[stop : stop + 1] not in (",", "]"):
        return None
    return start, stop


def _validated(
    connection: Connection, agreement_id: str, position: int, data: dict[str, Any], check: Any
) -> Provision:
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
    v, a = versions.agreement_versions, tables.agreements
    head = connection.execute(
        select(v.c.head).where(v.c.agreement_id == agreement_id)
    ).scalar_one_or_none()
    if head is None:  # kept since revision 0007; cut from the record otherwise
        head = connection.execute(
            select(_head_json(connection)).where(a.c.id == agreement_id)
        ).scalar_one()
    probe = Agreement.model_validate_json(head).model_copy(
        update={"provisions": [provision], "mechanisms": []}
    )
    problems = [_moved(problem, where) for problem in check(probe)]
    if problems:
        raise write.WriteRejected(422, problems)
    return provision


def _head_json(connection: Connection) -> ColumnElement[Any]:
    """The record without its provisions, cut by the database (never parsed whole here)."""
    record = tables.agreements.c.record
    if _sqlite(connection):
        return func.json_remove(record, "$.provisions")
    return cast(cast(record, JSONB).op("-")(literal_column("'provisions'::text")), Text)


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
    old: dict[str, Any],
    new: dict[str, Any],
    record: str,
) -> None:
    """The content version and unreviewed count after the edit, from the stored text."""
    v = versions.agreement_versions
    stored = connection.execute(
        select(v.c.canonical, v.c.unreviewed).where(v.c.agreement_id == agreement_id)
    ).one_or_none()
    piece = versions.canonical(old)
    at = None if stored is None else _splice_at(str(stored[0]), piece)
    if stored is None or at is None:
        row = versions.version_row(agreement_id, json.loads(record))
        connection.execute(delete(v).where(v.c.agreement_id == agreement_id))
        connection.execute(insert(v).values(**row))
        return
    canonical = str(stored[0])
    canonical = canonical[: at[0]] + versions.canonical(new) + canonical[at[1] :]
    counted = int(stored[1]) - versions.unreviewed(old) + versions.unreviewed(new)
    connection.execute(
        update(v)
        .where(v.c.agreement_id == agreement_id)
        .values(
            canonical=canonical,
            version=versions.version_of_text(canonical),
            unreviewed=counted,
        )
    )
