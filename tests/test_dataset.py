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
from pactwatch.settings import PROJECT_ROOT, official_texts_dir, source_dirs
from pactwatch.sources import SourceLibrary, sha256_hex
from tests.conftest import require

REGISTRY_FACTS = PROJECT_ROOT.parent / "shared" / "data" / "registry_facts.csv"
OFFICIAL_CSV = official_texts_dir() / "sources.csv"
SEED_LISTED = 23


@pytest.fixture(scope="module")
def records(data_dir: Path) -> dict[str, Agreement]:
    dataset = load_dataset([data_dir])
    assert not dataset.problems, [p.line() for p in dataset.problems]
    return dataset.by_id()


@pytest.fixture(scope="module")
def ua_ro(records: dict[str, Agreement]) -> Agreement:
    return records["ua-ro-2024"]


def test_dataset_validates_clean_against_its_sources(data_dir: Path, seed_path: Path) -> None:
    """Strictly: spans land in the seed and the official texts, eIds exist, every provision
    is reviewed."""
    require(official_texts_dir().is_dir(), "official texts not found")
    problems = verbs.validate([data_dir], strict=True)
    assert problems == [], [p.line() for p in problems]


def test_seed_fingerprint_matches(ua_ro: Agreement, seed_path: Path) -> None:
    seed = ua_ro.source("seed")
    assert seed is not None
    assert seed.sha256 == sha256_hex(seed_path.read_bytes())


def _stems(text: str) -> set[str]:
    return {w[:4] for w in re.findall(r"[a-z0-9]+", text.lower().replace("-", "")) if len(w) >= 3}


STOP = _stems(
    "will with their through this that also which from into the and for its participants "
    "ukraine ukraine's agreement other have been such shall would"
)


LIBRARY = SourceLibrary(source_dirs())


def _texts(agreement: Agreement) -> dict[str, str]:
    texts = {}
    for source in agreement.sources:
        text = LIBRARY.text_for(source.sha256) if source.sha256 else None
        if text is not None:
            texts[source.id] = text
    return texts


def test_every_english_span_lands_on_words_about_its_provision(
    records: dict[str, Agreement], seed_path: Path
) -> None:
    """A span's words share vocabulary with what the record says it is about, in every
    agreement coded from an English text: a span on the wrong clause shows up here."""
    misses = []
    for agreement in records.values():
        texts = _texts(agreement)
        english = {s.id for s in agreement.sources if s.language == "en"}
        for provision in agreement.provisions:
            spans = [s for s in provision.spans if s.source in texts and s.source in english]
            claimed = " ".join(
                [provision.action, provision.object, provision.summary or "", *provision.flags,
                 *provision.instruments, provision.condition or "", *provision.domains,
                 *(r.object or "" for r in provision.readings.values())]
            )  # fmt: skip
            # one of its spans is the clause itself; others may be a list's shared opening
            # words ("The Participants will:"), which name nothing of their own
            about = [(_stems(s.text_in(texts[s.source])) & _stems(claimed)) - STOP for s in spans]
            if spans and not any(about):
                misses.append(f"{agreement.id}/{provision.id}: {spans[0].start}..{spans[0].end}")
    assert not misses, misses[:20]


def test_mentions_land_on_partner_names(ua_ro: Agreement, seed_text: str) -> None:
    from pactwatch.model.codes import party_name

    assert len(ua_ro.mentions) == SEED_LISTED
    for mention in ua_ro.mentions:
        partner = next(p for p in mention.parties if p != "UA")
        words = mention.spans[0].text_in(seed_text)
        aliases = {party_name(partner), partner, "Great Britain", "USA", "Netherlands"}
        assert any(a in words or words in a for a in aliases), (partner, words)


def test_romania_is_coded_clause_by_clause_from_its_official_text(ua_ro: Agreement) -> None:
    text = ua_ro.source("text")
    assert text is not None and text.kind == "official_text" and text.filename == "ro.en.txt"
    official = [p for p in ua_ro.provisions if any(s.source == "text" for s in p.spans)]
    assert len(official) > 80, len(official)
    for p in official:
        assert p.eid and p.review and p.review.state == "reviewed", p.id
        assert p.actors and p.domains, p.id


@pytest.mark.parametrize(
    ("provision", "actors", "beneficiaries", "primary"),
    [
        ("patriot", ["RO"], ["UA"], "air_defence"),
        ("transit", ["RO"], ["UA"], "logistics_and_transit"),
        ("f16-training", ["RO"], ["UA"], "training"),
        ("black-sea-demining", ["RO"], ["UA"], "demining"),
        ("consult-24h", ["UA", "RO"], ["UA"], "consultation_mechanism"),
    ],
)
def test_committing_party_is_resolved(
    ua_ro: Agreement, provision: str, actors: list[str], beneficiaries: list[str], primary: str
) -> None:
    p = ua_ro.provision(provision)
    assert p is not None, provision
    assert (sorted(p.actors), p.beneficiaries, p.domains[0]) == (
        sorted(actors),
        beneficiaries,
        primary,
    ), p


