"""From a text to a draft Agreement, deciding about every block and sentence.

Strict interpretation, as in zavod: each sentence becomes provisions, an explicit skip
with its reason (headline, byline, heading, signing, background) or a warning; the
decisions are kept in the draft's notes and every provision's `why` lists the rules and
lexicon entries that fired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial

from pactwatch.extract import parties as party_rules
from pactwatch.extract.actors import RECIPIENT, Context, Mention, mentions, resolve_subject
from pactwatch.extract.agreement_subject import AGREEMENT_SUBJECT, agreement_clauses
from pactwatch.extract.build import Clause, provision
from pactwatch.extract.clauses import Piece, parallel_np_pieces, verb_pieces
from pactwatch.extract.domains import cue_hits, rank, seed_scan
from pactwatch.extract.facts import TERM_STATEMENT, early_end, may_state_term, term_years
from pactwatch.extract.index import DocIndex, Hit
from pactwatch.extract.lexicon import Lexicon, load_lexicon
from pactwatch.extract.lists import ListIntro, list_intro, list_item
from pactwatch.extract.segment import Block, Sentence, blocks, sentences
from pactwatch.extract.slugs import Slugs
from pactwatch.model import Agreement, Provision, Span
from pactwatch.sources import match_view

_OPENER = re.compile(
    r"(?:and|but|also|in addition|moreover|furthermore|besides|at the same time|further|"
    r"in particular|finally|additionally|"
    r"(?:under|according to|in|as part of|through|with)\s+(?:the|this)\s+(?:new\s+|security\s+|"
    r"bilateral\s+|ten-year\s+|10-year\s+)*(?:agreement|document|text|deal|pact|accord|treaty))"
    r"\s*,?\s+"
)
MAX_SENTENCE = 3000  # longer runs are tables, dumps or unpunctuated text, not sentences
_PASSIVE = re.compile(r"\s*(?:also\s+|further\s+)?be\s+(?:\w+ly\s+)?\w+(?:ed|en|t)\b")
_RECEIVE = re.compile(r"\s*(?:also\s+|further\s+|continue\s+to\s+)?(?:receive|get|obtain)\b")
_BY = re.compile(r"\bby\s+(?:the\s+)?")
_QUOTE = re.compile(r'[,.!?]"\s+(?:\w+\s+){0,4}?(?:said|says|told|added|stressed|noted|wrote)\b')
_CLAUSE_JOINT = re.compile(
    r"(?:,|;)\s*(?:and|but|while|whereas|and\s+also)?\s+|\s+(?:while|whereas)\s+"
)
_UNDER_WHICH = re.compile(r"\b(?:under|by|in)\s+which\s+|\bwhereby\s+")
_CONTRAST = re.compile(r",\s+but\s+(?!also\b)")
_PRONOUN = re.compile(r"\b(?:it|them|this|these|that)\b")
_WORDS = re.compile(r"[\w'-]+")
_SENTENCE_END = (".", ":", ";", "!", "?", ",")  # no heading ends so
_BYLINE = re.compile(
    r"^(?:By|BY|From)\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*(?:$|[|,/]|and\s)"
)
_NAME_LINE = re.compile(r"^(?:[Bb]y\s+)?[A-Z][a-z'-]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z'-]+){1,3}$")


_NEXT_YEARS = re.compile(r"\b(?:over|in|within|during|for)\s+the\s+(?:next|coming|following)\s+$")


def _period_of(chunk: str, years: str) -> bool:
    """ "over the next three years": the period of a pledge, not the agreement's term."""
    at = chunk.find(years)
    return at > 0 and _NEXT_YEARS.search(chunk.lower(), max(0, at - 40), at) is not None


def lower_view(view: str) -> str:
    """Lower case with the same length as `view` (a few characters lower to two)."""
    low = view.lower()
    if len(low) == len(view):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in view)


