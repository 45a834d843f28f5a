"""The search lexicon: how a query becomes terms (no database needed)."""

from __future__ import annotations

import pytest

from pactwatch.store.synonyms import expand, fold, lexicon


def test_short_capitalised_names_are_parties_only_as_typed() -> None:
    assert expand("us")[0].parties == ()
    assert expand("US")[0].parties == ("US",)
    assert expand("UK")[0].parties == ("GB",)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Румунія", "RO"),
        ("Румунією", "RO"),
        ("România", "RO"),
        ("Romania", "RO"),
        ("Велика Британія", "GB"),
        ("Сполучених Штатів", "US"),
        ("Statele Unite", "US"),
        ("Європейський Союз", "EU"),
        ("Японії", "JP"),
    ],
)
def test_partner_names_in_three_languages(typed: str, code: str) -> None:
    terms = expand(typed)
    assert [t.parties for t in terms] == [(code,)], terms
    assert terms[0].typed == typed


def test_a_name_amid_words_is_one_term_and_the_words_stay() -> None:
    terms = expand("Polish air defense")
    assert [t.typed for t in terms] == ["Polish", "air", "defense"]
    assert "defence" in terms[2].alternatives


def test_every_synonym_finds_its_whole_group() -> None:
    for group in lexicon().groups:
        for member in group:
            terms = expand(member)
            assert len(terms) == 1, (member, terms)
            found = {fold(a) for a in terms[0].alternatives}
            assert {fold(m) for m in group} <= found, (member, terms)


def test_inflection_is_kept_on_the_alternative() -> None:
    assert "programmes" in expand("programs")[0].alternatives
    assert "organisations" in expand("organizations")[0].alternatives
    assert "licences" in expand("licenses")[0].alternatives


def test_punctuation_is_never_query_syntax() -> None:
    assert [t.typed for t in expand('"; DROP TABLE --')] == ["DROP", "TABLE"]
    assert expand("!!!") == ()
