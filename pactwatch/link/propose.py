"""A report in, proposed events out: each sentence that tells of an act (a delivery, an
approval, training begun, a meeting, a payment, an escalation) by a partner of one of the
agreements, dated and linked to the provisions it bears on.

What is not an act is not proposed: a pledge, a plan, a future tense, a negation, or a
partner's own equipment of the same name. Sentences telling the same event (the lead and
a later paragraph) become one proposal, dated by the more precise of their dates.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from pactwatch.extract.facts import amounts
from pactwatch.extract.segment import blocks, sentences
from pactwatch.extract.when import REPORT_DATE, WHEN_SAID, ReportDate, When, report_date, resolve
from pactwatch.link.match import AgreementIndex, object_domains, score_links
from pactwatch.link.proposal import Link, Proposal
from pactwatch.link.words import KindCues, LinkWords, link_words
from pactwatch.model import Agreement
from pactwatch.sources.patterns import trie_pattern

_CLAUSE_EDGE = re.compile(r"[,;:()\u2013\u2014]|\s-\s|\b(?:and|but|while|whereas|although)\b")
_PRECISION_RANK = {"instant": 0, "day": 1, "week": 2, "month": 3, "year": 4}


@dataclass(frozen=True)
class _Prepared:
    agreements: tuple[Agreement, ...]
    index: AgreementIndex
    partner_re: re.Pattern[str]
    codes: dict[str, str]  # surface -> party code (leaders by stem)
    stems: tuple[tuple[str, str], ...]


_CACHE: dict[tuple[int, ...], _Prepared] = {}


def _prepared(agreements: Sequence[Agreement], words: LinkWords) -> _Prepared:
    """The agreements indexed and their parties' names compiled, once per set of records."""
    key = tuple(id(a) for a in agreements)
    found = _CACHE.get(key)
    if found is not None and all(a is b for a, b in zip(found.agreements, agreements, strict=True)):
        return found
    index = AgreementIndex(agreements, words)
    wanted = index.partners | {"UA"}
    places = words.lexicon.places
    names = {s: p.code for s, p in places.items() if p.code in wanted and p.kind != "leader"}
    stems = tuple((s, p.code) for s, p in places.items() if p.code in wanted and p.kind == "leader")
    alternatives = [trie_pattern(sorted(names))] + [re.escape(s) + r"\w*" for s, _ in stems]
    pattern = re.compile(r"(?<![\w'])(?:" + "|".join(alternatives) + r")(?![\w])")
    prepared = _Prepared(tuple(agreements), index, pattern, names, stems)
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[key] = prepared
    return prepared


def _code(prepared: _Prepared, surface: str) -> str | None:
    code = prepared.codes.get(" ".join(surface.split()))
    if code is not None:
        return code
    return next((c for s, c in prepared.stems if surface.startswith(s)), None)


@dataclass(frozen=True)
class _Found:
    kind: str
    subkind: str | None
    cue: str
    cue_at: int


def _guarded(sentence: str, cue_at: int, words: LinkWords) -> bool:
    """A pledge, plan, future or negation in the cue's clause, or a future word anywhere."""
    if words.guard_anywhere.search(sentence) or words.guard_own.search(sentence):
        return True
    edges = [m.end() for m in _CLAUSE_EDGE.finditer(sentence, 0, cue_at)]
    clause = sentence[edges[-1] if edges else 0 : cue_at]
    return words.guard_before.search(clause) is not None


def _kind(sentence: str, words: LinkWords, ukraine: bool) -> _Found | None:
    """The first kind whose cue appears unguarded in the sentence."""
    money: bool | None = None
    for cues in words.kinds:
        for m in cues.cues.finditer(sentence):
            if _guarded(sentence, m.start(), words):
                continue
            if cues.needs_money:
                money = bool(amounts(sentence)) if money is None else money
                if not money:
                    break
            if cues.needs_ukraine and not ukraine:
                break
            return _Found(cues.kind, _subkind(cues, sentence), m.group().lower(), m.start())
    return None


def _subkind(cues: KindCues, sentence: str) -> str | None:
    return next((name for name, pattern in cues.subkinds if pattern.search(sentence)), None)


def _split(text: str, words: LinkWords) -> list[tuple[int, int]]:
    abbreviations = words.lexicon.words("abbreviations")
    return [(s.start, s.end) for b in blocks(text) for s in sentences(text, b, abbreviations)]


