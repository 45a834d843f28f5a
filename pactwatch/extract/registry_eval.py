"""Leave one agreement out: the extractor measured on texts it was not trained on.

For each coded agreement, a model trained on every record about another partner drafts
that agreement's official text, and the draft is scored against the reviewed record with the same
matching as `eval` (spans overlapping by half the shorter, one to one). The record's
spans on other sources (a news report) are set aside: only the official text is read.
Metadata is scored field by field (parties, signatories, date, place, term). The same
measure runs over our own reports (`data/corpus`), each drafted the way `extract` drafts a
report, by a model that saw nothing about its partner.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pactwatch.extract.evaluate import score
from pactwatch.extract.linear import Model
from pactwatch.extract.official import draft_official
from pactwatch.extract.report import draft_report
from pactwatch.extract.train import Coded, leave_one_out
from pactwatch.model import Agreement

METADATA_FIELDS = ("parties", "signatories", "signed_on", "signed_at", "term")


def on_source(agreement: Agreement, source_id: str) -> Agreement:
    """The record as read from one source: provisions with spans there, only those spans."""
    provisions = [
        p.model_copy(update={"spans": [s for s in p.spans if s.source == source_id]})
        for p in agreement.provisions
        if any(s.source == source_id for s in p.spans)
    ]
    return agreement.model_copy(update={"provisions": provisions})


def _place(value: str | None) -> str:
    return re.sub(r"[^\w]+", "", (value or "").casefold())


def metadata_matches(pred: Agreement, gold: Agreement) -> dict[str, bool]:
    """Field by field; a place compares letters only ("Washington D.C." = "Washington, D.C.")."""
    return {
        "parties": set(pred.parties) == set(gold.parties),
        "signatories": {(s.party, s.name.casefold()) for s in pred.signatories}
        == {(s.party, s.name.casefold()) for s in gold.signatories},
        "signed_on": pred.signed_on == gold.signed_on,
        "signed_at": _place(pred.signed_at) == _place(gold.signed_at),
        "term": (pred.term.years, pred.term.ends_on) == (gold.term.years, gold.term.ends_on),
    }


@dataclass(frozen=True)
class Measured:
    agreement: str
    gold: int
    predicted: int
    matched: int
    actors_right: int
    domains_right: int
    metadata: dict[str, bool]
    amount_pairs: int = 0  # matched pairs where either side states an amount
    amounts_right: int = 0  # the same sum, unit, currency and hedge
    actions_right: int = 0
    objects_right: int = 0

    def as_dict(self) -> dict[str, Any]:
        def share(n: int, d: int) -> float | None:
            return round(n / d, 4) if d else None

        return {
            "agreement": self.agreement,
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "recall": share(self.matched, self.gold),
            "precision": share(self.matched, self.predicted),
            "actor_accuracy": share(self.actors_right, self.matched),
            "domain_accuracy": share(self.domains_right, self.matched),
            "amount_accuracy": share(self.amounts_right, self.amount_pairs),
            "action_accuracy": share(self.actions_right, self.matched),
            "object_accuracy": share(self.objects_right, self.matched),
            "metadata": self.metadata,
        }


def measure(pred: Agreement, gold: Agreement) -> Measured:
    scores = score(pred, gold)
    return Measured(
        gold.id,
        scores.gold,
        scores.predicted,
        scores.matched,
        round((scores.actors or 0.0) * scores.matched),
        round((scores.primary_domain or 0.0) * scores.matched),
        metadata_matches(pred, gold),
        amount_pairs=scores.amount_pairs,
        amounts_right=round((scores.amount_qualifiers or 0.0) * scores.amount_pairs),
        actions_right=round((scores.action or 0.0) * scores.matched),
        objects_right=round((scores.object or 0.0) * scores.matched),
    )


def summary(measured: Sequence[Measured]) -> dict[str, Any]:
    gold = sum(m.gold for m in measured)
    predicted = sum(m.predicted for m in measured)
    matched = sum(m.matched for m in measured)
    fields = [ok for m in measured for ok in m.metadata.values()]

    def share(n: int, d: int) -> float:
        return round(n / d, 4) if d else 0.0

    return {
        "recall": share(matched, gold),
        "precision": share(matched, predicted),
        "actor_accuracy": share(sum(m.actors_right for m in measured), matched),
        "domain_accuracy": share(sum(m.domains_right for m in measured), matched),
        "action_accuracy": share(sum(m.actions_right for m in measured), matched),
        "object_accuracy": share(sum(m.objects_right for m in measured), matched),
        "metadata_accuracy": share(sum(fields), len(fields)),
        "amount_accuracy": share(
            sum(m.amounts_right for m in measured), sum(m.amount_pairs for m in measured)
        ),
        "amount_pairs": sum(m.amount_pairs for m in measured),
        "metadata_by_field": {
            name: share(sum(m.metadata[name] for m in measured), len(measured))
            for name in METADATA_FIELDS
        },
        "agreements": len(measured),
        "gold": gold,
        "predicted": predicted,
        "matched": matched,
        "per_agreement": [m.as_dict() for m in measured],
    }


def evaluate_registry(
    items: Sequence[Coded],
    only: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
    reports: bool = False,
) -> dict[str, Any]:
    """Every official text (or those in `only`; with `reports`, every report) drafted by a
    model that never saw its agreement."""
    items = [
        Coded(on_source(i.agreement, i.source_id), i.source_id, i.text, i.report) for i in items
    ]

    def draft(item: Coded, model: Model) -> Agreement:
        if item.report:
            return draft_report(item.text, item.source_id, model)
        return draft_official(item.text, item.source_id, model)

    results = leave_one_out(items, draft, only=only, progress=progress, reports=reports)
    return summary([measure(pred, item.agreement) for item, pred in results])
