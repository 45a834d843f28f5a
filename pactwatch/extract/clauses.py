"""Split a commitment into one clause per coordinated verb phrase or listed item.

The granularity follows the curated records: "X will transfer A, facilitate B, and continue
to support C" is three commitments; "detect, contain and stop X" (several verbs sharing one
object) is one; "clauses on A, B and C" gives one per noun-phrase item; and a run of
adjectives before one noun ("chemical, biological ... and nuclear weapons") stays together.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import NamedTuple

from pactwatch.extract.lexicon import Lexicon

_WORD = re.compile(r"[\w'-]+")
_DETERMINERS = frozenset(
    {"the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those", "all"}
    | {"any", "each", "ukraine's", "together", "closely", "jointly"}
)
_RELATIVE = re.compile(r"\b(?:which|who|that|whose)\b")
# A joint between verb phrases; group 2 is a modal or "to" repeated after it.
_JOINT = re.compile(r"(,\s+(?:and|or)\s+|,\s+|;\s+|\s+and\s+)((?:will|shall|to)\s+)?(?:also\s+)?")
_PARALLEL_NP = re.compile(r",\s+((?:the|a|an)\s+[\w-]+\s+of)\b")


class Piece(NamedTuple):
    """A clause's offsets in the text and the rule that cut it out."""

    start: int
    end: int
    rule: str


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _is_adjective(word: str, lexicon: Lexicon) -> bool:
    low = word.lower()
    if low in lexicon.words("adjectives"):
        return True
    if low in lexicon.words("not_adjectives") or not low.isalpha() or len(low) < 5:
        return False
    return any(low.endswith(s) for s in lexicon.grammar["adjective_suffixes"])


def _bare_verb(before: list[str], ambiguous: frozenset[str]) -> bool:
    """Whether the word before a split point is a verb with no object of its own."""
    if before[-1] not in ambiguous:
        return True
    return len(before) > 1 and before[-2] in {"to", "will", "shall", "and", "also"}


def verb_pieces(view: str, start: int, end: int, lexicon: Lexicon) -> list[Piece]:
    """Cut a predicate at coordinated verb phrases; the first piece keeps `start`."""
    low = view[start:end].lower()
    forms = lexicon.verb_forms
    ambiguous = lexicon.words("ambiguous_verbs")
    cuts: list[tuple[int, int, str]] = []  # (separator start, clause start, rule)
    for match in _JOINT.finditer(low):
        # the first two words after the joint (only those are read), within 40 characters
        rest = [w.group() for w in islice(_WORD.finditer(low, match.end(), match.end() + 40), 2)]
        if not rest:
            continue
        modal = match.group(2) is not None
        verb = rest[0]
        if not modal and verb not in forms:
            continue
        before = _words(low[max(0, match.start() - 30) : match.start()])
        finite = verb in lexicon.words("present_commitments")  # "and vowed to", "and pledged"
        if (
            not modal
            and not finite
            and before
            and before[-1] in forms
            and _bare_verb(before, ambiguous)
        ):
            continue  # "detect, contain and stop X": verbs sharing one object
        bare_and = match.group(1).strip() == "and"
        next_word = rest[1] if len(rest) > 1 else ""
        verb_follows = next_word in forms and next_word not in ambiguous
        if (
            not modal
            and verb in ambiguous
            and bare_and
            and next_word not in _DETERMINERS
            and not verb_follows
        ):
            original = _words(view[start + match.end() : start + match.end() + 40])
            if len(original) < 2 or not original[1][:1].isupper():
                continue  # "weapons and support to Ukraine": a noun, not a new clause
        if bare_and and not modal and not finite and _RELATIVE.search(low, 0, match.start()):
            continue  # "that supplies drones and trains crews": inside the relative clause
        if len(rest) < 2 and not modal:
            continue
        rule = "split:verb-list " + repr(match.group().strip() + " " + verb)
        cuts.append((match.start(), match.end(), rule))
    return _assemble(view, start, end, cuts, "clause")


def parallel_np_pieces(view: str, piece: Piece) -> list[Piece]:
    """ "development of A, the development of B": one clause per repeated head phrase."""
    low = view[piece.start : piece.end].lower()
    cuts = [
        (m.start(), m.start(1), "split:parallel-noun-phrase " + repr(m.group(1)))
        for m in _PARALLEL_NP.finditer(low)
        if m.group(1) in low[: m.start()]
    ]
    if not cuts:
        return [piece]
    return _assemble(view, piece.start, piece.end, cuts, piece.rule)


def item_pieces(view: str, start: int, end: int, lexicon: Lexicon) -> list[Piece]:
    """Items of a noun-phrase list ("A, B, and C"), with adjective runs kept whole."""
    low = view[start:end].lower()
    oxford = bool(re.search(r",\s+(?:and|or)\s+", low))
    depth = 0
    cuts: list[tuple[int, int, str]] = []
    for match in re.finditer(r"[()]|,\s+(?:and\s+|or\s+)?", low):
        token = match.group()
        if token in "()":
            depth += 1 if token == "(" else -1
            continue
        if depth == 0:
            cuts.append((match.start(), match.end(), "split:item-list"))
    if not oxford and len(cuts) >= 1:
        last = cuts[-1][1]
        tail = re.search(r"\s+(?:and|or)\s+", low[last:])
        if tail:
            cuts.append((last + tail.start(), last + tail.end(), "split:item-list"))
    pieces = _assemble(view, start, end, cuts, "split:item-list")
    return _merge_adjective_runs(view, pieces, lexicon)


def _merge_adjective_runs(view: str, pieces: list[Piece], lexicon: Lexicon) -> list[Piece]:
    """An item ending in an adjective modifies the next item's noun: join them."""
    merged: list[Piece] = []
    for piece in pieces:
        if merged:
            words = _words(view[merged[-1].start : merged[-1].end])
            if words and _is_adjective(words[-1], lexicon):
                last = merged.pop()
                piece = Piece(last.start, piece.end, last.rule + "+merge:adjective-run")
        merged.append(piece)
    return merged


def _assemble(
    view: str, start: int, end: int, cuts: list[tuple[int, int, str]], first_rule: str
) -> list[Piece]:
    pieces: list[Piece] = []
    cursor, rule = start, first_rule
    for sep_start, clause_start, next_rule in cuts:
        pieces.append(Piece(cursor, start + sep_start, rule))
        cursor, rule = start + clause_start, next_rule
    pieces.append(Piece(cursor, end, rule))
    stripped = [_strip(view, p) for p in pieces]
    return [p for p in stripped if p.end > p.start]


def _strip(view: str, piece: Piece) -> Piece:
    start, end = piece.start, piece.end
    while start < end and view[start] in " ,;:\n\t":
        start += 1
    while end > start and view[end - 1] in " ,;:.\n\t":
        end -= 1
    return Piece(start, end, piece.rule)
