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
    | {"iframe", "svg", "button", "select", "head", "title", "menu", "figure", "figcaption"}
)
# Page furniture named by class, id or role: menus, bylines, captions, share bars, related
# links, newsletters, cookie notices. Whole words of the attribute only ("ad" but not "head").
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|byline|bylines|author|authors|"
    r"dateline|timestamp|share|sharing|social|related|recommended|read-?more|more-?stories|"
    r"newsletter|subscribe|subscription|promo|advert|advertisement|ads?|sponsored|cookies?|"
    r"consent|banner|footer|masthead|site-?header|sidebar|comments?|caption|credits?|tags|"
    r"topics|pagination|paywall|contentinfo|complementary)(?:$|[\s_-])",
    re.I,
)
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col"})


def is_furniture(attrs: dict[str, str | None]) -> bool:
    """Whether an element's class, id or role names page furniture rather than the story."""
    return any(
        _FURNITURE.search(value or "")
        for key, value in attrs.items()
        if key in {"class", "id", "role"}
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
        self.hidden: list[str] = []  # open elements inside a dropped one, outermost first

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag in BLOCKS and not self.hidden:
                self.parts.append("\n\n")
            return
        if self.hidden or tag in DROPPED or is_furniture(dict(attrs)):
            self.hidden.append(tag)
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            if tag in self.hidden:
                while self.hidden and self.hidden.pop() != tag:
                    pass
            return
        if tag in BLOCKS:
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
        if tag in DROPPED or not isinstance(node.tag, str) or is_furniture(dict(node.attrib)):
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
