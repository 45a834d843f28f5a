"""An official text's hierarchy: title, preamble, divisions, paragraphs, lists, signatures.

Citations must name a clause the way its text numbers it ("Part II, paragraph 3 (b)"), and
Akoma Ntoso nests the same hierarchy, so the structure is read once, here, into nodes with
eIds in Akoma Ntoso's naming convention (`sec_II__para_3__list_1__item_b`) and offsets
into the text. Leaves (paragraphs without lists, list items, recitals) hold the words;
containers hold a heading and their children. Page numbers and running headers fall into
`gaps`, never into a leaf's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pactwatch.sources.lines import Line, Shape, classify

PARSER_VERSION = "structure-1"

_PREAMBLE_CLOSE = re.compile(
    r"^(?:(?:and|therefore|thus|hereby|now)[,\s]+)?(?:the\s+participants\s+)?"
    r"(?:(?:have|has|hereby)\b.{0,60}\b(?:determined|decided|agreed|resolved)"
    r"|(?:таким чином|домовилися|вирішили))",
    re.IGNORECASE,
)
_ROMAN_ITEM = re.compile(r"^(?:i{1,3}|iv|vi{0,3}|ix|x)$")
_LEAF_KINDS = frozenset({"title", "recital", "paragraph", "intro", "item", "conclusions"})


@dataclass
class Node:
    kind: str
    prefix: str
    start: int
    end: int
    num: str | None = None
    label: str | None = None
    level: int = 9
    heading_end: int | None = None
    children: list[Node] = field(default_factory=list)
    gaps: list[tuple[int, int]] = field(default_factory=list)
    marker: str | None = None
    eid: str = ""
    parent: Node | None = field(default=None, repr=False, compare=False)

    def add(self, child: Node) -> Node:
        child.parent = self
        self.children.append(child)
        return child

    @property
    def is_leaf(self) -> bool:
        return not self.children and self.kind in _LEAF_KINDS

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def extend_to(self, end: int) -> None:
        self.end = max(self.end, end)


@dataclass
class Outline:
    """The parsed structure: a root whose children are the document's top-level nodes."""

    root: Node
    wrapped: bool
    furniture: list[tuple[int, int]] = field(default_factory=list)

    def nodes(self) -> list[Node]:
        return [n for n in self.root.walk() if n is not self.root]

    def leaves(self) -> list[Node]:
        return [n for n in self.nodes() if n.is_leaf]

    def operative_leaves(self) -> list[Node]:
        """Leaves outside the title, the preamble and the signature block."""
        return [n for n in self.leaves() if n.kind not in {"title", "recital", "conclusions"}]

    def leaf_at(self, offset: int) -> Node | None:
        return next((n for n in self.leaves() if n.start <= offset < n.end), None)

    def by_eid(self) -> dict[str, Node]:
        return {n.eid: n for n in self.nodes()}


class StructureError(ValueError):
    """A text that cannot have a structure: empty, or not text at all."""


def parse_structure(text: str) -> Outline:
    if not text.strip():
        raise StructureError("the text is empty")
    if "\x00" in text:
        raise StructureError("the text holds NUL bytes: it is binary, not text")
    lines, wrapped = classify(text)
    builder = _Builder(text, wrapped)
    builder.run(lines)
    _assign_eids(builder.root)
    furniture = [(line.start, line.end) for line in lines if line.shape is Shape.FURNITURE]
    return Outline(builder.root, wrapped, furniture)


