"""What a reader's search words also mean: spellings, synonyms and partner names.

Stemming makes "defences" find "defence", but not "defense", "Kiev" or "Румунія". This
module turns a query into terms, each a set of alternatives searched together (OR), the
terms ANDed: the words as typed, their US/UK spellings and listed synonyms
(`data/lexicons/search.yaml`), and, where words name a party (in English, Ukrainian or
Romanian, from pycountry's translations and the lexicon), that party's code, so the
agreements it signed match. It knows nothing of SQL: `fts.py` turns terms into FTS5 or
PostgreSQL queries, and says which alternatives matched.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry

from pactwatch.model.codes import ORGANISATIONS
from pactwatch.settings import data_dir, read_data_yaml

WORD = re.compile(r"\w+(?:[-'’]\w+)*")
TAILS = ("", "s", "es", "d", "ed", "ing")
"""English inflections a synonym keeps ("programs" searches "programmes")."""
FUZZY_MIN = 5
"""Shortest Ukrainian or Romanian name matched in an inflected form ("Румунією")."""


@dataclass(frozen=True)
class Term:
    """One thing the reader asked for: what they typed and every way it is searched."""

    typed: str
    alternatives: tuple[str, ...]
    parties: tuple[str, ...] = ()

    @property
    def extra(self) -> tuple[str, ...]:
        """Alternatives beyond the words as typed."""
        return tuple(a for a in self.alternatives if fold(a) != fold(self.typed))


@dataclass(frozen=True)
class _Name:
    tokens: tuple[str, ...]
    code: str
    fuzzy: bool
    exact_case: str | None


@dataclass(frozen=True)
class Lexicon:
    endings: tuple[tuple[str, str], ...]
    groups: tuple[tuple[str, ...], ...]
    names: tuple[_Name, ...]
    english: dict[str, tuple[str, ...]]


def fold(text: str) -> str:
    """Case and accents folded, apostrophes dropped: how names and words are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "").replace("'", ""))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD.findall(text)


@lru_cache(maxsize=4)
def lexicon(folder: Path | None = None) -> Lexicon:
    """The search lexicon with every party's names, read once per data folder."""
    raw: dict[str, Any] = read_data_yaml((folder or data_dir()) / "lexicons" / "search.yaml")
    endings = tuple((str(a), str(b)) for a, b in raw.get("spelling_endings") or [])
    groups = tuple(tuple(str(w) for w in g) for g in raw.get("synonyms") or [])
    extra: dict[str, list[str]] = {
        str(k): [str(n) for n in v] for k, v in (raw.get("partner_names") or {}).items()
    }
    languages = [str(x) for x in raw.get("name_languages") or []]
    names: list[_Name] = []
    english: dict[str, tuple[str, ...]] = {}
    for code, own in _english_names().items():
        english[code] = tuple(own)
        names.extend(_name(name, code, fuzzy=False) for name in own)
    for language in languages:
        for code, name in _translated_names(language).items():
            names.append(_name(name, code, fuzzy=True))
    for code, listed in extra.items():
        names.extend(_name(name, code, fuzzy=not name.isascii()) for name in listed)
    return Lexicon(endings, groups, tuple(names), english)


def _name(name: str, code: str, fuzzy: bool) -> _Name:
    short = name.isupper() and len(name) <= 4
    return _Name(
        tuple(fold(w) for w in words(name)),
        code,
        fuzzy and not short,
        name if short else None,
    )


def _english_names() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {code: [name] for code, name in ORGANISATIONS.items()}
    for country in pycountry.countries:
        forms = [getattr(country, k, None) for k in ("common_name", "name", "official_name")]
        out[country.alpha_2] = list(dict.fromkeys(str(f) for f in forms if f))
    return out


def _translated_names(language: str) -> dict[str, str]:
    """Country names in one language, from the ISO 3166-1 catalogue pycountry ships."""
    try:
        catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return {}
    out: dict[str, str] = {}
    for country in pycountry.countries:
        for key in ("common_name", "name"):
            english = getattr(country, key, None)
            if english and (translated := catalogue.gettext(english)) != english:
                out[country.alpha_2] = translated
                break
    return out


def _same(typed: str, name: str, fuzzy: bool) -> bool:
    if typed == name:
        return True
    if not fuzzy or len(name) < FUZZY_MIN or abs(len(typed) - len(name)) > 3:
        return False
    shared = 0
    for x, y in zip(typed, name, strict=False):
        if x != y:
            break
        shared += 1
    return shared >= len(name) - 2


def _name_at(tokens: list[str], i: int, lex: Lexicon) -> tuple[int, str] | None:
    """The longest party name starting at token i: (tokens used, code)."""
    best: tuple[int, str] | None = None
    folded = [fold(t) for t in tokens]
    for name in lex.names:
        n = len(name.tokens)
        if i + n > len(tokens) or (best and n <= best[0]):
            continue
        if name.exact_case is not None:
            if n == 1 and tokens[i] == name.exact_case:
                best = (1, name.code)
            continue
        if all(_same(folded[i + k], name.tokens[k], name.fuzzy) for k in range(n)):
            best = (n, name.code)
    return best


def _group_at(tokens: list[str], i: int, lex: Lexicon) -> tuple[int, list[str]] | None:
    """The longest synonym phrase starting at token i: (tokens used, alternatives)."""
    best: tuple[int, list[str]] | None = None
    folded = [fold(t) for t in tokens]
    for group in lex.groups:
        for member in group:
            parts = [fold(w) for w in words(member)]
            n = len(parts)
            if not parts or i + n > len(tokens) or (best and n <= best[0]):
                continue
            last = folded[i + n - 1]
            if folded[i : i + n - 1] != parts[:-1]:
                continue
            for tail in TAILS:
                if last == parts[-1] + tail:
                    typed = " ".join(tokens[i : i + n])
                    others = [m + tail if m.isascii() else m for m in group]
                    best = (n, [typed, *others])
                    break
    return best


def _spellings(word: str, lex: Lexicon) -> list[str]:
    low = word.casefold()
    out = [word]
    for a, b in lex.endings:
        for x, y in ((a, b), (b, a)):
            if low.endswith(x) and len(low) > len(x) + 1:
                out.append(low[: -len(x)] + y)
    return out


def expand(query: str, folder: Path | None = None) -> tuple[Term, ...]:
    """The reader's query as terms, in the order typed."""
    return _expand(query, folder or data_dir())


@lru_cache(maxsize=256)
def _expand(query: str, folder: Path) -> tuple[Term, ...]:
    lex = lexicon(folder)
    tokens = words(query)
    terms: list[Term] = []
    i = 0
    while i < len(tokens):
        name = _name_at(tokens, i, lex)
        group = _group_at(tokens, i, lex)
        if name and (not group or name[0] >= group[0]):
            n, code = name
            typed = " ".join(tokens[i : i + n])
            same = group[1] if group and group[0] == n else []
            alternatives = _unique([typed, *same, *lex.english.get(code, ())])
            terms.append(Term(typed, alternatives, (code,)))
            i += n
        elif group:
            n, listed = group
            terms.append(Term(listed[0], _unique(listed)))
            i += n
        else:
            terms.append(Term(tokens[i], _unique(_spellings(tokens[i], lex))))
            i += 1
    return tuple(terms)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for v in values:
        seen.setdefault(fold(v), v)
    return tuple(seen.values())
