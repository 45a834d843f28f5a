"""The trained extractor: candidates, decisions, training and the leave-one-out measure.

The measure that matters runs on the official texts (`pactwatch eval --registry`); here a
sample of agreements keeps the floors honest in every run, and the committed model must
be what `pactwatch train` makes from the committed records.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pactwatch.cli.app import app
from pactwatch.extract.candidates import break_points, pieces, report_units
from pactwatch.extract.evaluate import match
from pactwatch.extract.lexicon import load_lexicon
from pactwatch.extract.linear import Head, load_model, model_path
from pactwatch.extract.official import draft_official, looks_like_agreement
from pactwatch.extract.official_meta import read_facts
from pactwatch.extract.slugs import Slugs
from pactwatch.model import Provision
from pactwatch.settings import PROJECT_ROOT
from pactwatch.sources.structure import parse_structure
from pactwatch.sources.units import Unit
from tests.cli import run_cli
from tests.conftest import require

TEXTS = PROJECT_ROOT / "tests" / "texts"


def _records() -> list:  # type: ignore[type-arg]
    from pactwatch.verbs.learning import coded_records
    from pactwatch.verbs.registry import source_library

    require(source_library().present(), "the official texts are not beside the project")
    return coded_records()


def test_a_linear_head_decides_and_says_why() -> None:
    head = Head(
        "multiclass",
        ["P", "UA"],
        [0.0, 0.0],
        {"w:PARTNER_will": [2.0, -1.0], "w:ukraine": [-0.5, 1.5], "w:the": [0.1, 0.1]},
    )
    label, p = head.best({"w:PARTNER_will": 1.0, "w:the": 1.0})
    assert label == "P" and p > 0.9
    assert head.best({"w:ukraine": 1.0})[0] == "UA"
    assert head.why({"w:PARTNER_will": 1.0, "w:ukraine": 1.0}, column=0) == ["w:PARTNER_will +2.00"]
    binary = Head("binary", ["yes"], [-1.0], {"cue:will": [3.0]})
    assert binary.probabilities({"cue:will": 1.0})[0] > 0.85
    assert binary.probabilities({})[0] < 0.3


def test_optimal_matching_pairs_more_than_greedy() -> None:
    """A piece inside two gold intervals goes to the one no other piece can take."""

    def provision(ident: str, *spans: tuple[int, int]) -> Provision:
        return Provision.model_validate(
            {
                "id": ident,
                "actors": ["RO"],
                "action": "act",
                "object": "thing",
                "domains": ["financial_aid"],
                "kind": "action",
                "spans": [{"source": "t", "start": s, "end": e} for s, e in spans],
            }
        )

    # gold a: a lead-in (0-30) and an item (200-260); gold b: the first clause (0-200)
    gold = [provision("a", (0, 30), (200, 260)), provision("b", (0, 200))]
    pred = [provision("p1", (0, 200)), provision("p2", (200, 260))]
    pairs = {(p.id, g.id) for p, g in match(pred, gold)}
    assert pairs == {("p1", "b"), ("p2", "a")}


def test_slugs_stay_unique_and_count_on() -> None:
    slugs = Slugs()
    made = [slugs.make("provide", "air defence systems") for _ in range(500)]
    assert len(set(made)) == 500
    assert made[:3] == [
        "provide-air-defence-systems",
        *(f"provide-air-defence-systems-{n}" for n in (2, 3)),
    ]
    assert slugs.make("provide", "air defence systems-501") not in made[:-1]


def test_break_points_and_pieces_cover_a_sentence() -> None:
    text = "Norway will provide air defence, impose costs on Russia; and consult with Ukraine."
    unit = Unit("p", 0, len(text))
    points = break_points(text, unit)
    assert [text[p.at : p.at + 6] for p in points] == ["impose", "and co"]
    cut = pieces(unit, [points[1].at], None)  # type: ignore[arg-type]
    assert [text[c.start : c.end] for c in cut] == [
        "Norway will provide air defence, impose costs on Russia;",
        "and consult with Ukraine.",
    ]


def test_report_units_give_verbless_items_their_intro_and_heading() -> None:
    text = (
        "Military support\n"
        "Under the deal, Sweden will:\n"
        "- two airborne surveillance aircraft;\n"
        "- training for pilots.\n"
        "\n"
        "Sweden signed similar agreements before.\n"
    )
    units = report_units(text)
    items = [u for u in units if u.context.kind == "item"]
    assert [text[u.unit.start : u.unit.end] for u in items] == [
        "two airborne surveillance aircraft;",
        "training for pilots.",
    ]
    assert all(u.context.intro is not None for u in items)
    intro = items[0].context.intro
    assert intro is not None and text[intro[0] : intro[1]] == "Under the deal, Sweden will:"
    assert text[slice(*items[0].context.headings[0])] == "Military support"
    last = units[-1]
    assert last.context.kind == "paragraph" and last.context.intro is None


def test_final_clause_not_an_earlier_reference_gives_the_signing() -> None:
    """Our own agreement-shaped text: its preamble cites a statement signed in Chisinau in
    2023; the final clause, the signature columns and the term are its own."""
    text = (TEXTS / "final-clause-agreement.txt").read_text(encoding="utf-8")
    outline = parse_structure(text)
    title = next(text[n.start : n.end] for n in outline.nodes() if n.kind == "title")
    facts = read_facts(text, title, load_lexicon())
    assert set(facts.parties) == {"UA", "MD"}
    assert (str(facts.signed_on), facts.signed_at) == ("2025-03-09", "Odesa")
    assert [(s.party, s.name, s.role) for s in facts.signatories] == [
        ("MD", "Maia Sandu", "President"),
        ("UA", "Volodymyr Zelenskyy", "President"),
    ]
    assert facts.term is not None and facts.term.years == 12
    assert str(facts.term.ends_on) == "2037-03-09"
    assert looks_like_agreement(text)


def test_a_report_is_not_read_as_an_agreement(seed_text: str) -> None:
    assert not looks_like_agreement(seed_text)


def test_the_model_drafts_an_own_agreement_text() -> None:
    model = load_model()
    assert model is not None, "no model: run `pactwatch train`"
    text = (TEXTS / "final-clause-agreement.txt").read_text(encoding="utf-8")
    draft = draft_official(text, "own", model)
    words = [text[p.spans[0].start : p.spans[0].end] for p in draft.provisions]
    assert any(w.startswith("Moldova will send engineers") for w in words), words
    assert any(w.startswith("Ukraine will share its lessons") for w in words), words
    assert not any("Chisinau" in w for w in words), words
    engineers = next(p for p in draft.provisions if "engineers" in p.object)
    assert engineers.actors == ["MD"] and engineers.review is not None
    assert engineers.review.state == "draft" and engineers.why[0].startswith("commitment")
    lessons = next(p for p in draft.provisions if "lessons" in p.object)
    assert lessons.actors == ["UA"]


def test_training_is_reproducible() -> None:
    """Fixed seeds and a deterministic solver: the same records give the same file."""
    from pactwatch.extract.train import train

    items = [r for r in _records() if r.agreement.id in {"ua-fr-2024", "ua-ro-2024"}]
    assert len(items) == 2
    assert train(items).dumps() == train(items).dumps()


def test_the_committed_model_is_what_train_makes(tmp_path: Path) -> None:
    _records()
    out = tmp_path / "model.json"
    result = CliRunner().invoke(app, ["train", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "trained on" in result.output
    committed = json.loads(model_path().read_text(encoding="utf-8"))
    fresh = json.loads(out.read_text(encoding="utf-8"))
    assert fresh["trained_on"] == committed["trained_on"]
    assert fresh == committed, "data/models/extractor.json is stale: run `pactwatch train`"


@pytest.mark.parametrize("ident", ["ua-fr-2024", "ua-ro-2024", "ua-se-2024"])
def test_leave_one_out_on_an_agreement_meets_the_floors(ident: str) -> None:
    """A model that saw nothing about the partner drafts its official text."""
    from pactwatch.verbs.learning import evaluate_registry

    _records()
    result = evaluate_registry(only=[ident])
    row = result["per_agreement"][0]
    assert row["agreement"] == ident
    assert row["recall"] >= 0.85 and row["precision"] >= 0.8, row
    assert row["actor_accuracy"] >= 0.9, row
    assert all(row["metadata"].values()), row


def test_eval_registry_refuses_an_unknown_agreement(capsys: pytest.CaptureFixture[str]) -> None:
    _records()
    result = run_cli(capsys, "eval", "--registry", "--only", "ua-zz-2024")
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        "--only: ua-zz-2024: no coded record with an official text [unknown-agreement]"
    ]


def test_jsonl_isolates_a_failing_document(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pactwatch.extract import run

    real = run.extract_document

    def flaky(document, ident=None):  # type: ignore[no-untyped-def]
        if ident == "bad":
            raise IndexError("list index out of range")
        return real(document, ident)

    monkeypatch.setattr(run, "extract_document", flaky)
    batch = tmp_path / "batch.jsonl"
    lines = [
        {"id": "one", "text": "Romania will train Ukrainian pilots."},
        {"id": "bad", "text": "Romania will send tanks."},
        {"id": "two", "text": "Norway will fund demining in Ukraine."},
    ]
    batch.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    result = run_cli(capsys, "extract", "--jsonl", str(batch))
    assert result.code == 1
    out = [json.loads(line) for line in result.out.splitlines() if line.startswith("{")]
    assert [o["id"] for o in out] == ["one", "bad", "two"]
    assert "agreement" in out[0] and "agreement" in out[2]
    assert "IndexError" in out[1]["error"]
    assert "1 document(s)" in result.err


def test_extract_on_the_seed_keeps_the_rules_floors(seed_path: Path) -> None:
    """`extract` (trained decisions beside the rules) on the report the rules were built on."""
    from pactwatch.extract.evaluate import score
    from pactwatch.extract.run import extract_document, load_agreement, read_input
    from tests.rule_case import REPORT_RECORD

    gold = load_agreement(REPORT_RECORD)
    draft = extract_document(read_input(str(seed_path)), gold.sources[0].id)
    result = score(draft, gold)
    assert result.recall >= 0.95 and result.precision >= 0.9, result
    assert result.actors is not None and result.actors >= 0.95, result


@pytest.mark.parametrize("ident", ["corpus-ua-be-test-release", "corpus-ua-is-test-embassy"])
def test_leave_one_out_on_an_unseen_report(ident: str) -> None:
    """One of our reports written after the rules, drafted as `extract` drafts a report by
    a model that saw nothing about its partner."""
    from pactwatch.verbs.learning import evaluate_registry

    _records()
    result = evaluate_registry(only=[ident], reports=True)
    row = result["per_agreement"][0]
    assert row["agreement"] == ident
    assert row["recall"] >= 0.75 and row["precision"] >= 0.75, row
