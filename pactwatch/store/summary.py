"""Summary tables for facets and the compare matrix, kept exact inside every write.

Counting facets or the partners x domains matrix from the provision tables reads every
matching provision: at 100,000 provisions that is a second per question. These tables
hold the counts already grouped, so a question reads a few hundred summary rows instead.

`provision_facets` is a small cube: per agreement, domain, co-domain, actor and kind, how
many provisions have that domain, that co-domain and that actor. Domains and actors are
lists, so each also has an "any" row (`ANY`): a provision with domains d1, d2 and actor A
gives (d1, d1, A), (d1, d2, A), (d1, *, A), ..., (*, *, *). A count fixes every list
dimension (to the filter's value, or to `ANY`) except the one it groups by, so each
provision is counted once; the co-domain is what the domain facet groups by, so a filter
on one domain still counts the other domains those provisions carry. (The actor facet
under an actor filter would need co-actors too; `query.facets` counts that one live.)

`matrix_cells` holds the compare matrix's non-empty cells, each already rendered as the
JSON object the API sends (count, the first provision ids, the link), so the matrix is
read in one indexed pass and joined as bytes.

Both are rewritten for one agreement (`refresh_agreement`) by the write that changes it,
in the write's own transaction, and for everything by a load (`rebuild`); an edit of one
provision moves only that provision's counts (`move_provision`).
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    LargeBinary,
    Select,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Delete, Insert
from sqlalchemy.sql.elements import BindParameter

from pactwatch.model import Agreement, Provision
from pactwatch.model.codes import party_name
from pactwatch.model.taxonomy import domains as taxonomy_domains
from pactwatch.store import tables

ANY = "*"
HOME_PARTY = "UA"
SIGNED_UNKNOWN = date(9999, 12, 31)
CELL_IDS = 25
"""Provision ids listed per matrix cell; the count is always whole, and the cell links to all."""

provision_facets = Table(
    "provision_facets",
    tables.metadata,
    Column("agreement_id", String, primary_key=True),
    Column("domain", String, primary_key=True, comment="a domain id, or * for any"),
    Column("co_domain", String, primary_key=True, comment="a domain id, or * for any"),
    Column("actor", String, primary_key=True, comment="a party code, or * for any"),
    Column("kind", String, primary_key=True),
    Column("n", Integer, nullable=False, comment="how many provisions"),
    comment="provisions per agreement, domain, co-domain, actor and kind; kept by writes",
)
Index(
    "ix_provision_facets_domain",
    provision_facets.c.domain,
    provision_facets.c.co_domain,
    provision_facets.c.actor,
    provision_facets.c.agreement_id,
    provision_facets.c.kind,
    provision_facets.c.n,
)
Index(
    "ix_provision_facets_co_domain",
    provision_facets.c.domain,
    provision_facets.c.actor,
    provision_facets.c.agreement_id,
    provision_facets.c.co_domain,
    provision_facets.c.kind,
    provision_facets.c.n,
)
"""One index per kind of question, each covering: counts and most facets fix the co-domain;
the domain facet ranges over it after the filter's actor and agreement."""

matrix_cells = Table(
    "matrix_cells",
    tables.metadata,
    Column("partner", String, primary_key=True),
    Column("domain", String, primary_key=True),
    Column("n", Integer, nullable=False, comment="how many provisions of the partner's agreements"),
    Column("cell", Text, nullable=False, comment="the cell as the compare API sends it (JSON)"),
    comment="the compare matrix's non-empty cells; kept by writes",
)


summary_documents = Table(
    "summary_documents",
    tables.metadata,
    Column("name", String, primary_key=True),
    Column("body", Text, nullable=False, comment="a whole answer, as the API sends it"),
    Column(
        "gzip",
        LargeBinary,
        nullable=True,
        comment="the same answer gzip-compressed, for clients that accept it",
    ),
    comment="answers about the whole registry (the compare matrix), rendered by each write",
)
MATRIX = "compare"
GZIP_LEVEL = 6
"""zlib's default: the matrix at 100,000 provisions goes from 865 KB to 102 KB in 16 ms,
once per write that renders it; level 1 saves 12 ms there and sends 28 % more per read."""


