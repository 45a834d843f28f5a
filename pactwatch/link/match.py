"""Which provisions of which agreements a reported event bears on, each scored with a reason.

The partner is found by the gazetteer (names, capitals, demonyms, leaders); the provision
by the words it shares with the sentence, each weighted by how rare it is among that
agreement's provisions (so "Patriot" points at one provision, "support" at none), plus the
domains the sentence's objects imply (Patriot -> air defence) and whether the event's kind
fits the provision's domains at all. Mechanisms are linked only by a meeting that names
them: a leaders' meeting is not the strategic dialogue.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from pactwatch.link.proposal import Link
from pactwatch.link.words import LinkWords
from pactwatch.model import Agreement

_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_TOKEN = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*")
THRESHOLD = 3.0
"""The least raw score a link needs: one rare word the provision shares, with a domain."""
NEAR_BEST = 0.9
MAX_LINKS = 3


def stem(word: str) -> str:
    """A light fold of plurals and verb endings: 'pilots' and 'pilot' match, 'trained' and
    'training'."""
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokens(text: str, stopwords: frozenset[str]) -> set[str]:
    found = set()
    for word in _TOKEN.findall(text.lower().replace("’", "'")):
        if word in stopwords or len(word) < 2 or word.isdigit():
            continue
        found.add(stem(word))
        if "-" in word:  # "ukrainian-romanian" also as its parts; "f-16" stays whole
            found.update(stem(p) for p in word.split("-") if len(p) > 2 and p not in stopwords)
    return found


@dataclass(frozen=True)
class IndexedProvision:
    id: str
    kind: str
    domains: frozenset[str]
    words: frozenset[str]
    core: frozenset[str]  # the id's and the object's words: what the provision is about
    years: frozenset[str] = frozenset()  # "support in 2024": the years it is limited to


@dataclass
class IndexedAgreement:
    agreement: Agreement
    partners: frozenset[str]
    provisions: list[IndexedProvision]
    idf: dict[str, float] = field(default_factory=dict)


def party_words(words: LinkWords) -> frozenset[str]:
    """Every word of the gazetteer's names: 'Romania' in a provision says nothing about
    which of that agreement's provisions a report bears on."""
    return frozenset(
        stem(w) for surface in words.lexicon.places for w in _TOKEN.findall(surface.lower())
    )


def index_agreement(agreement: Agreement, words: LinkWords) -> IndexedAgreement:
    provisions = []
    ignored = words.stopwords | party_words(words)
    for p in agreement.provisions:
        text = " ".join([p.id.replace("-", " "), p.action or "", p.object or "", p.summary or ""])
        core = tokens(f"{p.id.replace('-', ' ')} {p.object or ''}", ignored)
        years = frozenset(_YEAR.findall(f"{p.id} {p.object or ''} {p.timing or ''}"))
        provisions.append(
            IndexedProvision(
                p.id,
                p.kind,
                frozenset(p.domains),
                frozenset(tokens(text, ignored)),
                frozenset(core),
                years,
            )
        )
    df: Counter[str] = Counter(w for p in provisions for w in p.words)
    n = max(1, len(provisions))
    idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}
    return IndexedAgreement(agreement, frozenset(agreement.parties) - {"UA"}, provisions, idf)


def object_domains(sentence: str, words: LinkWords) -> tuple[set[str], list[str]]:
    """The domains the sentence's objects imply, and the object words found."""
    domains: set[str] = set()
    seen: list[str] = []
    for item in words.objects:
        for m in item.pattern.finditer(sentence):
            domains.update(item.domains)
            seen.append(m.group().lower())
    return domains, seen


def object_meanings(sentence: str, words: LinkWords) -> str:
    """What the sentence's objects are in a provision's words ("Patriot" -> "air defence")."""
    return " ".join(
        item.means for item in words.objects if item.means and item.pattern.search(sentence)
    )


def score_links(
    indexed: IndexedAgreement, kind: str, sentence: str, words: LinkWords, year: str | None = None
) -> list[Link]:
    """The provisions of one agreement the sentence bears on, best first (none below the
    threshold). A provision limited to some years ("packages in 2024") takes no event of
    another `year`."""
    said = tokens(sentence, words.stopwords) | tokens(
        object_meanings(sentence, words), words.stopwords
    )
    implied, objects = object_domains(sentence, words)
    implied |= words.kind_domains.get(kind, frozenset())  # training is about training
    fits = words.fits.get(kind, frozenset())
    scored: list[tuple[float, IndexedProvision, str]] = []
    for p in indexed.provisions:
        mechanism = p.kind == "mechanism"
        if mechanism != (kind == "meeting"):
            continue
        if p.kind == "declaration" and kind != "statement":
            continue
        if year is not None and p.years and year not in p.years:
            continue
        # rarest first, ties by spelling: set order follows the hash seed, and a reason or a
        # float sum in that order would differ from one process to the next
        shared = sorted(said & p.words, key=lambda w: (-indexed.idf.get(w, 0.0), w))
        if not shared or (mechanism and len(shared) < 2):
            continue
        raw = math.fsum(indexed.idf.get(w, 0.0) for w in shared)
        # a provision mostly about what the sentence says beats one that mentions it among
        # many other things ("air defence" over "the integrated air and missile defence
        # coalition")
        total = math.fsum(indexed.idf.get(w, 0.0) for w in p.core) or 1.0
        coverage = math.fsum(indexed.idf.get(w, 0.0) for w in p.core & said) / total
        raw *= 0.5 + 0.5 * coverage
        common = sorted(p.domains & implied)
        raw += min(2, len(common)) * 1.0
        # a provision also about other subjects ("training against organised crime") is
        # less likely the one than a provision about this alone
        purity = len(p.domains & (fits | implied)) / max(1, len(p.domains))
        raw *= 0.5 + 0.5 * purity
        fit = bool(p.domains & fits)
        if not fit:
            raw *= 0.3
        if implied and not common:
            raw *= 0.5  # the sentence names objects of other domains
        reason = "shares " + ", ".join(f"'{w}' ({indexed.idf.get(w, 0.0):.1f})" for w in shared[:4])
        if common:
            reason += f"; {', '.join(objects[:2])} imply {', '.join(common)}"
        reason += f"; covers {coverage:.0%} of its words"
        reason += f"; a {kind} " + ("fits" if fit else "hardly fits") + " its domains"
        scored.append((raw, p, reason))
    scored.sort(key=lambda item: (-item[0], item[1].id))
    if not scored or scored[0][0] < THRESHOLD:
        return []
    best = scored[0][0]
    kept = [s for s in scored if s[0] >= max(THRESHOLD, NEAR_BEST * best)]
    if len(kept) > MAX_LINKS:
        return []  # many provisions share the same few words: the report does not say which
    return [
        Link(
            agreement=indexed.agreement.id,
            provision=p.id,
            score=round(raw / (raw + THRESHOLD), 3),
            reason=reason,
        )
        for raw, p, reason in kept
    ]


class AgreementIndex:
    """Agreements indexed once: by partner, with each provision's words."""

    def __init__(self, agreements: Sequence[Agreement], words: LinkWords) -> None:
        self.agreements = list(agreements)
        self.by_partner: dict[str, list[IndexedAgreement]] = {}
        for agreement in agreements:
            if "UA" not in agreement.parties:
                continue
            indexed = index_agreement(agreement, words)
            for partner in indexed.partners:
                self.by_partner.setdefault(partner, []).append(indexed)
        self.partners = frozenset(self.by_partner)
