"""Provision ids from their words, unique within a draft, in constant time per id.

Counting up from 2 until a free number is found made a document with thousands of
provisions on one theme quadratic (an 8 MB file took 15 times as long as a 1 MB one);
the next free number of each base is remembered instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_WORD = re.compile(r"[A-Za-z][\w'-]*")
_NOT_SLUG = re.compile(r"[^a-z0-9-]+")
STOP = frozenset(
    {"the", "a", "an", "of", "to", "and", "in", "on", "for", "with", "its", "their", "by"}
    | {"through", "at"}
)


@dataclass
class Slugs:
    taken: set[str] = field(default_factory=set)
    next_number: dict[str, int] = field(default_factory=dict)

    def make(self, action: str, obj: str) -> str:
        words = [w for w in _WORD.findall(obj.lower()) if w not in STOP][:3]
        base = "-".join([action.replace(" ", "-"), *words]).lower()
        base = _NOT_SLUG.sub("", base).strip("-")[:60] or "provision"
        slug, n = base, self.next_number.get(base, 2)
        if slug in self.taken:
            slug = f"{base}-{n}"
            while slug in self.taken:  # only when a numbered id was also a base
                n += 1
                slug = f"{base}-{n}"
            self.next_number[base] = n + 1
        self.taken.add(slug)
        return slug
