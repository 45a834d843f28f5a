"""How the rules engine scales: 1,000 agreements x 50 provisions x 10 events each.

Prints the time of a full `due` evaluation (index every event, derive every obligation),
of an incremental update after one new event, and the peak RSS, each beside a lower bound
measured in the same run: the time to merely iterate the events and read one field. The
floor we hold ourselves to is a full evaluation under one second on a developer machine.

Run: .venv/bin/python benchmarks/rules_scale.py [--agreements N]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from pactwatch.model import Agreement, Event, EventSource, Mechanism, Provision, Term
from pactwatch.rules import Evaluator

T = TypeVar("T")
KINDS: list[Any] = [
    "delivery",
    "training",
    "payment",
    "statement",
    "meeting",
    "consultation",
    "request",
]
PARTNERS = ["GB", "DE", "FR", "DK", "CA", "IT", "NL", "FI", "LV", "ES", "BE", "PT", "RO", "PL"]
SOURCE = [EventSource(url="https://example.org/benchmark")]
NOW = datetime(2027, 1, 1, tzinfo=UTC)


def agreement(i: int, provisions: int) -> Agreement:
    aid = f"ua-b{i:04d}"
    return Agreement(
        id=aid,
        title=f"Benchmark agreement {i}",
        parties=["UA", PARTNERS[i % len(PARTNERS)]],
        signed_on=date(2024, 1, 1) + timedelta(days=i % 365),
        term=Term(years=10),
        provisions=[
            Provision(id=f"p{j}", action="do", object="something", domains=["other"])
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


def events_for(a: Agreement, per_provision: int, rng: random.Random) -> list[Event]:
    """Events built without validation (they are valid by construction) to keep set-up short."""
    assert a.signed_on is not None
    start = datetime(a.signed_on.year, a.signed_on.month, a.signed_on.day, tzinfo=UTC)
    found = []
    for j, provision in enumerate(a.provisions):
        for k in range(per_provision):
            kind = rng.choice(KINDS)
            links: dict[str, Any] = {"provisions": [f"{a.id}/{provision.id}"]}
            if kind == "meeting":
                links = {"mechanisms": [f"{a.id}/dialogue"]}
            elif kind in {"consultation", "request"}:
                links = {"agreements": [a.id]}
            found.append(
                Event.model_construct(
                    id=f"{a.id}-{j}-{k}",
                    kind=kind,
                    subkind=None,
                    at=start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
                    on=None,
                    agreements=links.get("agreements", []),
                    actors=list(a.parties),
                    provisions=links.get("provisions", []),
                    mechanisms=links.get("mechanisms", []),
                    sources=SOURCE,
                    quantities=[],
                    description=None,
                    completes=False,
                )
            )
    return found


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


def timed(fn: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    """Best of `repeat` runs, in wall-clock seconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return best, result


def cpu_timed(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best of `repeat` runs in CPU seconds of this process: steadier on a shared machine."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=1000)
    parser.add_argument("--provisions", type=int, default=50)
    parser.add_argument("--events", type=int, default=10, help="events per provision")
    parser.add_argument("--triggers", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(20240711)

    started = time.perf_counter()
    agreements = [agreement(i, args.provisions) for i in range(args.agreements)]
    events = [e for a in agreements for e in events_for(a, args.events, rng)]
    events += triggers(args.triggers, rng)
    print(
        f"set-up: {len(agreements):,} agreements, {len(events):,} events "
        f"in {time.perf_counter() - started:.1f} s (not measured below)"
    )

    def iterate() -> int:
        return sum(1 for e in events if e.kind == "meeting")

    floor, _ = timed(iterate)
    full, evaluator = timed(lambda: Evaluator(agreements, events, NOW))
    floor_cpu = cpu_timed(iterate)
    full_cpu = cpu_timed(lambda: Evaluator(agreements, events, NOW))
    obligations = evaluator.obligations()
    one = Event(
        id="new-meeting",
        kind="meeting",
        at=NOW - timedelta(days=3),
        mechanisms=[f"{agreements[0].id}/dialogue"],
        sources=SOURCE,
    )
    incremental, touched = timed(lambda: evaluator.add(one), repeat=1)
    trigger = Event(
        id="new-trigger",
        kind="trigger",
        subkind="significant_escalation",
        at=NOW - timedelta(hours=1),
        sources=SOURCE,
    )
    registry_wide, _ = timed(lambda: evaluator.add(trigger), repeat=1)

    print(f"lower bound (iterate the events, read one field): {floor * 1000:8.1f} ms")
    print(
        f"full due evaluation:                             {full * 1000:8.1f} ms  "
        f"({full / floor:.1f}x the lower bound; {len(obligations):,} obligations)"
    )
    print(
        f"  same in CPU time of this process: lower bound {floor_cpu * 1000:.1f} ms, "
        f"full {full_cpu * 1000:.1f} ms ({full_cpu / floor_cpu:.1f}x)"
    )
    print(
        f"incremental, one new meeting:                    {incremental * 1000:8.1f} ms  "
        f"({len(touched)} obligations recomputed; {full / incremental:,.0f}x faster than full)"
    )
    print(f"incremental, one registry-wide trigger:          {registry_wide * 1000:8.1f} ms")
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")
    verdict = "within" if full < 1.0 else "OVER"
    print(
        f"floor: full evaluation under 1 s -> {verdict} ({full:.2f} s wall, {full_cpu:.2f} s CPU)"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