def test_report_spans_sit_beside_text_spans(ua_ro: Agreement) -> None:
    """Where the report covers a commitment, the one provision holds both sources' words."""
    both = [p.id for p in ua_ro.provisions if {s.source for s in p.spans} >= {"text", "seed"}]
    assert {"patriot", "transit", "black-sea-demining", "compensation", "consult-24h"} <= set(
        both
    ), both


def test_sections_and_eids_follow_the_official_text(ua_ro: Agreement) -> None:
    from pactwatch.model.citation import cite

    assert ua_ro.structure is not None and ua_ro.structure.source == "text"
    patriot = ua_ro.provision("patriot")
    assert patriot is not None and patriot.eid
    assert cite(patriot.eid, ua_ro.structure).startswith("Paragraph 6"), patriot.eid


def test_mechanisms_come_from_the_text(ua_ro: Agreement) -> None:
    kinds = {m.id: m for m in ua_ro.mechanisms}
    assert kinds["strategic-dialogue"].every == "P1Y"
    assert kinds["consult-24h"].within == "PT24H"
    assert ua_ro.term.years == 10 and str(ua_ro.term.ends_on) == "2034-07-11"
    assert str(ua_ro.signed_on) == "2024-07-11" and ua_ro.signed_at == "Washington, D.C."
    assert ua_ro.prevailing_language == "en"


def test_registry_holds_all_29_agreements_with_public_facts(
    records: dict[str, Agreement],
) -> None:
    require(REGISTRY_FACTS.is_file(), f"{REGISTRY_FACTS} not found")
    with REGISTRY_FACTS.open(encoding="utf-8") as handle:
        facts = list(csv.DictReader(handle))
    assert len(facts) == 29 and len(records) == 29
    by_partner = {next(p for p in a.parties if p != "UA"): a for a in records.values()}
    for row in facts:
        agreement = by_partner[row["code"]]
        assert str(agreement.signed_on) == row["signed_on"], row
        assert agreement.signed_at, row
        same_place = row["signed_at"].startswith(agreement.signed_at)
        noted = any("registry_facts.csv" in note for note in agreement.notes)
        assert same_place or noted, f"{agreement.id}: a place unlike the registry's needs a note"
        assert row["source_url"] in {s.url for s in agreement.sources}, row
        # the seed report is Romania's source alone: no record lists another's source
        assert (agreement.source("seed") is not None) == (row["code"] == "RO"), row


def test_each_agreement_with_an_official_text_points_at_it(
    records: dict[str, Agreement],
) -> None:
    require(OFFICIAL_CSV.is_file(), f"{OFFICIAL_CSV} not found")
    with OFFICIAL_CSV.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["code"] and r["sha256"]]
    main = {r["code"]: r for r in rows if ".alt." not in r["file"]}
    by_partner = {next(p for p in a.parties if p != "UA"): a for a in records.values()}
    assert set(by_partner) - set(main) == {"GR"}, "Greece alone has no published text"
    alts: dict[str, set[str]] = {}
    for r in rows:
        if ".alt." in r["file"]:
            alts.setdefault(r["code"], set()).add(r["sha256"])
    for code, row in main.items():
        texts = [s for s in by_partner[code].sources if s.kind == "official_text"]
        assert texts and texts[0].sha256 == row["sha256"], code
        assert {s.sha256 for s in texts[1:]} == alts.get(code, set()), code
        assert texts[0].language == row["language"], code
    for record in records.values():
        own = {s.sha256 for s in record.sources if s.kind == "official_text"}
        others = {r["sha256"] for r in rows} - own
        listed = {s.sha256 for s in record.sources}
        assert not others & listed, f"{record.id} lists another agreement's text"


def _twelve_grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 12]) for i in range(max(0, len(words) - 11))}


def test_no_tracked_file_copies_a_source(seed_text: str) -> None:
    """Twelve-word runs of the seed report, the official texts or the government summary
    must not appear anywhere in the repository."""
    sources = {"the seed": seed_text}
    shared = PROJECT_ROOT.parent / "shared" / "sources"
    require(shared.is_dir(), f"{shared} not found")
    for path in sorted(shared.rglob("*.txt")):
        sources[path.name] = path.read_text(encoding="utf-8")
    assert len(sources) >= 29, sorted(sources)
    owner: dict[tuple[str, ...], str] = {}
    for name, text in sources.items():
        for gram in _twelve_grams(text):
            owner.setdefault(gram, name)
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked, "not a git checkout"
    for name in tracked:
        path = PROJECT_ROOT / name
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        grams = _twelve_grams(path.read_text(encoding="utf-8", errors="ignore"))
        copied = [g for g in grams if g in owner]
        assert not copied, f"{name} copies {owner[copied[0]]}: {' '.join(copied[0])!r}"
