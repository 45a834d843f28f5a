"""Verbs over official texts: their structure, a record's coverage and review, and where
the record's sources disagree.

They read curated files (not the registry), because they are the curator's tools while a
record is being made: nothing here needs a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pactwatch.curate import load_dataset
from pactwatch.curate.coverage import Coverage, measure, official_source
from pactwatch.curate.dataset import read_record
from pactwatch.curate.reference import (
    SummaryMapping,
    check_mapping,
    mapping_folder,
    mapping_stats,
    read_mappings,
)
from pactwatch.curate.sources_diff import SourcesDiff, compare_sources
from pactwatch.curate.yamlio import record_yaml
from pactwatch.export.output import write_file
from pactwatch.model import Agreement, PactwatchError, Problem, Provision, Structure, StructureNode
from pactwatch.settings import data_dir
from pactwatch.sources import SourceLibrary
from pactwatch.sources.structure import PARSER_VERSION, Outline, StructureError, parse_structure
from pactwatch.verbs.registry import SourcesArg, source_library


def read_text_file(path: Path) -> str:
    """A source file's text, or a one-line error naming it: spans count UTF-8 characters, so
    a file in another encoding is refused rather than guessed."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PactwatchError(
            Problem(
                str(path), "", "source-not-utf8", f"not UTF-8 (byte {exc.start}); convert it first"
            )
        ) from None
    if "\x00" in text:
        raise PactwatchError(Problem(str(path), "", "source-binary", "binary file, not a text"))
    return text


def structure(path: Path) -> Outline:
    """The hierarchy of one official text file."""
    text = read_text_file(path)
    try:
        return parse_structure(text)
    except StructureError as exc:
        raise PactwatchError(Problem(str(path), "", "structure-unreadable", str(exc))) from None


def structure_record(outline: Outline, source_id: str) -> Structure:
    """The outline as the record keeps it."""
    nodes = [
        StructureNode(
            eid=n.eid,
            kind=n.kind,
            num=n.num,
            start=n.start,
            end=n.end,
            heading_end=n.heading_end,
            label=_label(n.label, n.kind),
            gaps=list(n.gaps),
        )
        for n in outline.nodes()
    ]
    return Structure(source=source_id, parser=PARSER_VERSION, nodes=nodes)


_LABELS = {
    "paragraph": "Paragraph",
    "пункт": "Paragraph",
    "стаття": "Article",
    "частина": "Part",
    "розділ": "Section",
    "глава": "Chapter",
    "додаток": "Annex",
}


def _label(word: str | None, kind: str) -> str | None:
    if word is None:
        return None
    return _LABELS.get(word.lower(), word.capitalize()) if kind != "hcontainer" else None


def leaf_for(structure_: Structure, start: int, end: int) -> StructureNode | None:
    """The leaf a span sits in: the smallest leaf containing its start."""
    containing = [n for n in structure_.leaves() if n.start <= start < n.end]
    return min(containing, key=lambda n: n.end - n.start) if containing else None


@dataclass(frozen=True)
class Filled:
    path: Path
    nodes: int
    provisions: int
    explanations: int


def fill_structure(record_path: Path, sources: SourcesArg = None) -> Filled:
    """Record the official text's structure in a curated file and set every provision's and
    explanation's eId from where its first span on that text sits. The file is rewritten
    whole (atomically) in the project's canonical YAML."""
    record, problems = read_record(record_path, Agreement)
    if record is None:
        raise PactwatchError(problems[0])
    library = source_library(sources)
    source = official_source(record)
    if source is None or source.sha256 is None:
        raise PactwatchError(
            Problem(
                str(record_path),
                "sources",
                "no-official-text",
                "no official_text source with a sha256",
            )
        )
    text = library.text_for(source.sha256)
    if text is None:
        raise PactwatchError(
            Problem(
                str(record_path),
                "sources",
                "source-not-found",
                f"no file with sha256 {source.sha256[:12]}… in {_folders(library)}",
            )
        )
    record.structure = structure_record(parse_structure(text), source.id)
    filled = 0
    for provision in record.provisions:
        filled += _fill_provision(record.structure, provision, source.id)
    for explanation in record.not_a_commitment:
        if explanation.span.source == source.id:
            leaf = leaf_for(record.structure, explanation.span.start, explanation.span.end)
            explanation.eid = leaf.eid if leaf else None
    write_file(record_path, record_yaml(record).encode("utf-8"))
    return Filled(record_path, len(record.structure.nodes), filled, len(record.not_a_commitment))


