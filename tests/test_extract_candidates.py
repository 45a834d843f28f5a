"""The candidates of an official text: every sentence with words, none that is only a label."""

from __future__ import annotations

from pactwatch.extract.candidates import is_label, official_units
from pactwatch.sources.structure import parse_structure
from pactwatch.sources.units import leaf_units

TEXT = """AGREEMENT ON SECURITY COOPERATION

1. Norway will continue supporting Ukraine in numerous areas, including:
a. Budget support provided through multilateral channels.
b. Nuclear safety, continuing the long-term cooperation.
2. Ukraine will carry out reforms.
"""


def test_a_list_items_label_is_not_a_candidate_but_its_words_are() -> None:
    outline = parse_structure(TEXT)
    sentences = [TEXT[u.start : u.end] for leaf in outline.leaves() for u in leaf_units(TEXT, leaf)]
    assert "a." in sentences  # the splitter leaves the label as a sentence of its own
    found = [TEXT[u.unit.start : u.unit.end] for u in official_units(TEXT, outline)]
    assert found == [
        "Norway will continue supporting Ukraine in numerous areas, including:",
        "Budget support provided through multilateral channels.",
        "Nuclear safety, continuing the long-term cooperation.",
        "Ukraine will carry out reforms.",
    ]


def test_labels_in_any_script_and_numbering_and_nothing_with_words() -> None:
    for label in ["a.", "b)", "(c)", "iv.", "12.", "2.1.", "е.", " j. "]:
        assert is_label(label), label
    for words in ["Yes.", "Ukraine.", "etc.", "and", "EU.", "a. Budget support"]:
        assert not is_label(words), words
