"""Load agreements into the registry in one transaction.

Loading replaces the registry's content with the dataset's, inside a single transaction:
loading the same data twice gives the same database, and a failure anywhere (bad row,
constraint, crash mid-way) leaves the database exactly as it was.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, insert, select, update

from pactwatch.model import Agreement, Problem, Provision
from pactwatch.model.taxonomy import domains as taxonomy_domains
from pactwatch.store import bulk, fts, records, state, summary, tables, versions
from pactwatch.store.migrate import migrate

Row = dict[str, Any]
SIGNED_UNKNOWN = date(9999, 12, 31)
"""Where agreements without a known signing date sort: last."""


@dataclass(frozen=True)
class LoadReport:
    agreements: int
    provisions: int
    events: int = 0
    warnings: tuple[Problem, ...] = ()


def record_json(agreement: Agreement) -> str:
    """The contract JSON as stored and exported: model field order, no nulls dropped."""
    return json.dumps(agreement.model_dump(mode="json"), ensure_ascii=False)


def rules_json(data: dict[str, Any]) -> str:
    """What the rules read of an agreement (`agreements.rules`), from its JSON dump: `due`
    reads this small document instead of cutting it out of every record."""
    parts = ("id", "title", "parties", "signed_on", "term", "mechanisms")
    return json.dumps({part: data[part] for part in parts}, ensure_ascii=False)


def provision_json(provision: Provision) -> str:
    return json.dumps(provision.model_dump(mode="json"), ensure_ascii=False)


def create_schema(connection: Connection) -> None:
    """Migrate to the newest revision, inside the caller's transaction.

    `create_all` afterwards only creates tables that a module declared on the metadata
    without a revision yet (it never alters existing ones); the migration test flags them.
    """
    migrate(connection)
    tables.metadata.create_all(connection, checkfirst=True)


def load_registry(
    engine: Engine,
    agreements: Sequence[Agreement],
    *,
    also: Callable[[Connection], object] | None = None,
) -> LoadReport:
    """Replace the registry's content with these agreements, all or nothing.

    `also` writes more rows (e.g. events) inside the same transaction. The rows go through
    the database's bulk path (`bulk.py`); what they are is `agreement_rows`, the same rows
    a curator's write makes.
    """
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived rows: the collector would rescan them all
    try:
        with engine.begin() as connection, bulk.tuned(connection):
            create_schema(connection)
            fresh = _is_empty(connection)
            _clear(connection)
            generation = _write_all(connection, agreements, defer=fresh or _is_sqlite(connection))
            if also is not None:
                also(connection)
            fts.rebuild(connection)
            state.set_generation(connection, generation)
    finally:
        if collecting:
            gc.enable()
    return LoadReport(len(agreements), sum(len(a.provisions) for a in agreements))


def _write_all(connection: Connection, agreements: Sequence[Agreement], *, defer: bool) -> str:
    """Write every agreement's rows and the summaries; return the registry's generation.

    With `defer`, the secondary indexes of the tables filled here (and PostgreSQL's
    foreign keys) are built after their rows. That is always safe on SQLite, whose readers
    keep their snapshot (WAL) whatever the writer does to the schema; on PostgreSQL
    dropping an index or a key locks its table until the load commits, so only a load into
    an empty registry (nobody is reading it yet) defers.
    """
    writer = bulk.RowWriter(connection)
    names = [t.name for t in BULK_TABLES]
    deferred = bulk.defer_checks(connection, names) if defer else []
    writer.add(tables.domains, list(_domain_rows()))

    def record_texts() -> Iterator[str]:
        """Each agreement's record JSON, as its rows are handed to the writer (the
        generation is their digest, so no record is kept after its rows are written)."""
        for agreement in agreements:
            rows = agreement_rows(agreement)
            for table in tables.metadata.sorted_tables:
                if table in rows:
                    writer.add(table, rows[table])
            writer.flush_if_full()
            head = rows[tables.agreements][0]
            joined = ", ".join(str(row["record"]) for row in rows[tables.provisions])
            yield records.whole(str(head["record"]), head["provisions_at"], joined)

    generation = state.digest(record_texts())
    for agreement in agreements:
        writer.add(summary.provision_facets, summary.cube_rows(agreement))
        writer.flush_if_full()
    writer.flush()
    bulk.restore(connection, deferred, names)
    summary.render_cells(connection)
    return generation


def _is_empty(connection: Connection) -> bool:
    return connection.execute(select(tables.agreements.c.id).limit(1)).first() is None


def _is_sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def _clear(connection: Connection) -> None:
    """Empty the dataset's tables; history and tokens (`keep_on_load`) outlive a load."""
    for table in reversed(tables.metadata.sorted_tables):
        if not table.info.get("keep_on_load"):
            connection.execute(table.delete())


