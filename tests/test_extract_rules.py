"""Behaviour of the extraction rules on short texts written for these tests."""

from __future__ import annotations

import pytest

from pactwatch.extract import draft
from pactwatch.extract.facts import amounts, early_end, term_years, timing
from pactwatch.extract.lexicon import load_lexicon
from pactwatch.model import Agreement, Provision


def _texts(agreement: Agreement, text: str) -> list[str]:
    return [p.spans[0].text_in(text) for p in agreement.provisions]


def _one(text: str) -> Provision:
    agreement = draft(text)
    assert len(agreement.provisions) == 1, _texts(agreement, text)
    return agreement.provisions[0]


def test_coordinated_verb_phrases_become_one_provision_each() -> None:
    text = (
        "Poland will deliver tanks to Ukraine, open a repair hub near the border, "
        "and continue to train Ukrainian crews."
    )
    agreement = draft(text)
    assert _texts(agreement, text) == [
        "Poland will deliver tanks to Ukraine",
        "open a repair hub near the border",
        "continue to train Ukrainian crews",
    ]
    assert all(p.actors == ["PL"] and p.beneficiaries == ["UA"] for p in agreement.provisions)


def test_verbs_sharing_one_object_stay_one_provision() -> None:
    text = "Warsaw will help Kyiv find, track and destroy hostile drones."
    provision = _one(text)
    assert provision.actors == ["PL"] and provision.action == "help", provision


def test_adjective_list_before_one_noun_is_one_provision() -> None:
    text = "Canada and Ukraine will cooperate in the naval, aviation, cyber and medical fields."
    assert _one(text).actors == ["UA", "CA"]


def test_clause_list_of_an_agreement_gives_one_provision_per_item() -> None:
    text = (
        "Ukraine and Spain signed a pact in Madrid. The document also covers sanctions, "
        "humanitarian demining, and the protection of nuclear, chemical and biological sites."
    )
    agreement = draft(text)
    assert _texts(agreement, text) == [
        "sanctions",
        "humanitarian demining",
        "the protection of nuclear, chemical and biological sites",
    ]
    assert [p.domains[0] for p in agreement.provisions] == ["sanctions", "demining", "cbrn"]
    assert all(sorted(p.actors) == ["ES", "UA"] for p in agreement.provisions)


@pytest.mark.parametrize(
    ("text", "actors"),
    [
        ("Paris will supply SCALP missiles to Ukraine.", ["FR"]),
        ("The French will supply SCALP missiles to Ukraine.", ["FR"]),
        ("Italy and Ukraine will share intelligence.", ["UA", "IT"]),
        ("According to Zelensky, Berlin will fund air defence for Ukraine.", ["DE"]),
        ("The Participants will hold annual consultations. Germany will send tanks.", ["DE"]),
    ],
)
def test_actor_from_names_capitals_demonyms_and_coordination(text: str, actors: list[str]) -> None:
    assert draft(text).provisions[-1].actors == actors, text


def test_pronouns_and_ellipsis_carry_the_previous_actor() -> None:
    text = (
        "Germany and Ukraine signed an agreement. Germany will supply artillery to Ukraine. "
        "It will also train Ukrainian gunners. She confirms her support for Ukraine's "
        "EU bid. This also applies to NATO membership."
    )
    agreement = draft(text)
    assert [p.actors for p in agreement.provisions] == [["DE"]] * 4
    last = agreement.provisions[-1]
    assert "nato_integration" in last.domains and any("ellipsis" in w for w in last.why), last


def test_collectives_mean_all_parties() -> None:
    text = "Ukraine and Norway signed an agreement. The two countries will meet every year."
    provision = _one(text)
    assert sorted(provision.actors) == ["NO", "UA"] and provision.timing == "annual", provision


def test_headings_bylines_and_background_are_skipped_with_reasons() -> None:
    text = (
        "Ukraine and Latvia sign a deal\n\nAnna Example\n\n"
        "The talks lasted three hours.\n\nAir defence\n\n"
        "Latvia will provide drones to Ukraine.\n"
    )
    agreement = draft(text)
    notes = "\n".join(agreement.notes)
    for reason in ("headline", "byline", "background", "heading"):
        assert reason in notes, notes
    assert agreement.provisions[0].section == "Air defence", agreement.provisions[0]


