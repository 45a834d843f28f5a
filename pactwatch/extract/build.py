"""Turn one clause (offsets, actors, reasons) into a draft Provision.

Everything a provision says beyond its actors is read from its own words: the verb (the
action), what follows it (the object), domains, kind, instruments, timing, condition and
money. Each field that a rule filled adds an entry to `why`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pactwatch.extract.actors import Context, beneficiaries, mentions
from pactwatch.extract.domains import CueHit, cue_hits, rank
from pactwatch.extract.facts import amounts, condition, pledged_amount, shares, timing
from pactwatch.extract.index import DocIndex
from pactwatch.extract.lexicon import Lexicon
from pactwatch.extract.slugs import Slugs
from pactwatch.model import Provision

_WORD = re.compile(r"[A-Za-z][\w'-]*")
_AUXILIARY = frozenset(
    {"continue", "seek", "strive", "endeavour", "endeavor", "aim", "try", "keep", "remain"}
    | {"vow", "promise", "pledge", "undertake", "commit", "intend", "plan", "agree"}
)
_SPACE = re.compile(r"\s+")
# Whitespace that is not one plain space: replacing it gives what _SPACE gives, and text
# with none (most clauses) comes back untouched, with no string built.
_LOOSE_SPACE = re.compile(r"\s{2,}|[^\S ]")
_YEAR = re.compile(r"\b(?:[Ii]n|[Ff]or|[Dd]uring)\s+((?:19|20)\d\d)\b")
_CHANNEL = re.compile(r"\b(eu|nato) and (eu|nato) (instruments|tools)\b")
# Verbs of a recurring mechanism when the clause has a timing ("review ... annually").
_MEETING_VERBS = frozenset({"meet", "consult", "convene", "review", "assess", "evaluate"})
_MECHANISM_OBJECTS = re.compile(
    r"\b(?:dialogue|consultations?|meetings?|summits?|mechanism|remain in force|"
    r"commission|committee|working group)\b",
    re.I,
)


@dataclass
class Clause:
    """What the router knows about a clause before it becomes a provision."""

    start: int
    end: int
    actors: list[str]
    section: str | None
    topic: list[str]
    why: list[str]
    partners: list[str] = field(default_factory=list)
    verb_from: int | None = None
    kind: str | None = None
    # domains for a clause with no cue of its own, asked for only then (reading the
    # paragraph's topic costs a cue scan that most clauses never need)
    fallback: Callable[[], list[str]] = list
    action: str | None = None


def find_verb(lower: str, start: int, end: int, lexicon: Lexicon) -> tuple[str, int] | None:
    """The clause's main verb (base form) and where its object starts."""
    forms = lexicon.verb_forms
    words = _WORD.finditer(lower, start, end)  # lazily: the verb is usually near the start
    word = next(words, None)
    if word is not None and word.group().endswith("ing"):
        stem = word.group()[:-3]
        for base in (stem, stem + "e", stem[:-1]):
            if base in forms:
                return forms[base], word.end()
    while word is not None:
        following = next(words, None)
        text = word.group()
        after = following.group() if following is not None else ""
        if following is not None and (pair := forms.get(f"{text} {after}")) is not None:
            return pair, following.end()  # "step up", "set up", "hand over"
        found = forms.get(text) or _gerund(text, lexicon)
        if found is not None and not (
            found in _AUXILIARY and (after == "to" or after.endswith("ing"))
        ):
            return found, word.end()
        word = following
    return None


def _gerund(word: str, lexicon: Lexicon) -> str | None:
    """The base verb of an -ing form ("supporting" -> "support"), if it is a known verb."""
    if not word.endswith("ing") or len(word) < 6:
        return None
    stem = word[:-3]
    for base in (stem, stem + "e", stem[:-1]):
        if base in lexicon.verb_forms:
            return lexicon.verb_forms[base]
    return None


