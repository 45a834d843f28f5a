"""`pactwatch.link`: events proposed from reports, their dates, their links, and the guards
that keep pledges, plans and a partner's own equipment out."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pactwatch.link import Proposal, load_agreements, propose
from pactwatch.link.evaluate import Gold, score
from pactwatch.model import Agreement
from pactwatch.verbs.links import read_gold, written

LINKS = Path(__file__).parent.parent / "data" / "links"


@pytest.fixture(scope="module")
def agreements() -> list[Agreement]:
    return load_agreements()


def _refs(found: list[Proposal]) -> set[str]:
    return {ref for p in found for ref in p.provisions()}


def test_a_text_naming_no_party_proposes_nothing(agreements: list[Agreement]) -> None:
    text = "The committee delivered its report on Thursday, officials said. " * 50
    assert propose(text, agreements, published=date(2024, 10, 4)) == []


def test_a_delivery_is_dated_linked_and_explained(agreements: list[Agreement]) -> None:
    text = (
        "Romania handed over its Patriot air defence system to Ukraine on Thursday, "
        "the ministry said on Friday."
    )
    [found] = propose(text, agreements, published=date(2024, 10, 4))
    assert (found.kind, found.on, found.precision) == ("delivery", "2024-10-03", "day")
    assert found.actors == ["RO"]
    assert found.links[0].agreement == "ua-ro-2024"
    assert found.links[0].provision == "patriot"
    assert "patriot" in found.links[0].reason
    dumped = found.model_dump(mode="json")
    assert {"kind", "on", "precision", "date_reason", "actors", "score", "links"} <= set(dumped)
    assert set(dumped["links"][0]) == {"agreement", "provision", "score", "reason"}


@pytest.mark.parametrize(
    "text",
    [
        "Romania will hand over a Patriot air defence system to Ukraine next month.",
        "Romania pledged to deliver a Patriot air defence system to Ukraine.",
        "Romania plans to send a Patriot air defence system to Ukraine.",
        "Romania has not delivered the Patriot air defence system to Ukraine.",
        "Romania received a new Patriot battery for its own air defence on Wednesday.",
        "Romania's Patriot battery, deployed to protect its airspace, arrived near Constanța.",
        "The Patriot system is expected to be delivered to Ukraine, Romania said.",
    ],
)
def test_pledges_plans_negations_and_own_equipment_are_no_event(
    agreements: list[Agreement], text: str
) -> None:
    assert propose(text, agreements, published=date(2024, 10, 4)) == []


def test_a_delivery_before_the_agreement_is_not_evidence_under_it(
    agreements: list[Agreement],
) -> None:
    text = "Germany delivered an IRIS-T air defence system to Ukraine in October 2022."
    assert propose(text, agreements, published=date(2024, 3, 1)) == []


def test_a_leaders_meeting_is_not_a_mechanism(agreements: list[Agreement]) -> None:
    text = "President Zelensky met Romanian President Iohannis in Kyiv on Thursday."
    assert propose(text, agreements, published=date(2025, 1, 16)) == []


@pytest.mark.parametrize(
    ("text", "on", "precision"),
    [
        ("KYIV, Oct 3 (Wire) - Romania delivered a Patriot system to Ukraine today. "
         "The law of 5 September 2024 allowed it.", "2024-10-03", "day"),
        ("Published: 2 December 2024\nNorway handed over NASAMS launchers to Ukraine last "
         "month.", "2024-11", "month"),
        ("Published: 12 December 2024\nGermany delivered an IRIS-T SLM air defence system to "
         "Ukraine this week.", "2024-12-09", "week"),
        ("Published: 2 December 2024\nNorway handed over NASAMS launchers to Ukraine. The "
         "transfer took place in the end of last month.", "2024-11", "month"),
    ],
)  # fmt: skip
def test_time_words_resolve_against_the_reports_date(
    agreements: list[Agreement], text: str, on: str, precision: str
) -> None:
    [found] = propose(text, agreements)
    assert (found.on, found.precision) == (on, precision), found.date_reason


def test_a_dateline_without_a_year_follows_the_dates_the_report_names(
    agreements: list[Agreement],
) -> None:
    text = (
        "ROME, Jan 30 (Wire) - Italy delivered another air defence system to Ukraine today. "
        "Rome signed its agreement with Kyiv on 24 February 2024."
    )
    [found] = propose(text, agreements)
    assert found.on == "2025-01-30"
    assert _refs([found]) == {"ua-it-2024/security-assistance-equipment"}


def test_a_place_is_not_an_actor(agreements: list[Agreement]) -> None:
    text = "Ukrainian pilots trained in Denmark, Romania and the United States on Monday."
    assert propose(text, agreements, published=date(2024, 8, 5)) == []


def test_the_link_stage_imports_no_later_stage() -> None:
    code = (
        "import sys, pactwatch.link; "
        "late = [m for m in sys.modules if m.startswith(('pactwatch.api', 'pactwatch.web', "
        "'pactwatch.verbs', 'pactwatch.cli', 'pactwatch.store'))]; "
        "assert not late, late"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _corpus(agreements: list[Agreement], names: list[str] | None = None) -> dict[str, Gold]:
    gold = read_gold(LINKS)
    return {k: v for k, v in gold.items() if names is None or k in names}


def _predicted(agreements: list[Agreement], names: list[str]) -> dict[str, list[dict[str, object]]]:
    return {
        name: [
            p.model_dump(mode="json")
            for p in propose((LINKS / f"{name}.txt").read_text(encoding="utf-8"), agreements)
        ]
        for name in names
    }


def test_the_corpus_lists_every_text_once_with_its_gold() -> None:
    texts = sorted(p.name.removesuffix(".txt") for p in LINKS.glob("*.txt"))
    listed = sorted(written(LINKS, "beside") + written(LINKS, "after"))
    assert texts == listed == sorted(read_gold(LINKS))
    assert len(texts) >= 20 and len(written(LINKS, "after")) >= 6


def test_own_corpus_meets_precision_and_recall(agreements: list[Agreement]) -> None:
    gold = _corpus(agreements)
    result = score(_predicted(agreements, sorted(gold)), gold)
    assert result.links.precision >= 0.9, result.misses
    assert result.links.recall >= 0.8, result.misses
    negatives = [name for name, g in gold.items() if not g.events]
    assert len(negatives) >= 6
    assert not any("extra link" in note for n in negatives for note in result.misses.get(n, []))


def test_scoring_counts_wrong_links_and_dates() -> None:
    gold = {"t": Gold.model_validate({"events": [
        {"kind": "delivery", "on": "2024-10-03", "precision": "day", "provisions": ["a/x"]}
    ]})}  # fmt: skip
    wrong = {"t": [{"kind": "delivery", "on": "2024-10-04", "precision": "day",
                    "links": [{"agreement": "a", "provision": "x"},
                              {"agreement": "a", "provision": "y"}]}]}  # fmt: skip
    result = score(wrong, gold)
    assert (result.links.right, result.links.proposed, result.links.expected) == (1, 2, 1)
    assert (result.dates.right, result.dates.proposed) == (0, 1)
    week = {"t": [{"kind": "delivery", "on": "2024-09-30", "precision": "week",
                   "links": [{"agreement": "a", "provision": "x"}]}]}  # fmt: skip
    gold_week = {"t": Gold.model_validate({"events": [
        {"kind": "delivery", "on": "2024-10-03", "precision": "week", "provisions": ["a/x"]}
    ]})}  # fmt: skip
    assert score(week, gold_week).dates.right == 1


@pytest.mark.parametrize(
    "text",
    [
        "Germany delivered a third Patriot system to Ukraine on Thursday, the same type "
        "Romania donated last year.",
        "Germany delivered a Patriot system to Ukraine on Thursday. Romania's own Patriot "
        "batteries remain at home.",
    ],
)
def test_another_partners_patriot_is_not_romanias(agreements: list[Agreement], text: str) -> None:
    found = propose(text, agreements, published=date(2025, 6, 6))
    assert _refs(found) == {"ua-de-2024/air-defence"}, found


def test_an_attribution_names_the_actor(agreements: list[Agreement]) -> None:
    text = "The Patriot system arrived in Ukraine on Thursday, Romania's defence ministry said."
    found = propose(text, agreements, published=date(2024, 10, 4))
    assert _refs(found) == {"ua-ro-2024/patriot"}


def test_proposals_are_the_same_whatever_the_hash_seed() -> None:
    """Reasons and scores must not follow set order, which changes with each process."""
    texts = sorted(str(p) for p in (Path(__file__).parent.parent / "data" / "links").glob("*.txt"))
    outputs = {
        subprocess.run(
            [sys.executable, "-m", "pactwatch", "link", *texts, "--format", "json"],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
