"""A matching view of a text: same length, same offsets, typography folded to ASCII.

Lexicons are written with plain apostrophes, quotes and hyphens; sources use U+2019,
U+02BC, en and em dashes, no-break spaces and bullets. Folding one character to one
character keeps every offset valid, so a match in the view is a span in the original.
"""

from __future__ import annotations

import re

_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u02bc\u02b9\u2032\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    **dict.fromkeys("\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000", " "),
    **dict.fromkeys("\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7\u25a0\u25a1", "*"),
    "\u2026": ".",
    "\ufeff": " ",
}
_FOLDABLE = re.compile("[" + re.escape("".join(_FOLD)) + "]")

BULLETS = "*-"


def match_view(text: str) -> str:
    """The text with typographic characters folded; `len(match_view(t)) == len(t)`."""
    if text.isascii():
        return text  # nothing to fold
    # A few characters to fold in a long text: substituting them is far cheaper than
    # str.translate, which walks every character of a non-ASCII string.
    return _FOLDABLE.sub(lambda m: _FOLD[m.group()], text)
