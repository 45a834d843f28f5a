"""Our coding checked against the government's own: every summary item is mapped to the
provisions of its partner's agreement that code it, or says why none does."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch.curate import load_dataset
from pactwatch.curate.reference import (
    ItemMapping,
    check_mapping,
    mapping_folder,
    mapping_stats,
    read_mappings,
    summary_items,
)
from pactwatch.settings import PROJECT_ROOT, source_dirs
from pactwatch.sources import SourceLibrary
from tests.conftest import require

DATA = PROJECT_ROOT / "data"


@pytest.fixture(scope="module")
def summary() -> str:
    mapping, problems = read_mappings(mapping_folder(DATA))
    assert not problems, [p.line() for p in problems]
    text = SourceLibrary(source_dirs()).text_for(mapping.sha256)
    require(text is not None, "the government summary is not in the source folders")
    assert text is not None
    return text


@pytest.fixture(scope="module")
def provisions() -> dict[str, set[str]]:
    return {a.id: {p.id for p in a.provisions} for a in load_dataset([DATA]).by_id().values()}


def test_every_item_of_the_summary_is_mapped(summary: str, provisions: dict[str, set[str]]) -> None:
    mapping, _ = read_mappings(mapping_folder(DATA))
    problems = check_mapping(mapping, summary, provisions, "mapping")
    assert problems == [], [p.line() for p in problems][:10]
    stats = mapping_stats(mapping)
    assert stats["items"] == len(summary_items(summary)) >= 380, stats
    assert stats["partners"] == 28, stats
    assert stats["matched"] / stats["items"] > 0.95, stats


def test_an_unmapped_item_or_a_wrong_agreement_fails(
    summary: str, provisions: dict[str, set[str]]
) -> None:
    mapping, _ = read_mappings(mapping_folder(DATA))
    first = mapping.items[0]
    partner_ids = provisions[first.agreement]
    other = next(a for a in provisions if a != first.agreement and a.startswith("ua-"))
    cases = {
        "unmapped-item": first.model_copy(update={"provisions": [], "reason": None}),
        "wrong-agreement": first.model_copy(update={"agreement": other}),
        "unknown-provision": first.model_copy(update={"provisions": ["no-such-provision"]}),
    }
    assert sorted(partner_ids)
    for code, broken in cases.items():
        items: list[ItemMapping] = [broken, *mapping.items[1:]]
        found = check_mapping(mapping.model_copy(update={"items": items}), summary, provisions, "m")
        assert [p.code for p in found] == [code], (code, [p.line() for p in found])
    dropped = mapping.model_copy(update={"items": mapping.items[1:]})
    found = check_mapping(dropped, summary, provisions, "m")
    assert [p.code for p in found] == ["unmapped-item"], [p.line() for p in found]


def test_items_of_the_last_partners_are_theirs(summary: str) -> None:
    """Greece and Croatia head their blocks without a number; their items are not Albania's."""
    partners = [i.partner for i in summary_items(summary)]
    assert "HR" in partners and partners[-1] == "HR", partners[-5:]
    assert Path(mapping_folder(DATA) / "hr.yaml").is_file()
