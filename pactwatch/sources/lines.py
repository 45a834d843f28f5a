"""An official text as classified lines: the first step of reading its structure.

Texts reach us from PDFs (hard-wrapped lines, page numbers between them) and from word
processors (one paragraph per line). Each line is classified once, by its own shape and
the shape of the document, so the tree builder never looks at characters again.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from itertools import pairwise
from typing import Any

from pactwatch.settings import data_dir, read_data_yaml


class Shape(Enum):
    BLANK = "blank"
    FURNITURE = "furniture"  # page numbers and running headers: never part of a node's text
    DIVISION = "division"  # "Part I. ...", "Article 3", "II. Scope", "A. Defence"
    SUBHEADING = "subheading"  # an unnumbered heading ("NATO", "Training and exercises")
    PREAMBLE = "preamble"  # the word "Preamble" or "Introduction" as a heading
    NUMBERED = "numbered"  # "3. The Participants will ..."
    ITEM = "item"  # "(a) ...", "ii) ...", "• ..."
    SIGNATURE = "signature"  # "For Ukraine:" and everything after it
    TEXT = "text"


@dataclass(frozen=True)
class Division:
    kind: str
    eid: str
    level: int


@dataclass(frozen=True)
class Grammar:
    """The words and patterns of `data/lexicons/structure.yaml`, compiled once."""

    divisions: dict[str, Division]
    preamble_words: frozenset[str]
    signature: re.Pattern[str]
    furniture: tuple[re.Pattern[str], ...]
    sentence_verbs: frozenset[str]


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    raw: dict[str, Any] = read_data_yaml(data_dir() / "lexicons" / "structure.yaml")
    divisions = {
        word: Division(entry["kind"], entry["eid"], int(entry["level"]))
        for entry in raw["divisions"]
        for word in entry["words"]
    }
    return Grammar(
        divisions=divisions,
        preamble_words=frozenset(raw["preamble_words"]),
        signature=re.compile(raw["signature_line"]),
        furniture=tuple(re.compile(p) for p in raw["furniture_patterns"]),
        sentence_verbs=frozenset(raw["sentence_verbs"]),
    )


# Roman numerals, with the Cyrillic letters that look like them (Ukrainian texts use both).
ROMAN = r"[IVXLІХ]+"
_KEYWORD = re.compile(
    r"^(?P<word>\w+)\s+(?P<num>\d+|" + ROMAN + r"|[A-Z])\b\s*[.:]?\s*(?P<rest>.*)$"
)
_ROMAN_HEADING = re.compile(r"^(?P<num>" + ROMAN + r")\.\s+(?P<rest>\S.*)$")
_LETTER_HEADING = re.compile(r"^(?P<num>[A-Z])\.\s+(?P<rest>\S.*)$")
_NUMBERED = re.compile(r"^(?P<num>\d{1,3})[.)]\s+(?P<rest>\S.*)$")
_ITEM = re.compile(
    r"^(?:\((?P<paren>[a-z]{1,2}|[ivx]+|\d{1,2})\)|(?P<half>[a-z]|[ivx]+)\)|(?P<bullet>[•▪◦●·*–—-]))\s+\S"
)
_DOTTED_LETTER = re.compile(r"^(?P<half>[a-zа-яіїєґ])\.\s+(?=\S)(?P<paren>)(?P<bullet>)")
_TERMINAL = ".;:!?"
# A lettered subheading sits below unnumbered headings and above paragraphs.
_LETTERED = Division("hcontainer", "hcontainer", 5)


def _titled_item(line: str, nxt: str, wrapped: bool) -> bool:
    rest = line.split(None, 1)[1] if " " in line else ""
    return (
        _looks_like_heading(rest, wrapped)
        and rest[0].isupper()
        and bool(nxt)
        and (nxt[0].isupper() or nxt[0].isdigit())
        and len(rest.split()) <= 8
    )


@dataclass(frozen=True)
class Line:
    start: int  # offset of the first non-space character
    end: int  # offset after the last non-space character
    text: str  # the trimmed line
    shape: Shape
    num: str | None = None
    division: Division | None = None
    label: str | None = None  # the heading word as the text writes it ("Paragraph")
    marker: str | None = None  # the kind of list marker: paren, half, bullet

    def ends_sentence(self) -> bool:
        return bool(self.text) and self.text[-1] in _TERMINAL


def split_lines(text: str) -> list[tuple[int, int, str]]:
    """Each line's trimmed offsets and text (offsets index into `text`)."""
    out = []
    for match in re.finditer(r"[^\n]*", text):
        raw = match.group()
        if match.start() > 0 and match.start() == match.end() and text[match.start() - 1] != "\n":
            continue  # the empty match finditer yields at the end of every line
        stripped = raw.strip()
        if not stripped:
            out.append((match.start(), match.start(), ""))
            continue
        lead = len(raw) - len(raw.lstrip())
        start = match.start() + lead
        out.append((start, start + len(stripped), stripped))
    return out


