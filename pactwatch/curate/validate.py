"""Checks a record must pass beyond its schema: ids, taxonomy, dates and spans.

Span checks run only when the source text can be found (by sha256) in the sources
directory: a record never needs its source to be valid, but when the source is there the
spans must land on the words they claim.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from pactwatch.curate.dataset import Dataset
from pactwatch.curate.structure_check import check_structure
from pactwatch.model import Agreement, Problem, Span
from pactwatch.model.taxonomy import domain_ids
from pactwatch.sources import SourceLibrary
from pactwatch.sources.library import SourceDecodeError


def validate_dataset(
    dataset: Dataset, library: SourceLibrary, strict: bool = False
) -> list[Problem]:
    """Every problem in the dataset: those met while reading, then per-record checks.
    `strict` also refuses provisions nobody has reviewed."""
    problems = list(dataset.problems)
    for item in dataset.agreements:
        problems.extend(check_agreement(item.record, str(item.path), library))
        if strict:
            problems.extend(_unreviewed(item.record, str(item.path)))
    return sorted(problems, key=lambda p: p.file)  # stable: keeps each file's own order


def check_agreement(agreement: Agreement, file: str, library: SourceLibrary) -> list[Problem]:
    checks = (_ids, _domains, _references, _term, _sources, _spans, check_structure)
    return [p for check in checks for p in check(agreement, file, library)]


def _unreviewed(agreement: Agreement, file: str) -> Iterator[Problem]:
    for i, provision in enumerate(agreement.provisions):
        if provision.review is None or provision.review.state != "reviewed":
            yield Problem(
                file,
                f"provisions.{i}.review",
                "unreviewed-provision",
                f"provision {provision.id!r} is a draft: read it against its clause, then "
                "set review: {state: reviewed, by: NAME, on: DATE}",
            )


def _duplicates(ids: list[str]) -> list[str]:
    return [value for value, count in Counter(ids).items() if count > 1]


def _ids(agreement: Agreement, file: str, _: SourceLibrary) -> Iterator[Problem]:
    for name, items in (
        ("provision", [p.id for p in agreement.provisions]),
        ("mechanism", [m.id for m in agreement.mechanisms]),
        ("source", [s.id for s in agreement.sources]),
    ):
        for dup in _duplicates(items):
            index = items.index(dup, items.index(dup) + 1)
            yield Problem(
                file,
                f"{name}s.{index}.id",
                f"duplicate-{name}-id",
                f"{name} id {dup!r} is used more than once",
            )


def _domains(agreement: Agreement, file: str, _: SourceLibrary) -> Iterator[Problem]:
    known = domain_ids()
    for i, provision in enumerate(agreement.provisions):
        for j, domain in enumerate(provision.domains):
            if domain not in known:
                yield Problem(
                    file,
                    f"provisions.{i}.domains.{j}",
                    "unknown-domain",
                    f"{domain!r} is not a taxonomy id (see data/taxonomy/domains.yaml)",
                )


def _references(agreement: Agreement, file: str, _: SourceLibrary) -> Iterator[Problem]:
    provision_ids = {p.id for p in agreement.provisions}
    for i, mechanism in enumerate(agreement.mechanisms):
        if mechanism.provision and mechanism.provision not in provision_ids:
            yield Problem(
                file,
                f"mechanisms.{i}.provision",
                "unknown-provision",
                f"no provision with id {mechanism.provision!r}",
            )
    source_ids = {s.id for s in agreement.sources}
    for path, span in _all_spans(agreement):
        if span.source not in source_ids:
            yield Problem(
                file,
                f"{path}.source",
                "unknown-source",
                f"span names source {span.source!r}, which is not in `sources`",
            )


def _term(agreement: Agreement, file: str, _: SourceLibrary) -> Iterator[Problem]:
    expected = agreement.term.expected_end(agreement.signed_on)
    actual = agreement.term.ends_on
    if expected and actual and expected != actual:
        yield Problem(
            file,
            "term.ends_on",
            "inconsistent-term-end",
            f"{actual} is not signed_on + {agreement.term.years} years ({expected})",
        )


def _sources(agreement: Agreement, file: str, library: SourceLibrary) -> Iterator[Problem]:
    for i, source in enumerate(agreement.sources):
        if not source.sha256 or not library.present() or library.path_for(source.sha256):
            continue
        named = library.sha_of_name(source.filename) if source.filename else None
        if named is not None:
            yield Problem(
                file,
                f"sources.{i}.sha256",
                "source-sha256-mismatch",
                f"the file named {source.filename} in the source folders has a different "
                "sha256: the source changed, re-check its spans",
            )
        else:
            yield Problem(
                file,
                f"sources.{i}.sha256",
                "source-not-found",
                f"no file with this sha256 in {', '.join(str(r) for r in library.roots)}: "
                "its spans cannot be checked (is the source folder complete?)",
            )


def _all_spans(agreement: Agreement) -> Iterator[tuple[str, Span]]:
    for i, provision in enumerate(agreement.provisions):
        for j, span in enumerate(provision.spans):
            yield f"provisions.{i}.spans.{j}", span
    for i, mention in enumerate(agreement.mentions):
        for j, span in enumerate(mention.spans):
            yield f"mentions.{i}.spans.{j}", span
    for i, explanation in enumerate(agreement.not_a_commitment):
        yield f"not_a_commitment.{i}.span", explanation.span


def source_texts(
    agreement: Agreement, library: SourceLibrary
) -> tuple[dict[str, str | None], list[tuple[int, str]]]:
    """Each source's text when present, and the sources that are present but not UTF-8."""
    texts: dict[str, str | None] = {}
    undecodable: list[tuple[int, str]] = []
    for i, source in enumerate(agreement.sources):
        try:
            texts[source.id] = library.text_for(source.sha256) if source.sha256 else None
        except SourceDecodeError as exc:
            texts[source.id] = None
            undecodable.append((i, str(exc)))
    return texts, undecodable


def _spans(agreement: Agreement, file: str, library: SourceLibrary) -> Iterator[Problem]:
    texts, undecodable = source_texts(agreement, library)
    for i, message in undecodable:
        yield Problem(file, f"sources.{i}", "source-not-utf8", message)
    for path, span in _all_spans(agreement):
        text = texts.get(span.source)
        if text is None:
            continue
        if span.end > len(text):
            yield Problem(
                file,
                f"{path}.end",
                "span-out-of-bounds",
                f"span {span.start}..{span.end} ends beyond the source ({len(text)} chars)",
            )
        elif _splits_word(text, span.start) or _splits_word(text, span.end):
            yield Problem(
                file,
                path,
                "span-splits-word",
                f"span {span.start}..{span.end} starts or ends inside a word",
            )


def _splits_word(text: str, offset: int) -> bool:
    return 0 < offset < len(text) and text[offset - 1].isalnum() and text[offset].isalnum()
