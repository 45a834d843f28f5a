"""Read a document's bytes into the text that extraction and spans refer to.

Input arrives as UTF-8, UTF-8 with a BOM, UTF-16, legacy single-byte encodings (Windows-1251,
Latin-1) or HTML. Everything downstream counts offsets in the text returned here, so the
decoding is deterministic and the HTML flattening keeps one block per line.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Literal

from charset_normalizer import from_bytes

from pactwatch.model import PactwatchError
from pactwatch.sources.html import html_to_text
from pactwatch.sources.library import sha256_hex

Format = Literal["text", "html", "auto"]

_HTML_SNIFF = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<div|<p[\s>]|<article|<!--)", re.I
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in text; many of them mean the input is binary.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Document:
    """A decoded source: its text (what offsets count in), how it was read, and its sha256."""

    name: str
    text: str
    encoding: str
    format: Literal["text", "html"]
    sha256: str


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """The text and the encoding it was read in; a one-line error for binary input.

    BOMs decide first, strict UTF-8 second (most input), detection last, because a
    detector guessing on valid UTF-8 is the usual cause of mojibake.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, name), encoding
    if _looks_utf16(data):
        return _strict(data, "utf-16-le", name), "utf-16-le"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        detected = _detect(data[:200_000])
        if detected is None:
            raise _binary(name) from None
        text, encoding = _strict(data, detected, name), detected
    else:
        encoding = "utf-8"
    if _is_binary(text):
        raise _binary(name)
    return text, encoding


# Latin code pages a detector confuses on short Western text; Windows-1252 is then the
# likelier one (it is what "Latin-1" files in the wild mostly are).
_LATIN_VARIANTS = frozenset(
    {"cp1250", "cp1257", "cp775", "cp850", "cp437", "cp1254", "mac_roman", "mac_latin2"}
    | {"iso8859_2", "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_15"}
    | {"iso8859_16", "latin_1"}
)


def _detect(data: bytes) -> str | None:
    results = from_bytes(data)
    best = results.best()
    if best is None or best.encoding is None:
        return None
    if best.encoding in _LATIN_VARIANTS:
        for match in results:
            if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.01:
                return "cp1252"
    return str(best.encoding)


def _looks_utf16(data: bytes) -> bool:
    """BOM-less UTF-16LE English: every other byte of the first few hundred is zero."""
    head = data[:400]
    return len(head) >= 8 and head[1::2].count(0) > 0.9 * (len(head) // 2) and 0 not in head[::2]


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise PactwatchError.at(
            name,
            "encoding",
            "undecodable-input",
            f"cannot decode the input as {encoding}; save it as UTF-8 and try again",
        ) from None


def _is_binary(text: str) -> bool:
    sample = text[:100_000]
    if _CONTROL.search(sample) is None:
        return False  # text has no control characters at all: the common case, decided fast
    return len(_CONTROL.findall(sample)) > max(8, len(sample) // 100)


def _binary(name: str) -> PactwatchError:
    return PactwatchError.at(
        name, "", "binary-input", "looks like binary data, not text or HTML; give a .txt or .html"
    )


def read_document(data: bytes, name: str, fmt: Format = "auto") -> Document:
    """Decode and, for HTML, flatten a document; `fmt` overrides the sniffing."""
    text, encoding = decode_bytes(data, name)
    is_html = fmt == "html" or (
        fmt == "auto" and (_HTML_SNIFF.match(data[:512]) is not None or _html_text(text))
    )
    if is_html:
        return Document(name, html_to_text(text), encoding, "html", sha256_hex(data))
    return Document(name, text, encoding, "text", sha256_hex(data))


def _html_text(text: str) -> bool:
    head = text[:512].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<body", "<p>", "<div", "<article"))
