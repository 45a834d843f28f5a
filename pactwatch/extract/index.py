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
    """Matches of one word list over the whole text, in order."""

    def __init__(self) -> None:
        self.found: list[Hit] = []
        self.starts: list[int] = []

    def add(self, hit: Hit) -> None:
        self.found.append(hit)
        self.starts.append(hit.start())

    def first(self, start: int, end: int) -> Hit | None:
        """The first match lying within `[start, end)`."""
        i = bisect_left(self.starts, start)
        found, starts = self.found, self.starts
        while i < len(found) and starts[i] < end:
            if found[i].end() <= end:
                return found[i]
            i += 1
        return None

    def within(self, start: int, end: int) -> Iterator[Hit]:
        i = bisect_left(self.starts, start)
        while i < len(self.found) and self.found[i].start() < end:
            if self.found[i].end() <= end:
                yield self.found[i]
            i += 1


@dataclass(frozen=True)
class _Combined:
    pattern: re.Pattern[str]
    kinds: dict[str, tuple[str, ...]]  # entry -> the lists it (or a word prefix) is in


_COMBINED: dict[int, tuple[Lexicon, _Combined]] = {}
KINDS = ("modal", "present", "signing", "cue")


def _combined(lexicon: Lexicon) -> _Combined:
    cached = _COMBINED.get(id(lexicon))
    if cached is not None and cached[0] is lexicon:
        return cached[1]
    lists = {
        "modal": set(modal_entries(lexicon.grammar)),
        "present": set(lexicon.grammar["present_commitments"]),
        "signing": set(lexicon.grammar["signing_verbs"]),
        "cue": {*_CUE_WORDS, *lexicon.grammar["ellipsis_openers"]},
    }
    entries = set().union(*lists.values())
    kinds: dict[str, tuple[str, ...]] = {}
    for entry in entries:
        words = entry.split(" ")
        prefixes = {" ".join(words[:i]) for i in range(1, len(words) + 1)}
        # "pledged to" (modal) also holds "pledged" (present) at the same place
        kinds[entry] = tuple(k for k in KINDS if lists[k] & prefixes)
    combined = _Combined(alternation(sorted(entries)), kinds)
    _COMBINED.clear()
    _COMBINED[id(lexicon)] = (lexicon, combined)
    return combined


class DocIndex:
    """The modal, present-tense, signing and background-cue matches of one lower-cased text."""

    def __init__(self, lower: str, lexicon: Lexicon) -> None:
        self.modal, self.present = Matches(), Matches()
        self.signing, self.cues = Matches(), Matches()
        lists = {"modal": self.modal, "present": self.present, "signing": self.signing}
        combined = _combined(lexicon)
        present = lexicon.words("present_commitments")
        for m in combined.pattern.finditer(lower):
            words = m.group()
            plain = "\n" not in words and "  " not in words and "\t" not in words
            key = words if plain else " ".join(words.split())
            for kind in combined.kinds.get(key, ()):
                if kind == "cue":
                    self.cues.add(Hit(m.start(), m.end(), words))
                elif kind == "present" and key not in present:
                    word = key.split(" ")[0]  # the present verb opening a longer modal
                    self.present.add(Hit(m.start(), m.start() + len(word), word))
                else:
                    lists[kind].add(Hit(m.start(), m.end(), words))
        self.every = sorted(
            {*self.modal.starts, *self.present.starts, *self.signing.starts, *self.cues.starts}
        )

    def plain(self, start: int, end: int) -> bool:
        """True when nothing in `[start, end)` can make the sentence more than background."""
        i = bisect_left(self.every, start)
        return i == len(self.every) or self.every[i] >= end
