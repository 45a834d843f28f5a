"""Queries the API and pages ask of the registry: filtered provisions, facets, the matrix.

Everything is SQLAlchemy Core with bound parameters; filters on list values (domains,
actors, beneficiaries) are EXISTS probes served by the child tables' covering indexes.
Provisions come back as their stored contract JSON, so a page of results is assembled
without re-reading six child tables. Pagination is by keyset (a cursor holding the last
row's sort key), so page 2,000 costs what page 1 costs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB

from pactwatch.store import cursor_rows, fts, records, summary, tables

p, a = tables.provisions, tables.agreements
pd, pp, ap = tables.provision_domains, tables.provision_parties, tables.agreement_parties
pf = summary.provision_facets


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
            return [p.c.signed_key, *tail]
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


class ProvisionRow(NamedTuple):
    """One row of a page (a named tuple: a page makes one per row, in under half the time
    a frozen dataclass takes)."""

    agreement_id: str
    record: str
    key: list[Any]
    """The row's sort key as the database returns it (`ProvisionPage.next_key` is JSON's)."""


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


def conditions(f: ProvisionFilter, dialect: str, probe: bool = True) -> list[ColumnElement[bool]]:
    """The WHERE clauses for a filter, on `provisions` rows.

    A page (`probe`) walks a sort index and probes each row's lists, stopping after the
    page; a count or facet reads every match, so there the lists' own indexes drive
    (`(agreement_id, id) IN (rows with that value)`) and only matching rows are visited.
    """
    child = _child_has if probe else _child_in
    out: list[ColumnElement[bool]] = []
    if f.agreement is not None:
        out.append(p.c.agreement_id == f.agreement)
    if f.kind is not None:
        out.append(p.c.kind == f.kind)
    if f.domain is not None:
        out.append(child(pd, domain=f.domain))
    if f.actor is not None:
        out.append(child(pp, role="actor", party=f.actor))
    if f.beneficiary is not None:
        out.append(child(pp, role="beneficiary", party=f.beneficiary))
    if f.partner is not None:
        out.append(p.c.agreement_id.in_(select(ap.c.agreement_id).where(ap.c.party == f.partner)))
    if f.q is not None:
        out.append(fts.matches(dialect, f.q))
    return out


VALUES = ("agreement", "domain", "actor", "beneficiary", "kind", "partner")
"""The filter's fields that are plain values (bound parameters); `q` is built per query."""


def normal(f: ProvisionFilter) -> ProvisionFilter:
    """Empty values mean no filter (`?agreement=` filters nothing)."""
    values = {name: getattr(f, name) or None for name in VALUES}
    return ProvisionFilter(**values, q=f.q if f.q and f.q.strip() else None)


def _template(f: ProvisionFilter) -> ProvisionFilter:
    """The filter's shape, each value a bound parameter, so one statement serves all values."""
    bound: dict[str, Any] = {
        name: bindparam("f_" + name) if getattr(f, name) is not None else None for name in VALUES
    }
    return ProvisionFilter(**bound, q=f.q)


def _values(f: ProvisionFilter) -> dict[str, Any]:
    return {"f_" + name: getattr(f, name) for name in VALUES if getattr(f, name) is not None}


_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _statement(key: tuple[Any, ...], f: ProvisionFilter, build: Any) -> Any:
    """A statement built once per shape (which filters, which sort) and reused: building a
    SQLAlchemy statement costs more than running an indexed query. Text queries (`q`)
    carry their words in the statement and are built each time."""
    if f.q is not None:
        return build()
    shape = (*key, *(getattr(f, name) is not None for name in VALUES))
    found = _STATEMENTS.get(shape)
    if found is None:
        found = _STATEMENTS[shape] = build()
    return found


def _rows(
    connection: Connection, f: ProvisionFilter, statement: Any, params: dict[str, Any]
) -> Sequence[Sequence[Any]]:
    """A statement's rows: one built once per shape goes to the driver's cursor
    (`cursor_rows`); a text query, built per call, through SQLAlchemy."""
    if f.q is not None:
        return connection.execute(statement, params).all()
    return cursor_rows.rows(connection, statement, params)


