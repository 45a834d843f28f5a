"""Another language's function words weigh as the English ones the model learnt from."""

from __future__ import annotations

from pactwatch.extract.candidates import break_points
from pactwatch.extract.features import point_features, role_view
from pactwatch.extract.function_words import function_words
from pactwatch.sources.units import Unit


def test_ukrainian_function_words_read_as_english_and_content_words_stay() -> None:
    words = function_words()
    assert words.read("та") == "and"
    assert words.read("зокрема") == "including"
    assert words.phrase("а також") == "and also"
    assert words.read("оборони") == "оборони"  # "of defence": a content word keeps its own
    assert words.read("and") == "and"


def test_ukrainian_verb_forms_are_verbs_and_nouns_are_not() -> None:
    words = function_words()
    assert words.is_verb("надаватиме")  # "will provide"
    assert words.is_verb("підтримувати")  # "to support"
    assert not words.is_verb("оборони")
    assert not words.is_verb("training")  # English verbs are the grammar lexicon's


def test_a_ukrainian_coordinator_is_a_break_point_as_and_is() -> None:
    text = "Італія надаватиме допомогу та підтримуватиме реформи, а також навчання."
    points = break_points(text, Unit("p", 0, len(text)))
    assert [(p.mark, text[p.at : p.at + 6]) for p in points] == [
        ("та", "підтри"),
        (",", "а тако"),
    ]
    # a coordinator is a whole word, never the start of one ("та" in "тактика")
    other = "Італія надаватиме допомогу тактикою."
    assert not break_points(other, Unit("p", 0, len(other)))


def test_a_ukrainian_point_has_the_features_of_its_english_twin() -> None:
    english = "Italy will provide aid, including training."
    ukrainian = "Італія надаватиме допомогу, зокрема навчання."

    def feats(text: str) -> dict[str, float]:
        unit = Unit("p", 0, len(text))
        point = break_points(text, unit)[0]
        return point_features(role_view(text, ["IT", "UA"]), unit, point, 1)

    en, uk = feats(english), feats(ukrainian)
    assert en["mark:,"] == uk["mark:,"] == 1.0
    assert en["a0:including"] == uk["a0:including"] == 1.0
    assert "a0:зокрема" not in uk
