"""Akoma Ntoso 3.0: each agreement as an `act` document, valid against the OASIS schema.

What Akoma Ntoso can say natively it says: FRBR identifiers (one URI scheme, below), the
parties and signatories in `references`, the title in the preface, the source's headings
as `section`s, each provision as a numbered `article` whose `eId` is derived from the
provision's id (so it stays put when others are added), and the signatures in the
conclusions. The rest of our record (domains, actors, spans, mechanisms, ...) travels in
`proprietary` metadata in the Pactwatch namespace, so `pactwatch import akn` gives back
the very same record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree

from pactwatch.export.akn_structure import structured_body
from pactwatch.export.base import Collector, register, zip_files
from pactwatch.model import Agreement, PactwatchError, Provision
from pactwatch.model.codes import party_name

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
PW_NS = "https://pactwatch.org/ns/akn#"
NSMAP = {None: AKN_NS, "pw": PW_NS}
A = f"{{{AKN_NS}}}"
PW = f"{{{PW_NS}}}"
GENERATED = "pactwatch-generated"
# Fields of the record carried natively; everything else goes to proprietary metadata.
NATIVE_AGREEMENT = frozenset({"id", "title", "parties", "signatories", "signed_on", "provisions"})
NATIVE_PROVISION = frozenset({"id", "section", "summary"})


@dataclass(frozen=True)
class FrbrUri:
    """The one FRBR URI scheme: /akn/int/act/agreement/{date}/{id}[/{lang}@][/!main[.xml]]."""

    date: date | None
    number: str
    language: str = "eng"

    @property
    def work(self) -> str:
        when = self.date.isoformat() if self.date else "undated"
        return f"/akn/int/act/agreement/{when}/{self.number}"

    @property
    def expression(self) -> str:
        return f"{self.work}/{self.language}@"

    @property
    def manifestation(self) -> str:
        return f"{self.expression}.akn"

    @classmethod
    def parse(cls, uri: str) -> FrbrUri:
        match = re.fullmatch(r"/akn/int/act/agreement/([0-9-]{10}|undated)/([^/@!]+)(?:/.*)?", uri)
        if not match:
            raise ValueError(f"{uri!r} is not a Pactwatch FRBR URI")
        when, number = match.groups()
        return cls(None if when == "undated" else date.fromisoformat(when), number)


def slug(text: str) -> str:
    """An eId-safe token (no whitespace), stable for the same text."""
    return re.sub(r"[^\w.-]+", "-", text.strip()).strip("-").lower() or "x"


def party_eid(code: str) -> str:
    return f"party_{code.lower()}"


def _el(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    node = etree.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


def to_pw(parent: Any, name: str, value: Any) -> None:
    """JSON value -> Pactwatch elements: dicts as children, lists (type="list") as `item`s.

    None is omitted; the reader takes a missing field as the model's default (None or []).
    """
    if value is None:
        return
    node = _el(parent, PW + name)
    if isinstance(value, dict):
        node.set("type", "map")  # so an empty mapping reads back as one, not as ""
        for key, item in value.items():
            to_pw(node, key, item)
    elif isinstance(value, list):
        node.set("type", "list")
        for item in value:
            to_pw(node, "item", item)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    else:
        node.text = str(value)


def _identification(meta: Any, a: Agreement, uri: FrbrUri) -> None:
    ident = _el(meta, A + "identification", source="#pactwatch")
    when = (a.signed_on or date(1, 1, 1)).isoformat()
    date_name = "signature" if a.signed_on else "unknown"
    levels = (
        ("FRBRWork", uri.work, [party_eid(p) for p in a.parties]),
        ("FRBRExpression", uri.expression, ["pactwatch"]),
        ("FRBRManifestation", uri.manifestation, ["pactwatch"]),
    )
    for level, this, authors in levels:
        node = _el(ident, A + level)
        suffix = ".xml" if level == "FRBRManifestation" else ""
        _el(node, A + "FRBRthis", value=f"{this.removesuffix('.akn')}/!main{suffix}")
        _el(node, A + "FRBRuri", value=this)
        if level == "FRBRWork":
            _el(node, A + "FRBRalias", value=a.id, name="pactwatch")
        _el(node, A + "FRBRdate", date=when, name=date_name)
        for author in authors:
            _el(node, A + "FRBRauthor", href=f"#{author}")
        if level == "FRBRWork":
            _el(node, A + "FRBRcountry", value="int")
            _el(node, A + "FRBRsubtype", value=a.kind)
            _el(node, A + "FRBRnumber", value=a.id)
            _el(node, A + "FRBRname", value=a.title)
        elif level == "FRBRExpression":
            _el(node, A + "FRBRlanguage", language=uri.language)
        else:
            _el(node, A + "FRBRformat", value="application/akn+xml")


def _references(meta: Any, a: Agreement) -> None:
    refs = _el(meta, A + "references", source="#pactwatch")
    _el(refs, A + "TLCOrganization", eId="pactwatch", href="/ontology/organization/pactwatch",
        showAs="Pactwatch")  # fmt: skip
    for code in a.parties:
        _el(refs, A + "TLCOrganization", eId=party_eid(code),
            href=f"/ontology/organization/int/{code.lower()}", showAs=party_name(code))  # fmt: skip
    for i, s in enumerate(a.signatories, start=1):
        _el(refs, A + "TLCPerson", eId=f"signatory_{i}",
            href=f"/ontology/person/int/{slug(s.name)}", showAs=s.name)  # fmt: skip
    for role in dict.fromkeys(s.role for s in a.signatories):
        _el(refs, A + "TLCRole", eId=f"role_{slug(role)}",
            href=f"/ontology/role/int/{slug(role)}", showAs=role)  # fmt: skip


def _proprietary(meta: Any, a: Agreement) -> None:
    """The record's own fields. With a structure, every provision travels whole here (the
    body is the text's hierarchy, which does not hold one element per provision)."""
    prop = _el(meta, A + "proprietary", source="#pactwatch")
    record = _el(prop, PW + "agreement")
    data = a.model_dump(mode="json")
    for key, value in data.items():
        if key not in NATIVE_AGREEMENT:
            to_pw(record, key, value)
    whole = a.structure is not None
    for provision in data["provisions"]:
        ref = provision["eid"] if whole and provision["eid"] else article_eid(provision["id"])
        node = _el(prop, PW + "provision", ref=f"#{ref}")
        for key, value in provision.items():
            if whole or key not in NATIVE_PROVISION:
                to_pw(node, key, value)


