"""Read a Pactwatch Akoma Ntoso document back into the agreement it was exported from.

The native parts (FRBR identifiers, references, preface, sections, articles, signatures)
are read as Akoma Ntoso; the proprietary Pactwatch elements fill in the rest. Every
failure is a coded problem naming the file and the element, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import ValidationError

from pactwatch.curate.dataset import validation_problems
from pactwatch.export.akn import AKN_NS, GENERATED, PW, PW_NS, FrbrUri
from pactwatch.model import Agreement, PactwatchError

NS = {"a": AKN_NS, "pw": PW_NS}


def from_pw(node: Any) -> Any:
    """Pactwatch elements -> JSON value: the inverse of `akn.to_pw` (strings for scalars)."""
    if node.get("type") == "list":
        return [from_pw(child) for child in node if child.tag == PW + "item"]
    if node.get("type") == "map":
        return _fields(node)
    children = list(node)
    if not children:
        return "" if node.text is None else str(node.text)
    return _fields(node)


def _fields(node: Any) -> dict[str, Any]:
    return {etree.QName(child).localname: from_pw(child) for child in node}


class _Reader:
    def __init__(self, root: Any, file: str) -> None:
        self.root, self.file = root, file

    def one(self, path: str) -> Any:
        found = self.root.xpath(path, namespaces=NS)
        if not found:
            raise PactwatchError.at(self.file, path, "akn-missing", "element not found")
        return found[0]

    def agreement(self) -> dict[str, Any]:
        work = "a:act/a:meta/a:identification/a:FRBRWork"
        uri = FrbrUri.parse(str(self.one(f"{work}/a:FRBRuri").get("value")))
        data: dict[str, Any] = {
            "id": uri.number,
            "title": "".join(self.one("a:act/a:preface//a:docTitle").itertext()),
            "parties": [
                str(a.get("href")).removeprefix("#party_").upper()
                for a in self.root.xpath(f"{work}/a:FRBRauthor", namespaces=NS)
            ],
            "signatories": self.signatories(),
            "signed_on": uri.date.isoformat() if uri.date else None,
        }
        data.update(_fields(self.one("a:act/a:meta/a:proprietary/pw:agreement")))
        data["provisions"] = self.provisions()
        return data

    def signatories(self) -> list[dict[str, str]]:
        result = []
        for block in self.root.xpath("a:act/a:conclusions//a:signature", namespaces=NS):
            org = block.find(f"{{{AKN_NS}}}organization")
            result.append(
                {
                    "name": "".join(block.find(f"{{{AKN_NS}}}person").itertext()),
                    "role": "".join(block.find(f"{{{AKN_NS}}}role").itertext()),
                    "party": str(org.get("refersTo")).removeprefix("#party_").upper(),
                }
            )
        return result

    def provisions(self) -> list[dict[str, Any]]:
        nodes = self.root.xpath("a:act/a:meta/a:proprietary/pw:provision", namespaces=NS)
        whole = [_fields(node) for node in nodes]
        if whole and all("id" in fields for fields in whole):
            return whole  # a structured body: every provision travels whole in metadata
        extra = {str(node.get("ref")).removeprefix("#"): _fields(node) for node in nodes}
        result = []
        for article in self.root.xpath("a:act/a:body//a:article", namespaces=NS):
            eid = str(article.get("eId"))
            heading = article.xpath("parent::a:section/a:heading", namespaces=NS)
            para = article.find(f"{{{AKN_NS}}}content/{{{AKN_NS}}}p")
            generated = para is None or para.get("class") == GENERATED
            result.append(
                {
                    "id": eid.removeprefix("art_"),
                    "section": "".join(heading[0].itertext()) if heading else None,
                    "summary": None if generated else "".join(para.itertext()),
                    **extra.get(eid, {}),
                }
            )
        return result


def read_akn(path: Path) -> Agreement:
    """The agreement in a Pactwatch Akoma Ntoso file, or a coded error naming what is wrong."""
    file = str(path)
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False)).getroot()
    except OSError as exc:
        raise PactwatchError.at(file, "", "not-found", f"cannot read: {exc}") from None
    except etree.XMLSyntaxError as exc:
        line = f"line {exc.lineno}"
        raise PactwatchError.at(file, line, "xml-syntax", str(exc.msg or exc)) from None
    if root.tag != f"{{{AKN_NS}}}akomaNtoso":
        raise PactwatchError.at(
            file,
            "",
            "not-akn",
            f"root element is {etree.QName(root).text}, not Akoma Ntoso 3.0 akomaNtoso",
        )
    try:
        data = _Reader(root, file).agreement()
    except (ValueError, AttributeError) as exc:
        raise PactwatchError.at(file, "", "akn-unreadable", str(exc)) from None
    try:
        return Agreement.model_validate(data)
    except ValidationError as exc:
        raise PactwatchError(validation_problems(file, exc)[0]) from None
