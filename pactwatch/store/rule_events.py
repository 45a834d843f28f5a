"""What the rules engine reads, read through the indexes: only what mechanisms need.

`pactwatch due` used to read every agreement whole and validate every event's record; at a
thousand agreements with five hundred events each that is a gigabyte of objects, most of
them deliveries and payments that no mechanism reads. These reads take, instead:

- the agreements that carry mechanisms, with only what the rules read of them (id,
  parties, signing date, term, mechanisms), never their provisions;
- the few events of the kinds whose every event counts (the `ix_events_kind` index),
  paired with each agreement they name (`event_links`), optionally only inside given time
  windows or only those that record an act did not happen (`ix_events_kind_happened`),
  each a `FactRow` from its columns (no record validated);
- for the bulk (meetings), not the events but, per period of a recurring duty, the one
  meeting that decides it (`period_meetings`: one probe of `ix_event_links_kind` each).
  `streamed_facts`, every meeting one agreement at a time, serves a registry holding rows
  written before their facts were columns.

Which kinds, windows and periods are needed is the rules' knowledge (`rules/indexed.py`);
this module only reads. Instants are compared as the UTC ISO strings the store writes,
which order as the instants do where text is compared by code point (SQLite; PostgreSQL
under "C" or "C.UTF-8"); under another collation, orderings say COLLATE "C" and clock
windows are read with a day of slack, and the rules filter exactly.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any, Literal, Protocol

from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    false,
    func,
    null,
    or_,
    select,
    text,
    true,
    type_coerce,
)

from pactwatch.model import Agreement, Event
from pactwatch.model.event import dated
from pactwatch.store.events import event_links, events

SLACK = timedelta(days=1)
Window = tuple[datetime, datetime]
Pick = Literal["held", "denied", "unplaced"]


class PeriodAsk(Protocol):
    """One period of a recurring duty, as the rules ask about it (`rules.indexed.PeriodAsk`)."""

    @property
    def agreement(self) -> str: ...
    @property
    def mechanism(self) -> str: ...
    @property
    def provision(self) -> str | None: ...
    @property
    def start(self) -> datetime: ...
    @property
    def stop(self) -> datetime: ...
    @property
    def low(self) -> datetime: ...


@dataclass(slots=True, unsafe_hash=True)
class FactRow:
    """An event as the rules read it, from the registry's columns: no record parsed.

    Its references are those to the one agreement it was read for, which is all the
    rules look at when they evaluate that agreement.

    A value, never changed once made; not a frozen dataclass because `due` makes
    thousands and a frozen one costs several times as much to build."""

    id: str
    kind: str
    subkind: str | None
    at: datetime | None
    on: str | None
    date_precision: str
    first: datetime
    last: datetime
    happened: bool
    background: bool
    is_draft: bool
    agreements: tuple[str, ...] = ()
    provisions: tuple[str, ...] = ()
    mechanisms: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    _when: str | None = field(default=None, compare=False, repr=False)
    """`when()`, once worked out: a met period reads it twice."""

    def earliest(self) -> datetime:
        return self.first

    def latest(self) -> datetime:
        return self.last

    def when(self) -> str:
        """`Event.when`: the instant to the minute, 'week of' its Monday, or the date."""
        found = self._when
        if found is None:
            if self.at is not None:
                found = self.at.isoformat(timespec="minutes")
            elif self.date_precision == "week":
                found = f"week of {self.first.date().isoformat()}"
            else:
                found = self.on or ""
            self._when = found
        return found

    def dated(self) -> str:
        return dated(self.when(), self.date_precision)

    def is_evidence(self) -> bool:
        return self.happened and not self.background and not self.is_draft


def by_code_point(connection: Connection, column: ColumnElement[str]) -> ColumnElement[str]:
    """`column` ordered by code point, as Python orders strings (SQLite's default; on
    PostgreSQL the database's collation may not), so streams can be merged by id and a
    tie on an instant goes to the smaller id. A database that already collates by code
    point keeps its indexes' order (a COLLATE would make it sort every range it reads)."""
    if connection.dialect.name != "postgresql" or _code_point_order(connection):
        return column
    return column.collate("C")


CODE_POINT_COLLATIONS = frozenset({"C", "POSIX", "C.UTF-8", "C.utf8"})


def _code_point_order(connection: Connection) -> bool:
    """Whether the PostgreSQL database collates text by code point (asked once per
    connection)."""
    known = connection.info.get("pactwatch_code_point_order")
    if known is None:
        collation = connection.execute(
            text("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        ).scalar_one()
        known = connection.info["pactwatch_code_point_order"] = collation in CODE_POINT_COLLATIONS
    return bool(known)


def _slack(connection: Connection) -> timedelta:
    """How much wider than a clock's window consultations are read: nothing where text
    is compared by code point (the UTC ISO strings then order exactly as the instants),
    a day where another collation may order their punctuation otherwise."""
    if connection.dialect.name != "postgresql" or _code_point_order(connection):
        return timedelta(0)
    return SLACK


def read_until(now: datetime) -> str:
    return (now.astimezone(UTC) + SLACK).isoformat()


def _actors(connection: Connection) -> ColumnElement[Any]:
    """An event's actors as JSON text (what a consultation's clock reads beyond the
    flags): its `actors` column, or for a row written before revision 0014, its record's."""
    record = events.c.record
    if connection.dialect.name == "postgresql":
        cut: ColumnElement[Any] = cast(record, JSON)["actors"].as_string()
    else:
        cut = type_coerce(record, JSON)["actors"].as_string()
    return func.coalesce(events.c.actors, cut)


def mechanism_agreements(
    connection: Connection, ids: Collection[str] | None = None
) -> list[Agreement]:
    """The agreements that carry mechanisms (of `ids`, when given), in id order, with only
    what the rules read: id, parties, signing date, term and mechanisms.

    Each is the small document every write keeps in `agreements.rules`, read in one pass
    by the model; a row without one (written before revision 0014) has it cut out of its
    record by the database's JSON functions. Equal documents are validated once per
    process (`validated_rules`): a service answering `due` again reads the same agreements."""
    order = 'a.id COLLATE "C"' if connection.dialect.name == "postgresql" else "a.id"
    sql = (
        f"SELECT {rules_document(connection)} FROM agreements a"
        " WHERE EXISTS (SELECT 1 FROM mechanisms m WHERE m.agreement_id = a.id)"
    )
    query = text(f"{sql} ORDER BY {order}")
    if ids is not None:
        query = text(f"{sql} AND a.id IN :ids ORDER BY {order}").bindparams(
            bindparam("ids", sorted(ids), expanding=True)
        )
    return [validated_rules(document) for document in connection.execute(query).scalars()]


def rules_document(connection: Connection) -> str:
    """SQL for the rules document of the agreement `a`: its `rules` column, else (a row
    written before revision 0014) the same cut out of its record."""
    fields = ("parties", "signed_on", "term", "mechanisms")
    if connection.dialect.name == "postgresql":
        parts = ", ".join(f"'{f}', CAST(a.record AS jsonb)->'{f}'" for f in fields)
        document = f"CAST(jsonb_build_object('id', a.id, 'title', a.title, {parts}) AS text)"
    else:
        parts = ", ".join(f"'{f}', a.record->'$.{f}'" for f in fields)
        document = f"json_object('id', a.id, 'title', a.title, {parts})"
    return f"COALESCE(a.rules, {document})"


def rules_agreement(connection: Connection, agreement_id: str) -> Agreement | None:
    """One agreement as the rules read it (no provisions), by its id."""
    query = text(f"SELECT {rules_document(connection)} FROM agreements a WHERE a.id = :aid")
    found = connection.execute(query, {"aid": agreement_id}).scalar_one_or_none()
    return None if found is None else validated_rules(str(found))


_VALIDATED: dict[str, Agreement] = {}
MAX_VALIDATED = 20_000
"""How many agreements' documents a process keeps validated (a few kilobytes each)."""


def validated_rules(document: str) -> Agreement:
    """The agreement a rules document describes, validated the first time it is seen.

    The text is the whole of what is validated, so an equal text is an equal agreement,
    whichever registry or write it came from. The rules never change an agreement they
    are given (`rules.indexed` copies one to narrow its mechanisms)."""
    found = _VALIDATED.get(document)
    if found is None:
        if len(_VALIDATED) >= MAX_VALIDATED:
            _VALIDATED.clear()
        found = _VALIDATED[document] = Agreement.model_validate_json(document)
    return found


def _dated(query: Any, now: datetime) -> Any:
    return query.where(events.c.earliest_utc <= read_until(now))


def _windows(connection: Connection, windows: Sequence[Window], now: datetime) -> Any:
    """The windows as a table of (low, high) ISO bounds, each cut at `now`: joined to the
    kind's index, each is one range of it (an OR of ranges, the planner may scan the kind)."""
    until, slack = read_until(now), _slack(connection)
    rows = [[_utc(start - slack), min(_utc(end + slack), until)] for start, end in windows]
    if connection.dialect.name == "postgresql":
        sql = (
            "SELECT w->>0 AS low, w->>1 AS high"
            " FROM jsonb_array_elements(CAST(:windows AS jsonb)) AS w"
        )
    else:
        sql = "SELECT value->>0 AS low, value->>1 AS high FROM json_each(:windows)"
    table = text(sql).bindparams(windows=json.dumps(rows)).columns(low=String, high=String)
    return table.cte("windows").prefix_with("MATERIALIZED")


def registry_wide(
    connection: Connection, kinds: Collection[str], now: datetime
) -> list[FactRow | Event]:
    """Events of these kinds that name no agreement (a trigger for every agreement), each a
    `FactRow` from its columns (a row written before revision 0008: its record). Their
    instants then carry the `datetime.timezone` of every other instant the rules compare,
    not the validator's own zone class, whose offsets cost a Python call per comparison."""
    named = exists(select(event_links.c.event_id).where(event_links.c.event_id == events.c.id))
    query = _dated(select(*_FACTS[3:]).where(events.c.kind.in_(sorted(kinds)), ~named), now)
    found: list[FactRow | Event] = []
    for row in connection.execute(query):
        if any(value is None for value in row[7:11]):  # latest, happened, background, draft
            record = connection.execute(
                select(events.c.record).where(events.c.id == row[0])
            ).scalar_one()
            found.append(Event.model_validate_json(record))
        else:
            found.append(_row_fact(row))
    return found


def linked_events(
    connection: Connection,
    kinds: Collection[str],
    now: datetime,
    *,
    agreements: Collection[str] | None = None,
    windows: Sequence[Window] | None = None,
    not_happened: bool = False,
) -> Iterator[tuple[str, FactRow | Event]]:
    """Each event of these kinds with each agreement it names (for the few kinds whose
    every event counts: triggers, requests, end conditions, consultations in a clock's
    window), by agreement id then event id; an event once per agreement, as a `FactRow`
    from its columns with its actors, its references to that agreement from its links."""
    e, link = events, event_links
    source: Any = e
    ranges: list[ColumnElement[bool]] = []
    if windows is not None and connection.dialect.name == "postgresql":
        # PostgreSQL reads an OR of ranges as one bitmap of index ranges, and cannot
        # estimate a joined table of windows (it would hash the whole kind).
        until, slack = read_until(now), _slack(connection)
        spans = [(_utc(a - slack), min(_utc(b + slack), until)) for a, b in windows]
        ranges = [or_(false(), *(e.c.earliest_utc.between(a, b) for a, b in spans))]
    elif windows is not None:
        span = _windows(connection, windows, now)
        source = span.join(e, e.c.earliest_utc.between(span.c.low, span.c.high))
    query = (
        select(*_FACTS, _actors(connection) if "consultation" in kinds else null())
        .select_from(source.join(link, link.c.event_id == e.c.id))
        .where(e.c.kind.in_(sorted(kinds)), *ranges)
        .order_by(link.c.agreement_id, e.c.id, link.c.position)
    )
    if agreements is not None:
        query = query.where(link.c.agreement_id.in_(sorted(agreements)))
    if windows is None:
        query = _dated(query, now)
    queries = [query]
    if not_happened:  # two probes of (kind, happened): an OR of both would scan the kind
        queries = [query.where(e.c.happened == false()), query.where(e.c.happened.is_(None))]
    for each in queries:
        for (aid, _), same in groupby(connection.execute(each), key=itemgetter(0, 3)):
            rows = list(same)
            actors = rows[0][14]
            yield aid, _fact(connection, aid, rows, _actors_of(actors) if actors else ())


@lru_cache(maxsize=1024)
def _actors_of(text: str) -> tuple[str, ...]:
    """An `actors` column as a tuple, parsed once per distinct text: a registry's
    consultations name the same few sets of parties again and again."""
    return tuple(json.loads(text))


def agreement_events(connection: Connection, agreement_id: str) -> list[Event]:
    """What a provision's status can read: every event naming the agreement (through
    `ix_event_links_agreement`) and the triggers that name none, by time then id."""
    e, link = events, event_links
    named = (
        select(e.c.id, e.c.record)
        .select_from(e.join(link, link.c.event_id == e.c.id))
        .where(link.c.agreement_id == agreement_id)
    )
    any_link = exists(select(link.c.event_id).where(link.c.event_id == e.c.id))
    wide = select(e.c.id, e.c.record).where(e.c.kind == "trigger", ~any_link)
    records = {
        event_id: record for q in (named, wide) for event_id, record in connection.execute(q)
    }
    parsed = [Event.model_validate_json(record) for record in records.values()]
    return sorted(parsed, key=lambda event: (event.earliest(), event.id))


_FACTS = (
    event_links.c.agreement_id,
    event_links.c.target,
    event_links.c.target_id,
    events.c.id,
    events.c.kind,
    events.c.subkind,
    events.c.at,
    events.c.on,
    events.c.precision,
    events.c.earliest_utc,
    events.c.latest_utc,
    events.c.happened,
    events.c.background,
    events.c.draft,
)


def streamed_facts(
    connection: Connection,
    kinds: Collection[str],
    now: datetime,
    *,
    agreements: Collection[str] | None = None,
) -> Iterator[tuple[str, list[FactRow | Event]]]:
    """The events of these kinds each agreement names, as `FactRow`s, one agreement at a
    time in id order; drafts and background events, which no mechanism of these kinds
    counts, are left in the table. A row whose columns predate revision 0008 is read
    whole instead."""
    e, link = events, event_links
    query = (
        select(*_FACTS)
        .select_from(e.join(link, link.c.event_id == e.c.id))
        .where(
            e.c.kind.in_(sorted(kinds)),
            or_(e.c.draft.is_(None), and_(e.c.draft == false(), e.c.background == false())),
        )
        .order_by(by_code_point(connection, link.c.agreement_id), e.c.id, link.c.position)
    )
    if agreements is not None:
        query = query.where(link.c.agreement_id.in_(sorted(agreements)))
    rows = connection.execute(_dated(query, now).execution_options(yield_per=5000))
    for aid, own in groupby(rows, key=itemgetter(0)):
        yield aid, [_fact(connection, aid, list(same)) for _, same in groupby(own, itemgetter(3))]


def _fact(
    connection: Connection, aid: str, rows: Sequence[Any], actors: tuple[str, ...] = ()
) -> FactRow | Event:
    """One event from its rows (one per link to `aid`, in the links' order)."""
    refs: dict[str, list[str]] = {"agreement": [], "provision": [], "mechanism": []}
    for link in rows:
        refs[link[1]].append(aid if link[2] is None else f"{aid}/{link[2]}")
    row = rows[0]
    latest, happened, background, draft = row[10:14]
    if latest is None or happened is None or background is None or draft is None:
        record = connection.execute(
            select(events.c.record).where(events.c.id == row[3])
        ).scalar_one()
        return Event.model_validate_json(record)
    return _row_fact(
        row[3:14],
        agreements=tuple(refs["agreement"]),
        provisions=tuple(refs["provision"]),
        mechanisms=tuple(refs["mechanism"]),
        actors=actors,
    )


def _precision(on: str | None) -> str:
    """`Event.date_precision` of a row written before precision was stored."""
    if on is None:
        return "instant"
    return {1: "year", 2: "month"}.get(len(on.split("-")), "day")


def reducible(connection: Connection, kind: str) -> bool:
    """Whether every event of `kind` has its facts in columns (NULL `happened`: a row
    written before revision 0008 that it could not read), by one probe of
    `ix_events_kind_happened`."""
    blank = select(events.c.id).where(events.c.kind == kind, events.c.happened.is_(None))
    return not connection.execute(select(exists(blank))).scalar_one()


def _asked(connection: Connection, asks: Sequence[PeriodAsk]) -> Any:
    """The asks as a table the database reads from one JSON parameter: no temporary
    table, and one statement however many periods are asked."""
    utc = _UTC_TEXTS
    rows = [
        [a.agreement, a.mechanism, a.provision, utc[a.start], utc[a.stop], utc[a.low]] for a in asks
    ]
    if connection.dialect.name == "postgresql":
        sql = (
            "SELECT (x.n - 1)::int AS n, x.v->>0 AS aid, x.v->>1 AS mid, x.v->>2 AS pid,"
            " x.v->>3 AS start, x.v->>4 AS stop, x.v->>5 AS low"
            " FROM jsonb_array_elements(CAST(:asks AS jsonb)) WITH ORDINALITY AS x(v, n)"
        )
    else:
        sql = (
            "SELECT CAST(key AS INTEGER) AS n, value->>0 AS aid, value->>1 AS mid,"
            " value->>2 AS pid, value->>3 AS start, value->>4 AS stop, value->>5 AS low"
            " FROM json_each(:asks)"
        )
    columns = {name: String for name in ("aid", "mid", "pid", "start", "stop", "low")}
    table = text(sql).bindparams(asks=json.dumps(rows)).columns(n=Integer, **columns)
    return table.cte("asked").prefix_with("MATERIALIZED")


def _utc(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


class _UtcTexts(dict[datetime, str]):
    """`_utc` of each instant, worked out on its first lookup (a subscript, not a call)
    and kept for the process: periods of agreements signed on one day share bounds, and
    a service answering `due` again asks about the same periods. Equal instants in two
    zones are one key and one text, as `_utc` writes them in UTC."""

    def __missing__(self, instant: datetime) -> str:
        if len(self) > MAX_TEXTS:
            self.clear()
        found = self[instant] = _utc(instant)
        return found


_UTC_TEXTS = _UtcTexts()
MAX_TEXTS = 50_000


def period_meetings(
    connection: Connection, asks: Sequence[PeriodAsk], now: datetime, pick: Pick
) -> dict[int, FactRow]:
    """`rules.indexed.Reads.meetings`: for each period, one probe of `ix_event_links_kind`
    (the agreement's meetings from the period's start, or from `low` for `unplaced`, in
    order of instant then id) that stops at the first meeting that qualifies, reading the
    index alone (revision 0013 repeats the event's flags on its links); the facts of the
    meetings found come with the probe, from the same index (revision 0016).

    Instants are compared as the UTC ISO strings the store writes (`earliest_utc`,
    `latest_utc`), which order as the instants do."""
    if not asks:
        return {}
    asked, link, e = _asked(connection, asks), event_links, events
    start, stop = asked.c.start, asked.c.stop
    inside = and_(link.c.earliest_utc >= start, link.c.latest_utc < stop)
    conditions = {
        "held": [inside, link.c.happened == true()],
        "denied": [inside, link.c.happened == false()],
        "unplaced": [
            link.c.earliest_utc >= asked.c.low,
            link.c.earliest_utc < stop,
            link.c.latest_utc >= start,
            ~inside,
            link.c.happened == true(),
        ],
    }[pick]
    # The meeting's facts come with the probe, as one JSON array from the index's own
    # columns (revision 0016 repeats the event's date and precision on its links).
    array = func.json_build_array if connection.dialect.name == "postgresql" else func.json_array
    first = (
        select(array(*_LINK_FACTS))
        .where(
            link.c.agreement_id == asked.c.aid,
            link.c.kind == "meeting",
            link.c.earliest_utc < stop,
            link.c.earliest_utc <= _utc(now),
            or_(
                link.c.target == "agreement",
                and_(link.c.target == "mechanism", link.c.target_id == asked.c.mid),
                and_(link.c.target == "provision", link.c.target_id == asked.c.pid),
            ),
            link.c.draft == false(),
            link.c.background == false(),
            *conditions,
        )
        .order_by(
            by_code_point(connection, link.c.earliest_utc),
            by_code_point(connection, link.c.event_id),
        )
        .limit(1)
        .correlate(asked)
        .scalar_subquery()
    )
    # On PostgreSQL as text: parsed below with the others, not row by row.
    text_of = cast(first, Text) if connection.dialect.name == "postgresql" else first
    answered = [
        (n, value)
        for n, value in connection.execute(select(asked.c.n, text_of.label("facts")))
        if value is not None
    ]
    made = _MEETINGS
    if len(made) > MAX_MEETINGS:
        made.clear()
    # This call's own map: another thread may clear the process's while it is read.
    mine = {value: fact for _, value in answered if (fact := made.get(value)) is not None}
    fresh = [(n, value) for n, value in answered if value not in mine]
    rows = json.loads(f"[{','.join(value for _, value in fresh)}]")  # one parse for all
    unfilled: dict[int, str] = {}
    for (n, value), row in zip(fresh, rows, strict=True):
        if row[3] is None and row[4] is None:  # neither `at` nor `on`: not filled
            unfilled[n] = row[0]
        elif value not in mine:  # a meeting deciding several periods is made once
            mine[value] = made[value] = _row_fact(row)
    found = {n: mine[value] for n, value in answered if n not in unfilled}
    if unfilled:
        whole = select(*_FACTS[3:]).where(e.c.id.in_(sorted(set(unfilled.values()))))
        facts = {row[0]: _row_fact(row) for row in connection.execute(whole)}
        found.update((n, facts[event_id]) for n, event_id in unfilled.items())
    return found


_MEETINGS: dict[str, FactRow] = {}
MAX_MEETINGS = 50_000
"""Meetings' facts by the text the probe returns them as, made once per process: the
text is all a `FactRow` is made of, so an equal text is an equal meeting, and a service
answering `due` again finds the same meetings deciding the same periods."""

_LINK_FACTS = (
    event_links.c.event_id,
    event_links.c.kind,
    event_links.c.subkind,
    event_links.c.at,
    event_links.c.on,
    event_links.c.precision,
    event_links.c.earliest_utc,
    event_links.c.latest_utc,
    event_links.c.happened,
    event_links.c.background,
    event_links.c.draft,
)
"""`_FACTS[3:]`, as each event's links repeat them (revision 0016)."""


def _row_fact(
    row: Sequence[Any],
    *,
    agreements: tuple[str, ...] = (),
    provisions: tuple[str, ...] = (),
    mechanisms: tuple[str, ...] = (),
    actors: tuple[str, ...] = (),
) -> FactRow:
    """An event's facts from its columns (those after the link's in `_FACTS`), with the
    references given (none: what deciding a period reads of the meeting that decides it)."""
    event_id, kind, subkind, at, on, precision, earliest, latest, happened, bg, draft = row
    return FactRow(
        id=event_id,
        kind=kind,
        subkind=subkind,
        at=datetime.fromisoformat(at) if at is not None else None,
        on=on,
        date_precision=precision or _precision(on),
        first=datetime.fromisoformat(earliest),
        last=datetime.fromisoformat(latest),
        happened=bool(happened),
        background=bool(bg),
        is_draft=bool(draft),
        agreements=agreements,
        provisions=provisions,
        mechanisms=mechanisms,
        actors=actors,
    )


@dataclass(frozen=True)
class RuleReads:
    """The reads above on one open connection: what `rules.indexed` asks of a registry."""

    connection: Connection

    def agreements(self, ids: Collection[str] | None = None) -> list[Agreement]:
        return mechanism_agreements(self.connection, ids)

    def registry_wide(self, kinds: Collection[str], now: datetime) -> list[FactRow | Event]:
        return registry_wide(self.connection, kinds, now)

    def linked(
        self,
        kinds: Collection[str],
        now: datetime,
        *,
        agreements: Collection[str] | None = None,
        windows: Sequence[Window] | None = None,
        not_happened: bool = False,
    ) -> Iterator[tuple[str, FactRow | Event]]:
        return linked_events(
            self.connection,
            kinds,
            now,
            agreements=agreements,
            windows=windows,
            not_happened=not_happened,
        )

    def reducible(self, kind: str) -> bool:
        return reducible(self.connection, kind)

    def meetings(self, asks: Sequence[PeriodAsk], now: datetime, pick: Pick) -> dict[int, FactRow]:
        return period_meetings(self.connection, asks, now, pick)

    def streamed(
        self, kinds: Collection[str], now: datetime, *, agreements: Collection[str] | None = None
    ) -> Iterator[tuple[str, list[FactRow | Event]]]:
        return streamed_facts(self.connection, kinds, now, agreements=agreements)