def facet_counts(agreement: Agreement) -> Counter[tuple[str, str, str, str]]:
    """(domain, co-domain, actor, kind) -> provisions, for one agreement."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for p in agreement.provisions:
        counts.update(provision_counts(p))
    return counts


def provision_counts(p: Provision) -> Counter[tuple[str, str, str, str]]:
    """The cube rows one provision counts in (each once)."""
    domains = [*dict.fromkeys(p.domains), ANY]
    actors = [*dict.fromkeys(p.actors), ANY]
    return Counter((d, o, x, p.kind) for d in domains for o in domains for x in actors)


def facet_rows(agreement: Agreement) -> list[dict[str, object]]:
    """The cube rows one agreement contributes."""
    return [
        {"agreement_id": agreement.id, "domain": d, "co_domain": o, "actor": x, "kind": k, "n": n}
        for (d, o, x, k), n in sorted(facet_counts(agreement).items())
    ]


def partners_of(agreement: Agreement) -> set[str]:
    return {p for p in agreement.parties if p != HOME_PARTY}


def rebuild(connection: Connection, agreements: Sequence[Agreement], document: bool = True) -> None:
    """Fill both tables for a whole load (the caller has emptied them).

    `document=False` leaves the rendered answer out (a reader renders it from the cells):
    for a migration, whose schema may be older than the one the document's row has now.
    """
    rows = [row for a in agreements for row in cube_rows(a)]
    if rows:
        connection.execute(insert(provision_facets), rows)
    render_cells(connection, document)


def render_cells(connection: Connection, document: bool = True) -> None:
    """The matrix cells and (`document`) the compare answer, from a cube already filled
    for a load.

    Every cell at once, in two statements: `refresh_partners` asks for each partner's
    cells one domain at a time, and at a million provisions PostgreSQL answers each of
    those 1,400 questions by reading the domain's every row. The cells are the same,
    written in the same order.
    """
    f, ap, pd, mc = (
        provision_facets,
        tables.agreement_parties,
        tables.provision_domains,
        matrix_cells,
    )
    owned = select(ap.c.agreement_id, ap.c.party).where(ap.c.party != HOME_PARTY).distinct()
    pairs = owned.subquery()
    counts = connection.execute(
        select(pairs.c.party, f.c.co_domain, func.sum(f.c.n))
        .join_from(f, pairs, pairs.c.agreement_id == f.c.agreement_id)
        .where(f.c.domain == ANY, f.c.actor == ANY, f.c.co_domain != ANY)
        .group_by(pairs.c.party, f.c.co_domain)
        .order_by(pairs.c.party, f.c.co_domain)
    ).all()
    rank = func.row_number().over(
        partition_by=(pairs.c.party, pd.c.domain), order_by=(pd.c.agreement_id, pd.c.provision_id)
    )
    ranked = (
        select(pairs.c.party, pd.c.domain, pd.c.agreement_id, pd.c.provision_id, rank.label("rank"))
        .join_from(pd, pairs, pairs.c.agreement_id == pd.c.agreement_id)
        .subquery()
    )
    first: dict[tuple[str, str], list[str]] = {}
    for party, domain, aid, pid in connection.execute(
        select(ranked.c.party, ranked.c.domain, ranked.c.agreement_id, ranked.c.provision_id)
        .where(ranked.c.rank <= CELL_IDS)
        .order_by(ranked.c.party, ranked.c.domain, ranked.c.rank)
    ):
        first.setdefault((str(party), str(domain)), []).append(f"{aid}/{pid}")
    by_partner: dict[str, list[dict[str, object]]] = {}
    for party, domain, n in counts:
        if not n:
            continue
        cell = {
            "partner": party,
            "domain": str(domain),
            "count": int(n),
            "provisions": first.get((str(party), str(domain)), []),
            "url": f"/api/v1/provisions?partner={party}&domain={domain}",
        }
        by_partner.setdefault(str(party), []).append(
            {"partner": party, "domain": domain, "n": int(n), "cell": json.dumps(cell)}
        )
    connection.execute(delete(mc))
    for partner in sorted(by_partner):
        connection.execute(insert(mc), by_partner[partner])
    if document:
        render_matrix(connection)


def cube_rows(agreement: Agreement) -> list[dict[str, object]]:
    """`facet_rows` for a whole load: provisions with the same domains, actors and kind
    count together, so the cube is expanded once per such signature, not per provision
    (a million provisions fall into a few hundred thousand signatures at most)."""
    signatures = Counter(
        (tuple(dict.fromkeys(p.domains)), tuple(dict.fromkeys(p.actors)), p.kind)
        for p in agreement.provisions
    )
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for (domains, actors, kind), n in signatures.items():
        each = (*domains, ANY)
        for x in (*actors, ANY):
            for d in each:
                for o in each:
                    counts[(d, o, x, kind)] += n
    return [
        {"agreement_id": agreement.id, "domain": d, "co_domain": o, "actor": x, "kind": k, "n": n}
        for (d, o, x, k), n in sorted(counts.items())
    ]


def refresh_agreement(
    connection: Connection, agreement: Agreement, partners_before: Iterable[str] = ()
) -> None:
    """Bring one agreement's counts and its partners' matrix cells up to date (inside the write).

    Only the cube rows whose counts changed are written, and only the matrix cells of the
    domains whose counts changed are recomputed: an edit of one provision touches a few
    rows, not the agreement's thousands.
    """
    f = provision_facets
    key = (f.c.domain, f.c.co_domain, f.c.actor, f.c.kind)
    stored = {
        (str(d), str(o), str(x), str(k)): int(n)
        for d, o, x, k, n in connection.execute(
            select(*key, f.c.n).where(f.c.agreement_id == agreement.id)
        )
    }
    fresh = facet_counts(agreement)
    gone = [k for k in stored if k not in fresh]
    added = [k for k in fresh if k not in stored]
    moved = [k for k in fresh if k in stored and stored[k] != fresh[k]]
    _write_cube(connection, agreement.id, fresh, gone, moved, added)
    domains = {k[1] for k in [*gone, *added, *moved] if k[0] == ANY and k[2] == ANY}
    partners = partners_of(agreement)
    before = set(partners_before) - {HOME_PARTY}
    refresh_partners(connection, before ^ partners)
    refresh_partners(connection, before & partners, domains - {ANY})
    render_matrix(connection)


def move_provision(
    connection: Connection,
    agreement_id: str,
    before: Provision,
    after: Provision,
    parties: Iterable[str] | None = None,
) -> None:
    """One provision of an agreement changed (inside the write): move its counts.

    The cube gets the difference of the provision's rows, before and after, so an edit
    that keeps a provision's domains, actors and kind writes nothing here; the matrix
    cells of the domains whose counts moved are recomputed, and only then is the rendered
    matrix dropped (`drop_matrix`): the next reader renders it from the cells. The cells
    are what `refresh_agreement` makes of the whole new record. `parties`: the
    agreement's, when the caller has read them.
    """
    delta = provision_counts(after)
    delta.subtract(provision_counts(before))
    changed = {k: n for k, n in delta.items() if n}
    if not changed:
        return
    _add_to_cube(connection, agreement_id, changed)
    domains = {k[1] for k in changed if k[0] == ANY and k[2] == ANY} - {ANY}
    if not domains:
        return
    if parties is None:
        parties = connection.execute(_PARTIES, {"aid": agreement_id}).scalars()
    refresh_partners(connection, {str(p) for p in parties} - {HOME_PARTY}, domains)
    drop_matrix(connection)


def _add_to_cube(
    connection: Connection, agreement_id: str, changed: Mapping[tuple[str, str, str, str], int]
) -> None:
    """Add each key's difference to its count without reading the cube first: one upsert
    of every key (`n = n + difference`), then the keys that fell to zero deleted."""
    if connection.dialect.name == "postgresql":
        keys = sorted(changed)
        columns = {name: [k[i] for k in keys] for i, name in enumerate(_KEY_NAMES)}
        numbers = [changed[k] for k in keys]
        connection.execute(_PG_UPSERT, {"aid": agreement_id, **columns, "n": numbers})
        if any(n < 0 for n in numbers):
            connection.execute(_PG_DROP_EMPTY, {"aid": agreement_id, **columns})
        return
    rows = [
        {"agreement_id": agreement_id, **dict(zip(_KEY_NAMES, k, strict=True)), "n": n}
        for k, n in sorted(changed.items())
    ]
    connection.execute(_upsert(connection.dialect.name), rows)
    fallen = [{"aid": agreement_id, **_named(k)} for k, n in changed.items() if n < 0]
    if fallen:
        connection.execute(_DROP_EMPTY, fallen)


_KEY_NAMES = ("domain", "co_domain", "actor", "kind")
_UNNEST = (
    "unnest(CAST(:domain AS text[]), CAST(:co_domain AS text[]), CAST(:actor AS text[]), "
    "CAST(:kind AS text[])"
)
_PG_UPSERT = text(
    "INSERT INTO provision_facets (agreement_id, domain, co_domain, actor, kind, n) "
    f"SELECT :aid, d, o, x, k, n FROM {_UNNEST}, CAST(:n AS integer[])) AS t(d, o, x, k, n) "
    "ON CONFLICT (agreement_id, domain, co_domain, actor, kind) "
    "DO UPDATE SET n = provision_facets.n + excluded.n"
)
"""PostgreSQL: every key's difference in one statement (psycopg runs an executemany as one
statement per row, each costing the client a quarter of a millisecond)."""
_PG_DROP_EMPTY = text(
    f"DELETE FROM provision_facets AS f USING {_UNNEST}) AS t(d, o, x, k) "
    "WHERE f.agreement_id = :aid AND f.domain = t.d AND f.co_domain = t.o "
    "AND f.actor = t.x AND f.kind = t.k AND f.n <= 0"
)


@cache
def _upsert(dialect: str) -> Insert:
    """INSERT of cube rows that adds to the count of a row already there (built once)."""
    f = provision_facets
    keys = [f.c.agreement_id, f.c.domain, f.c.co_domain, f.c.actor, f.c.kind]
    if dialect == "sqlite":
        lite = sqlite.insert(f)
        return lite.on_conflict_do_update(index_elements=keys, set_={"n": f.c.n + lite.excluded.n})
    pg = postgresql.insert(f)
    return pg.on_conflict_do_update(index_elements=keys, set_={"n": f.c.n + pg.excluded.n})


def _write_cube(
    connection: Connection,
    agreement_id: str,
    fresh: Mapping[tuple[str, str, str, str], int],
    gone: Sequence[tuple[str, str, str, str]],
    moved: Sequence[tuple[str, str, str, str]],
    added: Sequence[tuple[str, str, str, str]],
) -> None:
    """Bring an agreement's cube rows to `fresh`: delete the `gone`, update the `moved`,
    insert the `added` (the one way both a whole refresh and a provision's move write it)."""
    f = provision_facets
    key = (f.c.domain, f.c.co_domain, f.c.actor, f.c.kind)
    where = [f.c.agreement_id == agreement_id, *[c == bindparam("k_" + c.name) for c in key]]
    if gone:
        connection.execute(delete(f).where(*where), [_named(k) for k in gone])
    if moved:
        connection.execute(
            update(f).where(*where).values(n=bindparam("new_n")),
            [{**_named(k), "new_n": fresh[k]} for k in moved],
        )
    if added:
        names = ("domain", "co_domain", "actor", "kind")
        rows = [
            {"agreement_id": agreement_id, **dict(zip(names, k, strict=True)), "n": fresh[k]}
            for k in added
        ]
        connection.execute(insert(f), rows)


def _named(key: tuple[str, str, str, str]) -> dict[str, str]:
    return dict(zip(("k_domain", "k_co_domain", "k_actor", "k_kind"), key, strict=True))


def refresh_partners(
    connection: Connection, partners: Iterable[str], only: set[str] | None = None
) -> None:
    """Recompute the matrix cells of these partners (`only` these domains, if given)."""
    some = only is not None
    statements = _partner_statements(some)
    domains = {"domains": sorted(only)} if only is not None else {}
    for partner in sorted(partners):
        if only is not None and not only:
            continue
        connection.execute(statements.clear, {"partner": partner, **domains})
        counts = connection.execute(statements.count, {"partner": partner, **domains}).all()
        cells = []
        for domain, n in counts:
            if not n:
                continue
            ids = connection.execute(statements.ids, {"partner": partner, "domain": domain})
            cell = {
                "partner": partner,
                "domain": str(domain),
                "count": int(n),
                "provisions": [f"{a}/{p}" for a, p in ids],
                "url": f"/api/v1/provisions?partner={partner}&domain={domain}",
            }
            cells.append(
                {"partner": partner, "domain": domain, "n": int(n), "cell": json.dumps(cell)}
            )
        if cells:
            connection.execute(insert(matrix_cells), cells)


@dataclass(frozen=True)
class _PartnerStatements:
    clear: Delete
    count: Select[Any]
    ids: Select[Any]


@cache
def _partner_statements(some: bool) -> _PartnerStatements:
    """A partner's cell statements (`some`: for a list of domains), built once: building
    them cost more than running them in a provision's edit."""
    f, ap, pd, mc = (
        provision_facets,
        tables.agreement_parties,
        tables.provision_domains,
        matrix_cells,
    )
    partner: BindParameter[str] = bindparam("partner")
    owned = select(ap.c.agreement_id).where(ap.c.party == partner)
    clear = delete(mc).where(mc.c.partner == partner)
    counting = (
        select(f.c.co_domain, func.sum(f.c.n))
        .where(f.c.domain == ANY, f.c.actor == ANY, f.c.co_domain != ANY)
        .where(f.c.agreement_id.in_(owned))
    )
    if some:
        clear = clear.where(mc.c.domain.in_(bindparam("domains", expanding=True)))
        counting = counting.where(f.c.co_domain.in_(bindparam("domains", expanding=True)))
    ids = (
        select(pd.c.agreement_id, pd.c.provision_id)
        .where(pd.c.domain == bindparam("domain"), pd.c.agreement_id.in_(owned))
        .order_by(pd.c.agreement_id, pd.c.provision_id)
        .limit(CELL_IDS)
    )
    return _PartnerStatements(clear, counting.group_by(f.c.co_domain).order_by(f.c.co_domain), ids)


def matrix_partners(connection: Connection) -> list[str]:
    """Every agreement's parties other than Ukraine, in order of their first signing.

    Partners without coded provisions are listed too, so gaps in coverage show.
    """
    a, ap = tables.agreements, tables.agreement_parties
    first_signed = func.min(func.coalesce(a.c.signed_on, literal(SIGNED_UNKNOWN)))
    query = (
        select(ap.c.party)
        .join(a, a.c.id == ap.c.agreement_id)
        .where(ap.c.party != HOME_PARTY)
        .group_by(ap.c.party)
        .order_by(first_signed, ap.c.party)
    )
    return [str(r) for r in connection.execute(query).scalars()]


def matrix_body(connection: Connection) -> str:
    """The compare answer: partners, domains, and the cells as kept in `matrix_cells`."""
    head = {
        "partners": [{"code": p, "name": party_name(p)} for p in matrix_partners(connection)],
        "domains": [{"id": d.id, "label": d.label} for d in taxonomy_domains()],
    }
    cells = connection.execute(
        select(matrix_cells.c.cell).order_by(matrix_cells.c.partner, matrix_cells.c.domain)
    ).scalars()
    return json.dumps(head)[:-1] + ', "cells": [' + ", ".join(str(c) for c in cells) + "]}"


def render_matrix(connection: Connection) -> None:
    """Keep the whole compare answer rendered, so reading it is one row: as text, and
    compressed once here rather than by every reader that accepts gzip."""
    d = summary_documents
    body = matrix_body(connection)
    connection.execute(delete(d).where(d.c.name == MATRIX))
    connection.execute(insert(d).values(name=MATRIX, body=body, gzip=compressed(body.encode())))


def compressed(body: bytes, level: int = GZIP_LEVEL) -> bytes:
    """`body` as a gzip stream, the same bytes for the same body (no time in the header),
    so two renderings of one answer compare equal."""
    return gzip.compress(body, compresslevel=level, mtime=0)


_AP = tables.agreement_parties
_PARTIES = select(_AP.c.party).where(_AP.c.agreement_id == bindparam("aid"))
_F = provision_facets
_DROP_EMPTY = delete(_F).where(
    _F.c.agreement_id == bindparam("aid"),
    *[c == bindparam("k_" + c.name) for c in (_F.c.domain, _F.c.co_domain, _F.c.actor, _F.c.kind)],
    _F.c.n <= 0,
)
_DROP_MATRIX = delete(summary_documents).where(summary_documents.c.name == MATRIX)


def drop_matrix(connection: Connection) -> None:
    """Forget the rendered matrix after its cells moved: re-rendering the whole answer
    (860 KB at 100,000 provisions) in every write that moves a domain cost more than the
    cells; a reader renders it from them (`matrix_body`) and the response cache keeps it."""
    connection.execute(_DROP_MATRIX)


def document(connection: Connection, name: str) -> str | None:
    d = summary_documents
    found = connection.execute(select(d.c.body).where(d.c.name == name)).scalar_one_or_none()
    return None if found is None else str(found)