def is_wrapped(lines: list[tuple[int, int, str]]) -> bool:
    """Hard-wrapped (PDF) text: many lines run on into a line that starts in lower case."""
    texts = [t for _, _, t in lines]
    runs = sum(
        1
        for a, b in pairwise(texts)
        if a and b and a[-1] not in _TERMINAL and (b[0].islower() or b[0] in '(“‘"')
    )
    return runs >= max(3, len([t for t in texts if t]) // 12)


def _repeated_headers(lines: list[tuple[int, int, str]]) -> frozenset[str]:
    counts = Counter(t for _, _, t in lines if t and len(t) <= 60)
    return frozenset(t for t, n in counts.items() if n >= 3 and t[-1] not in _TERMINAL)


def classify(text: str) -> tuple[list[Line], bool]:
    """Every line of `text` with its shape, and whether the text is hard-wrapped."""
    g = grammar()
    raw = split_lines(text)
    wrapped = is_wrapped(raw)
    headers = _repeated_headers(raw) if wrapped else frozenset()
    out: list[Line] = []
    signed = False
    # the next non-empty line after each line, found in one backward pass: looking ahead
    # from every line made a long text's classification quadratic
    next_text = [""] * len(raw)
    ahead = ""
    for i in range(len(raw) - 1, -1, -1):
        next_text[i] = ahead
        ahead = raw[i][2] or ahead
    written = 0
    for i, (start, end, line) in enumerate(raw):
        nxt = next_text[i]
        prev = out[-1] if out else None
        prev_text = next((x for x in reversed(out) if x.shape is not Shape.BLANK), None)
        if signed and _reopens_body(line, g):
            signed = False  # an annex after the signatures is text again
        if not line:
            shape = Line(start, end, line, Shape.BLANK)
        elif signed:
            shape = Line(start, end, line, Shape.SIGNATURE)
        elif line in headers or any(p.match(line) for p in g.furniture):
            shape = Line(start, end, line, Shape.FURNITURE)
        elif len(line) <= 90 and g.signature.match(line) and written > 5:
            signed = True
            shape = Line(start, end, line, Shape.SIGNATURE)
        else:
            continues = (
                wrapped
                and prev_text is not None
                and prev_text.shape in (Shape.TEXT, Shape.NUMBERED, Shape.ITEM)
                and not prev_text.ends_sentence()
                and prev is not None
                and prev.shape is not Shape.BLANK
            )
            following = raw[i + 1][2] if i + 1 < len(raw) else ""
            shape = _shape(start, end, line, nxt, wrapped, continues, g, following)
        out.append(shape)
        written += shape.shape is not Shape.BLANK  # a signature block comes after a body
    return out, wrapped


def _reopens_body(line: str, g: Grammar) -> bool:
    keyword = _KEYWORD.match(line)
    if keyword is not None and keyword["word"] in g.divisions:
        return g.divisions[keyword["word"]].kind == "annex"
    return line.split(" ", 1)[0] in {"Annex", "ANNEX", "Додаток", "ДОДАТОК"}


_RUNS_ON = frozenset(
    [
        "and",
        "or",
        "of",
        "the",
        "to",
        "in",
        "for",
        "as",
        "with",
        "by",
        "on",
        "at",
        "from",
        "that",
        "which",
        "a",
        "an",
        "its",
        "their",
        "our",
        "is",
        "are",
        "be",
        "will",
        "shall",
        "would",
        "against",
        "under",
        "into",
        "between",
        "through",
        "towards",
        "toward",
        "within",
        "without",
        "about",
        "over",
        "than",
        "if",
        "when",
        "while",
        "where",
        "whose",
        "both",
    ]
)


def _looks_like_heading(rest: str, wrapped: bool, limit: int | None = None) -> bool:
    """A title rather than a sentence: short, no closing punctuation, few words, and not
    ending on a word a sentence runs on from."""
    limit = limit or (70 if wrapped else 130)
    return (
        0 < len(rest) <= limit
        and rest[-1] not in _TERMINAL + ","
        and len(rest.split()) <= 16
        and rest.split()[-1].lower() not in _RUNS_ON
    )


def _shape(
    start: int,
    end: int,
    line: str,
    nxt: str,
    wrapped: bool,
    continues: bool,
    g: Grammar,
    nxt_raw: str = "",
) -> Line:
    if line in g.preamble_words:
        return Line(start, end, line, Shape.PREAMBLE, label=line)
    keyword = _KEYWORD.match(line)
    mid_sentence = continues or (keyword is not None and keyword["rest"][:1].islower())
    if keyword and keyword["word"] in g.divisions and not mid_sentence:
        division = g.divisions[keyword["word"]]
        titled = division.kind != "section" or keyword["word"].lower() not in {"paragraph", "пункт"}
        if titled or _looks_like_heading(keyword["rest"], wrapped):
            return Line(
                start, end, line, Shape.DIVISION, _roman(keyword["num"]), division, keyword["word"]
            )
    item = _ITEM.match(line) or _DOTTED_LETTER.match(line)
    if item and not (continues and _reference_not_item(line, item)):
        return _item_line(start, end, line, nxt, wrapped, item)
    if continues:
        return Line(start, end, line, Shape.TEXT)
    first = line.split(" ", 1)[0]
    if first in g.divisions and g.divisions[first].kind == "annex" and len(line) <= 90:
        return Line(start, end, line, Shape.DIVISION, None, g.divisions[first], first)
    roman = _ROMAN_HEADING.match(line)
    if roman and roman["rest"] in g.preamble_words and roman["num"] in {"I", "І"}:
        return Line(start, end, line, Shape.PREAMBLE, label=roman["rest"])
    if roman and (_looks_like_heading(roman["rest"], wrapped, 110) or roman["rest"].isupper()):
        return Line(
            start, end, line, Shape.DIVISION, _roman(roman["num"]), Division("section", "sec", 2)
        )
    letter = _LETTER_HEADING.match(line)
    if letter and _looks_like_heading(letter["rest"], wrapped, 110):
        return Line(
            start, end, line, Shape.DIVISION, letter["num"], Division("subsection", "subsec", 3)
        )
    numbered = _NUMBERED.match(line)
    if numbered:
        rest = numbered["rest"]
        heading = (
            _looks_like_heading(rest, wrapped)
            and (not wrapped or not nxt or not nxt[0].islower())
            and (not wrapped or len(rest.split()) <= 10)
        ) or (not wrapped and rest[-1] not in _TERMINAL + "," and bool(nxt) and nxt[0].isupper())
        if heading and not numbered["rest"][0].islower():
            division = Division("subsection", "subsec", 3)
            return Line(start, end, line, Shape.DIVISION, numbered["num"], division)
        return Line(start, end, line, Shape.NUMBERED, numbered["num"])
    if (
        _looks_like_heading(line, wrapped)
        and line[0].isupper()
        and not _ends_mid(line, nxt)
        and not (wrapped and _sentence_runs_on(line, nxt_raw, g))
    ):
        return Line(start, end, line, Shape.SUBHEADING)
    return Line(start, end, line, Shape.TEXT)


def _reference_not_item(line: str, item: re.Match[str]) -> bool:
    """'(1) and (2): ...' running on from the line before cites items; it is not one."""
    if item["bullet"]:
        return False
    rest = line[item.end() - 1 :]
    return item.re is _DOTTED_LETTER or rest[:1].islower()


def _item_line(
    start: int, end: int, line: str, nxt: str, wrapped: bool, item: re.Match[str]
) -> Line:
    if item["half"] and _titled_item(line, nxt, wrapped):
        # "a) Air Force and Air Defence" above a paragraph: a lettered subheading
        return Line(start, end, line, Shape.DIVISION, item["half"], _LETTERED)
    kind = "paren" if item["paren"] else "half" if item["half"] else "bullet"
    if item.re is _DOTTED_LETTER:
        kind = "dotted"
    return Line(start, end, line, Shape.ITEM, item["paren"] or item["half"] or None, marker=kind)


def _sentence_runs_on(line: str, following: str, g: Grammar) -> bool:
    """In hard-wrapped text a short line with a finite verb ('Ukraine commits to ...',
    'The United States intends to ...') that runs straight on into the next line is the
    first line of a paragraph, not a heading; a heading is a noun phrase."""
    if not following or _NUMBERED.match(following) or _ITEM.match(following):
        return False
    return any(word in g.sentence_verbs for word in re.findall(r"\w+", line.lower()))


def _ends_mid(line: str, nxt: str) -> bool:
    """A short line that a sentence runs on from (its next line starts in lower case)."""
    return bool(nxt) and nxt[0].islower()


_CYRILLIC_ROMAN = str.maketrans("ІХ", "IX")


def _roman(num: str) -> str:
    """Cyrillic look-alikes in a Roman numeral read as the Latin letters they imitate."""
    return num.translate(_CYRILLIC_ROMAN)
