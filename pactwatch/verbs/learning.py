"""Verbs that learn from the reviewed records: `train` and `eval --registry`.

Both read the curated records and their official texts (found by sha256), never the
registry: the training data is what curators reviewed. Only reviewed provisions teach;
a record with drafts still in it teaches from its reviewed provisions alone, and its
unreviewed sentences are left out of the examples rather than taught as non-commitments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pactwatch.curate import load_dataset
from pactwatch.curate.coverage import official_source
from pactwatch.export.output import write_file
from pactwatch.extract.linear import Model, model_path
from pactwatch.extract.run import load_agreement
from pactwatch.extract.train import Coded
from pactwatch.model import PactwatchError
from pactwatch.settings import data_dir
from pactwatch.sources import read_document
from pactwatch.verbs.registry import SourcesArg, source_library


def corpus_records(folder: Path | None = None) -> list[Coded]:
    """Our own report-style texts and their gold records (`data/corpus`), as reports.

    A gold's id is prefixed with "corpus-" so it never shares an id with the registry's
    record of the same agreement."""
    folder = folder or data_dir() / "corpus"
    found: list[Coded] = []
    for gold_path in sorted(folder.glob("*.gold.yaml")):
        gold = load_agreement(gold_path)
        source = gold.sources[0]
        text_path = folder / (source.filename or "")
        if not source.filename or not text_path.is_file():
            raise PactwatchError.at(
                str(gold_path), "sources.0.filename", "missing-file", "its text is not beside it"
            )
        text = read_document(text_path.read_bytes(), text_path.name).text
        record = gold.model_copy(update={"id": f"corpus-{gold.id}"})
        found.append(Coded(record, source.id, text, report=True))
    return found


def coded_records(paths: Sequence[Path] = (), sources: SourcesArg = None) -> list[Coded]:
    """Every record with a reviewed official text that can be read, in id order."""
    dataset = load_dataset(list(paths) or [data_dir()])
    if dataset.problems:
        first = dataset.problems[0]
        raise PactwatchError(first)
    library = source_library(sources)
    if not library.present():
        raise PactwatchError.at(
            ", ".join(str(r) for r in library.roots),
            "",
            "no-sources",
            "no source folder found: training and evaluation read the official texts",
        )
    found: list[Coded] = []
    for agreement in sorted(dataset.by_id().values(), key=lambda a: a.id):
        source = official_source(agreement)
        if source is None or source.sha256 is None:
            continue
        text = library.text_for(source.sha256)
        if text is None:
            continue
        reviewed = [
            p for p in agreement.provisions if p.review is None or p.review.state == "reviewed"
        ]
        if not reviewed:
            continue
        found.append(Coded(agreement.model_copy(update={"provisions": reviewed}), source.id, text))
    if not found:
        raise PactwatchError.at(
            str(data_dir()), "", "nothing-to-learn", "no reviewed record has its official text"
        )
    return found


def train(
    out: Path | None = None, paths: Sequence[Path] = (), sources: SourcesArg = None
) -> tuple[Path, Model]:
    from pactwatch.extract.train import train as fit_all

    model = fit_all([*coded_records(paths, sources), *corpus_records()])
    target = out or model_path()
    write_file(target, model.dumps().encode("utf-8"))
    return target, model


def evaluate_registry(
    paths: Sequence[Path] = (),
    sources: SourcesArg = None,
    only: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
    reports: bool = False,
) -> dict[str, Any]:
    from pactwatch.extract.registry_eval import evaluate_registry as leave_one_out

    items = [*coded_records(paths, sources), *corpus_records()]
    known = {i.agreement.id for i in items if i.report == reports}
    for ident in only:
        if ident not in known:
            raise PactwatchError.at(
                "--only", ident, "unknown-agreement", "no coded record with an official text"
            )
    return leave_one_out(items, only=only, progress=progress, reports=reports)