def propose(
    text: str, agreements: Sequence[Agreement], *, published: date | None = None
) -> list[Proposal]:
    """The events `text` reports, each linked to the provisions it bears on.

    `published` is the report's date, when known from outside the text (a feed's date);
    otherwise a page date or dateline in the text is used.
    """
    words = link_words()
    if words.lexicon.place_re.search(text) is None:
        return []  # the gazetteer's one fast scan: no party, nothing to link
    prepared = _prepared(agreements, words)
    named = list(prepared.partner_re.finditer(text))
    if not named:
        return []
    mentions, places = _mentions(prepared, named, text, words)
    partners_in_text = Counter(c for _, c in mentions if c and c != "UA")
    report = report_date(text, words.time, published)
    proposals: list[Proposal] = []
    last_partners: list[str] = []
    previous = ""
    spans = _split(text, words)
    for number, (start, end) in enumerate(spans):
        sentence = text[start:end]
        # "The donation was approved ...": a sentence naming no object is read with the one
        # before it, which says what the donation is.
        context = sentence if object_domains(sentence, words)[1] else f"{previous} {sentence}"
        previous = sentence
        here = [c for at, c in mentions if start <= at < end and c]
        partners = list(dict.fromkeys(c for c in here if c != "UA"))
        only_places = not partners and any(start <= at < end for at in places)
        ukraine = "UA" in here or words.receivers.search(sentence) is not None
        found = _kind(sentence, words, ukraine)
        following = _next_partners(spans, number, mentions) if not partners else []
        if only_places and not following:  # "pilots trained in Denmark": where, not who
            continue
        if following:  # "Ukraine has received its first jets. They came from Denmark."
            context = f"{context} {text[spans[number + 1][0] : spans[number + 1][1]]}"
        current = (
            partners
            or following
            or last_partners
            or [c for c, _ in partners_in_text.most_common(1)]
        )
        if partners:
            last_partners = partners
        if found is None:
            continue
        if partners:  # who acts: not a partner named in a clause of its own after the act
            partners = _acting(text, start, end, start + found.cue_at, mentions, words)
            current = partners or current
        when = resolve(text, start, end, start + found.cue_at, report, words.time)
        if when is not None and when.reason.startswith(REPORT_DATE):
            when = _from_next(text, spans, number, report, words) or when
        proposal = _proposal(prepared, found, when, current, ukraine, context, start, end, words)
        if proposal is not None:
            proposals.append(proposal)
    return _merged(proposals)


_LIST_GAP = re.compile(r"(?:,\s*|,?\s+(?:and|or)\s+(?:the\s+)?)\Z")


def _kind_of(prepared: _Prepared, words: LinkWords, surface: str) -> str:
    """'name', 'capital', 'demonym' or 'leader': only names and capitals can be places."""
    place = words.lexicon.places.get(" ".join(surface.split()))
    return place.kind if place is not None else "leader"


def _mentions(
    prepared: _Prepared, named: list[re.Match[str]], text: str, words: LinkWords
) -> tuple[list[tuple[int, str | None]], list[int]]:
    """Parties named as actors (offset, code), and the offsets of those named as places
    ("in Denmark", and the rest of a list it starts: "in Denmark, Romania and the US")."""
    actors: list[tuple[int, str | None]] = []
    places: list[int] = []
    previous_place_end = -1
    for m in named:
        if m.group() in words.not_partners:
            continue
        before = text[max(0, m.start() - 30) : m.start()]
        gap = text[previous_place_end : m.start()] if previous_place_end >= 0 else None
        named_place = _kind_of(prepared, words, m.group()) in ("name", "capital")
        if named_place and (
            words.place_before.search(before) or (gap is not None and _LIST_GAP.match(gap))
        ):
            places.append(m.start())
            previous_place_end = m.end()
            continue
        previous_place_end = -1
        actors.append((m.start(), _code(prepared, m.group())))
    return actors, places


_PUNCTUATION_EDGE = re.compile(r"[,;:()\u2013\u2014]|\s-\s")


def _acting(
    text: str,
    start: int,
    end: int,
    cue: int,
    mentions: list[tuple[int, str | None]],
    words: LinkWords,
) -> list[str]:
    """The partners who act in a sentence: those named before the cue or in its clause
    ("provided by Italy and France"), and in a later clause only when it attributes the
    report (", Romania's ministry said"); not "..., the same type Romania donated"."""
    edge = _PUNCTUATION_EDGE.search(text, cue, end)
    clause_end = edge.start() if edge is not None else end
    attributed = words.lexicon.reporting_re.search(text, clause_end, end) is not None
    limit = end if attributed else clause_end
    return list(dict.fromkeys(c for at, c in mentions if start <= at < limit and c and c != "UA"))