def _fill_provision(structure_: Structure, provision: Provision, source_id: str) -> int:
    span = next((s for s in provision.spans if s.source == source_id), None)
    if span is None:
        return 0
    leaf = leaf_for(structure_, span.start, span.end)
    provision.eid = leaf.eid if leaf else None
    return 1 if leaf else 0


def _folders(library: SourceLibrary) -> str:
    return ", ".join(str(r) for r in library.roots)


def _record(agreement_id: str, paths: Sequence[Path]) -> Agreement:
    """One curated record: read straight from `<id>.yaml` when it is there (a curator runs
    these verbs after every edit), else found among all the records under `paths`."""
    folders = list(paths) or [data_dir()]
    for folder in folders:
        direct = folder / "agreements" / f"{agreement_id}.yaml" if folder.is_dir() else folder
        if direct.is_file() and direct.stem == agreement_id:
            record, problems = read_record(direct, Agreement)
            if record is None:
                raise PactwatchError(problems[0])
            if record.id == agreement_id:
                return record
    dataset = load_dataset(folders)
    found = dataset.by_id().get(agreement_id)
    if found is None:
        known = ", ".join(sorted(dataset.by_id())[:5])
        raise PactwatchError(
            Problem(
                "data/agreements",
                "id",
                "unknown-agreement",
                f"no agreement {agreement_id!r} (e.g. {known})",
            )
        )
    return found


def coverage(agreement_id: str, paths: Sequence[Path] = (), sources: SourcesArg = None) -> Coverage:
    """How much of the agreement's official text its provisions and explanations account for."""
    return measure(_record(agreement_id, paths), source_library(sources))


@dataclass(frozen=True)
class ReviewItem:
    provision: str
    state: str
    eid: str | None
    extractor: str | None


def review(
    agreement_id: str, paths: Sequence[Path] = (), include_reviewed: bool = False
) -> list[ReviewItem]:
    """The provisions still waiting for a person (or all, with their states)."""
    record = _record(agreement_id, paths)
    items = []
    for p in record.provisions:
        state = p.review.state if p.review else "draft"
        if include_reviewed or state != "reviewed":
            items.append(ReviewItem(p.id, state, p.eid, p.review.extractor if p.review else None))
    return items


def sources_diff(agreement_id: str, paths: Sequence[Path] = ()) -> SourcesDiff:
    """Per provision, which sources cover it and where they disagree."""
    return compare_sources(_record(agreement_id, paths))


@dataclass(frozen=True)
class ReferenceReport:
    mapping: SummaryMapping
    text: str | None
    problems: list[Problem]

    def stats(self) -> dict[str, Any]:
        return mapping_stats(self.mapping)


def reference(paths: Sequence[Path] = (), sources: SourcesArg = None) -> ReferenceReport:
    """The government summary's items mapped to our provisions, checked when it is present."""
    data = next((p for p in paths if p.is_dir()), data_dir())
    mapping, problems = read_mappings(mapping_folder(data))
    text = source_library(sources).text_for(mapping.sha256)
    if text is not None:
        dataset = load_dataset([data])
        provisions = {a.id: {p.id for p in a.provisions} for a in dataset.by_id().values()}
        problems += check_mapping(mapping, text, provisions, str(mapping_folder(data)))
    return ReferenceReport(mapping, text, problems)


def ask(question: str, paths: Sequence[Path] = ()) -> list[dict[str, Any]]:
    """One of the registry's standing questions, answered from every curated record."""
    from pactwatch.curate.questions import QUESTIONS

    answer = QUESTIONS.get(question)
    if answer is None:
        raise PactwatchError(
            Problem(
                "",
                "question",
                "unknown-question",
                f"no question {question!r}; ask one of: {', '.join(QUESTIONS)}",
            )
        )
    dataset = load_dataset(list(paths) or [data_dir()])
    return answer([item.record for item in dataset.agreements])
