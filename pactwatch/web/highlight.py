"""A source text as HTML with every span marked, escaped piece by piece.

Spans may overlap or nest, so the text is cut at every span boundary and each piece is
wrapped in one <mark> naming all the provisions that cover it; the first piece of each
provision carries its id (`src-PROVISION`), the target its links jump to.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from markupsafe import Markup, escape

from pactwatch.model import Agreement


def marked_source(agreement: Agreement, source_id: str, text: str) -> Markup:
    spans = [(p.id, s.source, s.start, s.end) for p in agreement.provisions for s in p.spans]
    return marked_spans(spans, source_id, text)


def marked_spans(every: Iterable[tuple[str, str, int, int]], source_id: str, text: str) -> Markup:
    """The same marks from (provision, source, start, end) rows in the record's order (the
    agreement page reads them from the spans table, not from the whole record)."""
    spans = [
        (start, min(end, len(text)), pid)
        for pid, source, start, end in every
        if source == source_id and start < len(text)
    ]
    cuts = sorted({0, len(text), *(x for s in spans for x in s[:2])})
    seen: set[str] = set()
    parts: list[str] = []
    for start, end in pairwise(cuts):
        covering = [pid for s, e, pid in spans if s <= start and end <= e]
        piece = escape(text[start:end])
        if not covering:
            parts.append(str(piece))
            continue
        fresh = [pid for pid in covering if pid not in seen]
        seen.update(fresh)
        ident = f' id="src-{escape(fresh[0])}"' if fresh else ""
        names = escape(" ".join(covering))
        parts.append(f'<mark{ident} class="span" data-provisions="{names}">{piece}</mark>')
    return Markup("".join(parts))
