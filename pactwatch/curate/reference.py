"""The Ukrainian government's summary of partners' commitments (September 2025), read
into items, and our mapping of each item to the provisions that code it.

The summary is an independent coding of the same agreements: each of its items names a
commitment in its own words, with the clause it comes from. Mapping every item to our
provision ids (or saying why none fits) checks our coding against theirs, item by item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from pactwatch.model import Problem
from pactwatch.model.agreement import Record, Sha256, Slug
from pactwatch.model.values import PartyCode

# The summary names partners in Ukrainian; each heads its block after a line with its number.
PARTNERS = {
    "Велика Британія": "GB", "Нідерланди": "NL", "Франція": "FR", "Німеччина": "DE",
    "Данія": "DK", "Італія": "IT", "Канада": "CA", "Фінляндія": "FI", "Латвія": "LV",
    "Іспанія": "ES", "Бельгія": "BE", "Португалія": "PT", "Швеція": "SE", "Норвегія": "NO",
    "Ісландія": "IS", "США": "US", "Японія": "JP", "ЄС": "EU", "Литва": "LT", "Естонія": "EE",
    "Польща": "PL", "Люксембург": "LU", "Румунія": "RO", "Словенія": "SI",
    "Чеська Республіка": "CZ", "Ірландія": "IE", "Албанія": "AL", "Хорватія": "HR",
    "Греція": "GR",
}  # fmt: skip
_METADATA = ("Дата підписання", "Строк дії", "Підписанти", "Весь об'єм", "Весь обʼєм")
_ITEM = re.compile(r"^(?P<label>[^:\n]{3,160}):\s+\S")


@dataclass(frozen=True)
class SummaryItem:
    partner: str
    start: int
    end: int


def summary_items(text: str) -> list[SummaryItem]:
    """Each 'Label: description (clause)' line inside a partner's block."""
    items: list[SummaryItem] = []
    partner: str | None = None
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.strip()
        start = offset + (len(raw) - len(raw.lstrip()))
        offset += len(raw)
        if line in PARTNERS:  # a block's heading (most follow their number; the last do not)
            partner = PARTNERS[line]
        elif partner and _ITEM.match(line) and not line.startswith(_METADATA):
            items.append(SummaryItem(partner, start, start + len(line)))
    return items


class ItemMapping(Record):
    """One summary item: the provisions of the partner's agreement that code it, or why
    none does."""

    partner: PartyCode
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    agreement: Slug
    provisions: list[Slug] = Field(default_factory=list)
    reason: str | None = Field(default=None, description="Why no provision fits.")


class SummaryMapping(Record):
    source: Slug
    sha256: Sha256
    filename: str
    items: list[ItemMapping] = Field(default_factory=list)


def check_mapping(
    mapping: SummaryMapping, text: str, provisions: dict[str, set[str]], file: str
) -> list[Problem]:
    """Problems: an item of the summary with no entry, an entry for no item, an entry with
    neither provisions nor a reason, or a provision id the named agreement lacks."""
    problems: list[Problem] = []
    expected = {(i.start, i.end): i.partner for i in summary_items(text)}
    seen: set[tuple[int, int]] = set()
    for n, item in enumerate(mapping.items):
        key = (item.start, item.end)
        path = f"items.{n}"
        if key not in expected:
            problems.append(Problem(file, path, "not-a-summary-item", f"no item at {key}"))
            continue
        seen.add(key)
        if expected[key] != item.partner:
            problems.append(
                Problem(
                    file,
                    f"{path}.partner",
                    "wrong-partner",
                    f"the summary lists this item under {expected[key]}",
                )
            )
        if not item.provisions and not item.reason:
            problems.append(
                Problem(
                    file, path, "unmapped-item", "map the item to provision ids or give a reason"
                )
            )
        known = provisions.get(item.agreement)
        if known is None or not item.agreement.startswith(f"ua-{item.partner.lower()}-"):
            problems.append(
                Problem(
                    file,
                    f"{path}.agreement",
                    "wrong-agreement",
                    f"{item.agreement!r} is not {item.partner}'s agreement",
                )
            )
            continue
        for j, pid in enumerate(item.provisions):
            if pid not in known:
                problems.append(
                    Problem(
                        file,
                        f"{path}.provisions.{j}",
                        "unknown-provision",
                        f"{item.agreement} has no provision {pid!r}",
                    )
                )
    for key in sorted(set(expected) - seen):
        problems.append(
            Problem(
                file,
                "items",
                "unmapped-item",
                f"summary item at {key[0]}..{key[1]} ({expected[key]}) has no entry",
            )
        )
    return problems


def mapping_stats(mapping: SummaryMapping) -> dict[str, Any]:
    matched = sum(1 for i in mapping.items if i.provisions)
    return {
        "items": len(mapping.items),
        "matched": matched,
        "explained": len(mapping.items) - matched,
        "partners": len({i.partner for i in mapping.items}),
    }


def mapping_folder(data: Path) -> Path:
    return data / "reference" / "ua-summary-2025-09"


def read_mappings(folder: Path) -> tuple[SummaryMapping, list[Problem]]:
    """Every partner's file in the folder, as one mapping (files must agree on the source)."""
    from pactwatch.curate.dataset import read_record

    items: list[ItemMapping] = []
    problems: list[Problem] = []
    first: SummaryMapping | None = None
    for path in sorted(folder.glob("*.yaml")):
        record, found = read_record(path, SummaryMapping)
        problems += found
        if record is None:
            continue
        if first is not None and record.sha256 != first.sha256:
            problems.append(
                Problem(
                    str(path),
                    "sha256",
                    "source-mismatch",
                    "maps a different version of the summary",
                )
            )
        first = first or record
        items += record.items
    if first is None:
        raise FileNotFoundError(f"no mapping files in {folder}")
    return first.model_copy(update={"items": items}), problems
