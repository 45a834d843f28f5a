"""Features of candidates and break points, the words a trained decision weighs.

Party names are replaced by their role before anything is counted: "Canada will",
"the French Participant would" and "Japan intends" all become "PARTNER ...", Ukraine
becomes UKRAINE and any other country COUNTRY. A model trained on 27 agreements then
knows the 28th partner's sentences without having seen its name, which is what leaving
one agreement out tests.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from pactwatch.extract.candidates import Candidate, Point
from pactwatch.extract.function_words import function_words
from pactwatch.extract.lexicon import Lexicon, load_lexicon, place_for
from pactwatch.sources.units import Unit, commitment_matches

WINDOW = 400  # characters read before a point or piece, whatever the sentence's length
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+")
UKRAINE = "UKRAINE"


@dataclass
class RoleView:
    """A text read once for every feature asked of it: its words in order (lower case,
    numbers as NUM, each party mention one role token) and where its commitment cues are.
    Features then slice by bisection instead of reading the text again for each piece."""

    text: str
    token_starts: list[int]
    tokens: list[str]
    cue_starts: list[int]
    cues: list[tuple[int, str]]  # (end, word) of each cue, by start
    verbs: dict[str, str]  # verb form -> base form, from the grammar lexicon

    def words(self, start: int, end: int) -> list[str]:
        """The words that start within text[start:end], party names as role tokens."""
        return self.tokens[
            bisect_left(self.token_starts, start) : bisect_left(self.token_starts, end)
        ]

    def cue(self, start: int, end: int) -> str | None:
        """The first commitment cue lying wholly within text[start:end], lower-cased."""
        i = bisect_left(self.cue_starts, start)
        while i < len(self.cues) and self.cue_starts[i] < end:
            cue_end, word = self.cues[i]
            if cue_end <= end:
                return word
            i += 1
        return None


def role_view(text: str, partners: Iterable[str], lexicon: Lexicon | None = None) -> RoleView:
    lexicon = lexicon or load_lexicon()
    partner_codes = set(partners) - {"UA"}
    starts: list[int] = []
    tokens: list[str] = []
    cursor = 0

    def add_words(upto: int) -> None:
        for match in _WORD.finditer(text, cursor, upto):
            word = match.group().lower()
            starts.append(match.start())
            tokens.append("NUM" if word.isdigit() else word)

    for match in lexicon.place_re.finditer(text):
        place = place_for(lexicon, match.group())
        if place is None or place.kind == "leader":
            continue
        if place.code == "UA":
            role = UKRAINE
        elif place.code in partner_codes:
            role = "PARTNER"
        else:
            role = "COUNTRY"
        add_words(match.start())
        starts.append(match.start())
        tokens.append(role)
        cursor = match.end()
    add_words(len(text))
    found = [(m.start(), m.end(), m.group().lower()) for m in commitment_matches(text)]
    return RoleView(
        text,
        starts,
        tokens,
        [start for start, _, _ in found],
        [(end, word) for _, end, word in found],
        lexicon.verb_forms,
    )


def _bag(prefix: str, words: list[str], bigrams: bool = True) -> dict[str, float]:
    feats = {f"{prefix}:{w}": 1.0 for w in words}
    if bigrams:
        feats.update({f"{prefix}:{a}_{b}": 1.0 for a, b in itertools.pairwise(words)})
    return feats


def _length(n: int) -> str:
    return (
        "0-3" if n < 4 else "4-8" if n < 9 else "9-20" if n < 21 else "21-40" if n < 41 else "41+"
    )


def candidate_features(view: RoleView, cand: Candidate) -> dict[str, float]:
    text = view.text
    own = view.words(cand.start, cand.end)
    unit = view.words(cand.unit.start, min(cand.unit.end, cand.unit.start + WINDOW))
    feats = _bag("w", own)
    feats.update(_bag("f", own[:4], bigrams=False) if own else {})
    feats.update({f"u:{w}": 1.0 for w in unit[:8]})
    feats[f"kind:{cand.context.kind}"] = 1.0
    feats[f"document:{cand.context.document}"] = 1.0
    feats[f"piece:{min(cand.piece, 2)}"] = 1.0
    feats[f"len:{_length(len(own))}"] = 1.0
    tail = text[cand.start : cand.end].rstrip()[-1:]
    feats[f"ends:{tail if tail in ':;,.' else 'other'}"] = 1.0
    if own and own[0] in {"to", "and", "or", "as", "including"}:
        feats[f"opens:{own[0]}"] = 1.0
    cue = view.cue(cand.start, cand.end)
    feats["cue:" + (cue.lower() if cue else "none")] = 1.0
    if cue:
        feats["cue:any"] = 1.0  # the same signal in any language the cue list covers
    if cand.piece and view.cue(max(cand.unit.start, cand.start - WINDOW), cand.start):
        feats["cue:before"] = 1.0
    if cand.context.intro is not None:
        intro = view.words(*cand.context.intro)
        feats.update({f"i:{w}": 1.0 for w in intro[-10:]})
        feats.update({f"if:{w}": 1.0 for w in intro[:4]})
        intro_cue = view.cue(*cand.context.intro)
        feats["icue:" + (intro_cue.lower() if intro_cue else "none")] = 1.0
        if intro_cue:
            feats["icue:any"] = 1.0
    for start, end in cand.context.headings[-2:]:
        feats.update({f"h:{w}": 1.0 for w in view.words(start, end)[:8] if len(w) > 2})
    return feats


def point_features(
    view: RoleView, unit: Unit, point: Point, points: int, previous_at: int | None = None
) -> dict[str, float]:
    """What a break point looks like: the mark, the words either side and whether the
    next words repeat the shape of the unit's first pledge ("to provide ..., to impose")."""
    # another language's function words as English ones: how pledges are strung together
    # is learnt from English texts, what they are about is not
    english = function_words().read
    before = [english(w) for w in view.words(max(unit.start, point.at - 60), point.at)]
    after = [english(w) for w in view.words(point.at, min(unit.end, point.at + 60))]
    # what lies before the point is read through a window, never from the unit's start:
    # a sentence with thousands of commas must cost thousands of windows, not their square
    window = max(unit.start, point.at - WINDOW)
    head = view.words(window, point.at)
    opening = view.words(unit.start, min(point.at, unit.start + 120))
    mark = function_words().phrase(point.mark)
    feats: dict[str, float] = {f"mark:{mark}": 1.0, "bias_point": 1.0}
    feats.update({f"a{i}:{w}": 1.0 for i, w in enumerate(after[:3])})
    feats.update({f"s{i}:{w[-3:]}": 1.0 for i, w in enumerate(after[:2])})
    feats.update({f"b{i}:{w}": 1.0 for i, w in enumerate(reversed(before[-2:]))})
    feats[f"pos:{min(point.index, 4)}"] = 1.0
    feats[f"points:{min(points, 6)}"] = 1.0
    feats[f"headlen:{_length(len(head))}"] = 1.0
    if after and after[0] in opening[:12]:
        feats["repeats_head_word"] = 1.0
    if after[:1] == ["to"] and "to" in head:
        feats["parallel_to"] = 1.0
    if any(w in {"including", "such", "e", "g"} for w in before[-3:]):
        feats["after_including"] = 1.0
    if view.cue(point.at, min(unit.end, point.at + 40)):
        feats["cue_after"] = 1.0
    for i, word in enumerate(after[:3]):
        if _is_verb(view, word):
            feats[f"verb_at:{i}"] = 1.0
            feats[f"verb_after:{' '.join(after[:i])}"] = 1.0
            break
    if view.cue(window, point.at):
        feats["cue_before"] = 1.0
    opened = view.text.count("(", window, point.at) - view.text.count(")", window, point.at)
    if opened > 0:
        feats["in_brackets"] = 1.0
    if view.text[unit.end - 1] == ":":  # units end on their last visible character
        feats["unit_is_intro"] = 1.0
    feats[f"commas:{min(points, 8)}"] = 1.0
    # items of one list tend to open alike: two verbs, two "-ment" nouns, two "to ..."
    first = after[:1]
    previous = view.words(previous_at, min(unit.end, previous_at + 40))[:1] if previous_at else []
    if first and previous:
        if first[0][-3:] == previous[0][-3:]:
            feats["same_ending_as_previous"] = 1.0
        if _is_verb(view, first[0]) and _is_verb(view, previous[0]):
            feats["both_verbs"] = 1.0
    return feats


def _is_verb(view: RoleView, word: str) -> bool:
    if word in view.verbs or function_words().is_verb(word):
        return True
    if word.endswith("ing") and len(word) > 5:
        stem = word[:-3]
        return any(base in view.verbs for base in (stem, stem + "e", stem[:-1]))
    return False
