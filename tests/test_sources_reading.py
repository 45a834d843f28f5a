"""Reading inputs: encodings, HTML flattening and the same-length matching view."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.model import PactwatchError
from pactwatch.sources import decode_bytes, match_view, read_document

SAMPLE = "Kyiv’s partners will help. Ukraine — and Romania — will cooperate."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_unicode_encodings_decode_to_the_same_text(data: bytes, encoding: str) -> None:
    assert decode_bytes(data, "x") == (SAMPLE, encoding)


def test_windows_1251_is_detected() -> None:
    text = "Україна та Румунія підписали угоду про безпекову співпрацю на десять років."
    decoded, encoding = decode_bytes(text.encode("cp1251"), "x")
    assert decoded == text and encoding.replace("_", "").lower() in {"cp1251", "windows1251"}


def test_latin_1_is_read_without_mojibake() -> None:
    text = "Le président a signé l'accord à Paris, garantissant une coopération étroite."
    decoded, _ = decode_bytes(text.encode("latin-1"), "x")
    assert decoded == text


def test_binary_input_is_a_one_line_error() -> None:
    data = bytes(range(256)) * 40
    with pytest.raises(PactwatchError) as raised:
        read_document(data, "blob.bin")
    assert raised.value.problem.code == "binary-input"
    assert "\n" not in raised.value.problem.line()


def test_html_drops_scripts_styles_and_navigation() -> None:
    page = (
        "<!doctype html><html><head><style>p{color:red}</style><script>var x=1;</script>"
        "</head><body><nav><a>Home</a><a>News</a></nav><h1>Pact signed</h1>"
        "<p>Romania will <b>train</b> pilots.</p><footer>Cookies</footer></body></html>"
    )
    document = read_document(page.encode("utf-8"), "page.html")
    assert document.format == "html"
    assert document.text == "Pact signed\n\nRomania will train pilots.\n"


def test_deeply_nested_and_broken_html_is_read() -> None:
    page = "<div>" * 5000 + "<p>Estonia will send ammunition<p>unclosed <b>bold" + "</span>" * 10
    document = read_document(page.encode("utf-8"), "deep.html")
    assert "Estonia will send ammunition" in document.text


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_match_view_keeps_length(text: str) -> None:
    assert len(match_view(text)) == len(text)


def test_match_view_folds_typography() -> None:
    assert (
        match_view("NATO\u02bcs \u201cplan\u201d \u2014 a\u00a0b \u2022")
        == 'NATO\'s "plan" - a b *'
    )