def _child_in(table: Any, **where: str) -> ColumnElement[bool]:
    """The provision is among those with a child row of these values (index-driven)."""
    rows = select(table.c.agreement_id, table.c.provision_id).where(
        *[table.c[name] == value for name, value in where.items()]
    )
    return tuple_(p.c.agreement_id, p.c.id).in_(rows)


def provision_page(
    connection: Connection,
    f: ProvisionFilter,
    sort: Sort,
    limit: int,
    after: Sequence[Any] | None = None,
) -> ProvisionPage:
    """One page of provisions in `sort` order, starting after the cursor's key."""
    f = normal(f)
    dialect = connection.dialect.name
    walk = walks_domain(f, sort)

    def build() -> Select[Any]:
        key = sort.key()
        if walk:
            query = _domain_walk(f, dialect)
            key = [pd.c.agreement_id, pd.c.provision_position]
        else:
            query = select(p.c.agreement_id, p.c.record, *key).where(
                *conditions(_template(f), dialect)
            )
        if after is not None:
            bound = tuple_(*key)
            values = tuple_(*[bindparam(f"k{i}", type_=k.type) for i, k in enumerate(key)])
            query = query.where(bound < values if sort.descending else bound > values)
        order = [k.desc() if sort.descending else k.asc() for k in key]
        return query.order_by(*order).limit(bindparam("f_limit"))

    shape = ("page", dialect, sort.name, sort.descending, after is not None, walk)
    params = {**_values(f), "f_limit": limit + 1}
    if after is not None:
        params.update({f"k{i}": v for i, v in enumerate(sort.decode(after))})
    rows = _rows(connection, f, _statement(shape, f, build), params)
    page = ProvisionPage([ProvisionRow(str(r[0]), str(r[1]), list(r[2:])) for r in rows[:limit]])
    if len(rows) > limit:
        page.next_key = [_jsonable(v) for v in page.items[-1].key]
    return page


def walks_domain(f: ProvisionFilter, sort: Sort) -> bool:
    """Whether a page reads a domain's entries in agreement order (`_domain_walk`)."""
    return f.domain is not None and sort.name == "agreement"


def _domain_walk(f: ProvisionFilter, dialect: str) -> Select[Any]:
    """A domain-filtered page in agreement order, read from the domain's own index.

    `ix_provision_domains_walk` lists a domain's provisions by (agreement, position), each
    once (`provision_position` is set on the first row of each domain in a provision), so
    the page reads the entries it shows and fetches their rows by key, however rare the
    domain; walking the provisions' order and probing each one's domains read every
    provision before the page's last. The key is the provision's own (agreement, position).
    """
    rest = replace(_template(f), domain=None, agreement=None)
    walked = pd.join(p, and_(p.c.agreement_id == pd.c.agreement_id, p.c.id == pd.c.provision_id))
    where = [pd.c.domain == bindparam("f_domain"), pd.c.provision_position.is_not(None)]
    if f.agreement is not None:
        where.append(pd.c.agreement_id == bindparam("f_agreement"))
    columns = [p.c.agreement_id, p.c.record, pd.c.agreement_id, pd.c.provision_position]
    return select(*columns).select_from(walked).where(*where, *conditions(rest, dialect))


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def count_provisions(connection: Connection, f: ProvisionFilter) -> int:
    f = normal(f)
    dialect = connection.dialect.name
    if summarised(f):

        def cube() -> Any:
            return select(func.coalesce(func.sum(pf.c.n), 0)).where(*_cube_where(_template(f)))

        total = _statement(("cube-count",), f, cube)
        return int(_rows(connection, f, total, {**_values(f), "any": summary.ANY})[0][0])

    def live() -> Any:
        where = conditions(_template(f), dialect, probe=False)
        return select(func.count()).select_from(p).where(*where)

    query = _statement(("count", dialect), f, live)
    return int(_rows(connection, f, query, _values(f))[0][0])


def summarised(f: ProvisionFilter) -> bool:
    """Whether the facet cube answers this filter: only its dimensions are constrained."""
    return f.beneficiary is None and f.q is None


