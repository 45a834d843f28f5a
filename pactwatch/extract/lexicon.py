"""The extractor's lexicons, read from data files and compiled once into a few regexes.

Every list the rules use lives in `data/lexicons/*.yaml` or the domain taxonomy; here they
become one alternation per lexicon (longest entry first) so a document is scanned by the
regex engine, not by a Python loop over entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast

import pycountry

from pactwatch.model.taxonomy import domains
from pactwatch.settings import data_dir, read_data_yaml
from pactwatch.sources.patterns import trie_pattern


@dataclass(frozen=True)
class Place:
    """One gazetteer entry: the party it names and which list it came from."""

    code: str
    surface: str
    kind: str  # name | capital | demonym | leader


@dataclass(frozen=True)
class Lexicon:
    places: dict[str, Place]
    place_re: re.Pattern[str]
    cue_domains: dict[str, tuple[str, ...]]
    cue_re: re.Pattern[str]  # word cues; symbol cues ("$", "€") apart, so \b can lead
    cue_symbol_re: re.Pattern[str]
    grammar: dict[str, list[str]]
    modal_re: re.Pattern[str]
    verb_forms: dict[str, str]  # surface form -> base form
    titles_re: re.Pattern[str]
    titles: tuple[str, ...]  # the same titles as a list, for rules that place them in a phrase
    instruments: dict[str, str]  # lower-case surface (acronyms as written) -> canonical name
    acronyms: frozenset[str]  # instruments named by acronyms (CAP, ANP): only as written
    signing_re: re.Pattern[str]
    present_re: re.Pattern[str]
    ellipsis_re: re.Pattern[str]
    partner_re: re.Pattern[str]  # any partner phrase ("together with "): a quick test first
    reporting_re: re.Pattern[str]  # "said", "told": speech reported
    attribution_re: re.Pattern[str]  # a clause's closing ", Tusk told reporters"

    wordsets: dict[str, frozenset[str]]  # each word list of the grammar, as a set
    # what rules build from the lexicon (combined patterns, weights, caches), kept with it
    derived_from: dict[Callable[[Lexicon], Any], Any] = field(
        default_factory=dict, compare=False, repr=False
    )

    def words(self, key: str) -> frozenset[str]:
        return self.wordsets.get(key, _NO_WORDS)

    def derived(self, build: Callable[[Lexicon], T]) -> T:
        """`build(self)`, made once per lexicon: a rule's patterns or tables built from
        the word lists, or a cache that holds only for this lexicon."""
        try:
            return cast(T, self.derived_from[build])
        except KeyError:
            made = self.derived_from[build] = build(self)
            return made


_NO_WORDS: frozenset[str] = frozenset()
T = TypeVar("T")


def _with_adverbs(modals: list[str], adverbs: list[str]) -> list[str]:
    """ "is ready to" also as "is also ready to", "remains fully committed to", ..."""
    found = list(modals)
    for modal in modals:
        head, _, rest = modal.partition(" ")
        if rest and head in {"is", "are", "remains", "remain", "stands", "stand"}:
            found.extend(f"{head} {adverb} {rest}" for adverb in adverbs)
    return found


def modal_entries(grammar: dict[str, list[str]]) -> list[str]:
    """The modal phrases with their adverb variants, as `modal_re` matches them."""
    return _with_adverbs(grammar["modals"], grammar["modal_adverbs"])


def _first_chars(entries: list[str]) -> str:
    """A look-ahead on the entries' first characters (as written: for case-sensitive lists
    of names, mostly capitals): the regex engine skips ahead by character class instead of
    trying the whole trie at every position (3x faster on the gazetteer)."""
    firsts = sorted({e[0] for e in entries if e})
    return "(?=[" + "".join(re.escape(c) for c in firsts) + "])"


def alternation(entries: list[str], flags: int = 0) -> re.Pattern[str]:
    """One regex matching any entry as a whole word (entries of symbols, like "$", as is)."""
    words = sorted({e for e in entries if e[:1].isalnum() and e[-1:].isalnum()})
    others = sorted(set(entries) - set(words))
    parts = []
    if words:
        # \b first: only word starts are tried (the look-behind then excludes "'s" etc.)
        parts.append(r"\b(?<![\w'])(?:" + trie_pattern(words) + r")(?!\w)")
    if others:
        parts.append("(?:" + trie_pattern(others) + ")")
    return re.compile("|".join(parts) or r"(?!x)x", flags)


def _attribution_pattern(verbs: list[str]) -> re.Pattern[str]:
    """A clause's closing attribution: ", Tusk told reporters after the ceremony", ", the
    ministry said", ", according to officials"; not ", and the UK said it will ..."."""
    said = trie_pattern(sorted(verbs))
    return re.compile(
        r",\s+(?!(?:and|but|while|whereas|which|who|whose|that|as|if|when)\b)"
        r"(?:according\s+to(?:\s+[\w.'-]+){1,5}"
        rf"|(?:[\w.'-]+\s+){{1,4}}(?:{said})\b(?:\s+[\w'-]+){{0,6}})"
        r"\s*[.!?\"']*\s*$"
    )


