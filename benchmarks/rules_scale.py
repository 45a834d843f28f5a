"""How `due` scales: 1,000 agreements x 50 provisions x 10 events each, from the registry.

Builds (once, then reuses) a registry of synthetic agreements, each with a term, an annual
dialogue and a 24-hour consultation clock, and ten events per provision of seven kinds
(a seventh of them meetings, a seventh consultations), plus registry-wide triggers. Then,
each in a fresh process so that its peak RSS is its own:

- `read the events table`: the lower bound, every event row read (kind and date), nothing
  evaluated;
- `whole-memory due`: the old path, every agreement and every event validated from the
  registry, then `rules.evaluate`;
- `indexed due`: `verbs.due`, the path of `pactwatch due` and `GET /api/v1/due`: only the
  events mechanisms count, read through the indexes (`rules/indexed.py`); best of
  --repeat after a first call, which is shown on its own (it also compiles statements and
  validates the agreements' rules documents, kept for later calls);
- `incremental`: after one new meeting (and one registry-wide trigger) is recorded,
  `Due.refresh` re-evaluates only the mechanisms it touches.

Prints wall and CPU time (best of --repeat), CPU time as a multiple of the floor's in the
same run, peak RSS and the RSS of the imports alone.

Run: .venv/bin/python -m benchmarks.rules_scale [--db PATH_OR_URL] [--agreements N]
     [--skip-old] (PostgreSQL: --db postgresql://...; the registry there is replaced)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pactwatch.model import (
    Agreement,
    Event,
    EventSource,
    Mechanism,
    PactwatchError,
    Provision,
    Term,
)

KINDS: list[Any] = ["delivery", "training", "payment", "statement", "meeting", "consultation"]
KINDS.append("request")
PARTNERS = ["GB", "DE", "FR", "DK", "CA", "IT", "NL", "FI", "LV", "ES", "BE", "PT", "RO", "PL"]
SOURCE = [EventSource(url="https://example.org/benchmark")]
NOW = datetime(2027, 1, 1, tzinfo=UTC)


def agreement(i: int, provisions: int) -> Agreement:
    return Agreement(
        id=f"ua-b{i:04d}",
        title=f"Benchmark agreement {i}",
        parties=["UA", PARTNERS[i % len(PARTNERS)]],
        signed_on=date(2024, 1, 1) + timedelta(days=i % 365),
        term=Term(years=10),
        provisions=[
            Provision(
                id=f"p{j}",
                actors=[PARTNERS[i % len(PARTNERS)]],
                beneficiaries=["UA"],
                action="provide",
                object=f"equipment, training and support of kind {j} for the defence forces",
                domains=["other"],
                summary=f"Commitment {j} of benchmark agreement {i}, in our own words.",
            )
            for j in range(provisions)
        ],
        mechanisms=[
            Mechanism(id="term", kind="term"),
            Mechanism(id="dialogue", kind="recurring", every="P1Y"),
            Mechanism(
                id="consult",
                kind="consultation_on_trigger",
                within="PT24H",
                triggers=["renewed_aggression", "significant_escalation"],
            ),
        ],
    )


def events_for(a: Agreement, per_provision: int, rng: random.Random) -> Iterator[Event]:
    """Events built without validation (they are valid by construction) to keep set-up short."""
    assert a.signed_on is not None
    start = datetime(a.signed_on.year, a.signed_on.month, a.signed_on.day, tzinfo=UTC)
    for j, provision in enumerate(a.provisions):
        for k in range(per_provision):
            kind = rng.choice(KINDS)
            links: dict[str, Any] = {"provisions": [f"{a.id}/{provision.id}"]}
            if kind == "meeting":
                links = {"mechanisms": [f"{a.id}/dialogue"]}
            elif kind in {"consultation", "request"}:
                links = {"agreements": [a.id]}
            yield Event.model_construct(
                id=f"{a.id}-{j}-{k}",
                kind=kind,
                subkind=None,
                at=start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
                on=None,
                precision="instant",
                agreements=links.get("agreements", []),
                actors=list(a.parties),
                provisions=links.get("provisions", []),
                mechanisms=links.get("mechanisms", []),
                sources=SOURCE,
                quantities=[],
                description=f"Benchmark event {k} of {a.id}/{provision.id}",  # no two equal
                completes=False,
                background=False,
                happened=True,
                review=None,
            )


def triggers(count: int, rng: random.Random) -> list[Event]:
    base = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        Event(
            id=f"trigger-{n}",
            kind="trigger",
            subkind="renewed_aggression",
            at=base + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)),
            sources=SOURCE,
        )
        for n in range(count)
    ]


# Building the registry -----------------------------------------------------------------


def build(db: str, args: argparse.Namespace) -> None:
    from pactwatch.store import events as store_events
    from pactwatch.store.registry import Registry

    expected = args.agreements * args.provisions * args.events + args.triggers
    with Registry.open(db, must_exist=False) as registry:
        if not args.rebuild and _count(registry) == expected:
            registry.create_schema()  # a registry built by an older revision is migrated
            print(f"registry: {db} ({expected:,} events, reused; --rebuild to make it anew)")
            return
        started = time.perf_counter()
        rng = random.Random(20240711)
        records = [agreement(i, args.provisions) for i in range(args.agreements)]

        def insert(connection: Any) -> None:
            store_events.insert_events(connection, triggers(args.triggers, rng))
            batch: list[Event] = []
            for record in records:
                batch.extend(events_for(record, args.events, rng))
                if len(batch) >= 20_000:
                    store_events.insert_events(connection, batch)
                    batch = []
            store_events.insert_events(connection, batch)

        registry.load(records, also=insert)
        print(
            f"registry: {db}: {len(records):,} agreements, {expected:,} events, "
            f"built in {time.perf_counter() - started:.0f} s (not measured below)"
        )


def _count(registry: Any) -> int:
    from sqlalchemy import func, inspect, select

    from pactwatch.store.events import events

    if not inspect(registry.engine).has_table("events"):
        return -1
    with registry.reader().connect() as connection:
        return int(connection.execute(select(func.count()).select_from(events)).scalar_one())


# The measurements, each in a process of its own ------------------------------------------


def rss_mb() -> float:
    """This process's peak RSS. On Linux `VmHWM`: `ru_maxrss` carries the parent's peak
    across fork and exec, so a small child of a large parent would report the parent's."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for entry in status:
                if entry.startswith("VmHWM:"):
                    return int(entry.split()[1]) / 1024
    except OSError:
        pass
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best wall and CPU seconds of `repeat` runs, and the last result."""
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu, result


def measure(name: str, db: str, repeat: int) -> dict[str, Any]:
    from sqlalchemy import select

    from pactwatch import verbs
    from pactwatch.rules import evaluate
    from pactwatch.store import events as store_events
    from pactwatch.store.read import all_agreements
    from pactwatch.store.registry import Registry

    base = rss_mb()
    with Registry.open(db) as registry:
        if name == "floor":

            def scan() -> int:
                table = store_events.events
                with registry.reader().connect() as connection:
                    rows = connection.execute(select(table.c.kind, table.c.earliest_utc))
                    return sum(1 for _ in rows)

            wall, cpu, count = best(scan, repeat)
            return {"wall": wall, "cpu": cpu, "rows": count, "rss": rss_mb(), "base": base}
        if name == "old":

            def whole() -> int:
                engine = registry.reader()
                found = evaluate(all_agreements(engine), store_events.read_events(engine), NOW)
                return len(found)

            wall, cpu, count = best(whole, repeat)
            return {"wall": wall, "cpu": cpu, "obligations": count, "rss": rss_mb(), "base": base}
        if name == "new":
            # The first call also compiles the statements and validates each agreement's
            # rules document (kept for the process's later calls): shown on its own.
            due = verbs.due  # its module imported before timing
            first_wall, first_cpu, _ = best(lambda: due(registry, NOW), 1)
            wall, cpu, report = best(lambda: due(registry, NOW), repeat)
            out = {"wall": wall, "cpu": cpu, "obligations": len(report.obligations)}
            first = {"first_wall": first_wall, "first_cpu": first_cpu}
            return {**out, **first, "rss": rss_mb(), "base": base}
        return incremental(registry, repeat, base)


def incremental(registry: Any, repeat: int, base: float) -> dict[str, Any]:
    from pactwatch.rules.indexed import Due
    from pactwatch.store.rule_events import RuleReads

    with registry.reader().connect() as connection:
        due = Due(RuleReads(connection), NOW)
    meeting = Event(
        id="bench-new-meeting",
        kind="meeting",
        at=NOW - timedelta(days=3),
        mechanisms=["ua-b0000/dialogue"],
        sources=SOURCE,
    )
    trigger = Event(
        id="bench-new-trigger",
        kind="trigger",
        subkind="significant_escalation",
        at=NOW - timedelta(hours=1),
        sources=SOURCE,
    )
    out: dict[str, Any] = {}
    try:
        for label, event in (("meeting", meeting), ("trigger", trigger)):
            registry.record_event(event, "benchmark", lambda e, a: [])

            def refresh(event: Event = event) -> list[Any]:
                with registry.reader().connect() as connection:
                    due.reads = RuleReads(connection)
                    return due.refresh(event)

            wall, cpu, changed = best(refresh, max(repeat, 5))
            out[label] = {"wall": wall, "cpu": cpu, "obligations": len(changed)}
    finally:
        for event in (meeting, trigger):
            with contextlib.suppress(PactwatchError):  # not recorded: nothing to remove
                registry.delete_event(event.id, "benchmark")
    return {**out, "rss": rss_mb(), "base": base}


def run(name: str, db: str, repeat: int) -> dict[str, Any]:
    """`measure(name)` in a fresh interpreter, so that its peak RSS is its own."""
    command = [sys.executable, "-m", "benchmarks.rules_scale", "--measure", name, "--db", db]
    command += ["--repeat", str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def line(label: str, r: dict[str, Any], floor: dict[str, Any] | None) -> str:
    """One measurement; its CPU time as a multiple of the floor's (the steadier figure on
    a shared machine: wall time also counts the waits for a core)."""
    ratio = f"{r['cpu'] / floor['cpu']:5.2f}x floor" if floor else " " * 13
    return (
        f"{label:<34} {r['wall'] * 1000:9.1f} ms wall {r['cpu'] * 1000:9.1f} ms cpu  {ratio}"
        f"  peak RSS {r['rss']:6.0f} MB (imports {r['base']:.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", help="registry path or URL (default: a file in the temp dir)")
    parser.add_argument("--agreements", type=int, default=1000)
    parser.add_argument("--provisions", type=int, default=50)
    parser.add_argument("--events", type=int, default=10, help="events per provision")
    parser.add_argument("--triggers", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip-old", action="store_true", help="not the whole-memory path")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = f"{args.agreements}x{args.provisions}x{args.events}"
    db = args.db or os.path.join(tempfile.gettempdir(), f"pactwatch-rules-{size}.db")
    if args.measure:
        print(json.dumps(measure(args.measure, db, args.repeat)))
        return
    build(db, args)
    floor = run("floor", db, args.repeat)
    print(line(f"read the events table ({floor['rows']:,} rows)", floor, None))
    if not args.skip_old:
        old = run("old", db, min(args.repeat, 2))
        print(line(f"whole-memory due ({old['obligations']:,} obl.)", old, floor))
    new = run("new", db, args.repeat)
    print(line(f"indexed due ({new['obligations']:,} obl.)", new, floor))
    print(
        f"{'  its first call in the process':<34} {new['first_wall'] * 1000:9.1f} ms wall "
        f"{new['first_cpu'] * 1000:9.1f} ms cpu"
    )
    inc = run("incremental", db, args.repeat)
    for label in ("meeting", "trigger"):
        r = inc[label]
        print(
            f"incremental, one new {label:<8}           {r['wall'] * 1000:9.1f} ms wall "
            f"{r['cpu'] * 1000:9.1f} ms cpu  ({r['obligations']:,} obligations re-evaluated)"
        )
    if not args.skip_old:
        print(
            f"indexed / whole-memory: {new['wall'] / old['wall']:.2f} of the time, "
            f"{new['rss'] / old['rss']:.2f} of the peak RSS"
        )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