def provision(
    text: str,
    view: str,
    clause: Clause,
    lexicon: Lexicon,
    ctx: Context,
    slugs: Slugs,
    index: DocIndex,
) -> Provision:
    """The provision for a clause; `view` is the folded text, `ctx.lower` its lower case."""
    lower = ctx.lower
    start, end = clause.start, clause.end
    found = find_verb(lower, clause.verb_from or start, end, lexicon)
    action, object_start = (
        (clause.action, start) if clause.action else (found or ("", clause.verb_from or start))
    )
    if not action:
        action = "commit"
    words = text[start:end]
    obj = _LOOSE_SPACE.sub(" ", text[object_start:end]).strip(" ,;:") or _LOOSE_SPACE.sub(
        " ", words
    )
    verb_span = (object_start - len(action), object_start) if found else None
    # A name in the subject says who acts ("The EU will ..."), not what about: its cues
    # do not count; the rest of a subject does ("Artillery rounds will be delivered").
    subject_end = clause.verb_from or start
    names = (
        [(m.start, m.end) for m in mentions(view, start, subject_end, lexicon)]
        if subject_end > start
        else []
    )
    hits = cue_hits(lower, start, end, lexicon, verb_span)
    if names and hits:
        hits = [h for h in hits if not any(s <= h.start < e for s, e in names)]
    money = amounts(words)
    if money or "%" in words:
        hits = _one_money_topic(hits)
    domains, domain_why = rank(hits, clause.topic, clause.fallback)
    bens, ben_why = beneficiaries(view, object_start, end, clause.actors, lexicon, ctx)
    why = [*clause.why, f"action:{action}", *ben_why, *domain_why]
    when = timing(words)
    kind = clause.kind or _kind(action, obj, when, lexicon)
    why.append(f"kind:{kind}")
    if when:
        why.append(f"timing:{when[0]} <- {when[1]!r}")
    giver = clause.actors[0] if len(clause.actors) == 1 else None
    amount, amount_why = pledged_amount(words, giver)
    year = _YEAR.search(text, start, end) if amount is not None and not amount.period else None
    if amount is not None and year is not None:
        # "In 2024, Germany will provide ... 7 billion euros"
        amount = amount.model_copy(update={"period": year.group(1)})
        amount_why.append(f"period:{year.group(1)} <- {year.group()!r}")
    why += amount_why
    flags = []
    for share in shares(words):
        if share.base == "GDP":
            continue  # a share of GDP is the pledge's amount, not a note beside it
        period = f", {share.period}" if share.period else ""
        flags.append(f"amount-share: {share.percent:g}% of {share.base}{period} (not money)")
        why.append(f"share <- {share.words!r}")
    instruments = _instruments(
        lower, _named_instruments(view, index, start, end, lexicon), start, end
    )
    return Provision(
        id=slugs.make(action, obj),
        section=clause.section,
        actors=clause.actors,
        beneficiaries=bens,
        action=action,
        object=obj[:200],
        domains=domains,
        kind=kind,
        partners=clause.partners,
        instruments=instruments,
        condition=condition(words),
        timing=when[0] if when else None,
        amount=amount,
        spans=[{"source": ctx.source_id, "start": start, "end": end}],
        flags=flags,
        why=why,
    )


def _one_money_topic(hits: list[CueHit]) -> list[CueHit]:
    """A sum says "money" once: its sign, scale and "funding" do not add up past one cue.

    So "EUR 500 million for demining" is about demining, paid for; a pledge of money with
    no other topic stays financial aid.
    """
    money = [h for h in hits if h.domains == ("financial_aid",)]
    total = sum(h.weight for h in money)
    if total <= 1.0:
        return hits
    scale = 1.0 / total
    return [h._replace(weight=h.weight * scale) if h in money else h for h in hits]


def _kind(action: str, obj: str, when: tuple[str, str] | None, lexicon: Lexicon) -> str:
    if when and (_MECHANISM_OBJECTS.search(obj) or action in _MEETING_VERBS):
        return "mechanism"
    if action in lexicon.words("support_verbs") or obj.lower().startswith("support"):
        return "support"
    if action in lexicon.words("declaration_verbs"):
        return "declaration"
    return "action"


def _named_instruments(
    view: str, index: DocIndex, start: int, end: int, lexicon: Lexicon
) -> list[str]:
    """Instruments the clause names (canonical names, in order), from the document's scan."""
    if not index.instruments.starts and not index.acronyms.starts:
        return []  # most documents name none
    found = [(hit.start(), hit.group()) for hit in index.instruments.within(start, end)]
    found += [
        (hit.start(), view[hit.start() : hit.end()])
        for hit in index.acronyms.within(start, end)
        if view[hit.start() : hit.end()] in lexicon.acronyms
    ]
    named: list[str] = []
    for _, surface in sorted(found) if len(found) > 1 else found:
        name = lexicon.instruments.get(surface) or lexicon.instruments.get(_SPACE.sub(" ", surface))
        if name and name not in named:
            named.append(name)
    return named


def _instruments(lower: str, named: list[str], start: int, end: int) -> list[str]:
    """The instruments named, and a channel ("through EU and NATO instruments")."""
    found = list(named)
    if lower.find("instruments", start, end) < 0 and lower.find("tools", start, end) < 0:
        return found  # the channel below names one of them
    channel = _CHANNEL.search(lower, start, end)
    if channel:
        for org in (channel.group(1), channel.group(2)):
            name = f"{org.upper()} {channel.group(3)}"
            if name not in found:
                found.append(name)
    return found