def _cube_where(f: ProvisionFilter, facet: str | None = None) -> list[ColumnElement[bool]]:
    """Cube rows counting each matching provision once (`summary` says why)."""
    grouped = {"domain": "co_domain", "actor": "actor"}.get(facet or "")
    any_value: Any = bindparam("any")
    out: list[ColumnElement[bool]] = []
    for column, value in (("domain", f.domain), ("co_domain", None), ("actor", f.actor)):
        if column == grouped:
            out.append(pf.c[column] != any_value)
        else:
            out.append(pf.c[column] == (any_value if value is None else value))
    if f.kind is not None:
        out.append(pf.c.kind == f.kind)
    if f.agreement is not None:
        out.append(pf.c.agreement_id == f.agreement)
    if f.partner is not None:
        out.append(pf.c.agreement_id.in_(select(ap.c.agreement_id).where(ap.c.party == f.partner)))
    return out


def _cube_facets(connection: Connection, f: ProvisionFilter) -> dict[str, list[tuple[str, int]]]:
    """The facets from the cube in one statement (one round trip, one plan)."""
    columns = {"domain": pf.c.co_domain, "actor": pf.c.actor, "kind": pf.c.kind}
    columns["agreement"] = pf.c.agreement_id

    def build() -> Any:
        template = _template(f)
        parts = []
        for name, column in columns.items():
            if name == "actor" and f.actor is not None:
                continue
            facet = name if name in {"domain", "actor"} else None
            n = func.sum(pf.c.n).label("n")
            parts.append(
                select(literal_column(f"'{name}'").label("facet"), column.label("value"), n)
                .where(*_cube_where(template, facet))
                .group_by(column)
            )
        union = union_all(*parts).subquery()
        return select(union.c.facet, union.c.value, union.c.n).order_by(
            union.c.facet, union.c.n.desc(), union.c.value
        )

    statement = _statement(("cube-facets",), f, build)
    out: dict[str, list[tuple[str, int]]] = {name: [] for name in columns}
    for name, value, n in _rows(connection, f, statement, {**_values(f), "any": summary.ANY}):
        out[str(name)].append((str(value), int(n)))
    if f.actor is not None:
        out["actor"] = _co_actors(connection, f)
    return out


def _co_actors(connection: Connection, f: ProvisionFilter) -> list[tuple[str, int]]:
    """Actors of the provisions an actor filter selects (co-actors are not in the cube)."""
    where = conditions(f, connection.dialect.name, probe=False)
    matching = select(p.c.agreement_id, p.c.id).where(*where)
    n = func.count().label("n")
    query = (
        select(pp.c.party, n)
        .where(tuple_(pp.c.agreement_id, pp.c.provision_id).in_(matching), pp.c.role == "actor")
        .group_by(pp.c.party)
        .order_by(n.desc(), pp.c.party)
    )
    return [(str(k), int(v)) for k, v in connection.execute(query)]


def facets(connection: Connection, f: ProvisionFilter) -> dict[str, list[tuple[str, int]]]:
    """Counts by domain, actor, kind and agreement over the provisions a filter selects.

    From the summary cube when it covers the filter (a few hundred rows whatever the
    registry's size); a beneficiary or a text query counts the matching rows themselves.
    """
    f = normal(f)
    if summarised(f):
        return _cube_facets(connection, f)
    where = conditions(f, connection.dialect.name, probe=False)
    matching = select(p.c.agreement_id, p.c.id).where(*where)
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
    by_own = (
        select(sub.c.agreement_id, n)
        .group_by(sub.c.agreement_id)
        .order_by(n.desc(), sub.c.agreement_id)
    )
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
        "agreement": [(str(k), int(v)) for k, v in connection.execute(by_own)],
    }


def total_of(facets: dict[str, list[tuple[str, int]]]) -> int:
    """How many provisions the facets were counted over: every one is in exactly one
    agreement, so the agreement facet sums to `count_provisions`, and a search that
    asks for both saves the count's query."""
    return sum(n for _, n in facets["agreement"])


