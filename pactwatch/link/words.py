"""The word lists `link` reads (data/lexicons/link.yaml and the extractor's gazetteer),
compiled into patterns once per process: a monitor calls `propose` per document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pactwatch.extract.lexicon import Lexicon, load_lexicon
from pactwatch.settings import data_dir, read_data_yaml
from pactwatch.sources.patterns import trie_pattern


def words_pattern(entries: list[str]) -> re.Pattern[str]:
    """Whole-word, case-insensitive alternation of `entries`, longest first."""
    return re.compile(r"(?<![\w-])(?:" + trie_pattern(sorted(set(entries))) + r")(?![\w-])", re.I)


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
    time: dict[str, list[str]]
    time_res: dict[str, re.Pattern[str]]
    objects: tuple[ObjectWords, ...]
    fits: dict[str, frozenset[str]]
    kind_domains: dict[str, frozenset[str]]
    stopwords: frozenset[str]
    place_before: re.Pattern[str]
    not_partners: frozenset[str]
    reported_at: re.Pattern[str]
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
    time: dict[str, list[str]] = raw["time"]
    return LinkWords(
        kinds=tuple(kinds),
        guard_before=words_pattern(guards["before"]),
        guard_anywhere=words_pattern(guards["anywhere"]),
        guard_own=words_pattern(guards["own"]),
        receivers=words_pattern(raw["ukraine_receivers"]),
        time=time,
        time_res={key: words_pattern(values) for key, values in time.items()},
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
        reported_at=_reported_at(lexicon.grammar["reporting_verbs"]),
        lexicon=lexicon,
    )


def _reported_at(verbs: list[str]) -> re.Pattern[str]:
    """'said on Friday', 'told reporters on Thursday': the time a thing was said, which is
    not the time it happened."""
    return re.compile(
        r"(?<![\w-])(?:"
        + trie_pattern(sorted(verbs))
        + r")(?:\s+\w+){0,2}?\s+(?:on|late|early)?\s*\Z",
        re.I,
    )
