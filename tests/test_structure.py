"""The structure of official texts: every real text parses, and the hierarchy holds.

The invariants are checked on every official text in ../shared (they may be absent on a
developer's machine, never in CI) and on two texts of our own in the two layouts the
official texts come in (hard-wrapped PDF text, one paragraph per line).
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pactwatch.model.citation import cite
from pactwatch.settings import official_texts_dir
from pactwatch.sources.structure import Outline, StructureError, parse_structure
from pactwatch.sources.units import operative_units
from pactwatch.verbs.texts import structure_record
from tests.conftest import require

TEXTS = Path(__file__).parent / "texts"
OFFICIAL = sorted(official_texts_dir().glob("*.txt"))


def _official(name: str) -> str:
    path = official_texts_dir() / name
    require(path.is_file(), f"official text {path} not found")
    return path.read_text(encoding="utf-8")


def test_the_official_texts_are_there() -> None:
    require(len(OFFICIAL) >= 28, f"expected the 28 official texts in {official_texts_dir()}")


def _marked(outline: Outline, length: int) -> bytearray:
    """0 = unaccounted, 1 = a leaf's words, 2 = furniture, 3 = a heading."""
    marks = bytearray(length)
    for node in outline.nodes():
        if node.is_leaf:
            marks[node.start : node.end] = b"\x01" * (node.end - node.start)
        if node.heading_end:
            marks[node.start : node.heading_end] = b"\x03" * (node.heading_end - node.start)
    for start, end in outline.furniture:
        marks[start:end] = b"\x02" * (end - start)
    return marks


def check_invariants(text: str, outline: Outline) -> None:
    leaves = sorted(outline.leaves(), key=lambda n: n.start)
    assert leaves, "no leaves"
    for a, b in itertools.pairwise(leaves):
        assert a.end <= b.start, f"{a.eid} overlaps {b.eid}"
    marks = _marked(outline, len(text))
    stray = [i for i, ch in enumerate(text) if not ch.isspace() and marks[i] == 0]
    assert not stray, f"words outside every node: {text[stray[0] : stray[0] + 40]!r}"
    for start, end in outline.furniture:
        for leaf in leaves:
            inside = leaf.start <= start < leaf.end
            assert not inside or any(g[0] <= start < g[1] for g in leaf.gaps), (
                f"page furniture {text[start:end]!r} is part of {leaf.eid}"
            )
    eids = [n.eid for n in outline.nodes()]
    assert len(eids) == len(set(eids)), "duplicate eIds"
    for leaf in outline.operative_leaves():
        if leaf.kind == "item" or re.match(r"\d+[.)]|\(", text[leaf.start : leaf.start + 4]):
            continue
        j = leaf.start - 1
        while j >= 0 and (text[j].isspace() or marks[j] == 2):
            j -= 1
        assert j < 0 or text[j] in ".;:!?" or marks[j] == 3, (
            f"{leaf.eid} starts mid-sentence: {text[max(0, j - 30) : leaf.start + 30]!r}"
        )
    for unit in operative_units(text, outline):
        owner = outline.leaf_at(unit.start)
        assert owner is not None and unit.end <= owner.end, f"sentence {unit} leaves its clause"