CELL_IDS = summary.CELL_IDS
_DOCUMENT = select(summary.summary_documents.c.body).where(
    summary.summary_documents.c.name == bindparam("name")
)
_DOCUMENT_GZIP = select(summary.summary_documents.c.gzip).where(
    summary.summary_documents.c.name == bindparam("name")
)


def document_bytes(connection: Connection, name: str, gzip: bool = False) -> bytes | None:
    """A rendered summary document (`summary.document`) as the bytes the API sends: UTF-8
    text, on PostgreSQL fetched as bytes, so a matrix of 0.9 MB is neither decoded nor
    encoded; or (`gzip`) its compressed copy, None if it has none."""
    statement = _DOCUMENT_GZIP if gzip else _DOCUMENT
    found = cursor_rows.rows(connection, statement, {"name": name}, text_as_bytes=True)
    if not found or found[0][0] is None:
        return None
    body = found[0][0]
    return bytes(body) if isinstance(body, bytes | memoryview) else str(body).encode("utf-8")


def matrix_partners(connection: Connection) -> list[str]:
    return summary.matrix_partners(connection)


def matrix_cells(connection: Connection) -> list[str]:
    """The matrix's non-empty cells by partner then domain, each as the API's JSON object."""
    mc = summary.matrix_cells
    query = select(mc.c.cell).order_by(mc.c.partner, mc.c.domain)
    return [str(c) for c in connection.execute(query).scalars()]


@dataclass(frozen=True)
class MatrixCell:
    partner: str
    domain: str
    count: int
    provisions: list[str]


def matrix(connection: Connection) -> tuple[list[str], list[MatrixCell]]:
    """Partners (in signing order) and the non-empty cells, each with up to CELL_IDS ids.

    Read from the `matrix_cells` summary, which every load and write keeps exact.
    """
    cells = []
    for text in matrix_cells(connection):
        c = json.loads(text)
        cells.append(MatrixCell(c["partner"], c["domain"], c["count"], c["provisions"]))
    return matrix_partners(connection), cells


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
    """The stored contract JSON and version of one agreement (assembled: `records.py`)."""
    found = records.read(connection, agreement_id)
    return None if found is None else (found.record, found.version)


def _json_text(dialect: str, column: Any, *path: str) -> ColumnElement[Any]:
    """A text value inside a JSON column, read by the database (SQLite json1 or jsonb)."""
    if dialect == "sqlite":
        return func.json_extract(column, "$." + ".".join(path))
    return cast(column, JSONB).op("#>>")(literal_column("'{" + ",".join(path) + "}'::text[]"))


def agreement_head(connection: Connection, agreement_id: str) -> tuple[str, int, int] | None:
    """An agreement's record without its provisions, its version and provision count.

    The database drops the provisions from the stored JSON, so a page about an agreement
    with thousands of provisions never parses them all in Python.
    """
    if connection.dialect.name == "sqlite":
        head: ColumnElement[Any] = func.json_remove(a.c.record, "$.provisions")
    else:
        head = cast(cast(a.c.record, JSONB).op("-")(literal_column("'provisions'::text")), Text)
    row = connection.execute(
        select(head, a.c.version, a.c.provision_count).where(a.c.id == agreement_id)
    ).one_or_none()
    return None if row is None else (str(row[0]), int(row[1]), int(row[2]))


def provision_records(
    connection: Connection, agreement_id: str, start: int, stop: int
) -> list[str]:
    """The contract JSON of an agreement's provisions at positions [start, stop), in order
    (a range of the order index, so page 40 costs what page 1 costs)."""
    query = (
        select(p.c.record)
        .where(p.c.agreement_id == agreement_id, p.c.position >= start, p.c.position < stop)
        .order_by(p.c.position)
    )
    return [str(r) for r in connection.execute(query).scalars()]


def unreviewed_count(connection: Connection, agreement_id: str) -> int:
    """Provisions of an agreement whose review state is not `reviewed`."""
    state = _json_text(connection.dialect.name, p.c.record, "review", "state")
    query = select(func.count()).where(
        p.c.agreement_id == agreement_id, func.coalesce(state, "") != "reviewed"
    )
    return int(connection.execute(query).scalar_one())
