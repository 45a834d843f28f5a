"""Split a text into blocks (lines and paragraphs) and sentences, keeping offsets.

News reports put one paragraph on a line; agreement texts wrap lines and number their
clauses. A block is a run of lines that belong together; a line that starts with a bullet
or a clause number, or follows a line ending a sentence, starts a new block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

_LINE = re.compile(r"[^\n]*\n?")
_LEAD = re.compile(r"^[\s*\-]*(?:(?:\(?[0-9ivx]{1,4}[.)]|\([a-z]\)|[a-z]\))\s+)?")
_BULLET_START = re.compile(r"^\s*(?:[*\-]\s|\(?[0-9ivx]{1,4}[.)]\s|\([a-z]\)\s|[a-z]\)\s)")
# The punctuation is consumed, and the pattern starts with one character class so that the
# engine skips ahead to the next stop (an alternation at the start is tried at every
# position: 2.4 times slower); a sentence ends one character later.
_BOUNDARY = re.compile(r"[.!?;](?:(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9*])|(?<=;)\s+)")


# a run of word characters and dots ending where the search ends (\w: what str.isalnum()
# accepts, and "_")
_WORD_TAIL = re.compile(r"[\w.]+\Z")


class Sentence(NamedTuple):
    start: int
    end: int
    block: int


@dataclass(frozen=True)
class Block:
    index: int
    start: int
    end: int
    paragraph: int
    bullet: bool


def blocks(view: str) -> list[Block]:
    """Blocks of the (folded) text, each trimmed of its bullet or clause number."""
    found: list[Block] = []
    paragraph = 0
    current: tuple[int, int, bool] | None = None
    for match in _LINE.finditer(view):
        line = match.group().rstrip("\n\r ")
        if not match.group():
            break
        if not line.strip():
            if current is not None:
                found.append(Block(len(found), current[0], current[1], paragraph, current[2]))
                current = None
            paragraph += 1
            continue
        lead = _LEAD.match(line)
        start = match.start() + (lead.end() if lead else 0)
        end = match.start() + len(line)
        bullet = bool(_BULLET_START.match(line))
        continues = (
            current is not None
            and not bullet
            and not view[current[0] : current[1]].rstrip().endswith((".", "!", "?", ":", ";"))
            and line[:1].islower()
        )
        if continues and current is not None:
            current = (current[0], end, current[2])
            continue
        if current is not None:
            found.append(Block(len(found), current[0], current[1], paragraph, current[2]))
        current = (start, end, bullet) if start < end else None
    if current is not None:
        found.append(Block(len(found), current[0], current[1], paragraph, current[2]))
    return found


def sentences(view: str, block: Block, abbreviations: frozenset[str]) -> list[Sentence]:
    """Sentences of one block; abbreviations and initials do not end a sentence."""
    found: list[Sentence] = []
    start = block.start
    text = view[block.start : block.end]
    # a word longer than every abbreviation is none of them: read no further back
    longest = _longest(abbreviations) + 1
    for match in _BOUNDARY.finditer(text):
        at = match.start() + 1  # just after the punctuation
        if text[match.start()] != ";":
            # the word before the stop, at most `longest` long ("U.S" in "U.S.")
            tail = _WORD_TAIL.search(text, max(0, match.start() - longest), match.start())
            word = tail.group().lower() if tail is not None else ""
            if word in abbreviations or (len(word) == 1 and word.isalpha()):
                continue
        end = block.start + at
        found.append(_trimmed(view, start, end, block.index))
        start = block.start + match.end()
    found.append(_trimmed(view, start, block.end, block.index))
    return [s for s in found if s.end > s.start]


@lru_cache(maxsize=8)
def _longest(words: frozenset[str]) -> int:
    return max(map(len, words), default=1)


def _trimmed(view: str, start: int, end: int, block: int) -> Sentence:
    chunk = view[start:end]
    right = chunk.rstrip(" \t\r\n.!?;:\"')")
    left = right.lstrip(" \t\r\n\"'(")
    return Sentence(start + len(right) - len(left), start + len(right), block)
