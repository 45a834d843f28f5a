"""A search's page and facets read together (`query.page_and_facets`) are what each
statement gives alone, on both backends.

On PostgreSQL the cube's facet statement rides in one pipeline with the page's
(`store.cursor_rows.riding`), and in the service the generation rides before both; a
pipeline that paired the wrong rows with the wrong statement, or dropped a rider, would
show here as a different page or different counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.serve_load import synthetic_registry
from pactwatch.store import cursor_rows, load_registry, open_engine, query, state
from tests.service.conftest import BACKENDS, _url

FILTERS = [
    query.ProvisionFilter(),
    query.ProvisionFilter(domain="air_defence"),
    query.ProvisionFilter(domain="training", kind="action"),
    query.ProvisionFilter(actor="UA"),
    query.ProvisionFilter(partner="FR", domain="air_defence"),
    query.ProvisionFilter(beneficiary="UA"),
    query.ProvisionFilter(q="air defence"),
]


@pytest.fixture(params=BACKENDS, scope="module")
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Two generated registries' worth of shapes: 8 agreements, 1,200 provisions."""
    folder: Path = tmp_path_factory.mktemp("generated")
    for url in _url(request.param, folder):
        engine = open_engine(url)
        try:
            load_registry(engine, synthetic_registry(8, 1200, seed=11))
        finally:
            engine.dispose()
        yield url


def _filters(connection: Any) -> list[query.ProvisionFilter]:
    """The fixed filters, and one per agreement of the registry in hand."""
    agreements = query.agreement_ids(connection, query.AgreementFilter())
    return FILTERS + [query.ProvisionFilter(agreement=a, domain="training") for a in agreements]


def _separately(connection: Any, f: query.ProvisionFilter, sort: query.Sort) -> Any:
    page = query.provision_page(connection, f, sort, 7)
    return (
        [(r.agreement_id, r.record, r.key) for r in page.items],
        page.next_key,
        query.facets(connection, f),
    )


def _together(connection: Any, f: query.ProvisionFilter, sort: query.Sort) -> Any:
    page, facets = query.page_and_facets(connection, f, sort, 7)
    return [(r.agreement_id, r.record, r.key) for r in page.items], page.next_key, facets


@pytest.mark.parametrize("with_generation", [False, True])
def test_page_and_facets_together_are_each_alone(generated: str, with_generation: bool) -> None:
    engine = open_engine(generated)
    cursor_rows.riders_go_first(engine)
    try:
        with engine.connect() as connection:
            generation = state.read_generation(connection)
            for f in _filters(connection):
                for sort in (query.Sort("agreement"), query.Sort("domain", descending=True)):
                    alone = _separately(connection, f, sort)
                    if not with_generation:
                        assert _together(connection, f, sort) == alone, f
                        continue
                    with cursor_rows.riding(state.READ_GENERATION, {}) as rider:
                        together = _together(connection, f, sort)
                    assert together == alone, f
                    assert rider.rows is not None or engine.dialect.name == "sqlite"
                    if rider.rows is not None:
                        assert state.generation_of(rider.rows) == generation
    finally:
        engine.dispose()
    assert alone[0] or alone[2]["agreement"]  # the registry had something to count
