"""Shapes shared by the API and the pages: summaries, contract bytes, a source with spans."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from pactwatch.api.config import ServiceConfig
from pactwatch.api.errors import ApiError
from pactwatch.curate.validate import check_agreement
from pactwatch.export import exporter_for
from pactwatch.model import Agreement, Problem
from pactwatch.model.codes import party_name
from pactwatch.sources import SourceLibrary
from pactwatch.store import query
from pactwatch.store.engine import reader
from pactwatch.store.read import list_agreements
from pactwatch.store.write import Checker


def agreement_bytes(record: str) -> bytes:
    """Exactly what `pactwatch export json --agreement ID` writes for this record."""
    exporter = exporter_for("json", single=True)
    exporter.write(Agreement.model_validate_json(record))
    return exporter.finalize()


def summaries(engine: Engine, f: query.AgreementFilter) -> list[dict[str, Any]]:
    with reader(engine).connect() as connection:
        wanted = query.agreement_ids(connection, f)
    by_id = {s.id: s for s in list_agreements(reader(engine))}
    out = []
    for agreement_id in wanted:
        item = by_id[agreement_id].as_dict()
        item["partners"] = [
            {"code": p, "name": party_name(p)} for p in by_id[agreement_id].parties if p != "UA"
        ]
        item["url"] = f"/api/v1/agreements/{agreement_id}"
        out.append(item)
    return out


def checker(cfg: ServiceConfig) -> Checker:
    """The curated dataset's own checks (taxonomy, references, spans), for API writes."""

    def check(agreement: Agreement) -> list[Problem]:
        return check_agreement(agreement, "request", cfg.library)

    return check


def source_text(agreement: Agreement, source_id: str, library: SourceLibrary) -> str | None:
    source = agreement.source(source_id)
    if source is None or source.sha256 is None:
        return None
    return library.text_for(source.sha256)


def source_view(agreement: Agreement, source_id: str, library: SourceLibrary) -> dict[str, Any]:
    """A source's metadata, its text when present, and every span pointing into it."""
    source = agreement.source(source_id)
    assert source is not None
    text = source_text(agreement, source_id, library)
    spans = [
        {
            "provision": p.id,
            "start": s.start,
            "end": s.end,
            "text": s.text_in(text) if text is not None else None,
        }
        for p in agreement.provisions
        for s in p.spans
        if s.source == source_id
    ]
    return {
        "agreement": agreement.id,
        "source": source.model_dump(mode="json"),
        "available": text is not None,
        "text": text,
        "spans": spans,
    }


def with_url_id(body: dict[str, Any], ident: str) -> dict[str, Any]:
    """A PUT body carrying the URL's id: ids never change, so a different one is a 422."""
    if body.get("id", ident) != ident:
        raise ApiError(422, "id-mismatch", "body id differs from the URL's; ids never change", "id")
    return {**body, "id": ident}
