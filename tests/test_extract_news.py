"""News forms the extractor must read: reported and past-tense pledges, periods, clauses
with their own subjects, that-clauses, shares of GDP, page furniture and other agreements.
The sentences are written for these tests."""

from __future__ import annotations

import pytest

from pactwatch.extract import draft
from pactwatch.extract.facts import amounts, pledged_amount, shares
from pactwatch.sources import read_document

SIGNED = "Prime Minister Jonas Store and President Volodymyr Zelensky signed an agreement."


def _texts(text: str) -> list[tuple[str, list[str]]]:
    agreement = draft(text)
    return [(p.spans[0].text_in(text), p.actors) for p in agreement.provisions]


@pytest.mark.parametrize(
    "sentence",
    [
        "Norway has pledged demining aid worth NOK 1 billion for 2024.",
        "Oslo promised to deliver air defence missiles.",
        "Norway undertook to train Ukrainian medics.",
        "Norway vowed to fund mine clearance.",
        "Norway has earmarked NOK 500 million for energy repairs.",
        "Under the agreement, Norway is to support Ukraine's recovery.",
        "The minister said Norway would provide patrol boats.",
        "Norway reaffirmed its commitment to holding Russia accountable.",
    ],
)
def test_past_tense_and_reported_commitments_are_provisions(sentence: str) -> None:
    found = _texts(f"Ukraine and Norway agree. {sentence}")
    assert [actors for _, actors in found] == [["NO"]], found


@pytest.mark.parametrize(
    ("words", "period"),
    [
        ("£1.5 billion in 2024/25", "2024/25"),
        ("€3 billion for 2025", "2025"),
        ("NOK 2 billion over the next ten years", "P10Y"),
        ("€40 million annually", "annual"),
        ("$2 billion over the coming decade", "P10Y"),
        ("€1 billion for mine clearance over the next four years", "P4Y"),
    ],
)
def test_amount_periods(words: str, period: str) -> None:
    found = amounts(f"It will give {words}.")
    assert [m.period for m in found] == [period], found


def test_counts_are_not_money_and_shares_of_gdp_are_amounts() -> None:
    assert amounts("It will send 48 howitzers and 90,000 rounds.") == []
    found = shares("It will spend 0.2% of its GDP on aid each year.")
    assert [(s.percent, s.base, s.period) for s in found] == [(0.2, "GDP", "annual")]
    provision = draft("Latvia promised to spend 0.2% of its GDP on aid to Ukraine each year.")
    amount = provision.provisions[0].amount
    assert amount is not None
    assert (amount.value, amount.unit, amount.currency, amount.period) == (
        0.2, "percent_of_gdp", None, "annual",
    )  # fmt: skip


def test_a_share_of_a_budget_is_flagged_not_taken_as_the_amount() -> None:
    provision = draft("Latvia promised to spend 5% of its defence budget on aid to Ukraine.")
    assert provision.provisions[0].amount is None
    assert any(f.startswith("amount-share: 5% of") for f in provision.provisions[0].flags)


def test_a_clause_with_its_own_subject_is_its_own_provision() -> None:
    text = (
        "Sweden and Ukraine will deepen cooperation on cyber defence, and Sweden will help "
        "Ukraine train its air force jointly with Finland."
    )
    agreement = draft(text)
    got = [(p.spans[0].text_in(text), sorted(p.actors), p.partners) for p in agreement.provisions]
    assert got == [
        ("Sweden and Ukraine will deepen cooperation on cyber defence", ["SE", "UA"], []),
        ("Sweden will help Ukraine train its air force jointly with Finland", ["SE"], ["Finland"]),
    ], got


def test_that_clause_and_membership_do_not_make_actors() -> None:
    text = "Spain reaffirmed that Ukraine's place is in NATO and pledged to back reforms."
    found = _texts(text)
    assert [actors for _, actors in found] == [["ES"], ["ES"]], found


def test_other_partners_agreements_are_mentions() -> None:
    text = (
        f"{SIGNED} Norway will train Ukrainian pilots. "
        "Japan and Italy are expected to conclude similar agreements with Kyiv."
    )
    agreement = draft(text)
    assert [p.actors for p in agreement.provisions] == [["NO"]], agreement.notes
    assert {tuple(m.parties) for m in agreement.mentions} == {("UA", "JP"), ("UA", "IT")}


