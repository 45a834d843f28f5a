"""Function words of other languages read as English, so trained features carry over.

The extractor's decisions are learnt from texts that are nearly all in English; a text in
Ukrainian shares their form (lists, clauses, "and", "including") but not their words. Reading
its function words as their English equivalents lets a weight learnt on "and to" or
"including" apply to "та" or "зокрема", and its coordinators become break points as "and"
is. The words live in `data/lexicons/function_words.yaml`, read once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pactwatch.settings import data_dir, read_data_yaml


@dataclass(frozen=True)
class FunctionWords:
    english: dict[str, str]  # lower-case word -> its English equivalent
    coordinators: tuple[str, ...]  # words and phrases that may join two pledges
    verb_ending: re.Pattern[str] | None  # a word that ends so is a verb form

    def read(self, word: str) -> str:
        """The word as English when it is a listed function word, else itself."""
        return self.english.get(word, word)

    def phrase(self, words: str) -> str:
        """A phrase ("а також") read word by word ("and also")."""
        return " ".join(self.read(w) for w in words.lower().split())

    def is_verb(self, word: str) -> bool:
        return self.verb_ending is not None and self.verb_ending.search(word) is not None


@lru_cache(maxsize=1)
def function_words() -> FunctionWords:
    raw: dict[str, Any] = read_data_yaml(data_dir() / "lexicons" / "function_words.yaml")
    english: dict[str, str] = {}
    coordinators: list[str] = []
    endings: list[str] = []
    for language, entry in raw.items():
        for word, meaning in (entry.get("words") or {}).items():
            if not isinstance(word, str) or not isinstance(meaning, str):
                raise ValueError(f"function_words.yaml: {language}.words.{word}: not a word")
            english[word.lower()] = meaning.lower()
        coordinators += [str(c).lower() for c in entry.get("coordinators") or []]
        endings += [str(e).lower() for e in entry.get("verb_endings") or []]
    pattern = (
        re.compile(r"\w{2,}(?:" + "|".join(map(re.escape, sorted(endings))) + r")$")
        if endings
        else None
    )
    return FunctionWords(english, tuple(sorted(coordinators, key=len, reverse=True)), pattern)
