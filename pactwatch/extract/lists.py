"""Lists: an intro line ending with ':' and the items under it.

"The Participants will:" followed by items gives one provision per item, each with the
intro's subject; "The Participants will cooperate in the following areas:" also gives
its verb to items that are noun phrases ("(a) air defence"). "The agreement sets out
commitments, including:" makes every party the subject of its items.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from pactwatch.extract.actors import resolve_subject
from pactwatch.extract.agreement_subject import AGREEMENT_SUBJECT
from pactwatch.extract.build import find_verb
from pactwatch.extract.clauses import verb_pieces
from pactwatch.extract.segment import Block, Sentence

if TYPE_CHECKING:
    from pactwatch.extract.extractor import Reader

_ITEM_TAIL = re.compile(r"[;,.]?\s*(?:(?:and|or)\s*)?$")
_FIRST_WORD = re.compile(r"[a-z][\w'-]*")


class ListIntro(NamedTuple):
    """What the items of "The Participants will cooperate in these areas:" inherit."""

    actors: list[str]
    partners: list[str]
    why: list[str]
    action: str | None  # the intro's verb, for items that are noun phrases


def list_intro(reader: Reader, sentence: Sentence) -> bool:
    """Remember a list's intro on the reader; False when the sentence is not one."""
    start, end = sentence.start, sentence.end
    modal = reader.index.modal.first(start, end)
    if modal is None:
        return _agreement_list_intro(reader, start, end)
    actors, partners, why = resolve_subject(
        reader.view, reader.lower, start, modal.start(), reader.lexicon, reader.ctx
    )
    if not actors:
        return False
    verb = find_verb(reader.lower, modal.end(), end, reader.lexicon)
    why = [f"rule:list-intro {modal.group()!r}", *why]
    reader.intro = ListIntro(actors, partners, why, verb[0] if verb else None)
    reader.note("skip", start, end, "list intro: its items follow (rule: line ending with ':')")
    return True


def _agreement_list_intro(reader: Reader, start: int, end: int) -> bool:
    """ "The agreement sets out commitments, including:": its items bind all parties."""
    subject = AGREEMENT_SUBJECT.match(reader.lower, start, end)
    if subject is None or reader.lower.startswith("it ", start):
        return False
    why = ["rule:list-intro by the agreement", "actor:parties <- the agreement"]
    reader.intro = ListIntro(list(reader.ctx.parties), [], why, None)
    reader.note("skip", start, end, "list intro: its items follow (rule: line ending with ':')")
    return True


def list_item(reader: Reader, block: Block) -> None:
    """One item under the current intro: its provisions, with the intro's subject."""
    assert reader.intro is not None
    intro = reader.intro
    end = block.end
    tail = _ITEM_TAIL.search(reader.view, block.start, end)
    if tail:
        end = tail.start()
    pieces = verb_pieces(reader.view, block.start, end, reader.lexicon)
    first = _FIRST_WORD.match(reader.lower, block.start, end)
    noun_item = first is None or first.group() not in reader.lexicon.verb_forms
    why = [*intro.why, "rule:list-item"]
    if noun_item and intro.action:  # "(a) air defence": cooperate on air defence
        why.append(f"action:{intro.action} <- list intro")
    reader._emit(
        pieces,
        intro.actors,
        why,
        intro.partners,
        verb_from=block.start,
        inherited=intro.action if noun_item else None,
    )