def test_page_furniture_is_not_read() -> None:
    page = (
        "<html><body><div class='top-menu'><a>World</a></div><h1>Deal signed</h1>"
        "<p class='article-byline'>By A. Writer</p><figure><figcaption>Norway will "
        "parade.</figcaption></figure><p>Norway will train Ukrainian pilots.</p>"
        "<div id='related-links'><a>Latvia will send drones to Ukraine</a></div>"
        "<footer>Cookies</footer></body></html>"
    )
    text = read_document(page.encode(), "p.html").text
    assert "World" not in text and "parade" not in text and "Latvia" not in text, text
    assert "By A. Writer" not in text and "Norway will train Ukrainian pilots." in text, text


def test_a_second_finite_pledge_is_its_own_provision() -> None:
    text = (
        'The minister said Norway would support Ukraine "whatever it takes" and vowed to '
        "send boats."
    )
    found = _texts(text)
    assert len(found) == 2 and found[1][0] == "vowed to send boats", found


def test_an_event_named_in_passing_is_no_mention() -> None:
    text = f"{SIGNED} Japan is expected to sign a similar accord at the G7 summit."
    assert [m.parties for m in draft(text).mentions] == [["UA", "JP"]]


def test_a_later_signing_by_another_partner_is_a_mention() -> None:
    text = (
        "Prime Minister Giorgia Meloni and President Volodymyr Zelensky signed an agreement "
        "in Kyiv. Under the deal, Italy will train Ukrainian pilots. Prime Minister Justin "
        "Trudeau of Canada also signed an agreement with Ukraine on the sidelines of the "
        "NATO summit."
    )
    agreement = draft(text)
    assert [p.spans[0].text_in(text) for p in agreement.provisions] == [
        "Italy will train Ukrainian pilots"
    ], agreement.notes
    assert [m.parties for m in agreement.mentions] == [["UA", "CA"]], agreement.mentions
    assert {s.party for s in agreement.signatories} == {"IT", "UA"}, agreement.signatories


@pytest.mark.parametrize(
    ("words", "qualifier", "value"),
    [
        ("Oslo will give at least NOK 2 billion to the fund.", "at_least", 2e9),
        ("The package is worth more than €400 million this year.", "more_than", 4e8),
        ("Support of up to 50 million euros is planned.", "up_to", 5e7),
        ("Aid totalling some EUR 112 million was announced.", "about", 1.12e8),
        ("A grant of EUR 30 million, no more, was agreed.", "exact", 3e7),
        ("Its aid this year already exceeds 90 million EUR.", "more_than", 9e7),
        ("Loans are guaranteed up to a 20 million EUR limit.", "up_to", 2e7),
        ("Reykjavik will give a minimum of 2 billion ISK a year.", "at_least", 2e9),
        ("The town received a gift of 300.000 EUR for shelters.", "exact", 3e5),
        ("Ljubljana added seven million euros for demining.", "exact", 7e6),
    ],
)
def test_the_hedge_before_an_amount_is_kept(words: str, qualifier: str, value: float) -> None:
    found = amounts(words)
    assert [(m.qualifier, m.value) for m in found] == [(qualifier, value)]


@pytest.mark.parametrize(
    ("words", "giver", "currency"),
    [
        ("Norway will give 5 billion kroner.", "NO", "NOK"),
        ("Denmark will give 5 billion kroner.", "DK", "DKK"),
        ("Sweden will give 5 billion kronor.", "SE", "SEK"),
        ("Canada will give $500 million.", "CA", "CAD"),
        ("The United States will give $500 million.", "US", "USD"),
        ("Canada will give more than 3 billion Canadian dollars.", "CA", "CAD"),
        ("Ukraine will receive 3 billion Canadian dollars from Ottawa.", None, "CAD"),
    ],
)
def test_a_shared_currency_word_is_the_givers_money(
    words: str, giver: str | None, currency: str
) -> None:
    amount, why = pledged_amount(words, giver)
    assert amount is not None and amount.currency == currency, why


def test_number_words_without_a_scale_are_not_money() -> None:
    assert amounts("One euro coins and one million people were counted.") == []


def test_a_share_written_with_a_decimal_comma() -> None:
    found = shares("Vilnius will give 0,3% of its annual GDP to the effort.")
    assert [(s.percent, s.base) for s in found] == [(0.3, "GDP")]


