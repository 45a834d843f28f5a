"""Questions people bring to the registry, answered from every coded agreement.

Each answer is a list of rows computed from the records (never stored), each row naming
the provisions or fields it rests on, so a reader can open the clause behind a cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from pactwatch.model import Agreement
from pactwatch.model.codes import party_name

Row = dict[str, Any]


def _partner(agreement: Agreement) -> str:
    return next((p for p in agreement.parties if p != "UA"), agreement.parties[0])


def consultation_24h(agreements: Sequence[Agreement]) -> list[Row]:
    """Agreements with consultations due within 24 hours, what starts the clock, and the
    provision that states it."""
    rows = []
    for a in agreements:
        for m in a.mechanisms:
            if m.kind == "consultation_on_trigger" and m.within == "PT24H":
                rows.append(
                    {
                        "agreement": a.id,
                        "partner": party_name(_partner(a)),
                        "triggers": ", ".join(m.triggers),
                        "starts_on": m.starts_on,
                        "provision": m.provision,
                    }
                )
    return rows


def money(agreements: Sequence[Agreement]) -> list[Row]:
    """Sums pledged per partner, period, currency and qualifier (a floor is not added to an
    exact sum); shares of GDP listed as such. Amounts are as the texts state them: no
    conversion between currencies, no guess at what overlaps."""
    totals: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    values: dict[tuple[str, str, str, str], float] = defaultdict(float)
    for a in agreements:
        for p in a.provisions:
            amount = p.amount
            if amount is None or _partner(a) not in p.actors:
                continue
            unit = amount.currency if amount.unit == "currency" else "% of GDP"
            key = (a.id, amount.period or "unstated", unit or "?", amount.qualifier)
            values[key] += amount.value
            totals[key].append(p.id)
    return [
        {
            "agreement": aid,
            "partner": party_name(_partner(next(a for a in agreements if a.id == aid))),
            "period": period,
            "unit": unit,
            "qualifier": qualifier,
            "value": values[(aid, period, unit, qualifier)],
            "provisions": ", ".join(ids),
        }
        for (aid, period, unit, qualifier), ids in sorted(totals.items())
    ]


def nato_accession(agreements: Sequence[Agreement]) -> list[Row]:
    """What each text says happens if Ukraine joins NATO during its term."""
    rows = []
    for a in agreements:
        end = a.term_end()
        rows.append(
            {
                "agreement": a.id,
                "partner": party_name(_partner(a)),
                "on_nato_accession": a.term.on_nato_accession or "no text",
                "ends_early_if": ", ".join(a.term.ends_early_if),
                "term_years": a.term.years,
                "ends_on": end.isoformat() if end else None,
            }
        )
    return rows


QUESTIONS: dict[str, Callable[[Sequence[Agreement]], list[Row]]] = {
    "consultation-24h": consultation_24h,
    "money": money,
    "nato-accession": nato_accession,
}
