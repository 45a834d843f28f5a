"""Search as readers type, on SQLite and PostgreSQL: spellings, synonyms, partner names."""

from __future__ import annotations

from typing import Any

import pytest

from tests.service.conftest import Service
from tests.service.test_api_read import all_provisions


def ids(api: Service, q: str, **params: Any) -> set[tuple[str, str]]:
    return {(p["agreement_id"], p["id"]) for p in all_provisions(api, q=q, **params)}


@pytest.mark.parametrize(
    ("typed", "written", "expected"),
    [
        ("air defense", "air defence", ("ua-ro-2024", "patriot")),
        ("Patriot air defenses", "Patriot air defences", ("ua-ro-2024", "patriot")),
        ("F16", "F-16", ("ua-ro-2024", "f16-training")),
        ("training center", "training centre", ("ua-ro-2024", "f16-training")),
        ("national program", "national programme", ("ua-ro-2024", "anp-interoperability")),
        ("mine clearance", "demining", ("ua-ro-2024", "black-sea-demining")),
    ],
)
def test_american_spellings_and_synonyms_find_what_british_words_find(
    api: Service, typed: str, written: str, expected: tuple[str, str]
) -> None:
    found = ids(api, written)
    assert expected in found, found
    assert found <= ids(api, typed)


def test_word_forms_match_through_the_stemmer(api: Service) -> None:
    assert ("ua-ro-2024", "patriot") in ids(api, "defences systems")


def test_ukrainian_and_romanian_partner_names_find_the_agreement(api: Service) -> None:
    everything = {(p["agreement_id"], p["id"]) for p in all_provisions(api, partner="RO")}
    assert everything
    for typed in ("Румунія", "Румунії", "România", "României", "Romania"):
        assert everything <= ids(api, typed), typed
    narrowed = ids(api, "Румунія ППО")
    assert narrowed == {("ua-ro-2024", "patriot")}, narrowed


def test_the_search_page_says_how_it_matched(api: Service) -> None:
    html = api.client.get("/search", params={"q": "Румунія air defense"}).text
    assert "partner &#39;Румунія&#39; → Romania" in html, html[-3000:]
    assert "matched &#39;defence&#39; for &#39;defense&#39;" in html
    plain = api.client.get("/search", params={"q": "Patriot"}).text
    assert "How it matched" not in plain
