"""HTML to text: one line per block, with scripts, styles and page furniture dropped.

lxml's HTML parser recovers from broken and deeply nested markup; the walk below is
iterative, so nesting depth cannot exhaust Python's stack.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

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
_TAG = re.compile(r"<[^>]*>")
_INVISIBLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")


def html_to_text(markup: str) -> str:
    """The readable text of a page, blocks separated by blank lines.

    libxml2 stops at a fixed nesting depth and then drops the rest of the page; when lxml's
    text is much shorter than the page's visible characters, the stdlib's event parser
    (no tree, so no depth limit) reads the page instead.
    """
    if not markup.strip():
        return ""
    text = _with_lxml(markup)
    visible = len(_TAG.sub("", _INVISIBLE.sub("", markup)).split())
    if len(text.split()) < 0.5 * visible:
        return _with_events(markup)
    return text


class _Events(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED:
            self.hidden += 1
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _with_events(markup: str) -> str:
    parser = _Events()
    parser.feed(markup)
    parser.close()
    return _tidy("".join(parser.parts))


def _with_lxml(markup: str) -> str:
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
