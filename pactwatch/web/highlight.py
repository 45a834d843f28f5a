"""A source text as HTML with every span marked, escaped piece by piece.

Spans may overlap or nest, so the text is cut at every span boundary and each piece is
wrapped in one <mark> naming all the provisions that cover it; the first piece of each
provision carries its id (`src-PROVISION`), the target its links jump to.
"""

from __future__ import annotations

from itertools import pairwise

from markupsafe import Markup, escape

from pactwatch.model import Agreement


def marked_source(agreement: Agreement, source_id: str, text: str) -> Markup:
    spans = [
        (s.start, min(s.end, len(text)), p.id)
        for p in agreement.provisions
        for s in p.spans
        if s.source == source_id and s.start < len(text)
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