PROVISION_LISTS = (
    tables.provision_domains,
    tables.provision_parties,
    tables.provision_partners,
    tables.provision_instruments,
    tables.provision_flags,
    tables.spans,
)
"""The tables that hold a provision's lists, one row per item."""

AGREEMENT_PARTS = (
    tables.agreement_parties,
    tables.signatories,
    tables.sources,
    tables.provisions,
    *PROVISION_LISTS,
    tables.mechanisms,
    tables.mentions,
    versions.agreement_versions,
)
"""Tables holding one agreement's record, below its own row (rewritten on every edit)."""

BULK_TABLES = (tables.domains, tables.agreements, *AGREEMENT_PARTS, summary.provision_facets)
"""The tables a load fills through `bulk.RowWriter`."""


def replace_agreement(connection: Connection, agreement: Agreement, version: int) -> str:
    """Write a new record for one agreement (a curator's edit); the caller owns the txn.
    Returns the record's content version.

    The agreement's own row is updated in place, never deleted: concurrent writers wait on
    its lock and then see the new version, and rows elsewhere that refer to it (events)
    are untouched. Its parts are deleted and inserted afresh.
    """
    rows = agreement_rows(agreement)
    head = {**rows.pop(tables.agreements)[0], "version": version}
    a, ap = tables.agreements, tables.agreement_parties
    partners_before = connection.execute(
        select(ap.c.party).where(ap.c.agreement_id == agreement.id)
    ).scalars()
    before = [str(p) for p in partners_before]
    updated = connection.execute(update(a).where(a.c.id == agreement.id).values(**head))
    if updated.rowcount == 0:
        connection.execute(insert(a).values(**head))
    for table in reversed(AGREEMENT_PARTS):
        connection.execute(delete(table).where(table.c.agreement_id == agreement.id))
    for table in tables.metadata.sorted_tables:
        _insert(connection, table, rows.get(table, ()))
    fts.refresh(connection, agreement.id)
    summary.refresh_agreement(connection, agreement, before)
    return str(rows[versions.agreement_versions][0]["version"])


def _insert(connection: Connection, table: Table, rows: Iterable[Row]) -> None:
    batch = list(rows)
    if batch:
        connection.execute(insert(table), batch)


def ensure_domains(connection: Connection) -> None:
    """Fill the taxonomy table when it is empty (a registry written to before any load)."""
    if connection.execute(select(tables.domains.c.id).limit(1)).first() is None:
        _insert(connection, tables.domains, _domain_rows())


def _domain_rows() -> Iterator[Row]:
    for position, domain in enumerate(taxonomy_domains()):
        yield {
            "id": domain.id,
            "label": domain.label,
            "definition": domain.definition,
            "position": position,
        }


def insert_agreements(connection: Connection, agreements: Iterable[Agreement]) -> None:
    """Insert agreements' rows, one batched statement per table, parents first.

    The caller owns the transaction.
    """
    rows: dict[Table, list[Row]] = defaultdict(list)
    for agreement in agreements:
        for table, items in agreement_rows(agreement).items():
            rows[table].extend(items)
    for table in tables.metadata.sorted_tables:
        _insert(connection, table, rows.get(table, ()))


