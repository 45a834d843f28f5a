"""Score a draft against a curated record: provisions matched by span overlap.

A predicted provision may match a gold one when their spans overlap by at least half of
the shorter. Each provision matches at most once, and the pairs are the most that can be
made at once (an optimal assignment, ties broken by total overlap): taking the largest
overlaps first can spend a piece on a gold provision that another piece could have had.
Field accuracies are over matched pairs only, as in span-based NER scoring.

Action and object are compared as text: the token F1 of their words (case folded,
punctuation and a few function words dropped, the measure SQuAD uses for extracted answers),
equal when it reaches `SAME_WORDING` (half the words shared both ways). They are reported
beside the span match, not folded into it: the span says whether the draft found the
clause, the wording whether it read it right, and a paraphrase should not count as a
missed clause. `strict_*` counts a pair only when its action and object agree too, so a
draft that finds every clause but words them wrongly scores 1.0 on recall and less on
strict recall.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass

from pactwatch.model import Agreement, Provision

MIN_OVERLAP = 0.5
SAME_WORDING = 0.5
"""Token F1 at or above which two actions (or two objects) count as the same wording."""
_WORD = re.compile(r"\w+")
_FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "to", "and", "in", "on", "for", "its"})


@dataclass(frozen=True)
class Scores:
    gold: int
    predicted: int
    matched: int
    precision: float
    recall: float
    f1: float
    actors: float | None
    beneficiaries: float | None
    primary_domain: float | None
    any_domain: float | None
    kind: float | None
    amounts: float | None
    amount_pairs: int
    amount_periods: float | None = None  # same period ("2024", "2024/25", "P4Y", "annual")
    amount_qualifiers: float | None = None  # same amount and the same hedge ("at least")
    action: float | None = None  # share of matched pairs whose actions agree (token F1)
    object: float | None = None  # share of matched pairs whose objects agree (token F1)
    wording_matched: int = 0  # matched pairs whose action and object both agree
    strict_precision: float = 0.0
    strict_recall: float = 0.0
    strict_f1: float = 0.0

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def _interval(p: Provision) -> tuple[int, int]:
    return min(s.start for s in p.spans), max(s.end for s in p.spans)


def match(pred: list[Provision], gold: list[Provision]) -> list[tuple[Provision, Provision]]:
    """One-to-one pairs (predicted, gold) by span overlap."""
    candidates: list[tuple[int, int, int]] = []
    for i, p in enumerate(pred):
        if not p.spans:
            continue
        ps, pe = _interval(p)
        for j, g in enumerate(gold):
            if not g.spans:
                continue
            gs, ge = _interval(g)
            overlap = min(pe, ge) - max(ps, gs)
            if overlap > 0 and overlap >= MIN_OVERLAP * min(pe - ps, ge - gs):
                candidates.append((overlap, i, j))
    if not candidates:
        return []
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    rows = sorted({i for _, i, _ in candidates})
    cols = sorted({j for _, _, j in candidates})
    row_at = {i: n for n, i in enumerate(rows)}
    col_at = {j: n for n, j in enumerate(cols)}
    # a pair is worth more than any sum of overlaps, so the most pairs win first
    bonus = 1 + sum(overlap for overlap, _, _ in candidates)
    weight = np.zeros((len(rows), len(cols)), dtype=np.float64)
    for overlap, i, j in candidates:
        weight[row_at[i], col_at[j]] = bonus + overlap
    picked_rows, picked_cols = linear_sum_assignment(weight, maximize=True)
    return [
        (pred[rows[r]], gold[cols[c]])
        for r, c in zip(picked_rows, picked_cols, strict=True)
        if weight[r, c] > 0
    ]


def _share(
    pairs: list[tuple[Provision, Provision]], same: Callable[[Provision, Provision], bool]
) -> float | None:
    if not pairs:
        return None
    return round(sum(1 for p, g in pairs if same(p, g)) / len(pairs), 4)


def _same_amount(p: Provision, g: Provision) -> bool:
    if p.amount is None or g.amount is None:
        return p.amount is None and g.amount is None
    return (
        abs(p.amount.value - g.amount.value) <= 1e-6 * max(1.0, g.amount.value)
        and p.amount.currency == g.amount.currency
        and p.amount.unit == g.amount.unit
    )


def same_hedged_amount(p: Provision, g: Provision) -> bool:
    """The same sum, unit and hedge: "at least EUR 1 billion" is not "EUR 1 billion"."""
    if not _same_amount(p, g):
        return False
    return p.amount is None or g.amount is None or p.amount.qualifier == g.amount.qualifier


def _tokens(text: str | None) -> list[str]:
    return [w for w in _WORD.findall((text or "").casefold()) if w not in _FUNCTION_WORDS]


def wording_f1(predicted: str | None, gold: str | None) -> float:
    """Token F1 of two texts (1.0 when both are empty)."""
    p, g = _tokens(predicted), _tokens(gold)
    if not p or not g:
        return 1.0 if p == g else 0.0
    shared = sum((Counter(p) & Counter(g)).values())
    if not shared:
        return 0.0
    precision, recall = shared / len(p), shared / len(g)
    return 2 * precision * recall / (precision + recall)


def same_action(p: Provision, g: Provision) -> bool:
    return wording_f1(p.action, g.action) >= SAME_WORDING


def same_object(p: Provision, g: Provision) -> bool:
    return wording_f1(p.object, g.object) >= SAME_WORDING


def _f1(n: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    precision = n / n_pred if n_pred else 0.0
    recall = n / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 4), round(recall, 4), round(f1, 4)


def _period(p: Provision) -> str | None:
    return p.amount.period if p.amount is not None else None


def score(pred: Agreement, gold: Agreement) -> Scores:
    pairs = match(pred.provisions, gold.provisions)
    n_pred, n_gold, n = len(pred.provisions), len(gold.provisions), len(pairs)
    precision = n / n_pred if n_pred else 0.0
    recall = n / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    money = [(p, g) for p, g in pairs if p.amount is not None or g.amount is not None]
    worded = sum(1 for p, g in pairs if same_action(p, g) and same_object(p, g))
    strict = _f1(worded, n_pred, n_gold)
    return Scores(
        gold=n_gold,
        predicted=n_pred,
        matched=n,
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        actors=_share(pairs, lambda p, g: set(p.actors) == set(g.actors)),
        beneficiaries=_share(pairs, lambda p, g: set(p.beneficiaries) == set(g.beneficiaries)),
        primary_domain=_share(pairs, lambda p, g: p.domains[:1] == g.domains[:1]),
        any_domain=_share(pairs, lambda p, g: bool(set(p.domains) & set(g.domains))),
        kind=_share(pairs, lambda p, g: p.kind == g.kind),
        amounts=_share(money, _same_amount),
        amount_pairs=len(money),
        amount_periods=_share(money, lambda p, g: _same_amount(p, g) and _period(p) == _period(g)),
        amount_qualifiers=_share(money, same_hedged_amount),
        action=_share(pairs, same_action),
        object=_share(pairs, same_object),
        wording_matched=worded,
        strict_precision=strict[0],
        strict_recall=strict[1],
        strict_f1=strict[2],
    )
