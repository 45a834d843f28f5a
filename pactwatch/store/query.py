"""Queries the API and pages ask of the registry: filtered provisions, facets, the matrix.

Everything is SQLAlchemy Core with bound parameters; filters on list values (domains,
actors, beneficiaries) are EXISTS probes served by the child tables' covering indexes.
Provisions come back as their stored contract JSON, so a page of results is assembled
without re-reading six child tables. Pagination is by keyset (a cursor holding the last
row's sort key), so page 2,000 costs what page 1 costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    func,
    literal,
    select,
    tuple_,
)

from pactwatch.store import fts, tables

p, a = tables.provisions, tables.agreements
pd, pp, ap = tables.provision_domains, tables.provision_parties, tables.agreement_parties
FAR_FUTURE = date(9999, 12, 31)
HOME_PARTY = "UA"


@dataclass(frozen=True)
class ProvisionFilter:
    """What a reader narrows provisions by; every field optional, all of them ANDed."""

    agreement: str | None = None
    domain: str | None = None
    actor: str | None = None
    beneficiary: str | None = None
    kind: str | None = None
    partner: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class Sort:
    """A named order: the columns of its key (unique with the last two), and direction."""

    name: str
    descending: bool = False

    def key(self) -> list[ColumnElement[Any]]:
        tail: list[ColumnElement[Any]] = [p.c.agreement_id, p.c.position]
        if self.name == "signed_on":
            return [func.coalesce(a.c.signed_on, literal(FAR_FUTURE)), *tail]
        if self.name == "domain":
            return [p.c.primary_domain, *tail]
        if self.name == "id":
            return [p.c.id, *tail]
        return tail

    def decode(self, values: Sequence[Any]) -> list[Any]:
        """Cursor values (from JSON) back to the key's Python types."""
        out = list(values)
        if self.name == "signed_on" and out:
            out[0] = date.fromisoformat(str(out[0]))
        return out


SORTS = ("agreement", "signed_on", "domain", "id")


@dataclass(frozen=True)
class ProvisionRow:
    agreement_id: str
    record: str
    key: list[Any]


@dataclass
class ProvisionPage:
    items: list[ProvisionRow] = field(default_factory=list)
    next_key: list[Any] | None = None


def _child_has(table: Any, **where: str) -> ColumnElement[bool]:
    """The provision has a child row with these values (an EXISTS probe of one index entry).

    The child tables are indexed (value, agreement_id, provision_id), so each probe is one
    index lookup, and a page of 50 stops after the first 50 matches in order.
    """
    conditions = [table.c[name] == value for name, value in where.items()]
    linked = and_(table.c.agreement_id == p.c.agreement_id, table.c.provision_id == p.c.id)
    return select(literal(1)).where(linked, *conditions).exists()


def conditions(f: ProvisionFilter, dialect: str) -> list[ColumnElement[bool]]:
    """The WHERE clauses for a filter, on `provisions` rows."""
    out: list[ColumnElement[bool]] = []
    if f.agreement:
        out.append(p.c.agreement_id == f.agreement)
    if f.kind:
        out.append(p.c.kind == f.kind)
    if f.domain:
        out.append(_child_has(pd, domain=f.domain))
    if f.actor:
        out.append(_child_has(pp, role="actor", party=f.actor))
    if f.beneficiary:
        out.append(_child_has(pp, role="beneficiary", party=f.beneficiary))
    if f.partner:
        out.append(p.c.agreement_id.in_(select(ap.c.agreement_id).where(ap.c.party == f.partner)))
    if f.q and f.q.strip():
        out.append(fts.matches(dialect, f.q))
    return out


def provision_page(
    connection: Connection,
    f: ProvisionFilter,
    sort: Sort,
    limit: int,
    after: Sequence[Any] | None = None,
) -> ProvisionPage:
    """One page of provisions in `sort` order, starting after the cursor's key."""
    key = sort.key()
    query: Select[Any] = select(p.c.agreement_id, p.c.record, *key).where(
        *conditions(f, connection.dialect.name)
    )
    if sort.name == "signed_on":
        query = query.join(a, a.c.id == p.c.agreement_id)
    if after is not None:
        bound = tuple_(*key)
        values = tuple(sort.decode(after))
        query = query.where(bound < values if sort.descending else bound > values)
    order = [k.desc() if sort.descending else k.asc() for k in key]
    rows = connection.execute(query.order_by(*order).limit(limit + 1)).all()
    page = ProvisionPage(
        [ProvisionRow(str(r[0]), str(r[1]), [_jsonable(v) for v in r[2:]]) for r in rows[:limit]]
    )
    if len(rows) > limit:
        page.next_key = page.items[-1].key
    return page


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def count_provisions(connection: Connection, f: ProvisionFilter) -> int:
    query = select(func.count()).select_from(p).where(*conditions(f, connection.dialect.name))
    return int(connection.execute(query).scalar_one())