def _from_next(
    text: str, spans: list[tuple[int, int]], number: int, report: ReportDate, words: LinkWords
) -> When | None:
    """The time the next sentence gives, when it tells no event of its own ("X handed over
    launchers. The transfer took place at the end of last month.")."""
    if number + 1 >= len(spans):
        return None
    start, end = spans[number + 1]
    if _kind(text[start:end], words, True) is not None:
        return None
    found = resolve(text, start, end, start, report, words.time)
    if found is None or found.said:
        return None
    return replace(found, reason=f"{found.reason}, in the next sentence")


def _next_partners(
    spans: list[tuple[int, int]], number: int, mentions: list[tuple[int, str | None]]
) -> list[str]:
    """The partners the next sentence names, for a sentence that names none."""
    if number + 1 >= len(spans):
        return []
    start, end = spans[number + 1]
    return list(dict.fromkeys(c for at, c in mentions if start <= at < end and c and c != "UA"))


def _proposal(
    prepared: _Prepared,
    found: _Found,
    when: When | None,
    partners: list[str],
    ukraine: bool,
    sentence: str,
    start: int,
    end: int,
    words: LinkWords,
) -> Proposal | None:
    links: list[Link] = []
    if found.kind != "trigger":
        for partner in partners:
            for indexed in prepared.index.by_partner.get(partner, []):
                signed = indexed.agreement.signed_on
                if when is not None and signed is not None and _ends_before(when, str(signed)):
                    continue  # before the agreement existed: context, not evidence under it
                year = when.on[:4] if when is not None else None
                links.extend(score_links(indexed, found.kind, sentence, words, year))
        if not links:
            return None
    links.sort(key=lambda link: -link.score)
    actors = list(dict.fromkeys([*(p for p in partners if links or found.kind == "trigger")]))
    if ukraine and found.kind in ("training", "meeting", "statement") and "UA" not in actors:
        actors.append("UA") if found.kind != "statement" else None
    return Proposal(
        kind=found.kind,
        subkind=found.subkind,
        on=when.on if when else None,
        precision=when.precision if when else None,
        date_reason=when.reason if when else "no date found",
        actors=actors,
        cue=found.cue,
        start=start,
        end=end,
        score=links[0].score if links else 0.5,
        links=links,
    )


def _ends_before(when: When, signed: str) -> bool:
    """Whether the whole period `when` names lies before `signed` (ISO dates compare as text
    at the precision of the shorter)."""
    return when.on < signed[: len(when.on)]


def _merged(proposals: list[Proposal]) -> list[Proposal]:
    """One proposal per event: the same kind bearing on a common provision (or two
    triggers) is the same event, told twice."""
    kept: list[Proposal] = []
    for proposal in proposals:
        refs = set(proposal.provisions())
        twin = next(
            (
                i
                for i, k in enumerate(kept)
                if k.kind == proposal.kind
                and (set(k.provisions()) & refs or (k.kind == "trigger" and not refs))
            ),
            None,
        )
        if twin is None:
            kept.append(proposal)
            continue
        first = kept[twin]
        better = _sharper(proposal, first)
        links = {f"{lk.agreement}/{lk.provision}": lk for lk in [*first.links, *proposal.links]}
        merged_links = sorted(links.values(), key=lambda lk: -lk.score)
        base = better if better is not None else first
        kept[twin] = base.model_copy(
            update={
                "links": merged_links,
                "score": merged_links[0].score if merged_links else base.score,
                "start": first.start,
                "end": first.end,
                "actors": list(dict.fromkeys([*first.actors, *proposal.actors])),
            }
        )
    return kept


def _sharper(new: Proposal, old: Proposal) -> Proposal | None:
    """`new` when its date is better known than `old`'s (a time word beats the report's
    date, then the finer precision wins)."""

    def rank(p: Proposal) -> tuple[int, int]:
        if p.date_reason.startswith(REPORT_DATE):
            weak = 2
        else:
            weak = 1 if p.date_reason.endswith(WHEN_SAID) else 0
        return weak, _PRECISION_RANK.get(p.precision or "year", 5)

    return new if rank(new) < rank(old) else None
