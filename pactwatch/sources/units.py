"""Sentences of an official text's operative leaves: the units coverage counts.

A leaf (a paragraph or list item) can hold several commitments; coverage asks of each
sentence whether a provision or an explanation accounts for it, so a long paragraph with
one coded sentence does not pass for read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pactwatch.settings import data_dir, read_data_yaml
from pactwatch.sources.patterns import trie_pattern
from pactwatch.sources.structure import Node, Outline

# A sentence ends at . ! ? or ; followed by space and a capital, digit, bracket or quote, or
# at a line end after ; (list-like runs in paragraphs). Abbreviations that end in a full
# stop before a capital ("U.S. Government", "D.C. on") are passed over.
_BOUNDARY = re.compile(r"(?<=[.!?;])[\"”’)]?\s+(?=[\"“‘(]?[A-ZА-ЯІЇЄҐ0-9])|(?<=;)\s*\n\s*")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.|\b(?:No|Art|para|e\.g|i\.e|etc|Mr|Ms|Dr|St|vs)\.)$")


@dataclass(frozen=True)
class Unit:
    """One sentence of a leaf: its leaf's eId and its offsets in the text."""

    eid: str
    start: int
    end: int


def leaf_units(text: str, leaf: Node) -> list[Unit]:
    """The sentences of one leaf, skipping its page furniture."""
    pieces = _without_gaps(leaf)
    units: list[Unit] = []
    for start, end in pieces:
        cursor = start
        for match in _BOUNDARY.finditer(text, start, end):
            if _ABBREVIATION.search(text[max(start, match.start() - 6) : match.start()]):
                continue
            _add(units, leaf.eid, text, cursor, match.start())
            cursor = match.end()
        _add(units, leaf.eid, text, cursor, end)
    return units


def _without_gaps(leaf: Node) -> list[tuple[int, int]]:
    pieces, cursor = [], leaf.start
    for gap_start, gap_end in sorted(leaf.gaps):
        if gap_start > cursor:
            pieces.append((cursor, gap_start))
        cursor = max(cursor, gap_end)
    pieces.append((cursor, leaf.end))
    # a sentence that runs over a page break is one sentence: join pieces that do not end one
    return [(pieces[0][0], pieces[-1][1])] if leaf.gaps else pieces


def _add(units: list[Unit], eid: str, text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalpha() for ch in text[start:end]):
        units.append(Unit(eid, start, end))


def operative_units(text: str, outline: Outline) -> list[Unit]:
    return [u for leaf in outline.operative_leaves() for u in leaf_units(text, leaf)]


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str] | None, tuple[str, ...]]:
    r"""Whole words and stems in one alternation; word endings (Ukrainian future forms)
    apart, asked only of a text that holds one, since `\w+ending` is tried at every word."""
    raw: dict[str, Any] = read_data_yaml(data_dir() / "lexicons" / "commitment.yaml")
    words: list[str] = []
    stems: list[str] = []
    suffixes: list[str] = []
    for entry in raw.values():
        words += entry.get("words", [])
        stems += entry.get("stems", [])
        suffixes += entry.get("suffixes", [])
    # tries, not flat lists: the engine tries a handful of branches at each word, not fifty
    main = re.compile(
        rf"\b(?:(?:{trie_pattern(words)})\b|(?:{trie_pattern(stems)})\w*)", re.IGNORECASE
    )
    if not suffixes:
        return main, None, ()
    endings = "|".join(re.escape(s) for s in suffixes)
    return main, re.compile(rf"\b\w+(?:{endings})\b", re.IGNORECASE), tuple(suffixes)


def commitment_matches(text: str) -> list[re.Match[str]]:
    """Every commitment cue in a text, in order."""
    main, endings, suffixes = _patterns()
    found = list(main.finditer(text))
    lowered = text.lower() if endings is not None else ""
    if endings is not None and any(s in lowered for s in suffixes):
        taken = {m.start() for m in found}
        found += [m for m in endings.finditer(text) if m.start() not in taken]
        found.sort(key=lambda m: m.start())
    return found


def commitment_cue(sentence: str) -> str | None:
    """The first word that makes a sentence commit someone, or None."""
    main, endings, suffixes = _patterns()
    first = main.search(sentence)
    if endings is not None and any(s in sentence.lower() for s in suffixes):
        other = endings.search(sentence)
        if other is not None and (first is None or other.start() < first.start()):
            first = other
    return first.group() if first else None
