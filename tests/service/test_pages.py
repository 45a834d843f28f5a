"""The pages people read: content, marked source words, links, and inert hostile text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from pactwatch import verbs
from tests.service.conftest import DATA, Service, make_service

PAGES = [
    "/",
    "/agreements/ua-ro-2024",
    "/agreements/ua-ro-2024/provisions/strategic-dialogue",
    "/due",
    "/compare",
    "/search",
    "/search?q=patriot",
    "/data",
]


class Collector(HTMLParser):
    """Tags, attributes and script bodies of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.scripts.append(data)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    return collector


def test_every_page_renders_without_external_resources(api: Service) -> None:
    for path in PAGES:
        response = api.client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
        page = parse(response.text)
        for tag, attrs in page.tags:
            for name in ("src", "href"):
                value = attrs.get(name) or ""
                if tag in {"script", "link", "img"} and value:
                    assert value.startswith("/"), (path, tag, value)
        assert 'lang="en"' in response.text and "<main" in response.text


def test_home_lists_every_agreement_with_counts(api: Service) -> None:
    html = api.client.get("/").text
    links = set(re.findall(r'href="/agreements/([a-z0-9-]+)"', html))
    assert len(links) == 28, links
    assert "<svg" in html, "the timeline chart is inline SVG"


def test_agreement_page_marks_the_patriot_words(api: Service, seed_text: str) -> None:
    html = api.client.get("/agreements/ua-ro-2024").text
    record = verbs.agreement("ua-ro-2024", api.url)
    span = next(p for p in record.provisions if p.id == "patriot").spans[0]
    words = seed_text[span.start : span.end]
    match = re.search(r'<mark id="src-patriot" class="span" data-provisions="([^"]*)">', html)
    assert match and "patriot" in match.group(1).split(), html[:500]
    marked = "".join(
        re.findall(r'<mark[^>]*data-provisions="[^"]*\bpatriot\b[^"]*">([^<]*)</mark>', html)
    )
    assert marked == words.replace("&", "&amp;"), (marked, words)
    assert 'href="#src-patriot"' in html
    assert "Political support. NATO" in html, "provisions are grouped by section"


def test_agreement_page_says_when_the_source_is_absent(loaded: str, tmp_path: Path) -> None:
    service = make_service(loaded, sources=tmp_path)
    with service.client:
        html = service.client.get("/agreements/ua-ro-2024").text
    service.close()
    assert "not present" in html and "<mark" not in html


def test_compare_cells_link_to_their_provisions(api: Service) -> None:
    html = api.client.get("/compare").text
    assert 'href="/search?partner=RO&amp;domain=air_defence"' in html
    target = api.client.get("/search", params={"partner": "RO", "domain": "air_defence"}).text
    assert "ua-ro-2024/patriot" in target


def test_search_page_has_facets_with_counts(api: Service) -> None:
    html = api.client.get("/search", params={"actor": "RO"}).text
    assert re.search(r">\s*Air defence</a> <span class=\"count\">\d+</span>", html), html[-2000:]
    assert "aria-current" in html or "actor: RO" in html


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)><b>bold</b>'


def hostile_agreement() -> dict[str, object]:
    provision = {
        "id": "evil",
        "section": HOSTILE,
        "actors": ["RO"],
        "beneficiaries": ["UA"],
        "action": HOSTILE,
        "object": HOSTILE,
        "domains": ["air_defence"],
        "partners": [HOSTILE],
        "instruments": [HOSTILE],
        "condition": HOSTILE,
        "timing": HOSTILE,
        "flags": [HOSTILE],
        "summary": HOSTILE,
    }
    return {
        "id": "ua-zz-2030",
        "title": HOSTILE,
        "parties": ["UA", "MD"],
        "signed_on": "2030-01-01",
        "signed_at": HOSTILE,
        "term": {"years": 10, "ends_early_if": [HOSTILE]},
        "sources": [{"id": "s", "title": HOSTILE, "url": "javascript:alert(1)"}],
        "provisions": [provision],
        "mechanisms": [{"id": "m", "kind": "recurring", "every": "P1Y", "description": HOSTILE}],
        "notes": [HOSTILE],
    }


def hostile_event() -> dict[str, object]:
    """An event bearing on the hostile agreement, every free-text field hostile."""
    return {
        "id": "evil-event",
        "kind": "delivery",
        "subkind": HOSTILE,
        "on": "2030-06",
        "actors": ["RO"],
        "provisions": ["ua-zz-2030/evil"],
        "mechanisms": ["ua-zz-2030/m"],
        "description": HOSTILE,
        "quantities": [{"value": 1, "unit": HOSTILE}],
        "sources": [{"url": "javascript:alert(1)", "title": HOSTILE}, {"url": HOSTILE}],
    }


def test_hostile_text_is_inert_on_every_page(writable: Service) -> None:
    auth = {"Authorization": f"Bearer {verbs.create_token('mallory', writable.url)}"}
    created = writable.client.post("/api/v1/agreements", json=hostile_agreement(), headers=auth)
    assert created.status_code == 201, created.text
    event = writable.client.post("/api/v1/events", json=hostile_event(), headers=auth)
    assert event.status_code == 201, event.text
    evil = "/agreements/ua-zz-2030/provisions/evil"
    pages = [*PAGES, "/agreements/ua-zz-2030", evil, "/search?q=script", "/search?actor=RO"]
    for path in pages:
        html = writable.client.get(path).text
        page = parse(html)
        assert all("alert" not in s for s in page.scripts), path
        for tag, attrs in page.tags:
            assert tag not in {"img", "b"}, (path, tag, attrs)
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            assert not (attrs.get("href") or "").startswith("javascript:"), (path, attrs)
    for path in ("/agreements/ua-zz-2030", evil):
        html = writable.client.get(path).text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, path
    assert "evil-event" in writable.client.get(evil).text


def test_unknown_pages_are_404_pages(api: Service) -> None:
    for path in ("/agreements/no-such-agreement", "/no-such-page"):
        response = api.client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert "<h1>404: not found</h1>" in response.text, response.text
    assert api.client.get("/api/v1/no-such").json()["error"]["code"] == "not-found"


def test_dataset_folder_is_the_projects(api: Service) -> None:
    assert (DATA / "agreements").is_dir()


def test_charts_link_only_within_the_site(api: Service) -> None:
    for name in ("timeline", "compare"):
        svg = api.client.get(f"/charts/{name}.svg").text
        assert svg.startswith("<svg"), svg[:100]
        links = re.findall(r'(?:xlink:)?href="([^"]*)"', svg)
        assert links, name
        assert all(link.startswith("/") for link in links), links[:5]
        assert not re.search(r"https?://(?!www\.w3\.org)", svg), name
    spec = api.client.get("/charts/compare.vl.json").json()
    assert spec["mark"] == "rect" and spec["data"]["values"], spec
