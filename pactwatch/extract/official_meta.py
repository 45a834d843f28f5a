"""An official text's own facts: its parties, where and when it was signed, by whom, for how long.

These are rules, not trained decisions: a final clause has a fixed shape ("Signed in
Paris on 16 February 2024, in duplicate ..."), and the rule that matters most is where to
look. The final clause opens its line; a "signed in Kyiv on 8 December 2021" inside a
sentence cites an earlier document, the mistake that put Chișinău in the Romanian draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import pycountry

from pactwatch.extract.facts import term_years
from pactwatch.extract.lexicon import Lexicon, place_for
from pactwatch.model import Signatory, Term
from pactwatch.settings import data_dir, read_data_yaml

PREAMBLE_CHARS = 400


@dataclass
class OfficialFacts:
    parties: list[str] = field(default_factory=list)
    signed_on: date | None = None
    signed_at: str | None = None
    signatories: list[Signatory] = field(default_factory=list)
    term: Term | None = None
    why: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Patterns:
    final: re.Pattern[str]
    date: re.Pattern[str]
    months: dict[str, int]
    prefixes: tuple[str, ...]
    signature: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    raw: dict[str, Any] = read_data_yaml(data_dir() / "lexicons" / "final_clause.yaml")
    openers = "|".join(re.escape(o) for o in sorted(raw["openers"], key=len, reverse=True))
    place_words = "|".join(re.escape(w) for w in raw["place_words"])
    date_words = "|".join(re.escape(w) for w in raw["date_words"])
    months: dict[str, int] = {}
    for names in raw["months"].values():
        months.update({name.lower(): i + 1 for i, name in enumerate(names)})
    month = "|".join(re.escape(m) for m in months)
    final = re.compile(
        rf"^[ \t]*(?:{openers}),?(?:\s+in\s+(?:duplicate|two\s+\w+(?:\s+\w+)?))?,?"
        rf"\s+(?:{place_words})\s+(?P<place>[^\n]{{2,80}}?),?\s+(?:(?:{date_words})\s+)?(?=\d)",
        re.MULTILINE,
    )
    day_month = re.compile(
        rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+day\s+of)?\s+(?P<month>{month}),?\s+"
        rf"(?P<year>(?:19|20)\d\d)|(?P<month2>{month})\s+(?P<day2>\d{{1,2}}),?\s+"
        rf"(?P<year2>(?:19|20)\d\d)",
        re.IGNORECASE,
    )
    openers_sig = "|".join(re.escape(o) for o in raw["signature_openers"])
    signature = re.compile(
        rf"^[ \t]*(?:{openers_sig})\s+(?P<who>[^\n:]{{2,80}}):?[ \t]*(?P<rest>[^\n]*)$", re.M
    )
    return _Patterns(final, day_month, months, tuple(raw["place_prefixes"]), signature)


def read_facts(text: str, title: str, lexicon: Lexicon) -> OfficialFacts:
    facts = OfficialFacts()
    facts.parties = _parties(title, lexicon)
    if len(facts.parties) < 2:  # a one-line title: the preamble names the participants
        at = text.find(title) + len(title) if title in text else 0
        opening = text[: at + PREAMBLE_CHARS]
        facts.parties = _parties(opening, lexicon)
        facts.why.append(f"parties <- opening {opening[:80]!r}")
    else:
        facts.why.append(f"parties <- title {title[:80]!r}")
    final = None
    for found in _patterns().final.finditer(text):
        final = found  # the last final clause: annexes may repeat the formula
    if final is not None:
        facts.signed_at = _place(final.group("place"), facts.parties, lexicon)
        when = _patterns().date.match(text, final.end())
        if when is not None:
            facts.signed_on = _date(when)
        facts.why.append(f"signing <- final clause at {final.start()}")
        facts.signatories = _signatories(text, final.end(), lexicon)
    facts.term = _term(text, facts.signed_on)
    return facts


@lru_cache(maxsize=1)
def _official_names() -> tuple[tuple[str, str, str], ...]:
    """Each country's code and official name (as written and lower-cased), read once:
    every title and opening is searched for all of them."""
    found = []
    for country in pycountry.countries:
        official = getattr(country, "official_name", None)
        if official:
            found.append((country.alpha_2, official, official.lower()))
    return tuple(found)


def _parties(title: str, lexicon: Lexicon) -> list[str]:
    letters = [ch for ch in title if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) > 0.8 * len(letters):
        title = title.title()  # "BETWEEN SWEDEN AND UKRAINE": names match as names
    codes: list[str] = []
    title = title.replace(" & ", " and ")
    lower = title.lower()
    for code, official, official_lower in _official_names():
        at = lower.find(official_lower)  # "... of Great Britain and Northern Ireland"
        if at >= 0:
            codes.append(code)
            title = title[:at] + " " + title[at + len(official) :]
            lower = title.lower()
    for match in lexicon.place_re.finditer(title):
        place = place_for(lexicon, match.group())
        if place is not None and place.kind != "leader" and place.code not in codes:
            codes.append(place.code)
    if "UA" in codes:
        codes.remove("UA")
        codes.insert(0, "UA")
    return codes


def _place(raw: str, parties: list[str], lexicon: Lexicon) -> str:
    place = " ".join(raw.split()).strip(" ,")
    for prefix in _patterns().prefixes:
        if place.startswith(prefix + " "):
            place = place[len(prefix) + 1 :]
    head, _, tail = place.rpartition(", ")
    if head:
        named = lexicon.places.get(tail)
        if named is not None and named.code in parties:
            place = head  # "Kharkiv, Ukraine": the country is a party, not part of the name
    return place


def _date(match: re.Match[str]) -> date | None:
    month = _patterns().months.get((match.group("month") or match.group("month2")).lower())
    day = match.group("day") or match.group("day2")
    year = match.group("year") or match.group("year2")
    if month is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


_NAME = re.compile(
    r"^[A-ZА-ЯІЇЄҐ][\w.’'-]*(?:\s+(?:(?:von|van|der|de|da|di|du|la|le)\s+)*"
    r"[A-ZА-ЯІЇЄҐ][\w.’'-]*){1,4}$"
)
_CHUNK = re.compile(r"\s{2,}|\xa0+|[,:\n]")


def _signatories(text: str, after: int, lexicon: Lexicon) -> list[Signatory]:
    """The signature block after the final clause: its "For <party>" openers in order and
    its names in order, matched one to one (blocks set names beside, under or after their
    openers: "For Ukraine: President Volodymyr Zelenskyy", or two columns)."""
    block = text[after : after + 1500]
    opener = _patterns().signature
    parties: list[str] = []
    people: list[tuple[str, str]] = []
    role = ""
    for line in block.splitlines():
        for chunk in (c.strip() for c in _CHUNK.split(line)):
            if not chunk:
                continue
            if (who := opener.match(chunk)) is not None:
                parties += _parties(who.group("who"), lexicon)[:1]
                continue
            title = lexicon.titles_re.match(chunk)
            rest = chunk[title.end() :].strip() if title else chunk
            if title and not rest:
                waiting = next((i for i, (_, r) in enumerate(people) if not r), None)
                if waiting is not None:  # a role under its name, or under a column of names
                    people[waiting] = (people[waiting][0], chunk)
                else:
                    role = chunk  # a role above its name
                continue
            if _NAME.match(rest) and len(rest.split()) >= 2:
                people.append((rest, chunk[: title.end()].strip() if title else role))
                role = ""
    return [
        Signatory(name=name, role=title, party=party)
        for party, (name, title) in zip(parties, people, strict=False)
    ]


_SUBJECT = re.compile(
    r"\b(?:[Tt]his|[Tt]he|[Tt]hese)\s+(?:Agreement|Accord|Arrangement|commitments)\b"
)
_VALID = re.compile(
    r"\b(?:valid|in force|in effect|covers?\s+the\s+(?:time\s+)?period\s+of)\W+"
    r"(?:for\s+)?(?:(?:a|the)\s+(?:period\s+of\s+)?)?"
    r"(?P<years>\w+(?:\s*\(\w+\))?[\s-]years?)\b",
    re.IGNORECASE,
)


def _term(text: str, signed_on: date | None) -> Term | None:
    """The agreement's own duration: said of this agreement (in its sentence or the one
    before: "This Agreement will come into effect ... It is valid for a ten-year period")
    as valid, in force or in effect for a number of years. A pledge's period is not."""
    for match in _VALID.finditer(text):
        if not _SUBJECT.search(text, max(0, match.start() - 200), match.start()):
            continue
        stated = term_years(re.sub(r"\s*\(\w+\)", "", match.group("years")))
        if stated is None:
            continue
        term = Term(years=stated[0])
        return term.model_copy(update={"ends_on": term.expected_end(signed_on)})
    return None
