"""Candidates: every piece of operative text that could be a commitment, whatever its grammar.

Recall comes first. Each sentence of an operative leaf (a paragraph, a list item, the
intro before a list) is a unit; a unit is cut where a trained decision says one pledge
ends and the next begins ("..., and to impose costs", "as well as economic assistance").
Whether a piece is a commitment is decided later; here nothing is dropped for its form
(passive, nominal, verbless bullets all stay), so a missed commitment is a wrong decision
that training can fix, never a sentence the rules could not see.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from pactwatch.extract.function_words import function_words
from pactwatch.sources.structure import Node, Outline
from pactwatch.sources.units import Unit, leaf_units

# Where a pledge may end inside a sentence: after , ; : (the next word starts the piece)
# or at a coordinating word not preceded by punctuation ("... package and will aim ..."),
# in English or another language's coordinators ("та", "а також").
_COORDINATORS = ["and", "or", "as well as", "and also", "but also"]
_BREAK = re.compile(
    r"[,;:]\s+(?=\S)|(?<=\s)(?<![,;:]\s)(?:"
    + "|".join(
        re.escape(w)
        for w in sorted({*_COORDINATORS, *function_words().coordinators}, key=len, reverse=True)
    )
    + r")\s+(?=\S)"
)


@dataclass(frozen=True)
class Context:
    """What a unit's pieces share: the leaf's eId and kind, the list intro that governs an
    item (its force: "Canada will strive to:") and the headings above it."""

    eid: str
    kind: str
    intro: tuple[int, int] | None
    headings: tuple[tuple[int, int], ...]
    document: str = "official"  # or "report": the same words weigh differently in each


@dataclass(frozen=True)
class Point:
    """A place inside a unit where one pledge may end and another begin."""

    at: int  # where the next piece starts
    mark: str  # the punctuation or word found there (",", ";", "and", ...)
    index: int  # its number among the unit's points


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    unit: Unit
    context: Context
    piece: int  # 0 for the unit's first piece


def break_points(text: str, unit: Unit) -> list[Point]:
    points: list[Point] = []
    for match in _BREAK.finditer(text, unit.start, unit.end):
        at = match.end()
        if at >= unit.end - 1 or at - unit.start < 3:
            continue
        mark = match.group().strip()
        points.append(Point(at, mark, len(points)))
    return points


def pieces(unit: Unit, cuts: list[int], context: Context) -> list[Candidate]:
    """The unit cut at the chosen offsets (each the start of a new piece)."""
    edges = [unit.start, *sorted(c for c in cuts if unit.start < c < unit.end), unit.end]
    out = []
    for i, (start, end) in enumerate(itertools.pairwise(edges)):
        out.append(Candidate(start, _trim_end(unit, start, end), unit, context, i))
    return out


def _trim_end(unit: Unit, start: int, end: int) -> int:
    return end if end == unit.end else max(start + 1, end - 1)


@dataclass(frozen=True)
class UnitInContext:
    unit: Unit
    context: Context


def official_units(text: str, outline: Outline) -> list[UnitInContext]:
    """Every sentence of every leaf but the title and the signature block, with what
    governs it. Recitals are candidates too: most commit no one, but some texts put
    their commitments there ("For its part, Ukraine commits to: ..."), and the decision
    that tells them apart is learnt, not assumed."""
    found: list[UnitInContext] = []
    intro_of: dict[int, tuple[int, int]] = {}
    for leaf in outline.leaves():
        if leaf.kind in {"title", "conclusions"}:
            continue
        context = Context(leaf.eid, leaf.kind, _intro(leaf, intro_of), _headings(leaf))
        for unit in leaf_units(text, leaf):
            if not is_label(text[unit.start : unit.end]):
                found.append(UnitInContext(unit, context))
    return found


# A list item's own label ("a.", "iv)", "(b)", "12.", "е."), which the sentence splitter
# leaves as a "sentence" of its own when it ends with a full stop: it has no words, and
# as a piece it would overlap the item's provision and be counted as a second one.
_LABEL = re.compile(r"\(?(?:[^\W\d_]|[ivxlc]{1,6}|\d{1,3}(?:\.\d{1,3})*)[.)]", re.IGNORECASE)


def is_label(words: str) -> bool:
    """Whether a sentence is nothing but a list item's label."""
    return _LABEL.fullmatch(words.strip()) is not None


def _intro(leaf: Node, cache: dict[int, tuple[int, int]]) -> tuple[int, int] | None:
    """The intro leaf of the list an item belongs to (the sibling before the list)."""
    node: Node | None = leaf
    while node is not None and node.parent is not None:
        parent = node.parent
        if node.kind in {"list", "item"} or "item" in node.eid.rsplit("__", 1)[-1]:
            for sibling in parent.children:
                if sibling is node:
                    break
                if sibling.kind == "intro" or sibling.eid.endswith("__intro"):
                    found = (sibling.start, sibling.end)
                    cache[id(leaf)] = found
                    return found
        node = parent
    return None


def _headings(leaf: Node) -> tuple[tuple[int, int], ...]:
    spans = []
    node = leaf.parent
    while node is not None:
        if node.heading_end is not None and node.heading_end > node.start:
            spans.append((node.start, node.heading_end))
        node = node.parent
    return tuple(reversed(spans))


# A report's list item: a line opening with a bullet, a dash or a number ("1.", "2)", "a)").
_ITEM = re.compile(r"[ \t]*(?:[-–—•*·▪o]|\d{1,2}[.)]|[a-z][.)]|\(\w{1,3}\))[ \t]+(?=\S)")


def report_units(text: str) -> list[UnitInContext]:
    """Every sentence of a report, each line a leaf: a bullet line is an item governed by
    the last line before its list that ends with ":", and a short line without a full stop
    is a heading for what follows (and a candidate itself: headlines can pledge too)."""
    found: list[UnitInContext] = []
    heading: tuple[int, int] | None = None
    intro: tuple[int, int] | None = None
    cursor = 0
    number = 0
    for line in text.splitlines(keepends=True):
        start, cursor = cursor, cursor + len(line)
        body = line.strip()
        if not body:
            continue
        end = start + len(line.rstrip())
        lead = start + len(line) - len(line.lstrip())
        item = _ITEM.match(line)
        number += 1
        is_heading = item is None and _is_heading(body)
        kind = "item" if item is not None else "heading" if is_heading else "paragraph"
        if item is None:
            intro = None
        first = start + item.end() if item is not None else lead
        context = Context(
            f"line_{number}",
            kind,
            intro if item is not None else None,
            (heading,) if heading is not None else (),
            "report",
        )
        leaf = Node(kind, "line", first, end, eid=context.eid)
        for unit in leaf_units(text, leaf):
            found.append(UnitInContext(unit, context))
        if is_heading:
            heading, intro = (lead, end), None
        elif body.endswith(":"):
            intro = (first, end)
    return found


def _is_heading(body: str) -> bool:
    words = body.split()
    return (
        len(words) <= 8 and body[-1] not in '.:;!?,"”’)' and body[0].isupper() and ":" not in body
    )
