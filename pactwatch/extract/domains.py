"""Rank a clause's domains from the taxonomy's cue words, with the reasons.

Counting cues is not enough to pick the primary domain: a generic word ("cooperation",
"political") should not outrank a specific one, an adjective modifies the head noun that
follows it ("humanitarian demining" is demining), "through EU and NATO instruments" names
a channel rather than a topic, and "training for the forces" is about training. A clause
with no cue of its own takes its domain from the context: the clause its pronoun points
back to, else the paragraph's topic sentence, else the section heading.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple

from pactwatch.extract.lexicon import Lexicon

GENERIC = frozenset({"political_dialogue", "other"})
BROAD = frozenset(
    {"force_development", "weapons_and_equipment", "financial_aid", "regional_cooperation"}
)
_CHANNEL = re.compile(
    r"[\w\s,'-]{0,40}?\b(?:instruments|tools|mechanisms|formats|programmes|programs)\b"
)
_CHANNEL_CUES = frozenset({"eu", "nato", "european union", "alliance"})
_ADJ_SUFFIX = re.compile(r"^[a-z]+(?:al|ic|ian|ary|ive)$")
_ASIDE = re.compile(r",\s+(?:(?:part|some|most|much|all|one|two|several)\s+of\s+)?(?:which|whom)\b")
_FOR = re.compile(r"\bfor\s+(?:the|its|their|ukraine|ukrainian|kyiv)\b")


class CueHit(NamedTuple):
    """A cue word in a clause and how much it says about the topic."""

    cue: str
    start: int
    domains: tuple[str, ...]
    weight: float


def cue_hits(
    lower: str, start: int, end: int, lexicon: Lexicon, verb: tuple[int, int] | None = None
) -> list[CueHit]:
    """Cues in `lower[start:end]`, weighted by how much each says about the topic.

    The clause's own verb ("fund", "train") says how more than what: it counts half.
    """
    hits: list[CueHit] = []
    found = _scan(lower, lexicon).between(start, end)
    if not found:
        return hits
    # substring tests first: most clauses have neither an aside nor a "for the ..."
    side = _ASIDE.search(lower, start, end) if lower.find("wh", start, end) >= 0 else None
    aside = side.start() if side is not None else None
    recipient = _FOR.search(lower, start, end) if lower.find("for", start, end) >= 0 else None
    after_for = recipient.end() if recipient is not None else end + 1
    known = lexicon.derived(_cue_weights)
    for m_start, m_end, cue in found:
        entry = known.get(cue)
        if entry is None:
            cue = _SPACE.sub(" ", cue)  # a cue broken over a line or by double spaces
            entry = known.get(cue)
            if entry is None:
                continue
        domains, weight = entry
        if after_for <= m_start:
            weight *= 0.5  # "training for the armed forces": the recipient, not the topic
        if verb is not None and verb[0] <= m_start < verb[1]:
            weight *= 0.5
        if cue in _CHANNEL_CUES and _CHANNEL.match(lower, m_end, end):
            weight *= 0.25
        if aside is not None and m_start >= aside:
            weight *= 0.5  # ", part of which ...": a side remark says less about the topic
        hits.append(CueHit(cue, m_start, domains, weight))
    return hits


@lru_cache(maxsize=4096)
def _adjective(cue: str) -> bool:
    return _ADJ_SUFFIX.match(cue) is not None


def _cue_weights(lexicon: Lexicon) -> dict[str, tuple[tuple[str, ...], float]]:
    """Each cue's domains and the weight it has wherever it stands: a phrase says more, a
    word for several domains less to each, an adjective and a weak cue less again (the
    factors that depend on the clause are powers of two, so the order does not matter)."""
    weak = lexicon.words("weak_cues")
    found: dict[str, tuple[tuple[str, ...], float]] = {}
    for cue, domains in lexicon.cue_domains.items():
        if not domains:
            continue
        weight = (1.25 if " " in cue else 1.0) / len(domains)
        if " " not in cue and _adjective(cue):
            weight *= 0.75
        if cue in weak:
            weight *= 0.5
        found[cue] = (tuple(domains), weight)
    return found


class _CueScan:
    """All cue matches of one lower-cased text, queried by range (see actors._Scan)."""

    def __init__(
        self, lower: str, lexicon: Lexicon, words: list[tuple[int, int, str]] | None = None
    ) -> None:
        self.lower = lower
        self.lexicon = lexicon
        if words is None:  # not given by the document's index: scan for them
            words = [(*m.span(), m.group()) for m in lexicon.cue_re.finditer(lower)]
        self.hits = words
        symbols = [(*m.span(), m.group()) for m in lexicon.cue_symbol_re.finditer(lower)]
        if symbols:
            self.hits = sorted([*self.hits, *symbols])
        self.starts = [h[0] for h in self.hits]

    def between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        i, j = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [h for h in self.hits[i:j] if h[1] <= end]


_SCANS: list[_CueScan] = []
_SPACE = re.compile(r"\s+")


def seed_scan(lower: str, lexicon: Lexicon, words: list[tuple[int, int, str]]) -> None:
    """Keep the word cues a document index found, so cue questions need no second scan."""
    _SCANS[:] = [_CueScan(lower, lexicon, words), *_SCANS[:1]]


def _scan(lower: str, lexicon: Lexicon) -> _CueScan:
    for scan in _SCANS:
        if scan.lower is lower and scan.lexicon is lexicon:
            return scan
    scan = _CueScan(lower, lexicon)
    _SCANS[:] = [scan, *_SCANS[:1]]
    return scan


def rank(
    hits: Sequence[CueHit],
    topic: Sequence[str],
    fallback: Callable[[], Sequence[str]] = tuple,
) -> tuple[list[str], list[str]]:
    """Domains, primary first, and the reasons; `fallback()` when no cue of weight fires."""
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    for hit in hits:
        for domain in hit.domains:
            factor = 0.5 if domain in GENERIC else 1.0
            scores[domain] = scores.get(domain, 0.0) + hit.weight * factor
            first.setdefault(domain, hit.start)
    strong = [d for d, s in scores.items() if s >= 0.5 and d not in GENERIC]
    why = [f"domain:{h.domains[0]} <- cue {h.cue!r}" for h in hits[:8]]
    if not strong and not any(s >= 0.5 for s in scores.values()):
        context = fallback()
        if topic or context:
            inherited = list(context or topic)
            rest = [d for d in _ordered(scores, first) if d not in inherited]
            source = "context" if context else "section topic"
            return inherited + rest, [*why, f"domain:{inherited[0]} <- {source}"]
    ordered = _ordered(scores, first, topic)
    return (ordered or ["other"]), (why or ["domain:other <- no cue"])


def _ordered(
    scores: dict[str, float], first: dict[str, int], topic: Sequence[str] = ()
) -> list[str]:
    """Highest score first; ties go to specific domains, the section's topic, then order."""
    if len(scores) < 2:
        return list(scores)
    return sorted(
        scores,
        key=lambda d: (-scores[d], d in GENERIC, d not in topic, d in BROAD, first[d]),
    )