@pytest.mark.parametrize("path", OFFICIAL, ids=lambda p: p.name)
def test_every_official_text_parses_into_a_sound_hierarchy(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    outline = parse_structure(text)
    check_invariants(text, outline)
    assert len(outline.operative_leaves()) >= 25, len(outline.operative_leaves())


@pytest.mark.parametrize("name", ["wrapped-agreement.txt", "lined-agreement.txt"])
def test_own_texts_hold_the_invariants(name: str) -> None:
    text = (TEXTS / name).read_text(encoding="utf-8")
    check_invariants(text, parse_structure(text))


def test_a_page_number_inside_a_paragraph_is_a_gap_not_words() -> None:
    text = (TEXTS / "wrapped-agreement.txt").read_text(encoding="utf-8")
    outline = parse_structure(text)
    item = outline.by_eid()["part_I__hcontainer_1__para_2__list_1__item_3"]
    assert text[item.start : item.end].endswith("allow it."), text[item.start : item.end]
    assert [text[a:b] for a, b in item.gaps] == ["7"], item.gaps


def test_wrapped_text_keeps_numbered_paragraphs_bullets_and_signatures_apart() -> None:
    text = (TEXTS / "wrapped-agreement.txt").read_text(encoding="utf-8")
    nodes = parse_structure(text).by_eid()
    assert {"title", "preamble", "part_I", "part_II", "conclusions"} <= set(nodes)
    para = nodes["part_I__hcontainer_1__para_1"]
    assert "review the\ntraining every year." in text[para.start : para.end]
    assert (
        nodes["part_I__hcontainer_1__para_2__intro"].end
        < nodes["part_I__hcontainer_1__para_2__list_1__item_1"].start
    )
    assert text[nodes["conclusions"].start :].startswith("For Ukraine:")


def test_nested_lists_unmarked_items_and_ukrainian_headings() -> None:
    text = (TEXTS / "lined-agreement.txt").read_text(encoding="utf-8")
    outline = parse_structure(text)
    nodes = outline.by_eid()
    base = "sec_2__hcontainer_1__subsec_A__para_1__list_1"  # "A." follows a heading: nested
    assert f"{base}__item_b__list_1__item_ii" in nodes, sorted(nodes)
    assert f"{base}__item_c" in nodes, "the outer list resumes after the nested one"
    assert "sec_1__para_1__list_1__item_2" in nodes, "lower-case lines after ':' are items"
    assert nodes["part_IV"].num == "IV", "a Cyrillic І in a Roman numeral reads as I"
    assert nodes["preamble__recital_2"].kind == "recital"
    assert "sec_2__hcontainer_1" in nodes, "an unnumbered heading opens a container"


def test_citations_use_the_texts_own_names_and_numbers() -> None:
    text = (TEXTS / "lined-agreement.txt").read_text(encoding="utf-8")
    record = structure_record(parse_structure(text), "text")
    assert cite(
        "sec_2__hcontainer_1__subsec_A__para_1__list_1__item_b__list_1__item_ii", record
    ) == ("Paragraph 2, heading 1, Section A, 1st paragraph (b) (ii)")
    assert cite("preamble__recital_2", record) == "Preamble, recital 2"
    assert (
        cite("part_I__hcontainer_1__para_5__list_1__item_b") == "Part I, heading 1, paragraph 5 (b)"
    )


def test_romanian_text_structure_matches_its_numbering() -> None:
    text = _official("ro.en.txt")
    outline = parse_structure(text)
    sections = [n for n in outline.nodes() if n.kind == "section" and "__" not in n.eid]
    assert [n.num for n in sections] == [str(i) for i in range(1, 17)]
    assert all(n.label == "Paragraph" for n in sections)
    record = structure_record(outline, "text")
    assert cite("sec_6__para_1", record).startswith("Paragraph 6")


def test_italian_text_in_ukrainian_has_its_twenty_articles() -> None:
    outline = parse_structure(_official("it.uk.txt"))
    articles = [n for n in outline.nodes() if n.kind == "article"]
    assert [int(n.num or 0) for n in articles] == list(range(1, 21))
    assert {n.num for n in outline.nodes() if n.kind == "part"} >= {"I", "VI", "VIII"}


def test_pdf_page_numbers_are_never_words_of_a_clause() -> None:
    text = _official("se.en.txt")
    outline = parse_structure(text)
    assert outline.wrapped
    assert len(outline.furniture) >= 10, outline.furniture
    check_invariants(text, outline)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"   \n\n", "empty"), (b"\x00\x01\x02binary", "binary")],
)
def test_structure_refuses_empty_and_binary_files(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    run = subprocess.run(
        [sys.executable, "-m", "pactwatch", "structure", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and message in lines[0], run.stderr
    assert "Traceback" not in run.stderr


def test_structure_refuses_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Article 1. Défense".encode("latin-1"))
    run = subprocess.run(
        [sys.executable, "-m", "pactwatch", "structure", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1 and "source-not-utf8" in run.stderr, run.stderr


def test_parser_raises_a_structure_error_not_a_crash() -> None:
    with pytest.raises(StructureError):
        parse_structure("")


def test_structure_json_lists_nodes_with_eids_and_offsets() -> None:
    path = TEXTS / "lined-agreement.txt"
    run = subprocess.run(
        [sys.executable, "-m", "pactwatch", "structure", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(run.stdout)
    text = path.read_text(encoding="utf-8")
    nodes = {n["eid"]: n for n in data["nodes"]}
    item = nodes["sec_2__hcontainer_1__subsec_A__para_1__list_1__item_a"]
    assert text[item["start"] : item["end"]].startswith("(a) on attacks against energy")
