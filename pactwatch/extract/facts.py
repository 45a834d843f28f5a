"""Typed facts in a clause: amounts of money, dates, durations, timing and conditions.

News writes money as "£2.5 billion", "EUR 1.2 bn", "$3 billion in 2024" or "3 billion
euros", and durations as "ten years", "10-year" or "a decade"; each pattern here returns
the value and the words it matched, so the draft can say why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from pactwatch.model import Amount
from pactwatch.settings import data_dir

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "twenty-five": 25, "thirty": 30, "fifty": 50, "a": 1, "an": 1,
}  # fmt: skip
_CURRENCY_SIGNS = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "us$": "USD", "c$": "CAD"}
_CURRENCY_WORDS = {
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "usd": "USD", "dollars": "USD",
    "dollar": "USD", "gbp": "GBP", "pounds": "GBP", "pound": "GBP", "sterling": "GBP",
    "jpy": "JPY", "yen": "JPY", "cad": "CAD", "sek": "SEK", "kronor": "SEK", "nok": "NOK",
    "dkk": "DKK", "kroner": "DKK", "krone": "DKK", "pln": "PLN", "zlotys": "PLN", "czk": "CZK",
    "chf": "CHF", "francs": "CHF", "ron": "RON", "lei": "RON", "uah": "UAH", "hryvnias": "UAH",
    "isk": "ISK",
}  # fmt: skip
_SCALE = {
    "trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9,
    "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6, "thousand": 1e3, "k": 1e3,
}  # fmt: skip
_DIGIT = re.compile(r"\d")
_NUM = r"\d{1,3}(?:[ ,]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
_SCALE_RE = r"trillion|billion|million|thousand|bln|mln|bn|mn|tn|[bmk]"
_SIGNS = ("us$", "c$", "£", "$", "€", "¥")
_CODES = ("eur", "usd", "gbp", "jpy", "cad", "sek", "nok", "dkk", "isk", "pln", "czk", "chf")
# Every amount starts with a sign, a code's first letter or a digit: a look-ahead on those
# lets the engine pass over other positions without trying each alternative (30% faster).
# number words ("five million euros") written out before a scale
_NUMBER_WORDS_RE = "|".join(sorted((w for w in NUMBER_WORDS if len(w) > 2), key=len, reverse=True))
_STARTS = {w[0] for w in _SIGNS + _CODES} | {w[0] for w in NUMBER_WORDS if len(w) > 2}
_AMOUNT_START = "(?=[" + re.escape("".join(sorted(_STARTS))) + r"\d])"


@dataclass(frozen=True)
class AmountWords:
    """The amounts lexicon (`data/lexicons/amounts.yaml`) read once: hedges, currency words
    several countries share, and currencies named with their country's adjective."""

    pattern: re.Pattern[str]
    qualifier: re.Pattern[str]
    qualifiers: dict[str, str]  # phrase -> qualifier
    shared: dict[str, dict[str, str]]  # word -> giver's country -> currency
    words: dict[str, str]  # currency word (named ones included) -> currency


@cache
def amount_words() -> AmountWords:
    raw: dict[str, Any] = yaml.safe_load(
        (data_dir() / "lexicons" / "amounts.yaml").read_text(encoding="utf-8")
    )
    qualifiers = {
        phrase.lower(): qualifier
        for qualifier, phrases in raw["qualifiers"].items()
        for phrase in phrases
    }
    words = {**_CURRENCY_WORDS, **{k.lower(): v for k, v in raw["named"].items()}}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    pattern = re.compile(
        _AMOUNT_START + rf"(?:(?P<sign>us\$|c\$|[£$€¥])\s?|(?P<code1>{'|'.join(_CODES)})\s?)"
        rf"(?P<num1>{_NUM})(?:\s?(?P<scale1>{_SCALE_RE})\b)?"
        rf"|(?<![\w.])(?P<num2>{_NUM}|{_NUMBER_WORDS_RE})\s?(?:(?P<scale2>{_SCALE_RE})\s+)?"
        rf"(?P<word>{alternatives})"
        r"(?!\w)",
        re.IGNORECASE,
    )
    hedges = "|".join(re.escape(q) for q in sorted(qualifiers, key=len, reverse=True))
    # the hedge ends right before the amount (a sign or code may sit between)
    # "up to a 50 million EUR limit", "up to the value of 50 million EUR"
    filler = r"(?:(?:a|an|the)\s+)?(?:(?:total|value|sum|amount|level)\s+of\s+)?"
    qualifier = re.compile(rf"(?<![\w])(?P<hedge>{hedges})\s+{filler}$", re.IGNORECASE)
    shared = {
        word.lower(): {str(k): str(v) for k, v in by_country.items()}
        for word, by_country in raw["shared_words"].items()
    }
    return AmountWords(pattern, qualifier, qualifiers, shared, words)


