"""The extractor against curated records: the seed's floors and our own test texts.

The own texts in data/corpus/ are written for these tests, each with a hand-coded gold
record; the floors guard against regressions in rules and lexicons.
"""

from __future__ import annotations

import pytest
import yaml

from pactwatch.extract import draft
from pactwatch.extract.evaluate import SAME_WORDING, Scores, match, score, wording_f1
from pactwatch.extract.run import load_agreement
from pactwatch.model import Agreement
from pactwatch.settings import PROJECT_ROOT
from pactwatch.sources import read_document, sha256_hex
from tests.rule_case import REPORT_RECORD

CORPUS = PROJECT_ROOT / "data" / "corpus"
OWN_TEXTS = sorted(p.name.removesuffix(".gold.yaml") for p in CORPUS.glob("*.gold.yaml"))
MANIFEST = yaml.safe_load((CORPUS / "corpus.yaml").read_text(encoding="utf-8"))["texts"]
# the texts the rules were written beside: held to the rules' floors, as regression guards
BESIDE_RULES = sorted(n for n, t in MANIFEST.items() if t["written"] == "beside the rules")


def _source(name: str) -> tuple[bytes, str]:
    """The raw bytes of an own text and the text spans count in (HTML as flattened)."""
    path = next(
        CORPUS / f"{name}{suffix}"
        for suffix in (".txt", ".html")
        if (CORPUS / f"{name}{suffix}").is_file()
    )
    raw = path.read_bytes()
    return raw, read_document(raw, path.name).text


def _scores(text: str, gold: Agreement) -> Scores:
    return score(draft(text, source_id=gold.sources[0].id), gold)


def test_seed_meets_the_floors(seed_text: str) -> None:
    """Against the record of what the report itself says (frozen when the curated record
    moved to the official text, which says far more than the report)."""
    gold = load_agreement(REPORT_RECORD)
    result = _scores(seed_text, gold)
    assert result.recall >= 0.95, result
    assert result.precision >= 0.90, result
    assert result.actors is not None and result.actors >= 0.95, result
    assert result.primary_domain is not None and result.primary_domain >= 0.90, result


def test_seed_draft_has_agreement_facts(seed_text: str) -> None:
    agreement = draft(seed_text, source_id="seed")
    assert agreement.parties == ["UA", "RO"], agreement.parties
    assert agreement.term.years == 10, agreement.term
    assert {s.party for s in agreement.signatories} == {"UA", "RO"}, agreement.signatories
    assert len(agreement.mentions) == 23, agreement.mentions
    kinds = {m.kind for m in agreement.mechanisms}
    assert kinds == {"term", "recurring", "consultation_on_trigger"}, agreement.mechanisms


def test_the_corpus_has_24_styles_each_listed() -> None:
    assert sorted(MANIFEST) == OWN_TEXTS
    assert len({t["style"] for t in MANIFEST.values()}) == len(OWN_TEXTS) >= 24
    assert {t["written"] for t in MANIFEST.values()} == {"beside the rules", "unseen"}


@pytest.mark.parametrize("name", BESIDE_RULES)
def test_own_texts_agreement_facts(name: str) -> None:
    """Signing facts, amounts with their periods and mentions of other agreements."""
    _, text = _source(name)
    gold = load_agreement(CORPUS / f"{name}.gold.yaml")
    got = draft(text, source_id=gold.sources[0].id)
    assert set(got.parties) == set(gold.parties), got.parties
    assert (got.signed_on, got.signed_at) == (gold.signed_on, gold.signed_at), got
    assert {m.parties[1] for m in got.mentions} == {m.parties[1] for m in gold.mentions}, got
    pairs = match(got.provisions, gold.provisions)
    periods = [(p.amount.period, g.amount.period) for p, g in pairs if p.amount and g.amount]
    assert all(p == g for p, g in periods), periods


@pytest.mark.parametrize("name", OWN_TEXTS)
def test_own_gold_spans_land_in_their_text(name: str) -> None:
    raw, text = _source(name)
    gold = load_agreement(CORPUS / f"{name}.gold.yaml")
    assert gold.sources[0].sha256 == sha256_hex(raw), name
    for provision in gold.provisions:
        for span in provision.spans:
            words = span.text_in(text)
            assert words and words == words.strip() and span.end <= len(text), provision.id


@pytest.mark.parametrize("name", BESIDE_RULES)
def test_own_texts_meet_the_floors(name: str) -> None:
    _, text = _source(name)
    result = _scores(text, load_agreement(CORPUS / f"{name}.gold.yaml"))
    assert result.recall >= 0.85, result
    assert result.precision >= 0.85, result
    assert result.actors is not None and result.actors >= 0.9, result
    assert result.primary_domain is not None and result.primary_domain >= 0.75, result


def test_score_counts_unmatched_predictions_against_precision() -> None:
    gold = draft("Romania will train Ukrainian pilots.", source_id="t")
    extra = draft(
        "Romania will train Ukrainian pilots. Romania will also send tanks to Ukraine.",
        source_id="t",
    )
    result = score(extra, gold)
    assert (result.matched, result.precision, result.recall) == (1, 0.5, 1.0), result


def test_score_checks_amount_periods() -> None:
    gold = draft("Romania will give Ukraine EUR 2 billion in 2024/25.", source_id="t")
    other = draft("Romania will give Ukraine EUR 2 billion in 2024.", source_id="t")
    assert score(gold, gold).amount_periods == 1.0
    result = score(other, gold)
    assert (result.amounts, result.amount_periods) == (1.0, 0.0), result


def test_score_compares_action_and_object_wording() -> None:
    gold = draft("Romania will train Ukrainian pilots.", source_id="t")
    wrong = gold.model_copy(
        update={
            "provisions": [
                p.model_copy(update={"action": "donate", "object": "a tank battalion"})
                for p in gold.provisions
            ]
        }
    )
    assert gold.provisions
    same = score(gold, gold)
    assert (same.action, same.object, same.strict_recall) == (1.0, 1.0, 1.0), same
    result = score(wrong, gold)
    assert (result.matched, result.recall) == (len(gold.provisions), 1.0), result
    assert (result.action, result.object, result.wording_matched) == (0.0, 0.0, 0), result
    assert (result.strict_precision, result.strict_recall) == (0.0, 0.0), result


def test_wording_similarity_is_token_f1_with_a_threshold() -> None:
    assert round(wording_f1("a Patriot air defence system", "the air defence system"), 3) == 0.857
    assert wording_f1("transfer", "transfer") == 1.0
    assert wording_f1("transfer", "donate") == 0.0
    assert wording_f1(None, "") == 1.0
    assert SAME_WORDING == 0.5