def test_every_sentence_is_decided() -> None:
    text = "Finland and Ukraine agreed. Weather was fine. Finland will train Ukrainian medics."
    agreement = draft(text)
    assert len(agreement.provisions) + len(agreement.notes) >= 3, agreement.notes


def test_list_intro_items_inherit_the_subject() -> None:
    text = (
        "Intro line of a test\n\nThe Participants will:\n"
        "(a) exchange liaison officers;\n(b) hold joint exercises.\n"
    )
    agreement = draft(text)
    assert _texts(agreement, text) == ["exchange liaison officers", "hold joint exercises"]


def test_mentions_list_gives_one_mention_per_partner() -> None:
    text = (
        "Ukraine and Belgium signed a pact. Ukraine now has agreements with France, "
        "Italy, the USA and the EU."
    )
    agreement = draft(text)
    assert [m.parties for m in agreement.mentions] == [
        ["UA", "FR"],
        ["UA", "IT"],
        ["UA", "US"],
        ["UA", "EU"],
    ]


def test_signing_facts_and_term_with_early_end() -> None:
    text = (
        "President Volodymyr Zelensky and Prime Minister Donald Tusk signed the Agreement on "
        "Security Co-operation and Long-term Support between Ukraine and Poland in Warsaw "
        "on 8 July 2024. "
        "The agreement will remain in force for 10 years or until Ukraine joins NATO."
    )
    agreement = draft(text)
    assert str(agreement.signed_on) == "2024-07-08" and agreement.signed_at == "Warsaw"
    assert agreement.term.years == 10 and str(agreement.term.ends_on) == "2034-07-08"
    assert agreement.term.ends_early_if == ["ukraine_joins_nato"]
    assert [(s.name, s.party) for s in agreement.signatories] == [
        ("Volodymyr Zelensky", "UA"),
        ("Donald Tusk", "PL"),
    ]


@pytest.mark.parametrize(
    ("text", "value", "currency", "period"),
    [
        ("£2.5 billion", 2.5e9, "GBP", None),
        ("EUR 1.2 bn", 1.2e9, "EUR", None),
        ("$3 billion in 2024", 3e9, "USD", "2024"),
        ("3 billion euros", 3e9, "EUR", None),
        ("€500 million per year", 5e8, "EUR", "annual"),
        ("7,000,000 dollars", 7e6, "USD", None),
        ("NOK 15 billion over five years", 15e9, "NOK", "P5Y"),
    ],
)
def test_amounts_in_many_forms(text: str, value: float, currency: str, period: str | None) -> None:
    found = amounts(f"It will give {text} to Kyiv.")
    assert [(m.value, m.currency, m.period) for m in found] == [(value, currency, period)]


def test_amount_lands_on_the_provision() -> None:
    provision = _one("Sweden will allocate SEK 7.1 billion to Ukraine in 2024.")
    assert provision.amount is not None
    assert (provision.amount.value, provision.amount.currency) == (7.1e9, "SEK"), provision
    assert provision.amount.period == "2024" and provision.actors == ["SE"]


@pytest.mark.parametrize(
    ("text", "years"),
    [("ten years", 10), ("a 10-year pact", 10), ("a decade", 10), ("twenty years", 20)],
)
def test_term_years(text: str, years: int) -> None:
    found = term_years(text)
    assert found is not None and found[0] == years, found


def test_early_end_and_timing() -> None:
    assert early_end("valid until Ukraine's accession to NATO") == "ukraine_joins_nato"
    assert early_end("valid for ten years") is None
    assert timing("consult within 24 hours") == ("within 24 hours", "within 24 hours")
    assert timing("a 48-hour window") == ("within 48 hours", "48-hour")
    assert timing("meet annually") == ("annual", "annually")


def test_typographic_apostrophes_do_not_hide_names() -> None:
    text = "Romania will support Ukraine through NATO\u02bcs Comprehensive Assistance Package."
    provision = _one(text)
    assert provision.instruments == ["NATO Comprehensive Assistance Package"], provision
    assert provision.domains[0] == "nato_integration", provision


