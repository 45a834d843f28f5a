"""Load agreements into the registry in one transaction.

Loading replaces the registry's content with the dataset's, inside a single transaction:
loading the same data twice gives the same database, and a failure anywhere (bad row,
constraint, crash mid-way) leaves the database exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert

from pactwatch.model import Agreement, Problem, Provision
from pactwatch.model.taxonomy import domains as taxonomy_domains
from pactwatch.store import fts, tables

Row = dict[str, Any]


@dataclass(frozen=True)
class LoadReport:
    agreements: int
    provisions: int
    events: int = 0
    warnings: tuple[Problem, ...] = ()


def record_json(agreement: Agreement) -> str:
    """The contract JSON as stored and exported: model field order, no nulls dropped."""
    return json.dumps(agreement.model_dump(mode="json"), ensure_ascii=False)


def create_schema(connection: Connection) -> None:
    tables.metadata.create_all(connection)
    fts.create(connection)


def load_registry(
    engine: Engine,
    agreements: Sequence[Agreement],
    *,
    also: Callable[[Connection], object] | None = None,
) -> LoadReport:
    """Replace the registry's content with these agreements, all or nothing.

    `also` writes more rows (e.g. events) inside the same transaction.
    """
    with engine.begin() as connection:
        create_schema(connection)
        _clear(connection)
        _insert(connection, tables.domains, _domain_rows())
        for agreement in agreements:
            insert_agreement(connection, agreement)
        if also is not None:
            also(connection)
        fts.rebuild(connection)
    return LoadReport(len(agreements), sum(len(a.provisions) for a in agreements))


def _clear(connection: Connection) -> None:
    for table in reversed(tables.metadata.sorted_tables):
        connection.execute(table.delete())


def _insert(connection: Connection, table: Table, rows: Iterable[Row]) -> None:
    batch = list(rows)
    if batch:
        connection.execute(insert(table), batch)


def _domain_rows() -> Iterator[Row]:
    for position, domain in enumerate(taxonomy_domains()):
        yield {
            "id": domain.id,
            "label": domain.label,
            "definition": domain.definition,
            "position": position,
        }


def insert_agreement(connection: Connection, agreement: Agreement) -> None:
    """Insert one agreement's rows; the caller owns the transaction."""
    aid = agreement.id
    _insert(
        connection,
        tables.agreements,
        [
            {
                "id": aid,
                "title": agreement.title,
                "kind": agreement.kind,
                "signed_on": agreement.signed_on,
                "signed_at": agreement.signed_at,
                "legal_nature": agreement.legal_nature,
                "term_years": agreement.term.years,
                "ends_on": agreement.term.ends_on,
                "provision_count": len(agreement.provisions),
                "record": record_json(agreement),
            }
        ],
    )
    _insert(
        connection,
        tables.agreement_parties,
        ({"agreement_id": aid, "position": i, "party": p} for i, p in enumerate(agreement.parties)),
    )
    _insert(
        connection,
        tables.signatories,
        (
            {"agreement_id": aid, "position": i, **s.model_dump()}
            for i, s in enumerate(agreement.signatories)
        ),
    )
    _insert(
        connection,
        tables.sources,
        (
            {
                "agreement_id": aid,
                "id": s.id,
                "kind": s.kind,
                "title": s.title,
                "language": s.language,
                "sha256": s.sha256,
                "url": s.url,
            }
            for s in agreement.sources
        ),
    )
    for position, provision in enumerate(agreement.provisions):
        _insert_provision(connection, aid, position, provision)
    _insert(
        connection,
        tables.mechanisms,
        (
            {
                "agreement_id": aid,
                "id": m.id,
                "kind": m.kind,
                "within": m.within,
                "every": m.every,
                "starts_on": m.starts_on,
                "triggers": ",".join(m.triggers),
                "provision_id": m.provision,
                "description": m.description,
            }
            for m in agreement.mechanisms
        ),
    )
    _insert(
        connection,
        tables.mentions,
        (
            {"agreement_id": aid, "position": i, "kind": m.kind, "parties": ",".join(m.parties)}
            for i, m in enumerate(agreement.mentions)
        ),
    )


def _children(
    aid: str, pid: str, values: Iterable[Any], to_row: Callable[[Any], Row]
) -> Iterator[Row]:
    for position, value in enumerate(values):
        yield {"agreement_id": aid, "provision_id": pid, "position": position, **to_row(value)}


def _insert_provision(connection: Connection, aid: str, position: int, p: Provision) -> None:
    amount = p.amount
    _insert(
        connection,
        tables.provisions,
        [
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
            }
        ],
    )
    parties = [("actor", c) for c in p.actors] + [("beneficiary", c) for c in p.beneficiaries]
    children: list[tuple[Table, Iterable[Any], Callable[[Any], Row]]] = [
        (tables.provision_domains, p.domains, lambda d: {"domain": d}),
        (tables.provision_parties, parties, lambda rp: {"role": rp[0], "party": rp[1]}),
        (tables.provision_partners, p.partners, lambda n: {"name": n}),
        (tables.provision_instruments, p.instruments, lambda n: {"name": n}),
        (tables.provision_flags, p.flags, lambda f: {"flag": f}),
        (tables.spans, p.spans, lambda s: {"source_id": s.source, "start": s.start, "end": s.end}),
    ]
    for table, values, to_row in children:
        _insert(connection, table, _children(aid, p.id, values, to_row))
