"""The agreement page on a record coded from its official text: clauses cited as the text
numbers them, the official text beside the provisions, the report's disagreements marked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.settings import PROJECT_ROOT, official_texts_dir
from tests.conftest import require
from tests.service.conftest import Service, make_service

RECORD = PROJECT_ROOT / "data" / "agreements" / "ua-ro-2024.yaml"


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    require(official_texts_dir().is_dir(), "official texts not found")
    db = str(tmp_path_factory.mktemp("official") / "registry.db")
    verbs.load(db, [RECORD])
    service = make_service(db)
    yield service
    service.close()


def _page(service: Service) -> str:
    response = service.client.get("/agreements/ua-ro-2024")
    assert response.status_code == 200, response.text[:300]
    return unescape(response.text)


def test_provisions_cite_their_clause_by_the_texts_numbering(official: Service) -> None:
    page = _page(official)
    patriot = page[page.index('id="p-patriot"') :]
    clause = patriot[: patriot.index("</li>")]
    assert "Paragraph 6" in clause, clause[:600]


def test_the_official_text_is_beside_the_provisions(official: Service) -> None:
    page = _page(official)
    source = page[page.index('id="src-h"') :]
    assert "Official English text" in source[:400], source[:400]
    assert 'id="src-patriot"' in page, "the patriot clause is marked in the text"


def _page_showing(service: Service, provision: str) -> str:
    """The agreement page (of 100 provisions each) that shows this provision."""
    number = 1
    while True:
        response = service.client.get("/agreements/ua-ro-2024", params={"page": number})
        assert response.status_code == 200, f"{provision} is on no page"
        page = unescape(response.text)
        if f'id="p-{provision}"' in page:
            return page
        number += 1


def test_the_reports_contradictions_are_marked(official: Service) -> None:
    for provision in ("black-sea-demining", "compensation"):
        page = _page_showing(official, provision)
        item = page[page.index(f'id="p-{provision}"') :]
        item = item[: item.index("</li>")]
        assert "says the opposite" in item, item[:800]
    assert Path(RECORD).is_file()


def test_a_long_agreement_is_shown_a_page_at_a_time(official: Service) -> None:
    """Every provision is on exactly one page; past the last page is a 404."""
    total = len(official.client.get("/api/v1/agreements/ua-ro-2024").json()["provisions"])
    assert total > 100, "the record must be long enough to need two pages"
    shown: list[str] = []
    number = 1
    while True:
        response = official.client.get("/agreements/ua-ro-2024", params={"page": number})
        if response.status_code == 404:
            break
        assert response.status_code == 200, response.text[:300]
        ids = re.findall(r'<li id="p-([^"]+)"', response.text)
        assert 0 < len(ids) <= 100, (number, len(ids))
        assert f"of {total}" in unescape(response.text), "the pager names the total"
        shown.extend(ids)
        number += 1
    assert len(shown) == total == len(set(shown)), (len(shown), total)