def agreement_rows(agreement: Agreement) -> dict[Table, list[Row]]:
    """Every row an agreement contributes, grouped by table."""
    aid = agreement.id
    data = agreement.model_dump(mode="json")
    rows: dict[Table, list[Row]] = defaultdict(list)
    rows[versions.agreement_versions].append(versions.version_row(aid, data))
    dumped = data["provisions"]
    for position, provision in enumerate(agreement.provisions):
        for table, items in provision_rows(aid, position, provision, dumped[position]).items():
            rows[table].extend(items)
    record, provisions_at = records.stored_record(data)
    rows[tables.agreements].append({
        "id": aid, "title": agreement.title, "kind": agreement.kind,
        "signed_on": agreement.signed_on, "signed_at": agreement.signed_at,
        "legal_nature": agreement.legal_nature, "term_years": agreement.term.years,
        "ends_on": agreement.term.ends_on, "provision_count": len(agreement.provisions),
        "record": record, "provisions_at": provisions_at, "rules": rules_json(data),
    })  # fmt: skip
    rows[tables.agreement_parties] = [
        {"agreement_id": aid, "position": i, "party": p} for i, p in enumerate(agreement.parties)
    ]
    rows[tables.signatories] = [
        {"agreement_id": aid, "position": i, **s.model_dump()}
        for i, s in enumerate(agreement.signatories)
    ]
    rows[tables.sources] = [
        {"agreement_id": aid, "id": s.id, "kind": s.kind, "title": s.title,
         "language": s.language, "sha256": s.sha256, "url": s.url}
        for s in agreement.sources
    ]  # fmt: skip
    signed_key = agreement.signed_on or SIGNED_UNKNOWN
    for row in rows[tables.provisions]:
        row["signed_key"] = signed_key
    rows[tables.mechanisms] = [
        {"agreement_id": aid, "id": m.id, "kind": m.kind, "within": m.within, "every": m.every,
         "starts_on": m.starts_on, "triggers": ",".join(m.triggers), "provision_id": m.provision,
         "description": m.description}
        for m in agreement.mechanisms
    ]  # fmt: skip
    rows[tables.mentions] = [
        {"agreement_id": aid, "position": i, "kind": m.kind, "parties": ",".join(m.parties)}
        for i, m in enumerate(agreement.mentions)
    ]
    return rows


def _children(aid: str, pid: str, values: Iterable[Any], to_row: Callable[[Any], Row]) -> list[Row]:
    return [
        {"agreement_id": aid, "provision_id": pid, "position": position, **to_row(value)}
        for position, value in enumerate(values)
    ]


def provision_rows(
    aid: str, position: int, p: Provision, dumped: dict[str, Any] | None = None
) -> dict[Table, list[Row]]:
    """The rows one provision contributes (its own and its lists'), without `signed_key`.

    `dumped` is the provision's `model_dump(mode="json")` when the caller has it already
    (a load dumps each agreement once), so the record is not dumped a second time."""
    amount = p.amount
    parties = [("actor", c) for c in p.actors] + [("beneficiary", c) for c in p.beneficiaries]
    return {
        tables.provisions: [
            {
                "agreement_id": aid,
                "id": p.id,
                "position": position,
                "section": p.section,
                "action": p.action,
                "object": p.object,
                "kind": p.kind,
                "primary_domain": p.domains[0],
                "condition": p.condition,
                "timing": p.timing,
                "summary": p.summary,
                "amount_value": amount.value if amount else None,
                "amount_currency": amount.currency if amount else None,
                "amount_period": amount.period if amount else None,
                "record": provision_json(p)
                if dumped is None
                else json.dumps(dumped, ensure_ascii=False),
                "search_text": search_text(p),
            }
        ],
        tables.provision_domains: _provision_domain_rows(aid, position, p),
        tables.provision_parties: _children(
            aid, p.id, parties, lambda rp: {"role": rp[0], "party": rp[1]}
        ),
        tables.provision_partners: _children(aid, p.id, p.partners, lambda n: {"name": n}),
        tables.provision_instruments: _children(aid, p.id, p.instruments, lambda n: {"name": n}),
        tables.provision_flags: _children(aid, p.id, p.flags, lambda f: {"flag": f}),
        tables.spans: _children(
            aid,
            p.id,
            p.spans,
            lambda s: {"source_id": s.source, "start": s.start, "end": s.end},
        ),
    }


def _provision_domain_rows(aid: str, position: int, p: Provision) -> list[Row]:
    """A provision's domain rows; the first of each domain carries the provision's own
    position, so a domain filter in agreement order walks one index (`query.py`) and meets
    each provision once even if its list names a domain twice."""
    first = {domain: i for i, domain in reversed(list(enumerate(p.domains)))}
    return _children(
        aid,
        p.id,
        enumerate(p.domains),
        lambda item: {
            "domain": item[1],
            "provision_position": position if first[item[1]] == item[0] else None,
        },
    )


def search_text(p: Provision) -> str:
    """The words PostgreSQL's text search indexes (SQLite's FTS5 reads the same fields)."""
    parts = [p.section, p.action, p.object, p.summary, p.condition, p.timing]
    lists = [p.domains, p.instruments, p.partners, p.flags, p.actors, p.beneficiaries]
    words = [x for x in parts if x] + [" ".join(values) for values in lists if values]
    return " ".join(w.replace("_", " ") for w in words)
