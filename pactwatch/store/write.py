"""Curator writes: validated, one transaction each, optimistic concurrency, history kept.

Every write reads the current record under a lock (SQLite: BEGIN IMMEDIATE; PostgreSQL:
SELECT ... FOR UPDATE), checks the ETag the curator read against it, writes the new
record and appends a history row (who, when, before, after), inside the caller's
transaction: `Registry` opens it and advances the generation, so a stale or invalid write
changes nothing. A merge patch (RFC 7396) changes only the fields it names.

An agreement's ETag covers the whole record, provisions included, so a provision edit
must carry the ETag of the agreement it was read from. That is coarse but never wrong:
two curators editing different provisions of one agreement get a 409 and re-read. It is
made of the write version and the content version (`content_hash.py`), both kept beside
the record, so checking it never reads or hashes the record itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, and_, func, insert, select

from pactwatch.model import Agreement, PactwatchError, Problem, Provision
from pactwatch.store import records, tables, versions
from pactwatch.store.load import ensure_domains, provision_json, record_json, replace_agreement

Checker = Callable[[Agreement], list[Problem]]


class WriteRejected(PactwatchError):
    """A write refused before anything changed; `status` is the HTTP status it maps to."""

    def __init__(self, status: int, problems: list[Problem]) -> None:
        super().__init__(problems[0])
        self.status = status
        self.problems = problems

    @classmethod
    def one(cls, status: int, path: str, code: str, message: str) -> WriteRejected:
        return cls(status, [Problem("request", path, code, message)])


@dataclass(frozen=True)
class Written:
    agreement: Agreement | None
    """The whole record after the write; None after an edit of one provision, which never
    builds it (`provision` is what changed)."""
    version: int
    etag: str
    generations: tuple[str, str] = ("", "")
    """The registry's generation before and after the write (caches follow their own writes)."""
    provision: Provision | None = None
    """The provision a provision write left (None for an agreement write)."""


def etag(content_version: str, version: int) -> str:
    """A strong ETag from the write version and the content version: every write bumps
    the one, and the other names the content (so a reload of other content never
    repeats an ETag)."""
    return f'"v{version}-{content_version}"'


Current = tuple[str, int]
"""An agreement's content version and write version, what its ETag is made of."""