# The period an amount is for, read in the words after it up to the next amount or clause
# end: "in 2024", "for 2024-2027", "in 2024/25", "annually", "over the next four years".
_PERIOD_RE = re.compile(
    r"^[^.;:£$€¥\d]{0,90}?(?<![\w'])(?:"
    r"(?:in|for|during|over|throughout)\s+(?:the\s+)?(?:(?:fiscal|financial|budget)\s+years?\s+)?"
    r"(?P<year>(?:19|20)\d\d)(?:\s*(?:[-/]|to)\s*(?P<year2>(?:19|20)\d\d|\d\d)(?!\d))?"
    r"|(?P<annual>per year|a year|annually|each year|every year|per annum|yearly)"
    r"|(?:over|during|in|for|within)\s+(?:the\s+)?(?:next\s+|coming\s+|following\s+)?"
    r"(?:(?P<over>\d{1,3}|[a-z]+(?:-[a-z]+)?)\s+years|(?P<decade>decade))"
    r")(?!\w)",
    re.IGNORECASE,
)
_SHARE_RE = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)?)\s?(?:%|per\s?cent\b)\s+of\s+(?:(?:its|their|the|our|his|her)\s+)?"
    r"(?:(?:annual|national)\s+)?(?P<base>gdp|gross domestic product|gni|gross national income|"
    r"(?:defen[cs]e\s+|military\s+)?budget)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Money:
    value: float
    currency: str
    period: str | None
    start: int
    end: int
    words: str
    qualifier: str = "exact"  # a hedge before it: at_least, more_than, up_to, about
    shared_word: str | None = None  # a currency word several countries use ("kroner")


def _number(text: str, scaled: bool = False) -> float:
    clean = text.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", clean):
        clean = clean.replace(",", "")
    elif not scaled and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", clean):
        clean = clean.replace(".", "")  # "250.000 EUR": thousands as much of Europe writes them
    elif word := NUMBER_WORDS.get(clean.lower()):
        return float(word)
    return float(clean.replace(",", "."))


def amounts(text: str) -> list[Money]:
    """Money amounts in `text` with currency, the hedge before them and, when stated
    right after, the period."""
    found: list[Money] = []
    if not _DIGIT.search(text) and "illion" not in text:  # "five million euros"
        return found
    lexicon = amount_words()
    for m in lexicon.pattern.finditer(text):
        number = m.group("num1") or m.group("num2")
        scale = (m.group("scale1") or m.group("scale2") or "").lower()
        shared: str | None = None
        if m.group("sign"):
            currency = _CURRENCY_SIGNS[m.group("sign").lower()]
            shared = m.group("sign") if m.group("sign") == "$" else None
        elif m.group("code1"):
            currency = m.group("code1").upper()
        else:
            word = m.group("word").lower()
            currency = lexicon.words[word]
            shared = word if word in lexicon.shared else None
        if m.group("num2") and not scale and m.group("word").lower() in {"lei", "ron", "m"}:
            continue
        try:
            value = _number(number, bool(scale)) * _SCALE.get(scale, 1.0)
        except ValueError:
            continue
        if not number[0].isdigit() and not scale:
            continue  # "one euro" is a coin, not a pledge; "five million euros" is one
        period = _period(text[m.end() : m.end() + 80])
        qualifier, start = hedge_before(text, m.start())
        words = text[start : m.end()]
        found.append(Money(value, currency, period, start, m.end(), words, qualifier, shared))
    return found


def hedge_before(text: str, at: int) -> tuple[str, int]:
    """The qualifier of an amount starting at `at` ("exact" when unhedged), and where the
    words that hedge it start (`at` when there are none)."""
    lexicon = amount_words()
    hedge = lexicon.qualifier.search(text, max(0, at - 40), at)
    if hedge is None:
        return "exact", at
    return lexicon.qualifiers[hedge.group("hedge").lower()], hedge.start()


def currency_of(money: Money, giver: str | None) -> str:
    """The amount's currency, reading a word several countries share ("kroner", "$") as
    the giver's own money: Norway's kroner are NOK, Canada's dollars CAD."""
    if money.shared_word is None or giver is None:
        return money.currency
    return amount_words().shared.get(money.shared_word.lower(), {}).get(giver, money.currency)


