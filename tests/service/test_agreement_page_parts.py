"""The agreement page read in parts says what the whole record says.

The live page reads one page of provisions, those evidence can score, and small stored
rows (version, unreviewed count, spans); these tests build the same page from the whole
record and compare what a reader sees: statuses, scores, counts, the cited version and
the marked source, on a page that does not show the scored provisions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pactwatch import verbs
from pactwatch.api.config import ServiceConfig
from pactwatch.curate.dataset import load_dataset
from pactwatch.model import Agreement
from pactwatch.store import load_registry, open_engine, query, versions
from pactwatch.store.engine import reader
from pactwatch.web import agreement_page
from tests.service.conftest import DATA, Service

AID = "ua-ro-2024"


def _event(ident: str, provision: str, completes: bool) -> dict[str, Any]:
    return {
        "id": ident,
        "kind": "delivery",
        "on": "2024-09",
        "actors": ["RO"],
        "provisions": [f"{AID}/{provision}"],
        "completes": completes,
        "description": "Delivered, as a ministry said.",
        "sources": [{"url": "https://example.org/report", "title": "A report"}],
    }


def _config(service: Service) -> ServiceConfig:
    cfg: ServiceConfig = service.client.app.state.config  # type: ignore[attr-defined]
    return cfg


def _seen(context: dict[str, Any], shown: list[str]) -> dict[str, Any]:
    """What a reader sees of the whole record, and of the provisions on this page."""
    compliance = context["compliance"]
    return {
        "overall": compliance.overall,
        "by_party": compliance.by_party,
        "scored": sorted((a.provision, a.score) for a in compliance.assessments if a.score),
        "status": {pid: context["status"][pid] for pid in shown},
        "unreviewed": context["unreviewed"],
        "version": context["cite"].version,
        "permalink": context["cite"].permalink,
        "panel": context["panel"],
        "standings": context["standings"],
        "timeline": context["timeline_rows"],
    }


@pytest.mark.parametrize("page_size", [100, 10])
def test_page_in_parts_says_what_the_whole_record_says(
    writable: Service, monkeypatch: pytest.MonkeyPatch, page_size: int
) -> None:
    auth = {"Authorization": f"Bearer {verbs.create_token('ana', writable.url)}"}
    for event in (_event("patriot-given", "patriot", True), _event("f16", "f16-training", False)):
        response = writable.client.post("/api/v1/events", json=event, headers=auth)
        assert response.status_code == 201, response.text
    monkeypatch.setattr(agreement_page, "PAGE_SIZE", page_size)
    cfg = _config(writable)
    today = date.today()
    parts = agreement_page.paged_context(cfg, AID, 2 if page_size == 10 else 1, today, "/")
    shown = [p.id for p in parts["a"].provisions]
    assert "patriot" not in shown or page_size == 100
    with reader(cfg.engine).connect() as connection:
        record = query.agreement_record(connection, AID)
    assert record is not None
    whole = agreement_page.context(cfg, Agreement.model_validate_json(record[0]), today, "/")
    seen = _seen(parts, shown)
    assert seen == _seen(whole, shown)
    assert ("patriot", 1) in seen["scored"] and seen["overall"] is not None
    assert parts["pager"].total == len(whole["a"].provisions)


def test_page_after_an_edit_cites_the_new_version(writable: Service) -> None:
    """The stored version follows a one-provision write."""
    auth = {"Authorization": f"Bearer {verbs.create_token('ana', writable.url)}"}
    record = writable.client.get(f"/api/v1/agreements/{AID}")
    patriot = next(p for p in record.json()["provisions"] if p["id"] == "patriot")
    headers = {**auth, "If-Match": record.headers["etag"]}
    url = f"/api/v1/agreements/{AID}/provisions/patriot"
    response = writable.client.put(url, json={**patriot, "timing": "2025"}, headers=headers)
    assert response.status_code == 200, response.text
    cfg = _config(writable)
    parts = agreement_page.paged_context(cfg, AID, 1, date.today(), "/")
    with reader(cfg.engine).connect() as connection:
        stored = query.agreement_record(connection, AID)
    assert stored is not None
    whole = agreement_page.context(cfg, Agreement.model_validate_json(stored[0]), date.today())
    assert parts["cite"].version == whole["cite"].version
    assert parts["unreviewed"] == whole["unreviewed"]


def _first_cited_in(record: Agreement) -> str | None:
    return next((s.source for p in record.provisions for s in p.spans), None)


def test_the_first_cited_source_is_the_first_span_in_record_order(db_url: str) -> None:
    """Read by walking the provisions in order to the first with a span; held to the
    record itself, with the leading provisions' spans taken away and a later provision
    citing another source first."""
    base = next(
        loaded.record for loaded in load_dataset([DATA]).agreements if loaded.record.id == AID
    )
    provisions = list(base.provisions)
    cited = [i for i, p in enumerate(provisions) if p.spans]
    assert len(cited) > 3, "the record needs spans for this test"
    first, second = cited[0], cited[1]
    provisions[first] = provisions[first].model_copy(update={"spans": []})
    moved = provisions[second].spans[0].model_copy(update={"source": "another-source"})
    provisions[second] = provisions[second].model_copy(
        update={"spans": [moved, *provisions[second].spans[1:]]}
    )
    variants = [
        base,
        base.model_copy(update={"id": "ua-ro-2024-moved", "provisions": provisions}),
        base.model_copy(
            update={
                "id": "ua-ro-2024-bare",
                "provisions": [p.model_copy(update={"spans": []}) for p in base.provisions],
            }
        ),
    ]
    engine = open_engine(db_url)
    try:
        load_registry(engine, variants)
        with engine.connect() as connection:
            found = {a.id: versions.first_cited(connection, a.id) for a in variants}
    finally:
        engine.dispose()
    assert found == {a.id: _first_cited_in(a) for a in variants}
    assert found["ua-ro-2024-moved"] == "another-source" != found[AID]
    assert found["ua-ro-2024-bare"] is None
