"""The body of an Akoma Ntoso document nested as the official text nests it.

Each node of the record's structure becomes the Akoma Ntoso element of its kind (part,
section, article, hcontainer, paragraph, list, point), with the same eId, so a citation
made from our data finds the same clause in the XML. Leaves hold the provisions coded
from them, in our words; the source's own sentences are never copied.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from pactwatch.model import Agreement, Structure, StructureNode
from pactwatch.model.citation import cite

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
A = f"{{{AKN_NS}}}"
GENERATED = "pactwatch-generated"

_ELEMENT = {
    "part": "part",
    "chapter": "chapter",
    "section": "section",
    "article": "article",
    "subsection": "subsection",
    "paragraph": "paragraph",
    "item": "point",
    "list": "list",
}


def _el(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    node = etree.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


def _children(structure: Structure) -> dict[str, list[StructureNode]]:
    """Each node's children, in document order; the key "" holds the top level."""
    kids: dict[str, list[StructureNode]] = {}
    for node in structure.nodes:
        parent = node.eid.rsplit("__", 1)[0] if "__" in node.eid else ""
        kids.setdefault(parent, []).append(node)
    return kids


def structured_body(act: Any, agreement: Agreement) -> None:
    structure = agreement.structure
    assert structure is not None
    kids = _children(structure)
    coded: dict[str, list[str]] = {}
    for p in agreement.provisions:
        if p.eid:
            coded.setdefault(p.eid, []).append(p.summary or f"{p.action} {p.object}")
    top = kids.get("", [])
    preamble = next((n for n in top if n.kind == "preamble"), None)
    if preamble is not None and kids.get(preamble.eid):
        block = _el(act, A + "preamble")
        recitals = _el(block, A + "recitals", eId=preamble.eid)
        for recital in kids.get(preamble.eid, []):
            node = _el(recitals, A + "recital", eId=recital.eid)
            _paragraphs(node, recital, coded, structure)
    body = _el(act, A + "body")
    written = 0
    for node in top:
        if node.kind not in ("title", "preamble", "conclusions"):
            _hierarchy(body, node, kids, coded, structure)
            written += 1
    if not written:
        holder = _el(body, A + "hcontainer", eId="hcontainer_1", name="noProvisions")
        _el(_el(holder, A + "content"), A + "p", "The text has no operative divisions.")


def _hierarchy(
    parent: Any,
    node: StructureNode,
    kids: dict[str, list[StructureNode]],
    coded: dict[str, list[str]],
    structure: Structure,
) -> None:
    children = kids.get(node.eid, [])
    if node.kind == "intro":
        intro = _el(parent, A + "intro", eId=node.eid)
        _paragraphs(intro, node, coded, structure)
        return
    tag = _ELEMENT.get(node.kind, "hcontainer")
    attrs = {"eId": node.eid}
    if tag == "hcontainer":
        attrs["name"] = node.kind
    element = _el(parent, A + tag, **attrs)
    if node.num is not None:
        _el(element, A + "num", node.num)
    if node.heading_end is not None:
        _el(element, A + "heading", cite(node.eid, structure))
    if not children:
        _content(element, node, coded, structure)
        return
    intro_first = children[0].kind == "intro"
    if intro_first:
        _hierarchy(element, children[0], kids, coded, structure)
    rest = children[1:] if intro_first else children
    if not rest:  # an intro alone: its words are the node's content
        element.remove(element[-1])
        _content(element, node, coded, structure)
        return
    for child in rest:
        _hierarchy(element, child, kids, coded, structure)


def _content(
    element: Any, node: StructureNode, coded: dict[str, list[str]], structure: Structure
) -> None:
    _paragraphs(_el(element, A + "content"), node, coded, structure)


def _paragraphs(
    block: Any, node: StructureNode, coded: dict[str, list[str]], structure: Structure
) -> None:
    """The provisions coded from this clause, in our words; a clause without one says so."""
    texts = coded.get(node.eid)
    if not texts:
        _el(block, A + "p", f"{cite(node.eid, structure)}: no commitment coded.", class_=GENERATED)
        return
    for text in texts:
        _el(block, A + "p", text)
