"""The source's own words beside a provision's offsets, where we may show them.

A record stores offsets and a sha256, never the words. An export made where the source
texts are present (the command line with its source folders, the service with its
library) can quote them, so a reader of the CSV or workbook sees what each provision
stands on without opening the text. Only sources whose terms allow it are quoted: the
governments' published texts and statements. A news report is someone else's writing
that we do not redistribute, so its spans stay offsets (see `data/LICENSE.md`).

A format that can quote has `use_texts` (the `QuoteAware` capability); whoever fills the
exporter hands it a lookup from sha256 to text. Without one, the quote column is empty,
so exports stay the same bytes wherever the texts are missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from pactwatch.model import Agreement, Span

TextLookup = Callable[[str], str | None]
"""sha256 -> the source's text (the one spans count in), or None when absent."""

QUOTABLE_KINDS = frozenset({"official_text", "agreement_text", "official_statement"})
"""Source kinds published by governments for anyone to read and cite."""

BETWEEN_SPANS = " … "


@runtime_checkable
class QuoteAware(Protocol):
    """An exporter that can show the quoted words of each span."""

    def use_texts(self, lookup: TextLookup) -> None: ...


def quoted(agreement: Agreement, spans: Iterable[Span], texts: TextLookup | None) -> str | None:
    """The words at the spans (whitespace folded, spans joined by ' … '), from quotable
    sources whose text is present; None when there is nothing to show."""
    if texts is None:
        return None
    sources = {s.id: s for s in agreement.sources}
    parts: list[str] = []
    for span in spans:
        source = sources.get(span.source)
        if source is None or source.kind not in QUOTABLE_KINDS or not source.sha256:
            continue
        try:
            text = texts(source.sha256)
        except ValueError:  # present but not UTF-8: validate reports it
            continue
        if text is not None and span.end <= len(text):
            parts.append(" ".join(text[span.start : span.end].split()))
    return BETWEEN_SPANS.join(p for p in parts if p) or None
