"""Reads take turns on the event loop, a few milliseconds of them per turn of the loop;
writes never wait for a turn.

On SQLite the quick reads run whole on the event loop, in the first step of their task, and
so does a curator's write. A loop turn runs every task that became ready before it, then
reads the sockets: with 32 connections, the requests that arrived together are all ready
together, and a write that arrived beside them waited for every one of them, plus the turn
before, in which it was only read off its socket. At a millisecond a read, that was 15-30 ms
for each of a write's turns in the queue, and the writes' p99 beside readers was three to
eight times their p99 alone.

`ReadTurns` is an ASGI layer in front of everything else: a GET or HEAD awaits its turn
before anything of it runs, and waiting reads are let in (in arrival order) while the loop's
current turn has spent under `BUDGET_S` of the loop thread's CPU on them, the first always.
So the loop reads its sockets every few milliseconds however many reads wait, a write's task
starts as soon as its request is read, and it waits behind at most one turn's budget of
reads, not behind every read that arrived with it. (The budget is CPU time, not wall time:
on a loaded machine a worker that lost its core would otherwise let one read in per turn,
and letting in one read per turn starved readers while writes kept coming. A read that
blocks the loop on a database, as PostgreSQL's do when the server shares the machine
(`loop_reads`), counts its wait as spent too: the loop did nothing else meanwhile.) A
method that changes something (PUT, PATCH, POST, DELETE) and anything that is not HTTP
pass straight through. Reads keep their order and the loop
does the same work, so readers' throughput and latency stay what they were; what a read
pays is one more step of its task and one more look at the sockets (microseconds, against
the half millisecond or more its answer costs).

Once let in, a read's later steps (a thread's result coming back, a held PostgreSQL read)
run as they become ready, like any task's: only the start of a read is metered, since that
is where every read of a burst would otherwise run back to back.
"""

from __future__ import annotations

import asyncio
import time

from starlette.types import ASGIApp, Receive, Scope, Send

READS = frozenset({"GET", "HEAD"})
BUDGET_S = 0.004
"""How long a turn of the loop lets reads start, before it reads its sockets again: a write
waits about this long (plus one read) for the loop, reads pay nothing when the loop is idle."""


_waited = 0.0
"""Seconds the loop's thread spent blocked on a database inside reads (`charge`)."""


def charge(seconds: float) -> None:
    """Count `seconds` the loop's thread waited on a database, inside a read, towards the
    read turn, as if it had spent them working: the loop was held all the same."""
    global _waited
    if seconds > 0:
        _waited += seconds


def _spent() -> float:
    """The loop thread's CPU time plus what it waited on a database inside reads."""
    return time.thread_time() + _waited


class Turns:
    """Which reads may start in this turn of one event loop."""

    def __init__(self, budget_s: float = BUDGET_S) -> None:
        self.budget_s = budget_s
        self.loop: asyncio.AbstractEventLoop | None = None
        self.waiting = 0
        """Reads that asked this turn and must ask again next turn."""
        self.ticking = False
        self.opened = 0.0
        self.started = 0

    def admit(self) -> bool:
        """Whether a read may start now; if not, it asks again next turn (`take`)."""
        loop = asyncio.get_running_loop()
        if loop is not self.loop:  # another loop (a test client's): start afresh
            self.loop, self.waiting, self.ticking = loop, 0, False
        if not self.ticking:  # the first read of a burst opens a turn and starts the clock
            self.ticking = True
            self._open()
            loop.call_soon(self._tick)
        if self.started == 0 or _spent() - self.opened < self.budget_s:
            self.started += 1
            return True
        self.waiting += 1
        return False

    async def take(self) -> None:
        """Return when this read may start: in this turn while its budget lasts, else in a
        later one, in the order the reads came (each waiting read asks again, in order,
        at the start of the next turn, before any read that came since)."""
        while not self.admit():
            try:
                await asyncio.sleep(0)
            finally:
                self.waiting -= 1

    def _open(self) -> None:
        self.opened = _spent()
        self.started = 0

    def _tick(self) -> None:
        """The start of a turn: scheduled from the turn before, so it runs ahead of the reads
        that yielded there; it keeps ticking while any read waits."""
        self._open()
        if self.waiting and self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon(self._tick)
        else:
            self.ticking = False


class ReadTurns:
    """ASGI middleware: each GET or HEAD takes its turn (`Turns`); the rest go at once."""

    def __init__(self, app: ASGIApp, budget_s: float = BUDGET_S) -> None:
        self.app = app
        self.turns = Turns(budget_s)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in READS:
            await self.turns.take()
        await self.app(scope, receive, send)