def test_one_amount_per_pledge_is_the_first_the_pledge_states() -> None:
    amount, _ = pledged_amount(
        "Latvia will spend at least 0.25% of GDP annually, about EUR 100 million.", "LV"
    )
    assert amount is not None
    assert (amount.unit, amount.value, amount.qualifier, amount.period) == (
        "percent_of_gdp", 0.25, "at_least", "annual",
    )  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "Kristen Michal, Estonia's prime minister, and Volodymyr Zelensky, Ukraine's "
        "president, signed a security agreement in Tallinn on 2 May 2024.",
        "Estonia's prime minister, Kristen Michal, and Ukraine's president, Volodymyr "
        "Zelensky, signed a security agreement in Tallinn on 2 May 2024.",
        "The agreement was signed in Tallinn on 2 May 2024 by Kristen Michal, Prime Minister "
        "of Estonia, and Volodymyr Zelensky, the President of Ukraine.",
        "Signed by the Prime Minister of Estonia, Kristen Michal, and the President of Ukraine "
        "Volodymyr Zelensky in Tallinn on 2 May 2024.",
    ],
)
def test_signatories_named_with_their_country_beside_them(text: str) -> None:
    agreement = draft(text + " Estonia will provide Ukraine with training for pilots.")
    named = {(s.party, s.name) for s in agreement.signatories}
    assert named == {("EE", "Kristen Michal"), ("UA", "Volodymyr Zelensky")}, agreement.notes


def test_a_leader_of_a_country_outside_the_agreement_is_not_its_signatory() -> None:
    agreement = draft(
        "Kristen Michal, Estonia's prime minister, and Volodymyr Zelensky, Ukraine's president, "
        "signed a security agreement on 2 May 2024, a week after Petteri Orpo, Finland's prime "
        "minister, had signed his. Estonia will provide Ukraine with training for pilots."
    )
    assert "FI" not in {s.party for s in agreement.signatories}


@pytest.mark.parametrize(
    ("text", "signed_on"),
    [
        (
            "EVENING BULLETIN\nAired: Wednesday, 3 July 2024\n\nYesterday in Oslo the prime "
            "minister of Norway and the president of Ukraine signed a security agreement.",
            "2024-07-02",
        ),
        (
            "Defence Notes | Issue 7 | Saturday, 6 July 2024\n\nOn Thursday in Oslo the prime "
            "minister of Norway and the president of Ukraine signed a security agreement.",
            "2024-07-04",
        ),
        (
            "Weekly Review, 12 July 2024\n\nOn 9 July the prime minister of Norway and the "
            "president of Ukraine signed a security agreement in Oslo.",
            "2024-07-09",
        ),
    ],
    ids=["yesterday", "weekday", "day-and-month"],
)
def test_a_signing_day_without_its_year_is_read_against_the_reports_date(
    text: str, signed_on: str
) -> None:
    agreement = draft(text + " Norway will provide Ukraine with training for pilots.")
    assert str(agreement.signed_on) == signed_on, agreement.notes


@pytest.mark.parametrize(
    "text",
    [
        "Norway signed a security agreement with Ukraine on 31 May 2024, a deal shareholders "
        "in Kongsberg had waited for. The prime minister of Norway and the president of "
        "Ukraine signed it in Oslo during a summit.",
        "Today in Oslo, Prime Minister Jonas Gahr Støre and the president of Ukraine signed "
        "a security agreement on 31 May 2024.",
    ],
    ids=["a-company-before-the-capital", "a-title-after-the-capital"],
)
def test_a_capital_is_the_signing_place_before_any_capitalised_word(text: str) -> None:
    agreement = draft(text + " Norway will provide Ukraine with training for pilots.")
    assert agreement.signed_at == "Oslo", agreement.notes


def test_a_signatory_named_by_surname_takes_the_given_name_the_report_gives() -> None:
    agreement = draft(
        "President Volodymyr Zelensky arrived in Oslo on Friday. On 31 May 2024 Prime "
        "Minister Jonas Gahr Støre and President Zelensky signed a security agreement in Oslo. "
        "Norway will provide Ukraine with training for pilots."
    )
    assert ("UA", "Volodymyr Zelensky") in {(s.party, s.name) for s in agreement.signatories}


def test_the_partner_signing_where_others_meet_is_this_agreements_signing() -> None:
    agreement = draft(
        "Norway and Ukraine have a security agreement. Several states sign up to the G7 "
        "declaration each month.\n\nOn 31 May 2024 Prime Minister Jonas Gahr Støre and "
        "President Volodymyr Zelensky signed the agreement between Ukraine and Norway in Oslo, "
        "where the European Political Community met. Norway will provide Ukraine with training "
        "for pilots."
    )
    assert "NO" in {s.party for s in agreement.signatories}, agreement.notes