def test_news_forms_of_commitment() -> None:
    text = (
        "Brussels pledged €50 billion under the Ukraine Facility for 2024-2027. "
        "Berlin is also prepared to help Ukraine expand its arms production. "
        "Germany has provided aid since 2022. "
        "The EU committed to deliver one million shells by March 2024."
    )
    agreement = draft(text)
    assert [p.actors for p in agreement.provisions] == [["EU"], ["DE"], ["EU"]], agreement.notes
    money = agreement.provisions[0].amount
    assert money is not None and (money.value, money.period) == (50e9, "2024-2027"), money
    assert agreement.provisions[0].instruments == ["Ukraine Facility"]
    assert agreement.provisions[2].timing == "by March 2024"
    assert any("background" in note for note in agreement.notes), agreement.notes


def test_subject_names_are_not_domain_cues() -> None:
    provision = _one("The EU will deliver artillery shells to Ukraine.")
    assert provision.domains == ["weapons_and_equipment"], provision


def test_recipients_passives_and_quotes() -> None:
    text = (
        "Latvia and Ukraine sign a pact\n\n"
        '"We will always help," the minister told reporters.\n\n'
        "Ukraine will receive drones made in Latvia. "
        "Artillery rounds will be delivered by Latvia before winter.\n"
    )
    agreement = draft(text)
    assert [p.actors for p in agreement.provisions] == [["LV"], ["LV"]], agreement.notes
    assert agreement.provisions[1].domains[0] == "weapons_and_equipment"
    assert any(note.startswith("skip") and "quote" in note for note in agreement.notes)


@pytest.mark.parametrize(
    "sentence",
    [
        "The agreement stipulates that Germany will deliver tanks to Ukraine.",
        "The agreement says Berlin will deliver tanks to Ukraine.",
    ],
)
def test_agreement_reporting_a_partners_commitment(sentence: str) -> None:
    text = f"Ukraine and Germany signed an agreement. {sentence}"
    assert _one(text).actors == ["DE"]


@pytest.mark.parametrize(
    ("sentence", "nature"),
    [
        ("The document is a political commitment, not a treaty.", "political"),
        ("Parliament must ratify the agreement.", "legally_binding"),
        ("The talks went well.", "unknown"),
    ],
)
def test_legal_nature(sentence: str, nature: str) -> None:
    assert draft(f"Ukraine and Italy signed an agreement. {sentence}").legal_nature == nature


def test_term_stated_with_concluded_and_early_end_elsewhere() -> None:
    text = (
        "Ukraine and Germany signed an agreement. The agreement is concluded for 10 years. "
        "In 2024, Germany will provide Ukraine with aid worth 7 billion euros. "
        "The agreement will lose force if Ukraine becomes a member of NATO. "
        "Germany will support Ukraine until it joins the EU."
    )
    agreement = draft(text)
    assert agreement.term.years == 10 and agreement.term.ends_early_if == ["ukraine_joins_nato"]
    assert agreement.provisions[0].kind == "mechanism", agreement.provisions[0]
    money = agreement.provisions[1].amount
    assert money is not None and (money.value, money.period) == (7e9, "2024"), money


def test_acronym_instruments_are_case_sensitive() -> None:
    assert _one("Italy will enforce the oil price cap on Russia.").instruments == []
    assert _one("Ukraine will implement its ANP.").instruments == ["Annual National Programme"]


def test_word_lists_keep_words_yaml_would_read_as_booleans() -> None:
    """ "no" (an abbreviation) and "on" (a preposition) stay words, not False and True."""
    lexicon = load_lexicon()
    assert "no" in lexicon.words("abbreviations")
    assert "on" in lexicon.words("subject_prepositions")
    for key, entries in lexicon.grammar.items():
        if isinstance(entries, list):
            assert all(isinstance(entry, str) for entry in entries), key


def test_numbered_item_abbreviation_does_not_end_a_sentence() -> None:
    text = "Norway will fund demining project No. 5 in the Kharkiv region of Ukraine."
    assert _texts(draft(text), text) == [text.rstrip(".")]


