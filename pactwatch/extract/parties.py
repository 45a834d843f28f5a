"""Agreement-level facts: parties, title, signatories, date and place, term, mechanisms,
mentions of other agreements, and the assembly of the draft record.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Literal

from pactwatch.extract.actors import RECIPIENT, mentions, named_near_top
from pactwatch.extract.actors import Mention as Found
from pactwatch.extract.facts import triggers
from pactwatch.extract.lexicon import Lexicon, place_for
from pactwatch.extract.when import ReportDate, full_dates, report_date, resolve, time_words
from pactwatch.model import Agreement, Mechanism, Mention, Signatory, Source, Span, Term
from pactwatch.model.codes import party_name
from pactwatch.model.values import add_years

if TYPE_CHECKING:
    from pactwatch.extract.extractor import Reader

_TITLE = re.compile(
    r"\b(?:Agreement|Accord|Treaty|Memorandum)\s+(?:on|of|for)\s+[A-Z][\w\s,-]{0,80}?"
    r"\bbetween\s+(?:the\s+)?[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*\s+and\s+(?:the\s+)?[A-Z][\w.'-]*"
    r"(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'-]*)*"
)
# "at the request of either Participant": the clock starts when one asks
_ON_REQUEST = re.compile(
    r"\b(?:at|upon|on)\s+(?:the\s+)?request\b|\bif\s+(?:either|one)\b[^.]*?\brequests?\b"
)
_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][\w'.-]+(?:[ \t][A-Z][\w'.-]+)?),[ \t]+(?P<date>[^\n]{6,30}?)[ \t]*$",
    re.M,
)
_BETWEEN = re.compile(r"\bbetween\s+(.{3,80}?)\s+and\s+(.{2,60}?)(?=[.,;\n]|\s+(?:on|in|at)\s)")
_PLACE = re.compile(r"\b(?:in|at)\s+(?P<place>[A-Z][\w'.-]+(?:,?\s+(?:D\.C\.|[A-Z][\w'.-]+)){0,2})")
HEAD = 20_000  # agreement-level facts are stated near the top; bounds work on huge inputs
_MONTHS = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)
_SIGNATORY = re.compile(r"\s+(?P<name>[A-Z][\w'-]+(?:\s+(?:von der\s+|de\s+)?[A-Z][\w'-]+){0,2})")
_TITLE_WORDS = ("Agreement", "Accord", "Treaty", "Memorandum")


def find_parties(view: str, lexicon: Lexicon) -> tuple[list[str], bool]:
    """The parties, and whether the text names them as such.

    A title or "between A and B" names them; else the most named parties, confirmed when
    the first signing sentence names exactly those two.
    """
    head = view[:HEAD]
    for pattern in (_TITLE, _BETWEEN):
        if not _may_match(pattern, head):
            continue
        for m in pattern.finditer(head):
            codes = _codes(mentions(view, m.start(), m.end(), lexicon))
            if len(codes) >= 2:
                return _ordered(codes[:2]), True
    counts = Counter(
        m.code for m in mentions(view, 0, min(len(view), HEAD), lexicon) if m.code != "RU"
    )
    top = [code for code, _ in counts.most_common(3)]
    if RECIPIENT in top:
        others = [c for c in top if c != RECIPIENT][:1]
        top = [RECIPIENT, *others]
    parties = top[:2] or [RECIPIENT]
    # sure when the signing sentence names them; it may name more ("signed agreements with
    # Spain and Portugal"): the others' commitments then belong to other agreements
    return parties, len(parties) == 2 and set(parties) <= _signing_names(view, lexicon)


def _signing_names(view: str, lexicon: Lexicon) -> set[str]:
    """The parties named in the sentence of the first signing verb near the top."""
    m = lexicon.signing_re.search(view, 0, min(len(view), 3000))
    if m is None:
        return set()
    start = max(view.rfind(". ", 0, m.start()), view.rfind("\n", 0, m.start())) + 1
    stop = [i for i in (view.find(". ", m.end()), view.find("\n", m.end())) if i >= 0]
    end = min(stop) if stop else len(view)
    return set(_codes(mentions(view, start, end, lexicon)))


def other_agreements(reader: Reader, start: int, end: int) -> bool:
    """ "France and Denmark are expected to conclude similar agreements": mentions.

    A sentence about an agreement that is similar, separate or expected, naming parties
    that are not this agreement's, records them as mentions and commits nobody.
    """
    similar, expected, noun = reader.lexicon.derived(_other_agreement_res)
    if noun.search(reader.lower, start, end) is None:
        return False  # no agreement named: the cheap test first
    low = reader.lower[start:end]
    # a later signing sentence ("Canada also signed an agreement") tells of another deal
    later = bool(reader.signing) and reader.index.signing.first(start, end) is not None
    cued = bool(similar.search(low) or expected.search(low))
    if not later and not cued:
        return False
    parties = reader.ctx.parties
    named = mentions(reader.view, start, end, reader.lexicon)
    if not cued and any(m.code in parties and m.code != RECIPIENT for m in named):
        return False  # the partner signing again is this agreement's signing told twice
    others = [
        m
        for m in named
        if m.code not in parties
        and m.code not in _NOT_PARTNERS
        and m.kind != "leader"
        and not _at_event(reader.lower, m.start)
    ]
    if not others:
        return False
    reader.passing.extend(others)
    return True


def _other_agreement_res(
    lexicon: Lexicon,
) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """ "similar/own ... agreements", "expected to sign ... agreement" and any of the nouns
    anywhere (a substring test), compiled once per lexicon."""
    grammar = lexicon.grammar
    nouns = "|".join(re.escape(n) for n in grammar["other_agreement_nouns"])
    cues = "|".join(re.escape(c) for c in grammar["other_agreement_cues"])
    expected = "|".join(re.escape(e) for e in grammar["expected_signing"])
    return (
        re.compile(rf"\b(?:{cues})\s+(?:[\w-]+\s+){{0,2}}?(?:{nouns})\b"),
        re.compile(rf"\b(?:{nouns})\b.*\b(?:{expected})\b|\b(?:{expected})\b.*\b(?:{nouns})\b"),
        re.compile(nouns or r"(?!x)x"),
    )


_NOT_PARTNERS = frozenset({"RU", "NATO", "G7", "UN", "OSCE"})  # no security agreement with UA
_EVENT = re.compile(r"\b(?:at|in|on|during|from|after|before)\s+(?:the\s+)?$")


def _at_event(lower: str, start: int) -> bool:
    """ "at the G7 summit", "in Brussels": a place or an event, not a partner."""
    return _EVENT.search(lower, max(0, start - 16), start) is not None


def predicate_partners(reader: Reader, start: int, end: int, actors: list[str]) -> list[str]:
    """ "... jointly with Norway", "together with Latvia and Estonia": partners named."""
    found: list[str] = []
    if reader.lexicon.partner_re.search(reader.lower, start, end) is None:
        return found
    for phrase in reader.lexicon.grammar["partner_phrases"]:
        at = reader.lower.find(phrase + " ", start, end)
        if at < 0:
            continue
        after = at + len(phrase) + 1
        for m in mentions(reader.view, after, min(end, after + 60), reader.lexicon):
            gap = reader.lower[after : m.start].strip()
            if gap not in {"", "the", "and", ",", "and the"} or m.code in actors:
                break
            found.append(m.surface)
            after = m.end
    return found


def _codes(found: Sequence[Found]) -> list[str]:
    return list(dict.fromkeys(m.code for m in found if m.code != "RU"))


def _ordered(codes: list[str]) -> list[str]:
    return sorted(codes, key=lambda c: c != RECIPIENT)


def is_mention_list(reader: Reader, start: int, end: int) -> bool:
    """A sentence listing other agreements ("23 agreements - with A, B, ... and Z")."""
    low = reader.lower
    at = low.find("agreement", start, end)
    if at < 0:
        return False
    with_at = low.find(" with ", at, end)
    if with_at < 0:
        return False
    named = mentions(reader.view, with_at, end, reader.lexicon)
    return len({m.code for m in named} - set(reader.ctx.parties)) >= 3


def _mentions(reader: Reader) -> list[Mention]:
    found: list[Mention] = []
    own = RECIPIENT if RECIPIENT in reader.ctx.parties else reader.ctx.parties[0]
    for m in reader.passing:
        if any(x.parties == [own, m.code] for x in found):
            continue
        span = Span(source=reader.ctx.source_id, start=m.start, end=m.end)
        found.append(Mention(kind="agreement", parties=[own, m.code], spans=[span]))
    for sentence in reader.mention_lists:
        with_at = reader.lower.find(" with ", sentence.start, sentence.end)
        subject = mentions(reader.view, sentence.start, with_at, reader.lexicon)
        own = subject[0].code if subject else RECIPIENT
        for m in mentions(reader.view, with_at, sentence.end, reader.lexicon):
            if m.code == own or m.kind == "leader":
                continue
            span = Span(source=reader.ctx.source_id, start=m.start, end=m.end)
            found.append(Mention(kind="agreement", parties=[own, m.code], spans=[span]))
    return found


def _titled_signatories(reader: Reader) -> list[Signatory]:
    """ "President Klaus Iohannis": a title, then the name."""
    found: list[Signatory] = []
    titles = reader.lexicon.titles_re
    for sentence in reader.signing:
        for m in titles.finditer(reader.view, sentence.start, sentence.end):
            name = _SIGNATORY.match(reader.view, m.end(), sentence.end)
            if name is None:
                continue
            person = name.group("name")
            near = mentions(
                reader.view, max(sentence.start, m.start() - 25), name.end(), reader.lexicon
            )
            leader = [x.code for x in near if x.kind == "leader" and x.start >= name.start()]
            codes = leader or [x.code for x in near if x.end <= m.start() + len(m.group()) + 20]
            if not codes or any(s.name == person for s in found):
                continue
            if codes[-1] not in reader.ctx.parties:
                continue  # a leader signing another agreement
            found.append(Signatory(name=person, role=m.group(), party=codes[-1]))
    return found


# A person's name as news writes it: two to four capitalised words ("Gitanas Nausėda",
# "Ursula von der Leyen", "Jonas Gahr Støre").
_NAME = r"[A-Z][\w'’-]+(?:\s+(?:von der\s+|van\s+|de\s+)?[A-Z][\w'’-]+){1,3}"
_POSSESSIVE_TITLE = (
    r"(?P<country>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})['’]s\s+(?P<title>{titles})"
)
_OF_TITLE = (
    r"(?P<title>{titles})\s+of\s+(?:the\s+)?(?P<country>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})"
)


def _appositive_patterns(titles: list[str]) -> list[re.Pattern[str]]:
    """The forms that put the country beside the name rather than before it:
    "Gitanas Nausėda, Lithuania's president", "Ukraine's president, Volodymyr Zelensky",
    "President of Ukraine Volodymyr Zelenskyy", "Luc Frieden, Prime Minister of Luxembourg",
    "President Volodymyr Zelenskyy of Ukraine"."""
    alternatives = (
        "(?i:" + "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True)) + ")"
    )
    possessive = _POSSESSIVE_TITLE.replace("{titles}", alternatives)
    of_title = _OF_TITLE.replace("{titles}", alternatives)
    return [
        re.compile(rf"(?P<name>{_NAME}),\s+(?:the\s+)?{possessive}\b"),
        re.compile(rf"{possessive},?\s+(?P<name>{_NAME})"),
        re.compile(rf"{of_title},?\s+(?P<name>{_NAME})"),
        re.compile(rf"(?P<name>{_NAME}),\s+(?:(?i:the)\s+)?{of_title}"),
        re.compile(
            rf"(?P<title>{alternatives})\s+(?P<name>{_NAME})\s+of\s+(?:the\s+)?"
            r"(?P<country>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})",
        ),
    ]


def _appositive_signatories(reader: Reader) -> list[Signatory]:
    patterns = reader.lexicon.derived(_appositive_from_lexicon)
    found: list[Signatory] = []
    for sentence in reader.signing:
        for pattern in patterns:
            for m in pattern.finditer(reader.view, sentence.start, sentence.end):
                name = m.group("name")
                place = place_for(reader.lexicon, m.group("country"))
                if place is None or place.code not in reader.ctx.parties:
                    continue
                found.append(Signatory(name=name, role=m.group("title"), party=place.code))
    return found


def _appositive_from_lexicon(lexicon: Lexicon) -> list[re.Pattern[str]]:
    return _appositive_patterns(list(lexicon.titles))


def _signatories(reader: Reader) -> list[Signatory]:
    """Every signatory the signing sentences name, in whichever form: one per person (the
    fullest spelling of a surname is kept)."""
    found: list[Signatory] = []
    for person in [*_titled_signatories(reader), *_appositive_signatories(reader)]:
        surname = person.name.split()[-1].casefold()
        same = next(
            (i for i, s in enumerate(found) if s.name.split()[-1].casefold() == surname), None
        )
        if same is None:
            found.append(person)
        elif len(person.name) > len(found[same].name) and found[same].party == person.party:
            found[same] = person
    return [_with_given_name(reader, person) for person in found]


_NOT_GIVEN = frozenset({"The", "Mr", "Mrs", "Ms", "Dr", "Sir", "Dame", "His", "Her", "And"})


def _with_given_name(reader: Reader, person: Signatory) -> Signatory:
    """A signatory the signing sentence names by surname alone ("President Zelensky") under
    the fuller name the report gives elsewhere ("Volodymyr Zelensky"): the first given name
    written before that surname that is neither a title, a place nor a common word."""
    if " " in person.name.strip():
        return person
    title_words = {w for title in reader.lexicon.titles for w in title.split()}
    before = re.compile(rf"\b([A-Z][\w'-]+)\s+{re.escape(person.name)}\b")
    for m in before.finditer(reader.view, 0, min(len(reader.view), HEAD)):
        given = m.group(1)
        if given in title_words or given in _NOT_GIVEN:
            continue
        if place_for(reader.lexicon, given) is not None:
            continue
        return person.model_copy(update={"name": f"{given} {person.name}"})
    return person


def _signed(reader: Reader) -> tuple[str | None, str | None]:
    day, place = _signed_first(reader)
    if place is None or not _capital(reader, place)[1]:
        known = _first_capital(reader)
        place = known if known is not None else place
    elif place is not None:
        place = _capital(reader, place)[0]
    return day, place


def _capital(reader: Reader, candidate: str) -> tuple[str, bool]:
    """A place candidate whose head is a capital the gazetteer knows, cut to it ("Stockholm,
    Prime Minister" is Stockholm), and whether it was one: a capital is a surer signing place
    than any capitalised word after "in" ("investors in Saab")."""
    head = candidate.split(",", 1)[0].strip()
    found = place_for(reader.lexicon, head)
    if found is not None and found.kind == "capital":
        rest = candidate[len(head) :].lstrip(", ")
        return (candidate if rest == "D.C." else head), True
    return candidate, False


def _first_capital(reader: Reader) -> str | None:
    for sentence in reader.signing:
        chunk = reader.view[sentence.start : sentence.end]
        for m in _PLACE.finditer(chunk):
            place, known = _capital(reader, m.group("place").rstrip(".,"))
            if known:
                return place
    return None


def _signed_first(reader: Reader) -> tuple[str | None, str | None]:
    """The date and place of the first signing sentence that gives either."""
    report: ReportDate | None = None
    for sentence in reader.signing:
        chunk = reader.view[sentence.start : sentence.end]
        when = full_dates(chunk)
        day = when[0][1].isoformat() if when else None
        place = None
        for m in _PLACE.finditer(chunk):
            first = m.group("place").split()[0]
            if first not in _MONTHS and not first[0].isdigit():
                place = m.group("place").rstrip(".,")
                break
        if day is None:
            report = report or report_date(reader.view[:HEAD], time_words(), None)
            day = _day_told(reader, sentence.start, sentence.end, report)
        if day is None:
            # A dateline ("Ottawa, February 24, 2024") dates a "Today ... signed" story.
            when = full_dates(reader.view[: min(sentence.start, 600)])
            day = when[0][1].isoformat() if when else None
        if day or place:
            return day, place
    line = _DATELINE.search(reader.view, 0, min(len(reader.view), 600))
    if line is not None and not reader.signing:  # an agreement text's "Madrid, 27 May 2024"
        when = full_dates(line.group("date"))
        if when:
            return when[0][1].isoformat(), line.group("place")
    return None, None


def _day_told(reader: Reader, start: int, end: int, report: ReportDate) -> str | None:
    """The day a signing sentence names without its year ("on Monday", "yesterday", "13
    June"), read against the report's own date; None for a month or a year, which is no
    signing date, and for the time of a saying ("said on Friday") or the report's date
    put in for a sentence with no time words of its own."""
    told = resolve(reader.view, start, end, start, report, time_words())
    if told is None or told.said or told.precision != "day":
        return None
    return told.on


def _mechanisms(reader: Reader) -> list[Mechanism]:
    found: list[Mechanism] = []
    if reader.term_provision:
        found.append(Mechanism(id="term", kind="term", provision=reader.term_provision))
    for p in reader.provisions:
        if p.timing == "annual" and p.kind == "mechanism":
            found.append(
                Mechanism(id=f"{p.id}-annual", kind="recurring", every="P1Y", provision=p.id)
            )
        elif p.timing and p.timing.startswith("within ") and p.timing.endswith(("hours", "hour")):
            hours = p.timing.split()[1]
            span = p.spans[0]
            asked = _ON_REQUEST.search(reader.lower, span.start, span.end) is not None
            found.append(
                Mechanism(
                    id=f"{p.id}-clock",
                    kind="consultation_on_trigger",
                    within=f"PT{hours}H",
                    triggers=triggers(p.condition or p.object),
                    starts_on="request" if asked else "trigger",
                    provision=p.id,
                )
            )
    return found


def assemble(reader: Reader, name: str = "input", **source: str) -> Agreement:
    """The draft record: agreement facts, provisions, mechanisms, mentions and notes."""
    parties = reader.ctx.parties
    signed_on, signed_at = _signed(reader)
    title_match = _TITLE.search(reader.view, 0, HEAD) if _may_match(_TITLE, reader.view) else None
    title = (
        reader.text[title_match.start() : title_match.end()]
        if title_match
        else _named_title(reader)
        or _capitals_title(reader.view)
        or "Draft agreement between " + " and ".join(party_name(p) for p in parties)
    )
    term = Term()
    if reader.term:
        ends = add_years(_date(signed_on), reader.term[0]) if signed_on else None
        term = Term(years=reader.term[0], ends_on=ends, ends_early_if=reader.ends_early)
    elif reader.ends_early:
        term = Term(ends_early_if=reader.ends_early)
    year = signed_on[:4] if signed_on else "draft"
    agreement_id = "-".join([*(p.lower() for p in parties), year])
    kind = source.pop("kind", None) or _source_kind(reader)
    notes = list(reader.notes)
    if not reader.provisions:
        notes.append("warning: no commitments found in the text")
    if not named_near_top(reader.view, HEAD, reader.lexicon):
        notes.append(f"warning: no party is named; parties default to {parties}")
    return Agreement(
        id=re.sub(r"[^a-z0-9._-]+", "-", agreement_id),
        title=title,
        parties=parties,
        signatories=_signatories(reader),
        signed_on=_date(signed_on) if signed_on else None,
        signed_at=signed_at,
        legal_nature=_legal_nature(reader.lower[:HEAD]),
        term=term,
        sources=[Source(id=reader.ctx.source_id, kind=kind, title=name, **source)],
        provisions=reader.provisions,
        mechanisms=_mechanisms(reader),
        mentions=_mentions(reader),
        notes=notes,
    )


_CAPITALS_TITLE = re.compile(
    r"\A\s*((?:AGREEMENT|ACCORD|TREATY|MEMORANDUM)\b[A-Z0-9 ,.'-]{8,200}?"
    r"\bBETWEEN\b[A-Z0-9 ,.'-]+)$",
    re.M,
)
# "the Canada-Ukraine Agreement on Security Cooperation": the parties before the name
_HYPHEN_TITLE = re.compile(
    r"\b[A-Z][\w'.]+(?:-[A-Z][\w'.]+)+\s+(?:Agreement|Accord|Treaty)\s+(?:on|of|for)\s+"
    r"[A-Z][\w-]*(?:\s+(?:(?:and|of|on|for)\s+)?[A-Z][\w-]*)*"
)


def _named_title(reader: Reader) -> str | None:
    if not any(word in reader.view for word in ("Agreement", "Accord", "Treaty")):
        return None  # a substring test first: the pattern tries every capital
    m = _HYPHEN_TITLE.search(reader.view, 0, HEAD)
    return reader.text[m.start() : m.end()] if m is not None else None


_SMALL_WORDS = frozenset({"on", "of", "and", "the", "between", "for", "in", "to", "a", "an"})


def _capitals_title(view: str) -> str | None:
    """An agreement text's title in capitals ("AGREEMENT ON ... BETWEEN ... AND UKRAINE"),
    in title case with small words in lower case."""
    m = _CAPITALS_TITLE.match(view)
    if m is None:
        return None
    words = m.group(1).split()
    return " ".join(
        w.lower() if i and w.lower() in _SMALL_WORDS else w.capitalize()
        for i, w in enumerate(words)
    )


def _date(iso: str) -> date:
    return date.fromisoformat(iso)


_POLITICAL = re.compile(
    r"\bnot (?:a )?legally binding\b|\bpolitical (?:commitment|declaration|document)\b|"
    r"\bnot (?:a|an international) treaty\b"
)
_BINDING = re.compile(r"\blegally binding\b|\bratif(?:y|ied|ication)\b")


def _legal_nature(lower: str) -> Literal["political", "legally_binding", "unknown"]:
    """What the text says about the agreement's force; unknown when it says nothing."""
    if "binding" not in lower and "political" not in lower and "treaty" not in lower:
        return "unknown" if "ratif" not in lower else "legally_binding"
    if _POLITICAL.search(lower):
        return "political"
    if _BINDING.search(lower):
        return "legally_binding"
    return "unknown"


def _may_match(pattern: re.Pattern[str], text: str) -> bool:
    """A substring test before a title or "between" search (those scan every position)."""
    if pattern is _TITLE:
        return any(word in text for word in _TITLE_WORDS)
    return "between" in text


def _source_kind(reader: Reader) -> str:
    low = reader.lower[:HEAD]
    if "the participants" not in low and "the parties" not in low:
        return "news_report"
    formal = re.search(r"\b(?:the participants|the parties) (?:will|shall)\b", reader.lower[:HEAD])
    return "agreement_text" if formal else "news_report"
