"""An exporter filled from an open registry, as `pactwatch export` fills it.

The command line and the service both answer with these bytes, so the one function sits
here, below both of them, and neither has to import the other.
"""

from __future__ import annotations

from sqlalchemy import Engine

from pactwatch.export import EventAware, Exporter, exporter_for
from pactwatch.export.quotes import QuoteAware, TextLookup
from pactwatch.store import events as store_events
from pactwatch.store.read import all_agreements, get_agreement


def filled_exporter(
    fmt: str,
    engine: Engine,
    agreement_id: str | None = None,
    texts: TextLookup | None = None,
) -> Exporter | None:
    """An exporter on an open registry, filled as `pactwatch export` fills it (None when
    `agreement_id` names no agreement): the service answers with the command's bytes.
    Tables quote the official texts `texts` finds (see `export.quotes`)."""
    exporter = exporter_for(fmt, single=agreement_id is not None)
    if texts is not None and isinstance(exporter, QuoteAware):
        exporter.use_texts(texts)
    if agreement_id is None:
        chosen = all_agreements(engine)
    else:
        found = get_agreement(engine, agreement_id)
        if found is None:
            return None
        chosen = [found]
    if isinstance(exporter, EventAware):
        exporter.use_events(store_events.read_events(engine))
    for item in chosen:
        exporter.write(item)
    return exporter