_SIGNED_FI = "Finland and Ukraine signed a security agreement in Helsinki on 3 April 2024. "


def test_closing_attribution_is_not_part_of_the_commitment() -> None:
    text = _SIGNED_FI + "Finland will fund demining in Kharkiv, the minister told reporters."
    provision = _one(text)
    assert provision.object == "demining in Kharkiv", provision
    assert provision.spans[0].text_in(text).endswith("Kharkiv"), provision.spans


def test_reported_collective_subject_means_all_parties() -> None:
    text = _SIGNED_FI + (
        "Stubb thanked the Ukrainians for their resilience and said the two countries would "
        "also deepen cooperation on cyber defence."
    )
    provision = _one(text)
    assert sorted(provision.actors) == ["FI", "UA"] and provision.domains[0] == "cyber", provision


def test_adverb_after_a_collective_subject() -> None:
    provision = _one(_SIGNED_FI + "The two governments also agreed to expand joint exercises.")
    assert sorted(provision.actors) == ["FI", "UA"], provision


def test_it_with_an_agreement_verb_is_the_agreement() -> None:
    text = _SIGNED_FI + "It also provides for annual consultations between foreign ministers."
    agreement = draft(text)
    assert [sorted(p.actors) for p in agreement.provisions] == [["FI", "UA"]], agreement.notes
    assert [m.every for m in agreement.mechanisms] == ["P1Y"], agreement.mechanisms


def test_intercepting_missiles_is_air_defence_and_prepare_is_a_verb() -> None:
    first = _one(_SIGNED_FI + "Finland will examine ways of intercepting missiles over Ukraine.")
    assert first.domains[0] == "air_defence", first
    second = _one(_SIGNED_FI + "Finland will prepare a new package of assistance for Ukraine.")
    assert second.action == "prepare", second


def test_a_joint_body_without_a_named_party_acts_for_the_parties() -> None:
    text = _SIGNED_FI + "Officials said a new steering committee would meet once a year."
    provision = _one(text)
    assert sorted(provision.actors) == ["FI", "UA"], provision
    assert (provision.kind, provision.timing) == ("mechanism", "annual"), provision


_SIGNED_US = "The United States and Ukraine signed a security agreement in Bari on 13 June 2024. "


def test_an_agreement_binding_a_named_party_makes_it_the_actor() -> None:
    text = _SIGNED_US + (
        "The pact commits Washington to train Ukrainian pilots and provide radar data, "
        "but it does not commit American troops."
    )
    agreement = draft(text)
    assert [(p.actors, p.action) for p in agreement.provisions] == [
        (["US"], "train"),
        (["US"], "provide"),
    ], _texts(agreement, text)
    assert agreement.provisions[-1].object == "radar data"


def test_how_the_agreement_can_end_is_not_a_commitment() -> None:
    text = _SIGNED_US + "The agreement can be terminated by either side with six months' notice."
    agreement = draft(text)
    assert agreement.provisions == [] and any("term:" in n for n in agreement.notes)


def test_a_second_subject_after_vowed_is_its_own_clause() -> None:
    text = _SIGNED_US + (
        "Washington vowed to help Ukraine build a future force, and both countries agreed "
        "to work toward Ukraine's membership in NATO."
    )
    agreement = draft(text)
    assert [sorted(p.actors) for p in agreement.provisions] == [["US"], ["UA", "US"]]


def test_a_leading_condition_stops_before_the_main_clause() -> None:
    text = _SIGNED_US + (
        "In the event of a future armed attack on Ukraine, the two countries will consult "
        "within 24 hours."
    )
    provision = _one(text)
    assert provision.condition == "a future armed attack on Ukraine", provision


_FORMAL = """AGREEMENT ON SECURITY COOPERATION BETWEEN THE KINGDOM OF SPAIN AND UKRAINE

Madrid, 27 May 2024

1. The Participants reaffirm their support for Ukraine's territorial integrity.

2. This Agreement shall remain in effect for ten years.

3. The Participants will cooperate in the following areas:
(a) air defence, including the upkeep of systems already delivered;
(b) training of Ukrainian personnel.

4. Spain intends to contribute to the joint procurement of ammunition.

5. In case of renewed aggression, at the request of either Participant, the Participants
will hold consultations within 24 hours.

6. The Participants will review the implementation of this Agreement annually.
"""


