"""Who commits and who benefits: names, metonyms, demonyms, pronouns and collectives.

A subject is resolved in this order: names in the gazetteer ("Bucharest" is Romania, "the
Romanians" too), a collective that means every party ("The countries", "the Participants"),
the agreement itself (its clauses bind every party), then a pronoun ("It", "She", "They"),
which takes the actors of the previous commitment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from pactwatch.extract.lexicon import Lexicon, place_for

RECIPIENT = "UA"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Mention:
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
    last_actors: list[str] = field(default_factory=list)


def mentions(text: str, start: int, end: int, lexicon: Lexicon) -> list[Mention]:
    found = []
    for m in lexicon.place_re.finditer(text, start, end):
        place = place_for(lexicon, m.group())
        if place is not None:
            found.append(Mention(place.code, m.start(), m.end(), m.group(), place.kind))
    return found


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def resolve_subject(
    text: str, lower: str, start: int, end: int, lexicon: Lexicon, ctx: Context
) -> tuple[list[str], list[str], list[str]]:
    """Actors of a subject phrase, partners named in it, and why."""
    subject = _SPACE.sub(" ", lower[start:end]).strip(" ,")
    partners: list[str] = []
    cut = end
    for phrase in lexicon.grammar["partner_phrases"]:
        at = lower.find(phrase + " ", start, end)
        if at >= 0:
            cut = min(cut, at)
            tail = text[at + len(phrase) : end].strip(" ,")
            partners.append(re.sub(r"^(?:its|their|his|her)\s+", "", tail))
    found = _subject_mentions(text, lower, start, cut, lexicon)
    if found:
        codes = _unique([m.code for m in found if m.code != "RU" or len(found) == 1])
        why = [f"actor:{m.code} <- {m.kind} {m.surface!r}" for m in found]
        return codes, partners, why
    words = subject.split()
    tail2 = " ".join(words[-2:]) if len(words) >= 2 else subject
    tail3 = " ".join(words[-3:]) if len(words) >= 3 else subject
    for phrase in (subject, tail3, tail2, words[-1] if words else ""):
        if phrase in lexicon.words("agreement_subjects") and phrase != "it":
            return list(ctx.parties), partners, [f"actor:parties <- agreement subject {phrase!r}"]
        if phrase in lexicon.words("collective_subjects"):
            if phrase in lexicon.words("pronouns_plural") and len(ctx.last_actors) > 1:
                return list(ctx.last_actors), partners, [f"actor:previous <- pronoun {phrase!r}"]
            return list(ctx.parties), partners, [f"actor:parties <- collective {phrase!r}"]
    last = words[-1] if words else ""
    singular = lexicon.words("pronouns_singular")
    if (last in singular or subject in singular) and ctx.last_actors:
        return list(ctx.last_actors), partners, [f"actor:previous <- pronoun {last!r}"]
    return [], partners, []


def _subject_mentions(
    text: str, lower: str, start: int, end: int, lexicon: Lexicon
) -> list[Mention]:
    """Names in the subject's last comma-separated part that names anyone.

    "According to Zelensky, Romania will": Romania; "Bucharest, together with its
    partners, will": Bucharest. Leaders count only when no country is named.
    """
    bounds = [start, *(i + 1 for i in range(start, end) if lower[i] == ","), end]
    for left, right in reversed(list(pairwise(bounds))):
        found = mentions(text, left, right, lexicon)
        places = [m for m in found if m.kind != "leader"]
        if places or found:
            return places or found
    return []


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
