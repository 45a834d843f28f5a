"""Draft a record from a report about an agreement: the rules' facts, the trained decisions.

The rules read what reports state in many ways but in few places (parties, the signing,
signatories, the term, other deals mentioned, amounts and who gives them); they missed
most commitments whose grammar they were not written for. So every sentence and list item
of the report is a candidate, the trained decision says which commit, and where the rules
drafted a provision over the same words its reading of the fields is kept (actors named
in the sentence, currency by the giver, the pledge's period); elsewhere the trained heads
fill them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from pactwatch.extract.extractor import draft as rules_draft
from pactwatch.extract.features import candidate_features
from pactwatch.extract.lexicon import Lexicon, load_lexicon
from pactwatch.extract.linear import Model
from pactwatch.extract.official import action_and_object, candidates, decide, prepare
from pactwatch.extract.slugs import Slugs
from pactwatch.model import Agreement, Provision

# A provision only the rules drafted is kept when the trained decision gives its words at
# least this much: the rules split lists the model keeps whole and read forms it has not
# learnt, but they also take background for pledges, which the model knows better.
RULE_SUPPORT = 0.25
# reports say more that commits no one (background, reactions, other deals) than
# agreements do: a piece needs this much to be a commitment
THRESHOLD = 0.5
_KEEP_FROM_RULES = (
    "actors",
    "beneficiaries",
    "action",
    "object",
    "amount",
    "timing",
    "domains",
    "kind",
)


def draft_report(
    text: str,
    source_id: str,
    model: Model,
    name: str = "input",
    lexicon: Lexicon | None = None,
    **source: str,
) -> Agreement:
    lexicon = lexicon or load_lexicon()
    ruled = rules_draft(text, source_id=source_id, name=name, **source)
    partner = next((p for p in ruled.parties if p != "UA"), None)
    prepared = prepare(text, lexicon, parties=ruled.parties, report=True)
    rules = RuleIndex(ruled.provisions)
    slugs = Slugs()
    provisions: list[Provision] = []
    weighed: list[tuple[int, int, float]] = []
    commitment = model.heads["commitment"]
    for cand in candidates(prepared, model):
        feats = candidate_features(prepared.view, cand)
        p_commit = commitment.probabilities(feats)[0]
        weighed.append((cand.start, cand.end, p_commit))
        if p_commit < THRESHOLD:
            continue
        inside = rules.inside(cand.start, cand.end)
        if len(inside) > 1:  # the rules split the piece into pledges: their split stands
            if model.probabilities(feats, ("commitment",))["commitment"][0] < THRESHOLD:
                continue  # as decide() sums it: no provision, so no split either
            # the piece's own id stays taken, as when it was drafted and then set aside,
            # so the ids of the provisions after it do not move
            slugs.make(*action_and_object(prepared, cand, lexicon))
            why = f"a piece the trained decision took ({p_commit:.2f}), split by the rules"
            provisions += [r.model_copy(update={"why": [*r.why, why]}) for r in inside]
            rules.used.update(id(r) for r in inside)
            continue
        made = decide(prepared, cand, model, partner, source_id, slugs, lexicon, THRESHOLD, feats)
        if made is None:
            continue
        rule = rules.overlapping(cand.start, cand.end)
        if rule is not None:
            rules.used.add(id(rule))
            fields = {f: getattr(rule, f) for f in _KEEP_FROM_RULES}
            made = made.model_copy(
                update={**fields, "why": [*made.why, f"fields from rule provision {rule.id}"]}
            )
        provisions.append(made)
    starts = [start for start, _, _ in weighed]
    for rule in ruled.provisions:
        if id(rule) in rules.used:
            continue
        support = _support(weighed, starts, rule)
        if support >= RULE_SUPPORT:  # the rules saw a pledge where the model was unsure
            why = f"from the rules; the trained decision gave its words {support:.2f}"
            provisions.append(rule.model_copy(update={"why": [*rule.why, why]}))
    return ruled.model_copy(update={"provisions": provisions})


def _own_words(rule: Provision) -> tuple[int, int]:
    last = max(rule.spans, key=lambda s: s.start)
    return last.start, last.end


class RuleIndex:
    """The rule provisions by where their own words start, so each piece finds its rule
    provisions by bisection: a report with thousands of pledges stays linear."""

    def __init__(self, rules: list[Provision]) -> None:
        ordered = sorted(rules, key=_own_words)
        self.rules = ordered
        self.starts = [_own_words(r)[0] for r in ordered]
        self.longest = max((e - s for s, e in map(_own_words, ordered)), default=0)
        self.used: set[int] = set()

    def inside(self, start: int, end: int) -> list[Provision]:
        """Rule provisions whose own words lie within [start, end] (the end's stop too)."""
        found = []
        for i in range(bisect_left(self.starts, start), len(self.rules)):
            if self.starts[i] > end:
                break
            if _own_words(self.rules[i])[1] <= end + 1:
                found.append(self.rules[i])
        return found

    def overlapping(self, start: int, end: int) -> Provision | None:
        """The rule provision sharing most words with [start, end], at least half the shorter."""
        best: tuple[int, Provision] | None = None
        for i in range(bisect_left(self.starts, start - self.longest), len(self.rules)):
            s, e = _own_words(self.rules[i])
            if s >= end:
                break
            overlap = min(end, e) - max(start, s)
            enough = overlap > 0 and overlap >= 0.5 * min(end - start, e - s)
            if enough and (best is None or overlap > best[0]):
                best = (overlap, self.rules[i])
        return best[1] if best is not None else None


def _support(weighed: list[tuple[int, int, float]], starts: list[int], rule: Provision) -> float:
    """The trained commitment probability of the pieces a rule provision's words fall in
    (the highest; pieces do not overlap and come in order)."""
    found = 0.0
    for span in rule.spans:
        i = max(0, bisect_right(starts, span.start) - 1)
        while i < len(weighed) and weighed[i][0] < span.end:
            if weighed[i][1] > span.start:
                found = max(found, weighed[i][2])
            i += 1
    return found