def test_a_formal_agreement_text() -> None:
    agreement = draft(_FORMAL)
    assert agreement.title == (
        "Agreement on Security Cooperation between the Kingdom of Spain and Ukraine"
    )
    assert (str(agreement.signed_on), agreement.signed_at) == ("2024-05-27", "Madrid")
    assert agreement.term.years == 10 and str(agreement.term.ends_on) == "2034-05-27"
    found = [(p.actors, p.action, p.object.split(",")[0]) for p in agreement.provisions]
    assert found == [
        (["UA", "ES"], "reaffirm", "their support for Ukraine's territorial integrity"),
        (["UA", "ES"], "remain in force", "the agreement"),
        (["UA", "ES"], "cooperate", "air defence"),
        (["UA", "ES"], "cooperate", "training of Ukrainian personnel"),
        (["ES"], "contribute", "to the joint procurement of ammunition"),
        (["UA", "ES"], "hold", "consultations within 24 hours"),
        (["UA", "ES"], "review", "the implementation of this Agreement annually"),
    ], found
    kinds = {(m.kind, m.starts_on, m.every, m.within) for m in agreement.mechanisms}
    assert kinds == {
        ("term", "trigger", None, None),
        ("consultation_on_trigger", "request", None, "PT24H"),
        ("recurring", "trigger", "P1Y", None),
    }, kinds


def test_a_pledges_period_is_not_the_agreements_term() -> None:
    text = (
        "Latvia and Ukraine signed a security agreement in Riga on 11 January 2024. "
        "Latvia will give 0.25% of its GDP to military aid over the next three years. "
        "The agreement will remain in force until Ukraine becomes a member of NATO."
    )
    term = draft(text).term
    assert term.years is None and term.ends_early_if == ["ukraine_joins_nato"], term


def test_commitments_listed_by_the_agreement_bind_the_parties() -> None:
    text = (
        "Today Canada and Ukraine signed the Canada-Ukraine Agreement on Security "
        "Cooperation in Kyiv.\n\n"
        "The agreement sets out several commitments, including:\n"
        "- deepening cooperation on pilot training;\n"
        "- strengthening intelligence sharing.\n"
    )
    agreement = draft(text)
    assert agreement.title == "Canada-Ukraine Agreement on Security Cooperation"
    found = [(sorted(p.actors), p.action, p.domains[0]) for p in agreement.provisions]
    assert found == [
        (["CA", "UA"], "deepen", "training"),
        (["CA", "UA"], "strengthen", "intelligence"),
    ], found


def test_a_commitment_inside_the_signing_sentence() -> None:
    text = (
        "Japan and Ukraine signed a ten-year accord in Bari on 13 June 2024, under which "
        "Tokyo will provide demining equipment."
    )
    agreement = draft(text)
    assert str(agreement.signed_on) == "2024-06-13" and agreement.term.years == 10
    provision = agreement.provisions[0]
    assert (provision.actors, provision.action) == (["JP"], "provide"), provision


def test_a_report_of_two_signings_keeps_the_other_partner_as_a_mention() -> None:
    text = (
        "Zelensky signed security agreements with Spain and Portugal in Madrid on "
        "27 May 2024. Spain will provide 1 billion euros in military aid to Ukraine. "
        "Portugal will join the demining coalition, its prime minister said."
    )
    agreement = draft(text)
    assert agreement.parties == ["UA", "ES"], agreement.parties
    assert [p.actors for p in agreement.provisions] == [["ES"]]
    assert [m.parties for m in agreement.mentions] == [["UA", "PT"]]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Central European country will host a repair hub.",
        "The Nordic nation will host a repair hub.",
    ],
)
def test_an_epithet_names_the_partner_not_a_region(sentence: str) -> None:
    text = "Ukraine and Czechia signed a security agreement in Prague on 3 April 2024. "
    assert _one(text + sentence).actors == ["CZ"]
