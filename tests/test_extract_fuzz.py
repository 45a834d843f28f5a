"""No input makes extraction raise: fragments of the official texts cut anywhere, random
Unicode, empty and whitespace-only text, and lines of nothing but punctuation.

Each path is exercised: the rules alone, an agreement's text through the trained decisions,
and a report through them, as `pactwatch extract` chooses between the last two.
"""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pactwatch.extract import draft
from pactwatch.extract.linear import Model, load_model
from pactwatch.extract.official import draft_official
from pactwatch.extract.report import draft_report
from pactwatch.extract.run import extract_document
from pactwatch.settings import official_texts_dir
from pactwatch.sources import read_document
from tests.conftest import require


@lru_cache(maxsize=1)
def _joined_texts() -> str:
    folder = official_texts_dir()
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt")))


def _model() -> Model:
    model = load_model()
    assert model is not None, "no model: run `pactwatch train`"
    return model


def _all_paths(text: str) -> None:
    model = _model()
    draft(text, source_id="t")
    draft_official(text, "t", model)
    draft_report(text, "t", model)
    extract_document(read_document(text.encode("utf-8"), "t.txt"))


@pytest.mark.parametrize("text", ["", " ", "\n\n\n", "1.", "For Ukraine:", "Signed in", ":;,."])
def test_degenerate_inputs(text: str) -> None:
    model = _model()
    draft(text, source_id="t")
    draft_report(text, "t", model)
    if text.strip():
        draft_official(text, "t", model)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=6000))
def test_fragments_of_official_texts(start: int, length: int) -> None:
    require(official_texts_dir().is_dir(), "the official texts are not beside the project")
    text = _joined_texts()
    begin = start % len(text)
    _all_paths(text[begin : begin + length])


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=400).filter(lambda t: t.strip() and "\x00" not in t))
def test_random_unicode(text: str) -> None:
    _all_paths(text)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Ukraine will",
                "1. ",
                "(a) ",
                "- ",
                ":",
                ";",
                ", and ",
                "Signed in ",
                "For ",
                "Participants",
                "\n",
                "\n\n",
                "EUR 5 billion",
                "ten (10) years",
                "Part II",
            ]
        ),
        min_size=1,
        max_size=60,
    )
)
def test_shapes_of_agreements_recombined(pieces: list[str]) -> None:
    text = "".join(pieces)
    if text.strip():
        _all_paths(text)
