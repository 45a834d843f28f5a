"""The word lists `link` reads (data/lexicons/link.yaml and the extractor's gazetteer),
compiled into patterns once per process: a monitor calls `propose` per document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pactwatch.extract.lexicon import Lexicon, load_lexicon
from pactwatch.extract.when import TimeWords, time_words
from pactwatch.settings import data_dir, read_data_yaml
from pactwatch.sources.patterns import trie_pattern, words_pattern


@dataclass(frozen=True)
class KindCues:
    kind: str
    cues: re.Pattern[str]
    subkinds: tuple[tuple[str, re.Pattern[str]], ...] = ()
    needs_money: bool = False
    needs_ukraine: bool = False


@dataclass(frozen=True)
class ObjectWords:
    pattern: re.Pattern[str]
    domains: tuple[str, ...]
    means: str = ""  # the words a provision would use for it ("air defence")


@dataclass(frozen=True)
class LinkWords:
    kinds: tuple[KindCues, ...]
    guard_before: re.Pattern[str]
    guard_anywhere: re.Pattern[str]
    guard_own: re.Pattern[str]
    receivers: re.Pattern[str]
    time: TimeWords
    objects: tuple[ObjectWords, ...]
    fits: dict[str, frozenset[str]]
    kind_domains: dict[str, frozenset[str]]
    stopwords: frozenset[str]
    place_before: re.Pattern[str]
    not_partners: frozenset[str]
    lexicon: Lexicon


@lru_cache(maxsize=2)
def link_words(folder: Path | None = None) -> LinkWords:
    """The compiled word lists; read once per folder."""
    folder = folder or data_dir() / "lexicons"
    raw = read_data_yaml(folder / "link.yaml")
    kinds = []
    for kind, entry in raw["kinds"].items():
        subkinds = tuple(
            (name, words_pattern(cues)) for name, cues in (entry.get("subkinds") or {}).items()
        )
        cues = list(entry.get("cues") or []) or [c for v in entry["subkinds"].values() for c in v]
        kinds.append(
            KindCues(
                kind,
                words_pattern(cues),
                subkinds,
                bool(entry.get("needs_money")),
                bool(entry.get("needs_ukraine")),
            )
        )
    lexicon = load_lexicon(folder)
    guards = raw["guards"]
    return LinkWords(
        kinds=tuple(kinds),
        guard_before=words_pattern(guards["before"]),
        guard_anywhere=words_pattern(guards["anywhere"]),
        guard_own=words_pattern(guards["own"]),
        receivers=words_pattern(raw["ukraine_receivers"]),
        time=time_words(folder),
        objects=tuple(
            ObjectWords(words_pattern(item["words"]), tuple(item["domains"]), item.get("means", ""))
            for item in raw["objects"]
        ),
        fits={kind: frozenset(domains) for kind, domains in raw["fits"].items()},
        kind_domains={k: frozenset(v) for k, v in raw["kind_domains"].items()},
        stopwords=frozenset(raw["stopwords"]),
        place_before=re.compile(
            r"(?<![\w-])(?:" + trie_pattern(sorted(raw["place_words"])) + r")\s+(?:the\s+)?\Z",
            re.I,
        ),
        not_partners=frozenset(raw["not_partners"]),
        lexicon=lexicon,
    )