def read_current(connection: Connection, agreement_id: str) -> Current | None:
    """The agreement's content and write versions, its row locked for this write."""
    a, v = tables.agreements, versions.agreement_versions
    query = select(v.c.version, a.c.version).join_from(a, v, v.c.agreement_id == a.c.id)
    query = query.where(a.c.id == agreement_id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(of=a)
    row = connection.execute(query).one_or_none()
    return None if row is None else (str(row[0]), int(row[1]))


def read_record(connection: Connection, agreement_id: str) -> str:
    """The whole stored record of an agreement known to exist (after `read_current`)."""
    stored = records.read(connection, agreement_id)
    assert stored is not None
    return stored.record


def check_match(current: Current, if_match: str | None) -> None:
    if if_match is None:
        raise WriteRejected.one(
            428, "If-Match", "precondition-required", "send the ETag you read in If-Match"
        )
    now = etag(*current)
    if if_match.strip() not in {now, "*"}:
        raise WriteRejected.one(
            409,
            "If-Match",
            "stale-version",
            f"the record changed since you read it (now {now}); read it again and retry",
        )


def _validated(data: dict[str, Any], check: Checker) -> Agreement:
    try:
        agreement = Agreement.model_validate(data)
    except ValidationError as error:
        problems = [
            Problem("request", ".".join(str(x) for x in e["loc"]), "invalid-field", e["msg"])
            for e in error.errors(include_url=False)
        ]
        raise WriteRejected(422, problems) from None
    problems = check(agreement)
    if problems:
        raise WriteRejected(422, problems)
    return agreement


def record_history(
    connection: Connection,
    actor: str,
    entity: tuple[str, str, str | None],
    version: int,
    before: str | None,
    after: str | None,
) -> None:
    """Append one history row; the caller's transaction makes it part of the write."""
    connection.execute(_HISTORY, history_row(actor, entity, version, before, after))


def history_row(
    actor: str,
    entity: tuple[str, str, str | None],
    version: int,
    before: str | None,
    after: str | None,
) -> dict[str, Any]:
    """The values of one history row (what `record_history` inserts)."""
    kind, agreement_id, provision_id = entity
    action = "create" if before is None else "delete" if after is None else "update"
    return {
        "at": datetime.now(UTC),
        "actor": actor,
        "entity": kind,
        "action": action,
        "agreement_id": agreement_id,
        "provision_id": provision_id,
        "version": version,
        "before": before,
        "after": after,
    }


_HISTORY = insert(tables.history)


def save_agreement(
    connection: Connection,
    data: dict[str, Any] | Patch,
    actor: str,
    check: Checker,
    if_match: str | None = None,
    create: bool = False,
) -> Written:
    """Create (no ETag needed; 409 if the id exists) or replace a whole agreement; a
    `Patch` is merged into the stored record first (RFC 7396)."""
    if isinstance(data, Patch):
        agreement, agreement_id = None, data.target_id
    else:
        agreement = _validated(data, check)
        agreement_id = agreement.id
    ensure_domains(connection)
    current = read_current(connection, agreement_id)
    if create and current is not None:
        raise WriteRejected.one(
            409, "id", "agreement-exists", f"agreement {agreement_id!r} exists; PUT to edit it"
        )
    if not create:
        if current is None:
            raise unknown(agreement_id)
        check_match(current, if_match)
    before = read_record(connection, agreement_id) if current else None
    if agreement is None:
        assert before is not None and isinstance(data, Patch)
        stored = Agreement.model_validate_json(before).model_dump(mode="json")
        merged = merge_patch(stored, data.changes)
        if isinstance(merged, dict):
            merged["id"] = agreement_id
        agreement = _validated(as_object(merged), check)
    version = current[1] + 1 if current else 1
    after = record_json(agreement)
    content_version = replace_agreement(connection, agreement, version)
    entity = ("agreement", agreement.id, None)
    record_history(connection, actor, entity, version, before, after)
    return Written(agreement, version, etag(content_version, version))


def save_provision(
    connection: Connection,
    agreement_id: str,
    data: dict[str, Any] | Patch,
    actor: str,
    check: Checker,
    if_match: str | None,
    create: bool = False,
) -> Written:
    """Add a provision to an agreement, or replace one (a `Patch`: merge into it), checked
    as part of the whole record."""
    current = read_current(connection, agreement_id)
    if current is None:
        raise unknown(agreement_id)
    check_match(current, if_match)
    stored = read_record(connection, agreement_id)
    record = Agreement.model_validate_json(stored).model_dump(mode="json")
    pid = str(data.target_id if isinstance(data, Patch) else data.get("id", ""))
    ids = [item["id"] for item in record["provisions"]]
    old = record["provisions"][ids.index(pid)] if pid in ids else None
    if create and old is not None:
        raise WriteRejected.one(
            409, "id", "provision-exists", f"provision {pid!r} exists; PUT to edit it"
        )
    if not create and old is None:
        raise WriteRejected.one(404, "id", "unknown-provision", f"no provision {pid!r}")
    if isinstance(data, Patch):
        merged = merge_patch(old, data.changes)
        if isinstance(merged, dict):
            merged["id"] = pid
        data = as_object(merged)
    if old is None:
        record["provisions"].append(data)
    else:
        record["provisions"][ids.index(pid)] = data
    agreement = _validated(record, check)
    version = current[1] + 1
    content_version = replace_agreement(connection, agreement, version)
    new = agreement.provision(pid)
    before = Provision.model_validate(old).model_dump_json() if old else None
    entity = ("provision", agreement_id, pid)
    record_history(connection, actor, entity, version, before, provision_json(new) if new else None)
    return Written(agreement, version, etag(content_version, version), provision=new)


@dataclass(frozen=True)
class Patch:
    """A JSON Merge Patch (RFC 7396) for the agreement or provision `target_id`."""

    target_id: str
    changes: dict[str, Any]


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: objects merge key by key, null removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def as_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WriteRejected.one(422, "", "invalid-field", "a merge patch must be a JSON object")
    return value


def unknown(agreement_id: str) -> WriteRejected:
    return WriteRejected.one(
        404, "agreement", "unknown-agreement", f"no agreement with id {agreement_id!r}"
    )


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    actor: str
    entity: str
    action: str
    agreement_id: str
    provision_id: str | None
    version: int
    before: str | None
    after: str | None


HISTORY_PAGE_BYTES = 2_000_000
"""A page of history stops before this many characters of records (one entry always fits)."""


@dataclass(frozen=True)
class HistoryPage:
    entries: list[HistoryEntry]
    next_after: int | None
    """The id to pass as `after` for the next page; None on the last page."""


def history_page(
    connection: Connection,
    agreement_id: str,
    after: int | None = None,
    limit: int = 20,
    budget: int = HISTORY_PAGE_BYTES,
) -> HistoryPage:
    """Entries oldest first after the id `after` (a keyset cursor), at most `limit` of them
    and, past the first, at most `budget` characters of records: the sizes are read first,
    so a page of large writes is never all in memory at once."""
    h = tables.history
    size = func.coalesce(func.length(h.c.before), 0) + func.coalesce(func.length(h.c.after), 0)
    scope = h.c.agreement_id == agreement_id
    if after is not None:
        scope = and_(scope, h.c.id > after)
    sized = connection.execute(
        select(h.c.id, size).where(scope).order_by(h.c.id).limit(limit + 1)
    ).all()
    ids: list[int] = []
    total = 0
    for entry_id, length in sized[:limit]:
        if ids and total + int(length) > budget:
            break
        ids.append(int(entry_id))
        total += int(length)
    rows = connection.execute(select(h).where(h.c.id.in_(ids)).order_by(h.c.id)).all()
    more = len(ids) < len(sized)
    return HistoryPage(
        [HistoryEntry(**row._mapping) for row in rows], ids[-1] if more and ids else None
    )


def history(connection: Connection, agreement_id: str) -> list[HistoryEntry]:
    """Every entry of one agreement, oldest first (for tests and scripts, not the service)."""
    h = tables.history
    rows = connection.execute(
        select(h).where(h.c.agreement_id == agreement_id).order_by(h.c.id)
    ).all()
    return [HistoryEntry(**row._mapping) for row in rows]