def article_eid(provision_id: str) -> str:
    return f"art_{provision_id}"


def _article(parent: Any, number: int, p: Provision) -> None:
    article = _el(parent, A + "article", eId=article_eid(p.id))
    _el(article, A + "num", str(number))
    content = _el(article, A + "content")
    if p.summary is not None:
        _el(content, A + "p", p.summary)
    else:
        _el(content, A + "p", f"{p.action} {p.object}", class_=GENERATED)


def _body(act: Any, a: Agreement) -> None:
    """The official text's own hierarchy when the record has it; else articles in record
    order, a run of provisions under one heading becoming a section."""
    if a.structure is not None:
        structured_body(act, a)
        return
    body = _el(act, A + "body")
    section: Any = None
    count = 0
    for number, provision in enumerate(a.provisions, start=1):
        if provision.section is None:
            section = None
        elif section is None or section.findtext(A + "heading") != provision.section:
            count += 1
            section = _el(body, A + "section", eId=f"sec_{count}")
            _el(section, A + "num", str(count))
            _el(section, A + "heading", provision.section)
        _article(body if section is None else section, number, provision)
    if not a.provisions:
        holder = _el(body, A + "hcontainer", eId="hcontainer_1", name="noProvisions")
        _el(_el(holder, A + "content"), A + "p", "No provisions have been coded yet.")


def _conclusions(act: Any, a: Agreement) -> None:
    if not a.signatories:
        return
    conclusions = _el(act, A + "conclusions")
    for i, s in enumerate(a.signatories, start=1):
        block = _el(_el(conclusions, A + "p"), A + "signature")
        role = f"#role_{slug(s.role)}"
        _el(block, A + "person", s.name, refersTo=f"#signatory_{i}", as_=role).tail = ", "
        _el(block, A + "role", s.role, refersTo=role).tail = ", "
        _el(block, A + "organization", party_name(s.party), refersTo=f"#{party_eid(s.party)}")


def agreement_akn(a: Agreement) -> bytes:
    """One agreement as an Akoma Ntoso document (UTF-8, indented, with XML declaration).

    XML cannot hold most control characters; a record with one is a coded error, not a crash.
    """
    try:
        return _document(a)
    except ValueError as exc:
        raise PactwatchError.at(
            a.id, "", "not-xml-text", f"{exc}; remove control characters from the record"
        ) from None


def _document(a: Agreement) -> bytes:
    root = etree.Element(A + "akomaNtoso", nsmap=NSMAP)
    act = _el(root, A + "act", name="agreement")
    meta = _el(act, A + "meta")
    uri = FrbrUri(a.signed_on, a.id)
    _identification(meta, a, uri)
    _references(meta, a)
    _proprietary(meta, a)
    _el(_el(_el(act, A + "preface"), A + "p"), A + "docTitle", a.title)
    _body(act, a)
    _conclusions(act, a)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class AknExporter(Collector):
    """One document for one agreement; for several, one `<id>.xml` each (zipped as bytes)."""

    extension = "xml"

    def __init__(self, *, single: bool = False) -> None:
        super().__init__(single=single)
        self.media_type = "application/akn+xml" if single else "application/zip"

    @property
    def binary(self) -> bool:
        return not self._single

    def finalize(self) -> bytes:
        if self._single and len(self._agreements) == 1:
            return agreement_akn(self._agreements[0])
        return zip_files(self.finalize_files())

    def finalize_files(self) -> dict[str, bytes]:
        return {f"{a.id}.xml": agreement_akn(a) for a in self._agreements}


register("akn", AknExporter)