def _period(after: str) -> str | None:
    m = _PERIOD_RE.match(after)
    if m is None:
        return None
    if m.group("year2"):
        year2 = m.group("year2")
        if len(year2) == 4:
            return f"{m.group('year')}-{year2}"  # a span of years, as the records write it
        return f"{m.group('year')}/{year2}"  # a fiscal year ("2024/25"), as written
    if m.group("year"):
        return m.group("year")
    if m.group("annual"):
        return "annual"
    if m.group("decade"):
        return "P10Y"
    return f"P{_count(m.group('over'))}Y" if _count(m.group("over")) else None


@dataclass(frozen=True)
class Share:
    """A commitment stated as a share ("0.25% of GDP"): no currency, so not an Amount."""

    percent: float
    base: str
    period: str | None
    words: str
    start: int = 0
    qualifier: str = "exact"


def shares(text: str) -> list[Share]:
    """Percent-of-GDP (or budget) pledges in `text`, with the period stated after them."""
    if "%" not in text and "cent" not in text:
        return []
    found = []
    for m in _SHARE_RE.finditer(text):
        base = m.group("base").lower()
        base = {"gross domestic product": "GDP", "gdp": "GDP", "gni": "GNI"}.get(base, base)
        period = _period(text[m.end() : m.end() + 90])
        qualifier, _ = hedge_before(text, m.start())
        percent = float(m.group("num").replace(",", "."))  # "0,25%" as much of Europe writes it
        found.append(Share(percent, base, period, m.group(), m.start(), qualifier))
    return found


def pledged_amount(words: str, giver: str | None) -> tuple[Amount | None, list[str]]:
    """The one amount a pledge's words state, and why: the first sum of money or share of
    GDP in them, with its hedge, period and the giver's own currency for a shared word.
    A sentence with two pledges is cut in two before this is asked, so the first is its."""
    money = amounts(words)
    share = next((s for s in shares(words) if s.base == "GDP"), None)
    if money and (share is None or money[0].start <= share.start):
        first = money[0]
        currency = currency_of(first, giver)
        why = [f"amount <- {first.words!r}"]
        if currency != first.currency:
            why.append(f"currency:{currency} <- {first.shared_word!r} of {giver}")
        amount = Amount(
            value=first.value, currency=currency, qualifier=first.qualifier, period=first.period
        )
        return amount, why
    if share is not None:
        amount = Amount(
            value=share.percent, unit="percent_of_gdp", qualifier=share.qualifier,
            period=share.period,
        )  # fmt: skip
        return amount, [f"amount <- {share.words!r}"]
    return None, []


def _count(word: str | None) -> int | None:
    if word is None:
        return None
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word.lower())


# Possessive runs (++, {1,3}+): a shorter run of letters or digits is followed by another
# one, never by the space or hyphen needed next, so giving characters back is wasted work.
_YEARS_RE = re.compile(
    r"\b(?P<n>\d{1,3}+|[a-z]++(?:-[a-z]++)?)[\s-]years?\b(?!\s+(?:ago|old))"
    r"|\b(?P<decade>a decade)\b",
    re.IGNORECASE,
)
TERM_STATEMENT = re.compile(
    r"\b(?:operates?|remains? in force|be in force|is in force|be valid|valid|lasts?|runs?|apply"
    r"|(?:remains?|be|is|stays?) in effect"
    r"|be effective"
    r"|concluded|signed|enter(?:s|ed)? into force)\b[^.]*?\bfor\s+(?:a\s+(?:period|term)\s+of\s+)?"
    r"(?:\w+[\s-])?years?\b|\b(?:term|duration|validity) of (?:the agreement )?is\b",
    re.IGNORECASE,
)


def may_state_term(low: str) -> bool:
    """A substring test before TERM_STATEMENT (lower-case text): a year or a decade, and
    the "for" or "term of" the pattern needs."""
    return ("year" in low or "decade" in low) and (
        "for" in low or "term of" in low or "duration of" in low or "validity of" in low
    )


EARLY_END = re.compile(
    r"\b(?:until|till|if|when|once|upon|after)\s+(?:ukraine\s+|ukraine's\s+)?(?:joins|"
    r"becomes a member of|accedes to|'s accession to|accession to|membership in)\s+"
    r"(?:the\s+)?(?P<org>nato|eu|european union|alliance)",
    re.IGNORECASE,
)
_ENDS = re.compile(
    r"\b(?:until|lose|loses|cease|ceases|terminate|terminates|expire|expires|end|ends|"
    r"remain|remains|valid|in force)\b",
    re.IGNORECASE,
)