def facets(connection: Connection, f: ProvisionFilter) -> dict[str, list[tuple[str, int]]]:
    """Counts by domain, actor, kind and agreement over the provisions a filter selects."""
    matching = select(p.c.agreement_id, p.c.id).where(*conditions(f, connection.dialect.name))
    sub = matching.subquery()
    in_matching = select(sub.c.agreement_id, sub.c.id)

    def grouped(column: Any, table: Any, *extra: ColumnElement[bool]) -> list[tuple[str, int]]:
        n = func.count().label("n")
        query = (
            select(column, n)
            .select_from(table)
            .where(tuple_(table.c.agreement_id, table.c.provision_id).in_(in_matching))
            .where(*extra)
            .group_by(column)
            .order_by(n.desc(), column)
        )
        return [(str(k), int(v)) for k, v in connection.execute(query)]

    n = func.count().label("n")
    by_own = select(sub.c.agreement_id, n).group_by(sub.c.agreement_id)
    kinds = (
        select(p.c.kind, n)
        .where(tuple_(p.c.agreement_id, p.c.id).in_(in_matching))
        .group_by(p.c.kind)
        .order_by(n.desc(), p.c.kind)
    )
    return {
        "domain": grouped(pd.c.domain, pd),
        "actor": grouped(pp.c.party, pp, pp.c.role == "actor"),
        "kind": [(str(k), int(v)) for k, v in connection.execute(kinds)],
        "agreement": sorted(
            ((str(k), int(v)) for k, v in connection.execute(by_own)), key=lambda kv: -kv[1]
        ),
    }


@dataclass(frozen=True)
class MatrixCell:
    partner: str
    domain: str
    count: int
    provisions: list[str]


CELL_IDS = 25
"""Provision ids listed per cell; the count is always whole, and the cell links to all."""


def matrix(connection: Connection) -> tuple[list[str], list[MatrixCell]]:
    """Partners (every agreement's parties other than Ukraine) x domains, with provision ids.

    Returns the partners in signing order (those without coded provisions too, so gaps in
    coverage show) and the non-empty cells, each with its count and up to CELL_IDS ids.
    Counted per (domain, agreement) straight off the covering index, then summed per
    partner here: a partner has few agreements, so the sums are cheap.
    """
    first_signed = func.min(func.coalesce(a.c.signed_on, literal(FAR_FUTURE)))
    partners_query = (
        select(ap.c.party)
        .join(a, a.c.id == ap.c.agreement_id)
        .where(ap.c.party != HOME_PARTY)
        .group_by(ap.c.party)
        .order_by(first_signed, ap.c.party)
    )
    partners = [str(r) for r in connection.execute(partners_query).scalars()]
    owners: dict[str, list[str]] = {}
    for aid, party in connection.execute(
        select(ap.c.agreement_id, ap.c.party).where(ap.c.party != HOME_PARTY)
    ):
        owners.setdefault(str(aid), []).append(str(party))
    counts: dict[tuple[str, str], int] = {}
    by_pair = select(pd.c.domain, pd.c.agreement_id, func.count()).group_by(
        pd.c.domain, pd.c.agreement_id
    )
    for domain, aid, n in connection.execute(by_pair):
        for party in owners.get(str(aid), []):
            key = (party, str(domain))
            counts[key] = counts.get(key, 0) + int(n)
    ids: dict[tuple[str, str], list[str]] = {}
    for domain, aid, pid in connection.execute(_first_ids()):
        for party in owners.get(str(aid), []):
            listed = ids.setdefault((party, str(domain)), [])
            if len(listed) < CELL_IDS:
                listed.append(f"{aid}/{pid}")
    return partners, [MatrixCell(k[0], k[1], n, ids.get(k, [])) for k, n in sorted(counts.items())]


def _first_ids() -> Select[Any]:
    """The first CELL_IDS provision ids of each (domain, agreement), in index order."""
    pair = (pd.c.domain, pd.c.agreement_id)
    rank = func.row_number().over(partition_by=pair, order_by=pd.c.provision_id).label("rn")
    sub = select(*pair, pd.c.provision_id, rank).subquery()
    return (
        select(sub.c.domain, sub.c.agreement_id, sub.c.provision_id)
        .where(sub.c.rn <= CELL_IDS)
        .order_by(sub.c.agreement_id, sub.c.domain, sub.c.rn)
    )


@dataclass(frozen=True)
class AgreementFilter:
    party: str | None = None
    kind: str | None = None
    signed_from: date | None = None
    signed_to: date | None = None


def agreement_ids(connection: Connection, f: AgreementFilter) -> list[str]:
    """Agreement ids matching a filter, in signing order."""
    query = select(a.c.id).order_by(a.c.signed_on.nulls_last(), a.c.id)
    if f.party:
        query = query.where(a.c.id.in_(select(ap.c.agreement_id).where(ap.c.party == f.party)))
    if f.kind:
        query = query.where(a.c.kind == f.kind)
    if f.signed_from:
        query = query.where(a.c.signed_on >= f.signed_from)
    if f.signed_to:
        query = query.where(a.c.signed_on <= f.signed_to)
    return [str(r) for r in connection.execute(query).scalars()]


def agreement_record(connection: Connection, agreement_id: str) -> tuple[str, int] | None:
    """The stored contract JSON and version of one agreement."""
    row = connection.execute(
        select(a.c.record, a.c.version).where(a.c.id == agreement_id)
    ).one_or_none()
    return None if row is None else (str(row[0]), int(row[1]))
