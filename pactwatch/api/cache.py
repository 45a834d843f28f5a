"""The response cache: answers kept until a write changes what they were built from.

Each answer is kept with the agreements it depends on (`depends`: one agreement's record,
page or provisions), or with none named, meaning the whole registry (a facet count over
every agreement, the matrix). A write through this service calls `invalidate` with the
agreements it changed, and only the answers depending on them (and the registry-wide ones,
whose counts may have moved) are dropped; the rest stay, so readers keep hitting the cache
while curators edit.

A change made elsewhere (a load, another process's write, an event) shows as a generation
this service did not produce, and clears everything. Writes report the generation they
started from and the one they made (`own`), so the cache follows its own chain of writes
and clears on anything else. An answer whose production began before an invalidation that
touches it is not kept: it may have read the old rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

Key = tuple[str, str]
Answer = tuple[bytes, str]
Depends = frozenset[str] | None


@dataclass
class ResponseCache:
    budget: int = 64_000_000
    entries: dict[Key, Answer] = field(default_factory=dict)
    depends: dict[Key, Depends] = field(default_factory=dict)
    size: int = 0
    clock: int = 0
    """Counts invalidations; an answer remembers the count it started at."""
    changed_at: dict[str, int] = field(default_factory=dict)
    cleared_at: int = 0
    generation: str | None = None
    own: dict[str, str] = field(default_factory=dict)
    """Generations made by this service's writes: the one each started from -> the one made."""

    def get(self, key: Key) -> Answer | None:
        return self.entries.get(key)

    def start(self) -> int:
        return self.clock

    def keep(self, key: Key, answer: Answer, depends: Depends = None, started: int = -1) -> None:
        """Keep an answer, unless something it reads was invalidated since it `started`.

        Past the byte budget the cache starts afresh; one answer may take an eighth of it.
        """
        if started >= 0 and self._stale(depends, started):
            return
        size = len(answer[0])
        if size > self.budget // 8:
            return
        if self.size + size > self.budget:
            self._drop_all()
        old = self.entries.get(key)
        if old is not None:
            self.size -= len(old[0])
        self.entries[key] = answer
        self.depends[key] = depends
        self.size += size

    def _stale(self, depends: Depends, started: int) -> bool:
        if self.cleared_at > started:
            return True
        if depends is None:
            return any(at > started for at in self.changed_at.values())
        return any(self.changed_at.get(a, -1) > started for a in depends)

    def invalidate(self, agreement_ids: Iterable[str]) -> None:
        """Drop the answers that read these agreements, and every registry-wide answer."""
        ids = set(agreement_ids)
        self.clock += 1
        for aid in ids:
            self.changed_at[aid] = self.clock
        for key, depends in list(self.depends.items()):
            if depends is None or depends & ids:
                self._drop(key)

    def clear(self) -> None:
        self.clock += 1
        self.cleared_at = self.clock
        self.changed_at.clear()
        self._drop_all()

    def wrote(self, before: str, after: str) -> None:
        """A write of ours moved the registry from generation `before` to `after`."""
        if before and after:
            self.own[before] = after

    def follow(self, generation: str) -> None:
        """Bring the cache to `generation`: kept if our own writes lead there, else cleared."""
        if generation == self.generation:
            return
        current, seen = self.generation, set()
        while current is not None and current != generation and current not in seen:
            seen.add(current)
            current = self.own.get(current)
        if current != generation:
            self.clear()
        self.generation = generation
        self.own = {k: v for k, v in self.own.items() if k not in seen}

    def _drop(self, key: Key) -> None:
        answer = self.entries.pop(key, None)
        self.depends.pop(key, None)
        if answer is not None:
            self.size -= len(answer[0])

    def _drop_all(self) -> None:
        self.entries.clear()
        self.depends.clear()
        self.size = 0
