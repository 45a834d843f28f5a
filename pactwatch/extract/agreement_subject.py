"""Sentences whose subject is the agreement itself ("The agreement provides for ...").

The agreement's clauses bind all its parties, unless the sentence names who is bound
("The pact commits Washington to train Ukrainian forces"); a clause list ("covers A, B and
C") gives one provision per item; how the agreement can end is a fact about its term, not
a commitment.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pactwatch.extract.actors import mentions
from pactwatch.extract.clauses import Piece, item_pieces, parallel_np_pieces, verb_pieces
from pactwatch.extract.lexicon import Lexicon

if TYPE_CHECKING:
    from pactwatch.extract.extractor import Reader

# "It" too: "It also provides for annual consultations" (only an agreement verb or clause
# list after it makes the agreement the subject).
AGREEMENT_SUBJECT = re.compile(
    r"(?:(?:the|this)\s+(?:security\s+|bilateral\s+|new\s+)*(?:agreement|document|deal|pact|"
    r"accord|treaty|text)|it)\s+(?:also\s+|further\s+)?"
)
# "commits Washington to", "obliges both sides to": who is bound, then what they do
_BINDS = re.compile(
    r"(?:commits|obliges|obligates|binds|requires)\s+(?P<who>(?:[\w.'-]+\s+){1,5}?)to\s+(?!the\b)"
)
_ENDS_BY = re.compile(
    r"(?:can|may|could|shall|will)\s+be\s+(?:terminated|denounced|ended|suspended)\b"
)
_MODALS = frozenset({"can", "may", "could", "shall", "will"})
_BINDING = frozenset({"commits", "obliges", "obligates", "binds", "requires"})


def _first_words(lexicon: Lexicon) -> frozenset[str]:
    """The words a clause list, an agreement verb or a binding can start with: any other
    word after the agreement means an ordinary sentence (most sentences about "it")."""
    phrases = [*lexicon.grammar["clause_list_triggers"], *lexicon.grammar["agreement_verbs"]]
    return frozenset(p.split()[0] for p in phrases) | _BINDING


def agreement_clauses(reader: Reader, start: int, end: int, after: int) -> bool:
    """Code a sentence whose subject (ending at `after`) is the agreement; False if it
    is not such a sentence after all."""
    low = reader.lower
    word = low[after : after + 16].split(None, 1)[0] if after < end else ""
    if word in _MODALS:
        if _ENDS_BY.match(low, after, end) is None:
            return False  # "The agreement will ...": an ordinary commitment of the parties
        reader.note("skip", start, end, "term: how the agreement can end (not a commitment)")
        return True
    if word not in reader.lexicon.derived(_first_words):
        return False
    for trigger in reader.lexicon.grammar["clause_list_triggers"]:
        if low.startswith(trigger + " ", after):
            items = item_pieces(reader.view, after + len(trigger) + 1, end, reader.lexicon)
            reader._emit(items, list(reader.ctx.parties), [f"rule:clause-list {trigger!r}"])
            return True
    if _bound_party(reader, start, end, after):
        return True
    for verb in reader.lexicon.grammar["agreement_verbs"]:
        if not low.startswith(verb + " ", after):
            continue
        rest = after + len(verb)
        modal = reader.lexicon.modal_re.search(low, rest, end)
        if modal and mentions(reader.view, rest, modal.start(), reader.lexicon):
            return False  # "stipulates that Germany will ...": the clause has its subject
        piece = Piece(start, end, f"rule:agreement-verb {verb!r}")
        reader._emit([piece], list(reader.ctx.parties), ["actor:parties <- the agreement"])
        return True
    return False


def _bound_party(reader: Reader, start: int, end: int, after: int) -> bool:
    """ "The pact commits Washington to train ...": the named party acts."""
    bound = _BINDS.match(reader.lower, after, end)
    if bound is None:
        return False
    named = mentions(reader.view, bound.start("who"), bound.end("who"), reader.lexicon)
    codes = list(dict.fromkeys(m.code for m in named if m.kind != "leader"))
    if not codes:
        return False  # "commits the parties to": the agreement-verb rule gives all parties
    why = [f"rule:agreement binds {bound.group('who').strip()!r}"]
    why += [f"actor:{m.code} <- {m.kind} {m.surface!r}" for m in named]
    end = reader.clause_end(bound.end(), end)
    pieces = verb_pieces(reader.view, bound.end(), end, reader.lexicon)
    pieces[0] = Piece(start, pieces[0].end, "clause")
    split = [p for piece in pieces for p in parallel_np_pieces(reader.view, piece)]
    reader._emit(split, codes, why, verb_from=bound.end())
    return True