def inflect(base: str) -> list[str]:
    """Third-person and past forms of a base verb ('support' -> 'supports', 'supported')."""
    head, _, rest = base.partition(" ")
    tail = f" {rest}" if rest else ""
    if head.endswith("y") and head[-2:-1] not in "aeiou":
        forms = [head[:-1] + "ies", head[:-1] + "ied"]
    elif head.endswith(("s", "sh", "ch", "x", "z", "o")):
        forms = [head + "es", head + "ed"]
    elif head.endswith("e"):
        forms = [head + "s", head + "d"]
    else:
        forms = [head + "s", head + "ed"]
    return [f + tail for f in forms]


def _read(path: Path) -> Any:
    return read_data_yaml(path)


def _places(folder: Path) -> dict[str, Place]:
    found: dict[str, Place] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            name = getattr(country, attr, None)
            if name and "," not in name and "(" not in name:
                found.setdefault(name, Place(country.alpha_2, name, "name"))
    for entry in _read(folder / "places.yaml"):
        for kind, key in (("name", "names"), ("capital", "capitals"), ("demonym", "demonyms")):
            for surface in entry.get(key) or []:
                bare = surface[4:] if surface.startswith("the ") else surface
                found[bare] = Place(entry["code"], bare, kind)
    for leader in _read(folder / "leaders.yaml")["leaders"]:
        found[leader["surname"]] = Place(leader["party"], leader["surname"], "leader")
    return found


@lru_cache(maxsize=2)
def load_lexicon(folder: Path | None = None) -> Lexicon:
    """All lexicons under `folder` (default: data/lexicons) plus the domain taxonomy."""
    folder = folder or data_dir() / "lexicons"
    places = _places(folder)
    # Leaders' surnames are stems: "Zelensk" matches Zelensky, Zelenskyy, Zelenskyi.
    names = [p for p in places if places[p].kind != "leader"]
    stems = [re.escape(p) + r"\w*" for p in places if places[p].kind == "leader"]
    place_re = re.compile(
        _first_chars([*names, *(p for p in places if places[p].kind == "leader")])
        + r"\b(?<![\w'])(?:"
        + trie_pattern(names)
        + "|"
        + "|".join(stems)
        + r")(?![\w])"
    )
    cue_domains: dict[str, list[str]] = {}
    for domain in domains():
        for cue in domain.cues:
            cue_domains.setdefault(cue, []).append(domain.id)
    grammar: dict[str, list[str]] = _read(folder / "grammar.yaml")
    verb_forms: dict[str, str] = {}
    for base in grammar["verbs"]:
        verb_forms[base] = base
        for form in inflect(base):
            verb_forms.setdefault(form, base)
    irregular: dict[str, str] = _read(folder / "grammar.yaml").get("irregular_forms") or {}
    for form, base in irregular.items():
        verb_forms.setdefault(form, base)  # "undertook", "sent", "gave"
    leaders = _read(folder / "leaders.yaml")
    surfaces = {
        surface: item["name"]
        for item in _read(folder / "instruments.yaml")
        for surface in [item["name"], *item.get("aliases", [])]
    }
    acronyms = {s: name for s, name in surfaces.items() if s.isupper() and " " not in s}
    instruments = {
        **{s.lower(): name for s, name in surfaces.items() if s not in acronyms},
        **acronyms,
    }
    return Lexicon(
        places=places,
        place_re=place_re,
        cue_domains={k: tuple(v) for k, v in cue_domains.items()},
        cue_re=alternation([c for c in cue_domains if c[:1].isalnum()]),
        cue_symbol_re=alternation([c for c in cue_domains if not c[:1].isalnum()]),
        grammar=grammar,
        modal_re=alternation(modal_entries(grammar)),
        verb_forms=verb_forms,
        titles_re=alternation(leaders["titles"]),
        titles=tuple(leaders["titles"]),
        instruments=instruments,
        acronyms=frozenset(acronyms),
        signing_re=alternation(grammar["signing_verbs"]),
        present_re=alternation(grammar["present_commitments"]),
        ellipsis_re=re.compile(trie_pattern(grammar["ellipsis_openers"]) + r"(?=\s)"),
        partner_re=re.compile(trie_pattern(grammar["partner_phrases"]) + " "),
        reporting_re=alternation(grammar["reporting_verbs"]),
        attribution_re=_attribution_pattern(grammar["reporting_verbs"]),
        wordsets={k: frozenset(v) for k, v in grammar.items() if isinstance(v, list)},
    )


def place_for(lexicon: Lexicon, surface: str) -> Place | None:
    """The gazetteer entry for a matched surface (leader stems matched by prefix)."""
    found = lexicon.places.get(surface)
    if found is not None:
        return found
    found = lexicon.places.get(" ".join(surface.split()))
    if found is not None:
        return found
    cache = lexicon.derived(_leader_stems)
    if surface in cache:
        return cache[surface]
    leader = next(
        (p for key, p in lexicon.places.items() if p.kind == "leader" and surface.startswith(key)),
        None,
    )
    if len(cache) < 10_000:  # surnames seen are few; the bound keeps odd inputs in check
        cache[surface] = leader
    return leader


def _leader_stems(lexicon: Lexicon) -> dict[str, Place | None]:
    """Leader surnames match as stems ("Zelensk" for Zelensky, Zelenskyy): the stem found
    for a surface is remembered, so a text naming a leader 50 times looks it up once."""
    return {}
