"""Checks that tie a record to its official text's structure: eIds that exist, spans that
stay inside the clause they claim, and a stored structure that still matches the text."""

from __future__ import annotations

from collections.abc import Iterator

from pactwatch.model import Agreement, Problem, Span, Structure, StructureNode
from pactwatch.sources import SourceLibrary
from pactwatch.sources.library import SourceDecodeError
from pactwatch.sources.structure import PARSER_VERSION, parse_structure


def check_structure(agreement: Agreement, file: str, library: SourceLibrary) -> Iterator[Problem]:
    structure = agreement.structure
    if structure is None:
        yield from _eids_without_structure(agreement, file)
        return
    nodes = {n.eid: n for n in structure.nodes}
    leaves = structure.leaves()
    for path, eid, spans in _claims(agreement):
        if eid is None:
            continue
        node = nodes.get(eid)
        if node is None:
            yield Problem(
                file,
                f"{path}.eid",
                "unknown-eid",
                f"{eid!r} is not a node of the structure of source {structure.source!r} "
                "(see `pactwatch structure FILE`)",
            )
            continue
        on_text = [(j, s) for j, s in enumerate(spans) if s.source == structure.source]
        for index, (j, span) in enumerate(on_text):
            where = f"{path}.spans.{j}" if "not_a_commitment" not in path else f"{path}.span"
            if index == 0 and not _inside(span, node):
                yield Problem(
                    file,
                    where,
                    "span-outside-eid",
                    f"span {span.start}..{span.end} crosses the boundary of {eid} "
                    f"({node.start}..{node.end}): split it or correct the eId",
                )
            elif index > 0 and not any(_inside(span, leaf) for leaf in leaves):
                yield Problem(
                    file,
                    where,
                    "span-crosses-leaves",
                    f"span {span.start}..{span.end} runs over more than one clause of the "
                    "structure: give each clause its own span",
                )
    yield from _stale(agreement, structure, file, library)


def _inside(span: Span, node: StructureNode) -> bool:
    return node.start <= span.start and span.end <= node.end


def _claims(agreement: Agreement) -> Iterator[tuple[str, str | None, list[Span]]]:
    for i, provision in enumerate(agreement.provisions):
        yield f"provisions.{i}", provision.eid, provision.spans
    for i, explanation in enumerate(agreement.not_a_commitment):
        yield f"not_a_commitment.{i}", explanation.eid, [explanation.span]


def _eids_without_structure(agreement: Agreement, file: str) -> Iterator[Problem]:
    for path, eid, _ in _claims(agreement):
        if eid is not None:
            yield Problem(
                file,
                f"{path}.eid",
                "eid-without-structure",
                "an eId needs the record's structure: run `pactwatch structure --fill FILE`",
            )


def _stale(
    agreement: Agreement, structure: Structure, file: str, library: SourceLibrary
) -> Iterator[Problem]:
    """The stored structure must be what the parser reads from the text today."""
    source = agreement.source(structure.source)
    if source is None or source.sha256 is None:
        yield Problem(
            file,
            "structure.source",
            "unknown-source",
            f"structure names source {structure.source!r}, which has no sha256",
        )
        return
    try:
        text = library.text_for(source.sha256)
    except SourceDecodeError:
        return  # reported by the span checks
    if text is None:
        return
    fresh = [(n.eid, n.start, n.end) for n in parse_structure(text).nodes()]
    stored = [(n.eid, n.start, n.end) for n in structure.nodes]
    if fresh != stored or structure.parser != PARSER_VERSION:
        yield Problem(
            file,
            "structure",
            "structure-stale",
            f"the stored structure ({structure.parser}, {len(stored)} nodes) differs from "
            f"today's reading of the text ({PARSER_VERSION}, {len(fresh)} nodes): run "
            "`pactwatch structure --fill FILE` and re-check the eIds",
        )
