"""HTML to text: one line per block, with scripts, styles and page furniture dropped.

lxml's HTML parser recovers from broken and deeply nested markup; the walk below is
iterative, so nesting depth cannot exhaust Python's stack.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

DROPPED = frozenset(
    {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template"}
    | {"iframe", "svg", "button", "select", "head", "title", "menu"}
)
BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "li", "ul", "ol", "br", "tr", "table", "blockquote"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "pre", "figcaption", "body", "hr"}
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")


def html_to_text(markup: str) -> str:
    """The readable text of a page, blocks separated by blank lines."""
    if not markup.strip():
        return ""
    try:
        root = lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return ""
    parts: list[str] = []
    # Iterative walk with explicit end markers: (element, entering).
    stack: list[tuple[etree._Element, bool]] = [(root, True)]
    while stack:
        node, entering = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if not entering:
            if tag in BLOCKS:
                parts.append("\n\n")
            if node.tail:
                parts.append(node.tail)
            continue
        if tag in DROPPED or not isinstance(node.tag, str):
            # Dropped elements and comments: their tails still belong to the text.
            if node.tail:
                parts.append(node.tail)
            continue
        if tag in BLOCKS:
            parts.append("\n\n")
        if node.text:
            parts.append(node.text)
        stack.append((node, False))
        stack.extend((child, True) for child in reversed(node))
    return _tidy("".join(parts))


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip() + "\n"
