"""The curated dataset: valid, faithful to its sources, and free of copied source text."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.curate import load_dataset
from pactwatch.model import Agreement
from pactwatch.settings import PROJECT_ROOT
from pactwatch.sources import sha256_hex
from tests.conftest import require

REGISTRY_FACTS = PROJECT_ROOT.parent / "shared" / "data" / "registry_facts.csv"
SEED_LISTED = 23


@pytest.fixture(scope="module")
def records(data_dir: Path) -> dict[str, Agreement]:
    dataset = load_dataset([data_dir])
    assert not dataset.problems, [p.line() for p in dataset.problems]
    return dataset.by_id()


@pytest.fixture(scope="module")
def ua_ro(records: dict[str, Agreement]) -> Agreement:
    return records["ua-ro-2024"]


def test_dataset_validates_clean_against_the_seed(data_dir: Path, seed_path: Path) -> None:
    problems = verbs.validate([data_dir], seed_path.parent)
    assert problems == [], [p.line() for p in problems]


def test_seed_fingerprint_matches(ua_ro: Agreement, seed_path: Path) -> None:
    seed = ua_ro.source("seed")
    assert seed is not None
    assert seed.sha256 == sha256_hex(seed_path.read_bytes())


def _stems(text: str) -> set[str]:
    return {w[:4] for w in re.findall(r"[a-z0-9]+", text.lower().replace("-", "")) if len(w) >= 3}


def test_every_span_lands_on_words_about_its_provision(ua_ro: Agreement, seed_text: str) -> None:
    """A span's words share vocabulary with what the record says it is about."""
    stop = _stems("will with their through this that also which from into the and for its")
    for provision in ua_ro.provisions:
        assert provision.spans, provision.id
        claimed = " ".join(
            [
                provision.action,
                provision.object,
                provision.summary or "",
                *provision.flags,
                *provision.instruments,
                provision.condition or "",
            ]
        )
        for span in provision.spans:
            words = span.text_in(seed_text)
            shared = (_stems(words) & _stems(claimed)) - stop
            assert shared, f"{provision.id}: span {span.start}..{span.end} = {words!r}"


def test_mentions_land_on_partner_names(ua_ro: Agreement, seed_text: str) -> None:
    from pactwatch.model.codes import party_name

    assert len(ua_ro.mentions) == SEED_LISTED
    for mention in ua_ro.mentions:
        partner = next(p for p in mention.parties if p != "UA")
        words = mention.spans[0].text_in(seed_text)
        aliases = {party_name(partner), partner, "Great Britain", "USA", "Netherlands"}
        assert any(a in words or words in a for a in aliases), (partner, words)


def test_more_than_thirty_commitments_with_actors_and_domains(ua_ro: Agreement) -> None:
    assert len(ua_ro.provisions) > 30
    for p in ua_ro.provisions:
        assert p.actors and set(p.actors) <= {"UA", "RO"}, p.id
        assert p.domains, p.id


@pytest.mark.parametrize(
    ("provision", "actors", "beneficiaries", "primary"),
    [
        ("patriot", ["RO"], ["UA"], "air_defence"),
        ("transit", ["RO"], ["UA"], "logistics_and_transit"),
        ("f16-training", ["RO"], ["UA"], "training"),
        ("black-sea-demining", ["RO"], ["UA"], "demining"),
        ("nato-future", ["RO"], ["UA"], "nato_integration"),
        ("cyber", ["RO"], ["UA"], "cyber"),
        ("regional-cooperation", ["UA", "RO"], [], "regional_cooperation"),
        ("consult-24h", ["UA", "RO"], ["UA"], "consultation_mechanism"),
    ],
)
def test_committing_party_is_resolved(
    ua_ro: Agreement, provision: str, actors: list[str], beneficiaries: list[str], primary: str
) -> None:
    p = ua_ro.provision(provision)
    assert p is not None, provision
    assert (p.actors, p.beneficiaries, p.domains[0]) == (actors, beneficiaries, primary), p


def test_contradicting_wording_is_flagged_not_copied(ua_ro: Agreement) -> None:
    demining = ua_ro.provision("black-sea-demining")
    compensation = ua_ro.provision("compensation")
    assert demining is not None and compensation is not None
    assert "demining" in demining.domains
    assert any("source-wording" in f for f in demining.flags), demining.flags
    assert any("source-wording" in f for f in compensation.flags), compensation.flags


def test_headings_are_sections_not_provisions(ua_ro: Agreement, seed_text: str) -> None:
    sections = {p.section for p in ua_ro.provisions} - {None}
    assert len(sections) == 2, sections
    for section in sections:
        assert section and section in seed_text
    for p in ua_ro.provisions:
        for span in p.spans:
            assert span.text_in(seed_text) not in sections


def test_mechanisms_cover_term_dialogue_and_24h_clock(ua_ro: Agreement) -> None:
    kinds = {m.kind: m for m in ua_ro.mechanisms}
    assert set(kinds) == {"term", "recurring", "consultation_on_trigger"}
    assert kinds["recurring"].every == "P1Y"
    assert kinds["consultation_on_trigger"].within == "PT24H"
    assert ua_ro.term.years == 10 and str(ua_ro.term.ends_on) == "2034-07-11"
    assert str(ua_ro.signed_on) == "2024-07-11" and ua_ro.signed_at == "Washington, D.C."


def test_registry_holds_all_28_agreements_with_public_facts(
    records: dict[str, Agreement],
) -> None:
    require(REGISTRY_FACTS.is_file(), f"{REGISTRY_FACTS} not found")
    with REGISTRY_FACTS.open(encoding="utf-8") as handle:
        facts = list(csv.DictReader(handle))
    assert len(facts) == 28 and len(records) == 28
    by_partner = {next(p for p in a.parties if p != "UA"): a for a in records.values()}
    for row in facts:
        agreement = by_partner[row["code"]]
        assert str(agreement.signed_on) == row["signed_on"], row
        assert agreement.signed_at and row["signed_at"].startswith(agreement.signed_at), row
        assert row["source_url"] in {s.url for s in agreement.sources}, row
        listed = int(row["order"]) <= SEED_LISTED
        assert (agreement.source("seed") is not None) == listed, row


def test_no_tracked_file_copies_the_seed(seed_text: str) -> None:
    """Twelve-word runs of the seed must not appear anywhere in the repository."""
    words = seed_text.split()
    windows = {" ".join(words[i : i + 12]) for i in range(0, max(0, len(words) - 12))}
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked, "not a git checkout"
    for name in tracked:
        path = PROJECT_ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        flat = " ".join(path.read_text(encoding="utf-8", errors="ignore").split())
        copied = [w for w in windows if w in flat]
        assert not copied, f"{name} copies the seed: {copied[0]!r}"