def term_years(text: str) -> tuple[int, str] | None:
    """The number of years a duration phrase states, and the words that said it."""
    if "year" not in text and "decade" not in text:
        return None
    for m in _YEARS_RE.finditer(text):
        if m.group("decade"):
            return 10, m.group()
        years = _count(m.group("n"))
        if years and 1 <= years <= 100:
            return years, m.group()
    return None


def early_end(text: str) -> str | None:
    """The code of an early-end condition ("until Ukraine joins NATO" -> ukraine_joins_nato)."""
    m = EARLY_END.search(text)
    if m is None or not _ENDS.search(text, 0, m.start()):
        return None  # "support Ukraine until it joins NATO" is no end of the agreement
    org = m.group("org").lower()
    return "ukraine_joins_eu" if org in {"eu", "european union"} else "ukraine_joins_nato"


_TIMING = (
    (
        re.compile(r"\b(?:annual|annually|yearly|every year|each year|once a year)\b", re.I),
        "annual",
    ),
    (re.compile(r"\b(?:quarterly|every three months)\b", re.I), "quarterly"),
    (re.compile(r"\b(?:monthly|every month)\b", re.I), "monthly"),
    (re.compile(r"\b(?:regular|regularly)\b", re.I), "regular"),
)
_TIMING_WORDS = (
    "annual", "yearly", "every", "each year", "once a year", "quarterly", "month", "regular",
    "within", "-hour", "-day", "-week", "by", "before", "no later",
)  # fmt: skip
_TIMING_ANY = re.compile("|".join(re.escape(word) for word in _TIMING_WORDS))
_DEADLINE = re.compile(
    r"\b(?:by|before|no later than)\s+(?:(?:the\s+)?end\s+of\s+)?"
    r"(?:(?:[A-Z][a-z]+|\d{1,2}\s+[A-Z][a-z]+)\s+)?(?:19|20)\d\d\b"
)
_WITHIN = re.compile(
    r"\bwithin\s+(?P<n>\d+|[a-z]+)\s+(?P<unit>hours?|days?|weeks?|months?)\b"
    r"|\b(?P<n2>\d+|[a-z]+)-(?P<unit2>hour|day|week|month)\b",
    re.I,
)


def timing(text: str) -> tuple[str, str] | None:
    """A clause's timing ("annual", "within 24 hours") and the words that said it."""
    if _TIMING_ANY.search(text.lower()) is None:
        return None  # a substring test first: most clauses say nothing about time
    m = _WITHIN.search(text)
    if m is not None:
        n = _count(m.group("n") or m.group("n2"))
        unit = (m.group("unit") or m.group("unit2")).lower().rstrip("s")
        if n:
            return f"within {n} {unit}{'s' if n != 1 else ''}", m.group()
    for pattern, label in _TIMING:
        found = pattern.search(text)
        if found:
            return label, found.group()
    deadline = _DEADLINE.search(text)
    if deadline is not None:
        return deadline.group(), deadline.group()
    return None


_CONDITION = re.compile(
    r"\b(?:in (?:the )?case of|in the event of|in the event that|if|should|upon|whenever|"
    r"in response to)\s+(?P<what>[^;]+)",
    re.I,
)


_CONDITION_WORDS = ("case of", "event", "if", "should", "upon", "whenever", "in response to")
_CONDITION_ANY = re.compile("|".join(re.escape(word) for word in _CONDITION_WORDS))


def condition(text: str) -> str | None:
    """The trigger a clause depends on ("in case of renewed aggression" -> its words)."""
    if _CONDITION_ANY.search(text.lower()) is None:
        return None
    m = _CONDITION.search(text)
    if m is None:
        return None
    what = m.group("what")
    if not text[: m.start()].strip(" \"'("):
        what = what.split(",")[0]  # "In the event of X, Y will ...": X, not the main clause
    return what.strip(" ,.")


_TRIGGERS = (
    (re.compile(r"\b(?:renewed|repeated|future|new|further)\b[^.]*?\b(?:aggression|attack)", re.I),
     "renewed_aggression"),
    (re.compile(r"\bescalation\b", re.I), "significant_escalation"),
    (re.compile(r"\barmed attack\b", re.I), "armed_attack"),
)  # fmt: skip


def triggers(text: str) -> list[str]:
    return [code for pattern, code in _TRIGGERS if pattern.search(text)]