class _Builder:
    """Feeds classified lines into a tree, one line at a time, as a reader would."""

    def __init__(self, text: str, wrapped: bool) -> None:
        self.text = text
        self.wrapped = wrapped
        self.root = Node("document", "", 0, len(text), level=0)
        self.stack: list[Node] = [self.root]
        self.block: Node | None = None  # the leaf being written
        self.pending_gaps: list[tuple[int, int]] = []
        self.blank_before = False
        self.preamble: Node | None = None

    # -- driving ---------------------------------------------------------------------
    def run(self, lines: list[Line]) -> None:
        body_from = self._title(lines)
        preamble_end = self._preamble_end(lines, body_from)
        for index, line in enumerate(lines[body_from:], start=body_from):
            if index < preamble_end:
                self._preamble_line(line)
            else:
                self._body_line(line)
        self._close_block()

    def _title(self, lines: list[Line]) -> int:
        """The title: the first run of lines, unless it already is a numbered clause."""
        first = next(
            (i for i, line in enumerate(lines) if line.shape not in (Shape.BLANK, Shape.FURNITURE)),
            None,
        )
        if first is None:
            return len(lines)
        if lines[first].shape in (Shape.NUMBERED, Shape.DIVISION, Shape.PREAMBLE, Shape.ITEM):
            return first
        last = first
        if self.wrapped:
            while last + 1 < len(lines) and lines[last + 1].shape is not Shape.BLANK:
                last += 1
        title = Node("title", "title", lines[first].start, lines[last].end, level=1)
        self.root.add(title)
        return last + 1

    def _preamble_end(self, lines: list[Line], start: int) -> int:
        """Index of the first operative line: after the 'have decided as follows' formula
        when there is one early in the text, else at the first division or clause."""
        limit = start + max(10, len(lines) * 2 // 5)
        for i in range(start, min(limit, len(lines))):
            line = lines[i]
            if line.shape in (Shape.DIVISION, Shape.NUMBERED) and i > start:
                break
            if _PREAMBLE_CLOSE.match(line.text):
                end = i
                while end + 1 < len(lines) and not lines[end].ends_sentence():
                    end += 1
                return end + 1
        for i in range(start, len(lines)):
            line = lines[i]
            if line.shape in (Shape.DIVISION, Shape.NUMBERED, Shape.SUBHEADING, Shape.SIGNATURE):
                return i
        return start

    # -- preamble --------------------------------------------------------------------
    def _preamble_line(self, line: Line) -> None:
        if self.preamble is None:
            self.preamble = Node("preamble", "preamble", line.start, line.end, level=1)
            self.root.add(self.preamble)
            self.stack = [self.root, self.preamble]
        if line.shape is Shape.PREAMBLE:
            self.preamble.heading_end = line.end
            return
        if line.shape is Shape.BLANK:
            self.blank_before = True
            return
        if line.shape is Shape.FURNITURE:
            self.pending_gaps.append((line.start, line.end))
            return
        self._text_line(line, new_kind="recital", parent=self.preamble)
        self.preamble.extend_to(line.end)
        self.blank_before = False

    # -- body ------------------------------------------------------------------------
    def _body_line(self, line: Line) -> None:
        if self.preamble is not None and self.stack[-1] is self.preamble:
            self._close_block()
            self.stack = [self.root]
        shape = line.shape
        if shape is Shape.BLANK:
            self.blank_before = True
            return
        if shape is Shape.FURNITURE:
            self.pending_gaps.append((line.start, line.end))
            return
        if shape is Shape.SIGNATURE:
            self._signature(line)
            return
        if shape is Shape.DIVISION and line.division is not None:
            self._open(line, line.division.kind, line.division.eid, line.division.level)
        elif shape in (Shape.SUBHEADING, Shape.PREAMBLE):
            self._open(line, "hcontainer", "hcontainer", 4)
        elif shape is Shape.NUMBERED and not self._numbered_is_item(line):
            self._close_block()
            self._start_block("paragraph", "para", line, self.stack[-1], num=line.num)
        elif shape is Shape.ITEM or shape is Shape.NUMBERED:
            self._item(line)
        else:
            self._text_line(line, new_kind="paragraph", parent=self.stack[-1])
        self.blank_before = False

    def _signature(self, line: Line) -> None:
        self._close_block()
        tail = self.root.children[-1] if self.root.children else None
        if tail is not None and tail.kind == "conclusions":
            tail.extend_to(line.end)
        else:
            self.stack = [self.root]
            node = Node("conclusions", "conclusions", line.start, line.end, level=1)
            self.root.add(node)

    def _open(self, line: Line, kind: str, prefix: str, level: int) -> None:
        self._close_block()
        if kind == "subsection":
            level = self._subsection_level(line, level)
        while len(self.stack) > 1 and self.stack[-1].level >= level:
            self.stack.pop()
        node = Node(kind, prefix, line.start, line.end, line.num, line.label, level, line.end)
        self.stack[-1].add(node)
        self.stack.append(node)

    def _subsection_level(self, line: Line, level: int) -> int:
        """Lettered sections nest under an unnumbered heading that they follow from 'A.'
        on ('Implementation of Article II' > 'A.', 'B.'); later letters join them."""
        top = self.stack[-1]
        if line.num == "A" and top.kind == "hcontainer":
            return top.level + 1
        for node in reversed(self.stack[1:]):
            if node.kind == "subsection":
                return node.level
        return level

    # -- paragraphs and lists --------------------------------------------------------
    def _continues(self, line: Line) -> bool:
        block = self.block
        if block is None:
            return False
        if line.text[0].islower() and not self._opens_list(block):
            return True
        if self.wrapped:
            last = self.text[block.start : block.end].rstrip()
            return not self.blank_before or (bool(last) and last[-1] not in ".;:!?")
        # one paragraph per line, but a sentence broken after a comma runs on
        return block.kind == "paragraph" and self.text[block.start : block.end].rstrip()[-1:] == ","

    def _opens_list(self, block: Node) -> bool:
        """Whether the next unmarked line of a one-paragraph-per-line text is a list item:
        after an intro ending with ':', or after an item that does not end a sentence."""
        if self.wrapped:
            return False
        words = self.text[block.start : block.end].rstrip()
        if words.endswith(":"):
            return True
        return block.kind == "item" and not words.endswith((".", "!", "?"))

    def _text_line(self, line: Line, new_kind: str, parent: Node) -> None:
        if self._continues(line):
            assert self.block is not None
            self._extend(line)
            return
        if self.block is not None and self._opens_list(self.block):
            self._item(line, marker="unmarked")
            return
        self._close_block()
        self._start_block(new_kind, new_kind if new_kind == "recital" else "para", line, parent)

    def _numbered_is_item(self, line: Line) -> bool:
        """'1. provide support ...' under an intro ending with ':' is a list item."""
        rest = line.text.split(None, 1)[1] if " " in line.text else ""
        return bool(rest) and rest[0].islower() and self.block is not None

    def _item(self, line: Line, marker: str | None = None) -> None:
        marker = self._marker_kind(line, marker or line.marker or "numbered")
        owner = self._list_owner(marker)
        self._close_block()
        lst = owner.children[-1] if owner.children and owner.children[-1].kind == "list" else None
        if lst is None or lst.marker != marker:
            lst = Node("list", "list", line.start, line.end, level=owner.level + 1, marker=marker)
            owner.add(lst)
        self._start_block("item", "item", line, lst, num=line.num if marker != "bullet" else None)
        if self.block is not None:
            self.block.marker = marker

    def _marker_kind(self, line: Line, marker: str) -> str:
        """Roman numerals and letters share brackets: '(i)' after '(h)' is a letter, '(i)'
        after '(b)' opens a nested list of numerals."""
        num = line.num or ""
        if marker in ("paren", "half", "dotted") and _ROMAN_ITEM.match(num):
            before = (
                self.block.num if self.block is not None and self.block.kind == "item" else None
            )
            after_letter = before is not None and len(num) == 1 and ord(num) == ord(before[-1]) + 1
            in_roman_list = (
                before is not None and bool(_ROMAN_ITEM.match(before)) and len(before) > 0
            )
            if not after_letter or (
                in_roman_list
                and self.block is not None
                and (self.block.marker or "").endswith("roman")
            ):
                return f"{marker}-roman"
        return marker

    def _list_owner(self, marker: str) -> Node:
        """The paragraph or item a list item belongs to; a paragraph with no list yet
        turns its own words into the list's intro."""
        block = self.block
        if block is None:
            return self.stack[-1]
        if block.kind == "item":
            parent_list = self._parent_of(block)
            if parent_list is not None and parent_list.marker == marker:
                return self._parent_of(parent_list) or self.stack[-1]
            # a different marker: nested under this item when it introduces a list,
            # else back to an enclosing list with this marker
            for ancestor in self._ancestors(block):
                if ancestor.kind == "list" and ancestor.marker == marker:
                    return self._parent_of(ancestor) or self.stack[-1]
            return self._as_owner(block)
        if block.kind in ("paragraph", "intro"):
            return (
                self._as_owner(block)
                if block.kind == "paragraph"
                else self._parent_of(block) or self.stack[-1]
            )
        return self.stack[-1]

    def _as_owner(self, block: Node) -> Node:
        """A leaf that gets a list: its own words become an `intro` child."""
        if not block.children:
            intro = Node("intro", "intro", block.start, block.end, level=block.level + 1)
            intro.gaps = block.gaps
            block.gaps = []
            block.add(intro)
        return block

    def _parent_of(self, node: Node) -> Node | None:
        return node.parent

    def _ancestors(self, node: Node) -> Iterator[Node]:
        parent = self._parent_of(node)
        while parent is not None and parent is not self.root:
            yield parent
            parent = self._parent_of(parent)

    def _start_block(
        self, kind: str, prefix: str, line: Line, parent: Node, num: str | None = None
    ) -> None:
        self.pending_gaps = []
        node = Node(kind, prefix, line.start, line.end, num, level=parent.level + 1)
        parent.add(node)
        self.block = node

    def _extend(self, line: Line) -> None:
        assert self.block is not None
        self.block.gaps.extend(self.pending_gaps)
        self.pending_gaps = []
        self.block.extend_to(line.end)
        for ancestor in self._ancestors(self.block):
            ancestor.extend_to(line.end)

    def _close_block(self) -> None:
        block = self.block
        if block is None:
            return
        for ancestor in self._ancestors(block):
            ancestor.extend_to(block.end)
        for container in self.stack[1:]:
            container.extend_to(block.end)
        self.block = None
        self.pending_gaps = []


# Ukrainian list letters in eIds, which are ASCII: а -> a, б -> b, в -> v ...
_LATIN = str.maketrans(
    {"а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ie",
     "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
     "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u"}
)  # fmt: skip


def _ascii(num: str) -> str:
    return num.translate(_LATIN)


def _assign_eids(root: Node, path: str = "") -> None:
    """Akoma Ntoso-style ids: numbered nodes by their number, others by position."""
    numbered_paras = any(c.kind == "paragraph" and c.num for c in root.children)
    seen: dict[str, int] = {}
    positions: dict[str, int] = {}
    for child in root.children:
        positions[child.prefix] = positions.get(child.prefix, 0) + 1
        if child.prefix in {"title", "preamble", "conclusions", "intro"}:
            local = child.prefix
        elif child.num:
            local = f"{child.prefix}_{_ascii(child.num)}"
        elif child.prefix == "para" and numbered_paras:
            local = f"para_u{positions['para']}"
        else:
            local = f"{child.prefix}_{positions[child.prefix]}"
        seen[local] = seen.get(local, 0) + 1
        if seen[local] > 1:
            local = f"{local}-{seen[local]}"
        child.eid = f"{path}__{local}" if path else local
        _assign_eids(child, child.eid)