@dataclass
class Reader:
    """One pass over one document."""

    text: str
    lexicon: Lexicon
    ctx: Context
    view: str = ""
    lower: str = ""
    provisions: list[Provision] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    taken: Slugs = field(default_factory=Slugs)
    section: str | None = None
    section_topic: list[str] = field(default_factory=list)
    paragraph: int = -1
    background: list[tuple[int, int]] = field(default_factory=list)
    term_provision: str | None = None
    term: tuple[int, str] | None = None
    ends_early: list[str] = field(default_factory=list)
    signing: list[Sentence] = field(default_factory=list)
    mention_lists: list[Sentence] = field(default_factory=list)
    passing: list[Mention] = field(default_factory=list)  # partners of other agreements
    intro: ListIntro | None = None
    topics: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    index: DocIndex = field(init=False)

    def __post_init__(self) -> None:
        self.view = self.view or match_view(self.text)
        self.lower = lower_view(self.view)
        self.ctx.lower = self.lower
        self.index = DocIndex(self.lower, self.lexicon)

    def note(self, kind: str, start: int, end: int, reason: str) -> None:
        self.notes.append(f"{kind} [{start}:{end}] {reason}")

    # --- blocks -------------------------------------------------------------------------
    def read(self) -> None:
        seed_scan(self.lower, self.lexicon, self.index.domain)
        found = blocks(self.view)
        abbreviations = self.lexicon.words("abbreviations")
        for block in found:
            if block.paragraph != self.paragraph:
                self.paragraph, self.background = block.paragraph, []
            # an item with a modal of its own ("5. Spain intends to ...") ends the list
            if (
                self.intro is not None
                and block.bullet
                and self.index.modal.first(block.start, block.end) is None
            ):
                list_item(self, block)
                continue
            self.intro = None
            if self._block_skipped(block):
                continue
            # only a block ending in ":" can hold a list intro (its rest is ":" alone)
            colon = self.view[block.start : block.end].rstrip().endswith(":")
            for sentence in sentences(self.view, block, abbreviations):
                if (
                    colon
                    and self.view[sentence.end : block.end].strip() == ":"
                    and list_intro(self, sentence)
                ):
                    continue
                self._sentence(sentence)

    def _block_skipped(self, block: Block) -> bool:
        if block.end - block.start > 300:
            return False  # too long for a headline, byline or heading
        line = self.view[block.start : block.end].strip()
        if block.index > 3 and line.endswith(_SENTENCE_END):
            return False  # below the top, a block ending a sentence is body text
        words = _WORDS.findall(line)
        if block.index == 0 and self._is_headline(block, line, words):
            self.note("skip", block.start, block.end, "headline (rule: first block)")
            self._facts_from(block.start, block.end)
            return True
        if block.index <= 3 and len(words) <= 14 and _BYLINE.match(line):
            self.note("skip", block.start, block.end, "byline (rule: 'By' and a name near top)")
            return True
        if self._is_heading(line, words):
            if block.index <= 3 and _NAME_LINE.match(line) and not self._cues(block):
                self.note("skip", block.start, block.end, "byline (rule: name line near top)")
                return True
            self.section = line.rstrip(".:")
            hits = cue_hits(self.lower, block.start, block.end, self.lexicon)
            self.section_topic = rank(hits, [])[0] if hits else []
            self.note("skip", block.start, block.end, "heading (rule: short line, no verb)")
            return True
        return False

    def _is_headline(self, block: Block, line: str, words: list[str]) -> bool:
        """A short first line above the body; a one-block text has none."""
        if block.bullet or len(words) > 25 or block.end >= len(self.view.rstrip()):
            return False
        one_sentence = not re.search(r"[.!?]\s", line)
        sentence_with_modal = line.endswith(".") and self.lexicon.modal_re.search(line.lower())
        return one_sentence and not sentence_with_modal

    def _is_heading(self, line: str, words: list[str]) -> bool:
        if not words or len(words) > 12 or line.endswith(_SENTENCE_END):
            return False
        low = line.lower()
        if self.lexicon.modal_re.search(low):
            return False
        present = self.lexicon.words("present_commitments")
        return not any(w.lower() in present for w in words)

    def _cues(self, block: Block) -> bool:
        return bool(cue_hits(self.lower, block.start, block.end, self.lexicon))

    def _facts_from(self, start: int, end: int) -> None:
        if self.term is None:  # the first term stated is the agreement's
            chunk = self.view[start:end]
            found = term_years(chunk)
            if found and ("-year" in chunk or "years" in chunk) and not _period_of(chunk, found[1]):
                self.term = found
        low = self.lower[start:end]
        if "join" not in low and "member" not in low and "acce" not in low:
            return  # no accession, so no early end
        early = early_end(self.view[start:end])
        if early and early not in self.ends_early:
            self.ends_early.append(early)

    # --- sentences ----------------------------------------------------------------------
    def _sentence(self, sentence: Sentence) -> None:
        start, end = sentence.start, sentence.end
        if end - start > MAX_SENTENCE:
            self.note("warning", start, end, f"not read: longer than {MAX_SENTENCE} characters")
            return
        while m := _OPENER.match(self.lower, start, end):
            start = m.end()
        if self.index.plain(start, end):
            self.note("skip", start, end, "background: no commitment verb")
            self.background.append((start, end))
            return
        low = self.lower[start:end]
        self._facts_from(start, end)
        ellipsis = self.lexicon.ellipsis_re.match(low)
        if ellipsis is not None:
            self._ellipsis(start, end, ellipsis.group())
            return
        if (
            start > 0
            and self.view[start - 1] == '"'
            and _QUOTE.search(self.view, start, min(len(self.view), end + 40))
        ):
            self.note("skip", start, end, "quote: a speaker's words (rule: quotation marks)")
            return
        modal = self.index.modal.first(start, end)
        if party_rules.is_mention_list(self, start, end):
            self.mention_lists.append(Sentence(start, end, sentence.block))
            self.note("skip", start, end, "background: list of other agreements")
            return
        if party_rules.other_agreements(self, start, end):
            self.note("skip", start, end, "background: other partners' agreements (mentions)")
            return
        if self._signing(start, end, modal):
            return
        term = may_state_term(low)
        if term and TERM_STATEMENT.search(self.view, start, end) and self._term(start, end):
            return
        subject = AGREEMENT_SUBJECT.match(self.lower, start, end)
        if subject and agreement_clauses(self, start, end, subject.end()):
            return
        parts = self._subject_clauses(start, end, modal)
        for part_start, part_end in parts:
            part_modal = self.index.modal.first(part_start, part_end)
            self._route(part_start, part_end, part_modal)

    def _subject_clauses(self, start: int, end: int, modal: Hit | None) -> list[tuple[int, int]]:
        """ "A and B will X, and the UK will Y": one clause per subject with its own modal.

        A later modal starts a clause of its own when a conjunction or semicolon precedes a
        short subject that names a party or a collective ("and the UK will", "while they").
        """
        if modal is None:
            return [(start, end)]
        cuts: list[tuple[int, int]] = []
        floor = modal.end()
        for later in self.index.modal.within(modal.end(), end):
            joint = None
            for m in _CLAUSE_JOINT.finditer(self.lower, floor, later.start()):
                joint = m
            if joint is None:
                continue
            subject = self.lower[joint.end() : later.start()].strip()
            if not subject or len(subject.split()) > 6:
                continue
            named = mentions(self.view, joint.end(), later.start(), self.lexicon)
            collective = subject in self.lexicon.words("collective_subjects")
            if named or collective:
                cuts.append((joint.start(), joint.end()))
                floor = later.end()
        if not cuts:
            return [(start, end)]
        bounds = [start, *(c for cut in cuts for c in cut), end]
        return [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]

    def _route(self, start: int, end: int, modal: Hit | None) -> None:
        """A clause with its subject: a commitment by a present-tense verb or a modal."""
        present = self._present_verb(start, end)
        before_modal = present is not None and (modal is None or present < modal.start())
        rule = "present-tense commitment verb"
        if (
            present is not None
            and before_modal
            and self._commitment(start, end, present, present, rule)
        ):
            return
        if modal is not None and modal.start() > start:
            self._commitment(start, end, modal.start(), modal.end(), f"modal {modal.group()!r}")
            return
        self.note("skip", start, end, "background: no commitment verb")
        self.background.append((start, end))

    def _paragraph_topic(self) -> list[str]:
        """The domain of the paragraph's last background sentence, read when first needed."""
        if not self.background:
            return []
        key = self.background[-1]
        found = self.topics.get(key)
        if found is None:
            hits = cue_hits(self.lower, key[0], key[1], self.lexicon)
            ranked = rank(hits, [])[0] if hits else []
            found = self.topics[key] = [d for d in ranked if d != "other"][:1]
        return found

    def _present_verb(self, start: int, end: int) -> int | None:
        """A present-tense commitment verb among the sentence's first words, not the first."""
        m = self.index.present.first(start, min(end, start + 90))
        return m.start() if m is not None and m.start() > start else None

    def _signing(self, start: int, end: int, modal: Hit | None) -> bool:
        m = self.index.signing.first(start, end)
        if m is None or (modal is not None and m.start() > modal.start()):
            return False
        self.signing.append(Sentence(start, end, -1))
        low = self.lower[start:end]
        if may_state_term(low) and TERM_STATEMENT.search(self.view, start, end):
            return False  # "concluded for ten years": the term route codes it
        self.note("skip", start, end, f"signing: facts read (rule: verb {m.group()!r})")
        if modal is not None:  # "... signed an accord under which Tokyo will provide aid"
            rest = _UNDER_WHICH.search(self.lower, m.end(), modal.start())
            if rest is not None:
                self._route(rest.end(), end, modal)
        return True

    def _term(self, start: int, end: int) -> bool:
        found = term_years(self.view[start:end])
        if found is None:
            return False
        self.term = found
        clause = Clause(
            start,
            end,
            list(self.ctx.parties),
            self.section,
            [],
            [f"rule:term-statement <- {found[1]!r}", "actor:parties <- the agreement's term"],
            kind="mechanism",
            fallback=lambda: ["other"],
            action="remain in force",
        )
        made = provision(
            self.text, self.view, clause, self.lexicon, self.ctx, self.taken, self.index
        )
        made = made.model_copy(
            update={"domains": ["other"], "object": f"the agreement, for {found[1]}"}
        )
        self.term_provision = made.id
        self.provisions.append(made)
        return True

    def clause_end(self, after: int, end: int) -> int:
        """Where a commitment's words end: before a closing attribution (", Tusk told
        reporters": who said it) or a contrast (", but it does not commit troops")."""
        attribution = self.lexicon.attribution_re.search(self.view, after, end)
        if attribution is not None:
            end = attribution.start()
        contrast = _CONTRAST.search(self.view, after, end)
        return contrast.start() if contrast is not None else end

    def _commitment(self, start: int, end: int, verb_at: int, after: int, rule: str) -> bool:
        end = self.clause_end(after, end)
        actors, partners, why = resolve_subject(
            self.view, self.lower, start, verb_at, self.lexicon, self.ctx
        )
        actors, why = self._recipient_subject(actors, after, end, why)
        if not actors:
            if after == verb_at:
                return False  # a present-tense verb without a known subject: try the modal
            self.note("warning", start, end, f"commitment without a known actor ({rule})")
            return True
        pieces = verb_pieces(self.view, after, end, self.lexicon)
        if not pieces:
            return False  # the clause ends at its modal ("... as the Participants will")
        pieces[0] = Piece(start, pieces[0].end, "clause")
        split = [p for piece in pieces for p in parallel_np_pieces(self.view, piece)]
        self._emit(split, actors, [f"rule:{rule}", *why], partners, verb_from=after)
        return True

    def _recipient_subject(
        self, actors: list[str], after: int, end: int, why: list[str]
    ) -> tuple[list[str], list[str]]:
        """ "Ukraine will receive X" and "X will be delivered by Y": the giver acts.

        A passive with "by <party>" names its actor; a recipient subject (Ukraine receives,
        or is supplied) means the agreement's other parties act.
        """
        passive = _PASSIVE.match(self.lower, after, end)
        receive = _RECEIVE.match(self.lower, after, end)
        if passive is None and receive is None:
            return actors, why
        if passive is not None:
            by = _BY.search(self.lower, passive.end(), end)
            if by is not None:
                named = mentions(self.view, by.end(), min(end, by.end() + 40), self.lexicon)
                if named:
                    return [named[0].code], [*why, f"actor:{named[0].code} <- passive 'by'"]
        if actors == [RECIPIENT]:
            others = [p for p in self.ctx.parties if p != RECIPIENT]
            if others:
                return others, [*why, "actor:other parties <- recipient subject"]
        return actors, why

    def _emit(
        self,
        pieces: list[Piece],
        named: list[str],
        why: list[str],
        partners: list[str] | None = None,
        verb_from: int | None = None,
        inherited: str | None = None,
    ) -> None:
        previous: list[str] = []
        action: str | None = None
        actors = list(named)
        if len(actors) > 1:  # the parties' order, others after them
            order = {code: i for i, code in enumerate(self.ctx.parties)}
            actors.sort(key=lambda code: order.get(code, len(order)))
        if self.ctx.parties_sure and actors and not set(actors) & set(self.ctx.parties):
            start, end = pieces[0].start, pieces[-1].end
            self.note("skip", start, end, f"another agreement: {actors} not a party (rule: actor)")
            found = mentions(self.view, start, end, self.lexicon)
            self.passing.extend(m for m in found if m.code in actors and m.kind != "leader")
            return
        for i, piece in enumerate(pieces):
            named_partners = party_rules.predicate_partners(self, piece.start, piece.end, actors)
            clause = Clause(
                piece.start,
                piece.end,
                actors,
                self.section,
                self.section_topic,
                [*why, piece.rule] if piece.rule != "clause" else list(why),
                partners=list(dict.fromkeys([*(partners or []), *named_partners])),
                verb_from=verb_from if i == 0 else None,
                fallback=partial(self._context, piece, previous),
                action=inherited or (action if piece.rule.startswith("split:parallel") else None),
            )
            made = provision(
                self.text, self.view, clause, self.lexicon, self.ctx, self.taken, self.index
            )
            previous, action = made.domains[:1], made.action
            self.provisions.append(made)
        self.ctx.last_actors = list(actors)

    def _context(self, piece: Piece, previous: list[str]) -> list[str]:
        """Domains a cue-less clause inherits: its antecedent's, else the paragraph's."""
        if previous and _PRONOUN.search(self.lower, piece.start, piece.end):
            return previous
        return self._paragraph_topic() or previous

    def _ellipsis(self, start: int, end: int, opener: str) -> None:
        if not self.provisions:
            self.note("warning", start, end, f"ellipsis {opener!r} with nothing before it")
            return
        last = self.provisions[-1]
        clause = Clause(
            start,
            end,
            list(last.actors),
            self.section,
            [],
            [f"rule:ellipsis {opener!r} <- previous provision {last.id!r}"],
            kind=last.kind,
            action=last.action,
        )
        made = provision(
            self.text, self.view, clause, self.lexicon, self.ctx, self.taken, self.index
        )
        domains = list(dict.fromkeys([*made.domains, *last.domains]))
        if made.domains == ["other"]:
            domains = list(last.domains)
        object_text = self.view[start + len(opener) : end].strip()
        self.provisions.append(
            made.model_copy(
                update={
                    "beneficiaries": list(last.beneficiaries),
                    "domains": domains,
                    "object": object_text or made.object,
                }
            )
        )


def extract(text: str, source_id: str = "input", lexicon: Lexicon | None = None) -> Reader:
    """Read `text` and return the reader with its provisions, notes and facts."""
    lexicon = lexicon or load_lexicon()
    view = match_view(text)
    parties, sure = party_rules.find_parties(view, lexicon)
    ctx = Context(parties=parties, source_id=source_id, parties_sure=sure)
    reader = Reader(text, lexicon, ctx, view=view)
    reader.read()
    return reader


def spans_of(reader: Reader) -> list[Span]:
    return [span for p in reader.provisions for span in p.spans]


def draft(text: str, source_id: str = "input", name: str = "input", **source: str) -> Agreement:
    """The draft Agreement for a text (see `party_rules.assemble`)."""
    reader = extract(text, source_id)
    return party_rules.assemble(reader, name=name, **source)
