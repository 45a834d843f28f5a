"""Who commits and who benefits: names, metonyms, demonyms, pronouns and collectives.

A subject is resolved in this order: names in the gazetteer ("Bucharest" is Romania, "the
Romanians" too), a collective that means every party ("The countries", "the Participants"),
the agreement itself (its clauses bind every party), then a pronoun ("It", "She", "They"),
which takes the actors of the previous commitment.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

from pactwatch.extract.lexicon import Lexicon, Place, place_for
from pactwatch.model.codes import ORGANISATIONS

RECIPIENT = "UA"
_POSSESSIVE = frozenset({"their", "its", "her", "his", "our"})
_SPACE = re.compile(r"\s+")
_SHARED = re.compile(r"\s(?:and|but)(?:\s+(?:also|then|has|have))?\s*$")
_WORD_BEFORE = re.compile(r"\b([a-z]+)[\s\"'(]*(?:the\s+)?$")


class Mention(NamedTuple):
    """A party named in the text (a tuple: thousands are made per document)."""

    code: str
    start: int
    end: int
    surface: str
    kind: str


@dataclass
class Context:
    """What the reader remembers between sentences."""

    parties: list[str]
    source_id: str = "input"
    lower: str = ""
    last_actors: list[str] = field(default_factory=list)
    parties_sure: bool = False  # named by a title, "between A and B" or the signing


_UNSEEN = Place("", "", "")  # a surface not looked up yet (None: looked up, no party)


class _Scan:
    """Every gazetteer match in one text, found in one pass and queried by range.

    Rules ask "who is named here?" many times per sentence; one scan per text and a
    binary search per question is what keeps extraction at megabytes a second.
    """

    def __init__(self, text: str, lexicon: Lexicon) -> None:
        self.text = text
        self.lexicon = lexicon
        self.hits: list[Mention] = []
        known = lexicon.derived(_places_of)
        hits = self.hits
        starts: list[int] = []
        self.starts = starts
        for m in lexicon.place_re.finditer(text):
            surface = m.group()
            place = known.get(surface, _UNSEEN)
            if place is _UNSEEN:
                place = place_for(lexicon, surface)
                if len(known) < 20_000:  # surfaces seen are few; the bound keeps odd inputs
                    known[surface] = place
            if place is not None:
                at = m.start()
                hits.append(Mention(place.code, at, m.end(), surface, place.kind))
                starts.append(at)

    def between(self, start: int, end: int) -> list[Mention]:
        i, j = bisect_left(self.starts, start), bisect_left(self.starts, end)
        found = self.hits[i:j]
        # matches of one scan do not overlap, so only the last can run past `end`
        if found and found[-1].end > end:
            found.pop()
        return found


_SCANS: list[_Scan] = []


def _places_of(lexicon: Lexicon) -> dict[str, Place | None]:
    """The gazetteer entry of each surface matched so far (the same for every text)."""
    return {}


def _scan_of(text: str, lexicon: Lexicon) -> _Scan:
    for scan in _SCANS:
        if scan.text is text and scan.lexicon is lexicon:
            return scan
    scan = _Scan(text, lexicon)
    _SCANS[:] = [scan, *_SCANS[:1]]
    return scan


def mentions(text: str, start: int, end: int, lexicon: Lexicon) -> list[Mention]:
    """Parties named in `text[start:end]` (the text's scan is kept for the next question)."""
    return _scan_of(text, lexicon).between(start, end)


def named_near_top(text: str, limit: int, lexicon: Lexicon) -> bool:
    """Whether any party is named in the first `limit` characters (no list is built)."""
    scan = _scan_of(text, lexicon)
    return bool(scan.hits) and scan.hits[0].end <= limit


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def resolve_subject(
    text: str, lower: str, start: int, end: int, lexicon: Lexicon, ctx: Context
) -> tuple[list[str], list[str], list[str]]:
    """Actors of a subject phrase, partners named in it, and why.

    A reported clause names its own subject ("Scholz said that Germany will": Germany);
    a predicate shared by "and" has the main clause's subject ("The UK reaffirmed that
    Ukraine's future lies in NATO and pledged to": the UK).
    """
    partners: list[str] = []
    if _SHARED.search(lower, start, end):
        that = lower.find(" that ", start, end)
        if that >= 0:
            end = that
    else:
        that = lower.rfind(" that ", start, end)
        if that >= 0 and _named(text, that + 6, end, lexicon):
            start = that + 6
        else:
            start = _reported_subject(lower, start, end, lexicon)
    cut = end
    phrases = (
        lexicon.grammar["partner_phrases"] if lexicon.partner_re.search(lower, start, end) else []
    )
    for phrase in phrases:
        at = lower.find(phrase + " ", start, end)
        if at >= 0:
            cut = min(cut, at)
            tail = text[at + len(phrase) : end].strip(" ,")
            partners.append(re.sub(r"^(?:its|their|his|her)\s+", "", tail))
    bounds = [start]
    comma = lower.find(",", start, cut)
    while comma >= 0:
        bounds.append(comma + 1)
        comma = lower.find(",", comma + 1, cut)
    bounds.append(cut)
    for left, right in reversed(list(pairwise(bounds))):
        found = _named(text, left, right, lexicon)
        words = _SPACE.sub(" ", lower[left:right]).strip(" ,").split()
        if found and _epithet(words) and all(m.kind == "demonym" for m in found):
            found = [m for m in found if m.code not in ORGANISATIONS]
        if found:
            codes = _unique([m.code for m in found if m.code != "RU" or len(found) == 1])
            why = [f"actor:{m.code} <- {m.kind} {m.surface!r}" for m in found]
            return codes, partners, why
        if words:
            actors, why = _referent(words, lexicon, ctx)
            if actors:
                return actors, partners, why
    return [], partners, []


def _reported_subject(lower: str, start: int, end: int, lexicon: Lexicon) -> int:
    """Where the subject starts in "Zelensky ... said the two countries will": after the
    last reporting verb, when what follows it is a collective or the agreement."""
    said = None
    for said in lexicon.reporting_re.finditer(lower, start, end):  # noqa: B007 (the last)
        pass
    if said is None:
        return start
    subject = " ".join(_without_adverbs(lower[said.end() : end].split(), lexicon))
    if subject in lexicon.words("pronouns_singular"):
        return start
    if subject in lexicon.words("collective_subjects") or subject in lexicon.words(
        "agreement_subjects"
    ):
        return said.end()
    return start


_EPITHET_HEADS = frozenset({"country", "nation", "state", "kingdom", "republic", "monarchy"})


def _epithet(words: list[str]) -> bool:
    """ "the Nordic country", "the Central European nation": a description of one state."""
    return 2 <= len(words) <= 5 and words[0] == "the" and words[-1] in _EPITHET_HEADS


def _without_adverbs(words: list[str], lexicon: Lexicon) -> list[str]:
    """ "The two governments also (agreed)": the subject without its trailing adverbs."""
    adverbs = lexicon.words("modal_adverbs")
    while words and words[-1] in adverbs:
        words = words[:-1]
    return words


def _referent(words: list[str], lexicon: Lexicon, ctx: Context) -> tuple[list[str], list[str]]:
    """Actors of a subject without names: the agreement, a collective or a pronoun."""
    words = _without_adverbs(words, lexicon) or words
    subject = " ".join(words)
    tail2 = " ".join(words[-2:]) if len(words) >= 2 else subject
    tail3 = " ".join(words[-3:]) if len(words) >= 3 else subject
    for phrase in (subject, tail3, tail2, words[-1] if words else ""):
        if phrase in lexicon.words("agreement_subjects") and phrase != "it":
            return list(ctx.parties), [f"actor:parties <- agreement subject {phrase!r}"]
        if phrase in lexicon.words("collective_subjects"):
            if phrase in lexicon.words("pronouns_plural") and ctx.last_actors:
                return list(ctx.last_actors), [f"actor:previous <- pronoun {phrase!r}"]
            return list(ctx.parties), [f"actor:parties <- collective {phrase!r}"]
    last = words[-1]
    singular = lexicon.words("pronouns_singular")
    if (last in singular or subject in singular) and ctx.last_actors:
        return list(ctx.last_actors), [f"actor:previous <- pronoun {last!r}"]
    if words[0] in _POSSESSIVE and ctx.last_actors:
        return list(ctx.last_actors), [f"actor:previous <- possessive {words[0]!r}"]
    if _epithet(words):  # "the Nordic country": the one just named, else the partner
        if ctx.last_actors:
            return list(ctx.last_actors), [f"actor:previous <- epithet {subject!r}"]
        partners = [p for p in ctx.parties if p != RECIPIENT]
        if len(partners) == 1:
            return partners, [f"actor:{partners[0]} <- epithet {subject!r}"]
    bodies = lexicon.words("joint_bodies")
    for body in (tail2, last):
        if body in bodies and len(words) <= 6:
            return list(ctx.parties), [f"actor:parties <- joint body {body!r}"]
    return [], []


def _named(text: str, start: int, end: int, lexicon: Lexicon) -> list[Mention]:
    """Names in one comma-separated part of a subject; leaders only when no country is.

    "According to Zelensky, Romania will": Romania; "Warsaw, along with its allies,
    will": Warsaw.
    """
    found = [
        m for m in mentions(text, start, end, lexicon) if not _after_preposition(text, m, lexicon)
    ]
    places = [m for m in found if m.kind != "leader"]
    return places or found


def _after_preposition(text: str, m: Mention, lexicon: Lexicon) -> bool:
    """ "in NATO", "to the EU", "of Ukraine's": a place or a membership, not who acts."""
    before = _WORD_BEFORE.search(text[max(0, m.start - 24) : m.start].lower())
    return before is not None and before.group(1) in lexicon.words("subject_prepositions")


def beneficiaries(
    text: str, start: int, end: int, actors: list[str], lexicon: Lexicon, ctx: Context
) -> tuple[list[str], list[str]]:
    """Parties the clause's object names that are not its actors; else the recipient."""
    named = [
        m
        for m in mentions(text, start, end, lexicon)
        if m.code in ctx.parties and m.code not in actors and m.kind != "leader"
    ]
    if named:
        return _unique([m.code for m in named]), [
            f"beneficiary:{named[0].code} <- {named[0].surface!r}"
        ]
    if RECIPIENT in actors:
        ukraine = [m for m in mentions(text, start, end, lexicon) if m.code == RECIPIENT]
        if ukraine and len(actors) > 1:
            return [RECIPIENT], [f"beneficiary:UA <- {ukraine[0].surface!r}"]
        return [], []
    if RECIPIENT in ctx.parties and actors:
        return [RECIPIENT], ["beneficiary:UA <- recipient party of the agreement"]
    return [], []
