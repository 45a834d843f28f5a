"""Coverage: has every operative sentence of an official text been read?

A record is complete when each sentence of its text's operative leaves that carries
commitment language (and each list item) is spanned by a provision or by an explanation of
why it is not a commitment. The uncovered ones are listed by eId and offsets, so a curator
goes straight to what is left.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field

from pactwatch.model import Agreement, Source, Span
from pactwatch.sources import SourceLibrary
from pactwatch.sources.structure import parse_structure
from pactwatch.sources.units import Unit, commitment_cue, operative_units


@dataclass(frozen=True)
class Coverage:
    agreement: str
    source: str | None
    operative_units: int = 0
    covered: int = 0
    explained: int = 0
    uncovered: list[Unit] = field(default_factory=list)
    skipped: str | None = None  # why coverage could not be measured

    @property
    def ratio(self) -> float | None:
        if self.skipped is not None:
            return None
        if not self.operative_units:
            return 1.0
        return round((self.covered + self.explained) / self.operative_units, 4)

    def as_dict(self) -> dict[str, object]:
        return {
            "agreement": self.agreement,
            "source": self.source,
            "operative_units": self.operative_units,
            "covered": self.covered,
            "explained": self.explained,
            "uncovered": [{"eId": u.eid, "start": u.start, "end": u.end} for u in self.uncovered],
            "ratio": self.ratio,
            "skipped": self.skipped,
        }


def official_source(agreement: Agreement) -> Source | None:
    """The record's official text: the source its structure was read from, else the first."""
    wanted = agreement.structure.source if agreement.structure else None
    for source in agreement.sources:
        if source.kind == "official_text" and (wanted is None or source.id == wanted):
            return source
    return None


def measure(agreement: Agreement, library: SourceLibrary) -> Coverage:
    source = official_source(agreement)
    if source is None or source.sha256 is None:
        return Coverage(agreement.id, None, skipped="no official text is recorded")
    text = library.text_for(source.sha256)
    if text is None:
        return Coverage(agreement.id, source.id, skipped=f"source {source.id!r} not found")
    units = [
        u
        for u in operative_units(text, parse_structure(text))
        if "__item_" in u.eid or commitment_cue(text[u.start : u.end])
    ]
    provisions = _intervals(
        s for p in agreement.provisions for s in p.spans if s.source == source.id
    )
    explained = _intervals(e.span for e in agreement.not_a_commitment if e.span.source == source.id)
    covered = explained_n = 0
    uncovered: list[Unit] = []
    for unit in units:
        if _overlaps(provisions, unit):
            covered += 1
        elif _overlaps(explained, unit):
            explained_n += 1
        else:
            uncovered.append(unit)
    return Coverage(agreement.id, source.id, len(units), covered, explained_n, uncovered)


def _intervals(spans: Iterable[Span]) -> list[tuple[int, int]]:
    return sorted((s.start, s.end) for s in spans)


def _overlaps(intervals: list[tuple[int, int]], unit: Unit) -> bool:
    """Whether some interval shares a character with the unit (intervals sorted by start)."""
    index = bisect_left(intervals, (unit.end, -1))
    return any(end > unit.start for _, end in intervals[:index])
