"""One scan of a document for the words rules ask about, queried per sentence by bisection.

Rules ask the same questions of every sentence ("is there a modal here? a present-tense
commitment verb? a signing verb? any word that could make this more than background?").
The regex engine costs about the same per character whatever it looks for, so the four
word lists are compiled into one alternation, scanned once per document, and each match
is sorted into the lists it belongs to. A sentence with no match is background at once.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from pactwatch.extract.lexicon import Lexicon, alternation, modal_entries

# Words without which a sentence can be nothing but background: the agreement and its
# term, early ends and lists of other agreements (ellipsis openers are added).
_CUE_WORDS = [
    "agreement", "agreements", "deal", "deals", "pact", "pacts", "accord", "accords",
    "document", "documents", "treaty", "text", "arrangements", "year", "years", "decade",
    "joins", "member", "membership", "accedes", "accession",
]  # fmt: skip
_SPACE = re.compile(r"\s+")


class Hit:
    """A word list's match, read like a regex match: start(), end(), group()."""

    __slots__ = ("_end", "_start", "_words")

    def __init__(self, start: int, end: int, words: str) -> None:
        self._start, self._end, self._words = start, end, words

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._words


class Matches:
    """Matches of one word list over the whole text, in order: starts, ends and words in
    three lists (a Hit is made only for a match a rule asks about)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.words: list[str] = []

    def add(self, start: int, end: int, words: str) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.words.append(words)

    def first(self, start: int, end: int) -> Hit | None:
        """The first match lying within `[start, end)`."""
        starts, ends = self.starts, self.ends
        i = bisect_left(starts, start)
        while i < len(starts) and starts[i] < end:
            if ends[i] <= end:
                return Hit(starts[i], ends[i], self.words[i])
            i += 1
        return None

    def within(self, start: int, end: int) -> Iterator[Hit]:
        starts, ends = self.starts, self.ends
        i = bisect_left(starts, start)
        while i < len(starts) and starts[i] < end:
            if ends[i] <= end:
                yield Hit(starts[i], ends[i], self.words[i])
            i += 1

    def sort(self) -> None:
        """Put matches in order of start (a phrase's inner word may come late)."""
        starts = self.starts
        if any(a > b for a, b in pairwise(starts)):
            order = sorted(range(len(starts)), key=starts.__getitem__)
            self.starts = [starts[i] for i in order]
            self.ends = [self.ends[i] for i in order]
            self.words = [self.words[i] for i in order]


@dataclass(frozen=True)
class _Combined:
    pattern: re.Pattern[str]
    # entry -> how each word list reads it: (list, first word, number of words); "pledged
    # to" is a modal and holds the present-tense "pledged", "nato membership" a domain cue
    # holding the background cue "membership"
    parts: dict[str, tuple[tuple[str, int, int], ...]]
    # one-word entries read by one list only (most matches): entry -> list
    single: dict[str, str]
    # the readings of `parts` as character offsets into the entry as written (one space
    # between words): list, start, end
    spans: dict[str, tuple[tuple[str, int, int], ...]]


KINDS = ("modal", "present", "signing", "cue", "domain", "instrument", "acronym")


def _readings(words: list[str], entries: set[str]) -> list[tuple[int, int]]:
    """Where one list's own scan would match inside an entry: longest first, no overlaps."""
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            if " ".join(words[i:j]) in entries:
                found.append((i, j - i))
                i = j
                break
        else:
            i += 1
    return found


def _combined(lexicon: Lexicon) -> _Combined:
    """The one alternation of every list the index reads (built once per lexicon)."""
    lists = {
        "modal": set(modal_entries(lexicon.grammar)),
        "present": set(lexicon.grammar["present_commitments"]),
        "signing": set(lexicon.grammar["signing_verbs"]),
        "cue": {*_CUE_WORDS, *lexicon.grammar["ellipsis_openers"]},
        "domain": {c for c in lexicon.cue_domains if c[:1].isalnum() and c[-1:].isalnum()},
        # named instruments; acronyms are matched lower-cased here and their case checked
        # in the text when asked about ("CAP", not "cap")
        "instrument": {n for n in lexicon.instruments if n not in lexicon.acronyms},
        "acronym": {a.lower() for a in lexicon.acronyms},
    }
    entries = set().union(*lists.values())
    parts = {
        entry: tuple(
            (kind, first, count)
            for kind in KINDS
            for first, count in _readings(entry.split(" "), lists[kind])
        )
        for entry in entries
    }
    single = {
        entry: found[0][0]
        for entry, found in parts.items()
        if len(found) == 1 and found[0][1] == 0 and " " not in entry
    }
    return _Combined(alternation(sorted(entries)), parts, single, _char_spans(parts))


def _char_spans(
    parts: dict[str, tuple[tuple[str, int, int], ...]],
) -> dict[str, tuple[tuple[str, int, int], ...]]:
    found = {}
    for entry, readings in parts.items():
        bounds = [(w.start(), w.end()) for w in _WORD.finditer(entry)]
        found[entry] = tuple(
            (kind, bounds[first][0], bounds[first + count - 1][1])
            for kind, first, count in readings
        )
    return found


_WORD = re.compile(r"\S+")
_DAY_BEFORE = re.compile(r"\d[\s,]*$")
_DAY_AFTER = re.compile(r"[\s,]*\d")


def _month(lower: str, start: int, end: int) -> bool:
    """Whether "may" is dated: a number before or after it ("27 May", "May 2024")."""
    return bool(_DAY_BEFORE.search(lower, max(0, start - 4), start) or _DAY_AFTER.match(lower, end))


class DocIndex:
    """The matches of one lower-cased text for the modal, present-tense, signing,
    background-cue and domain-cue lists, from one scan."""

    def __init__(self, lower: str, lexicon: Lexicon) -> None:
        self.modal, self.present = Matches(), Matches()
        self.signing, self.cues = Matches(), Matches()
        self.instruments, self.acronyms = Matches(), Matches()
        self.domain: list[tuple[int, int, str]] = []
        lists = {
            "modal": self.modal,
            "present": self.present,
            "signing": self.signing,
            "cue": self.cues,
            "instrument": self.instruments,
            "acronym": self.acronyms,
        }
        combined = lexicon.derived(_combined)
        single, add_domain = combined.single, self.domain.append
        for m in combined.pattern.finditer(lower):
            words = m.group()
            kind = single.get(words)  # one word, one list: the fast path of the test below
            if kind == "domain":  # most matches: a domain cue
                add_domain((m.start(), m.end(), words))
                continue
            if kind is not None:
                if words == "may" and _month(lower, m.start(), m.end()):
                    continue  # "27 May 2024": the month, not the modal
                lists[kind].add(m.start(), m.end(), words)
                continue
            at = m.start()
            readings = combined.spans.get(words)
            if readings is not None:  # an entry as written: its readings' offsets are known
                for kind, begin, stop in readings:
                    if kind == "domain":
                        self.domain.append((at + begin, at + stop, words[begin:stop]))
                    else:
                        lists[kind].add(at + begin, at + stop, words[begin:stop])
                continue
            # a phrase broken over a line or by double spaces
            found = combined.parts.get(" ".join(words.split()), ())
            spans = [(w.start(), w.end()) for w in _WORD.finditer(words)]
            for kind, first, count in found:
                begin, stop = at + spans[first][0], at + spans[first + count - 1][1]
                if kind == "domain":
                    self.domain.append((begin, stop, lower[begin:stop]))
                else:
                    lists[kind].add(begin, stop, lower[begin:stop])
        for matches in lists.values():
            matches.sort()
        self.domain.sort()
        self.every = sorted(
            {*self.modal.starts, *self.present.starts, *self.signing.starts, *self.cues.starts}
        )

    def plain(self, start: int, end: int) -> bool:
        """True when nothing in `[start, end)` can make the sentence more than background."""
        i = bisect_left(self.every, start)
        return i == len(self.every) or self.every[i] >= end
