"""Pages for people, JSON for programs: every page error is a page with a way on.

A bad filter value, a query past its length, a NUL in the address and an unknown record
each get an HTML page in the site's layout with the same status code; under /api/ the same
mistakes keep the JSON error shape. The API reference is served from here.
"""

from __future__ import annotations

import re

import pytest

from tests.service.conftest import Service

LONG = "a" * 201
PAGE_ERRORS = [
    ("/search?kind=zzz", 422, "kind"),
    (f"/search?q={LONG}", 422, "q"),
    ("/search?q=a%00b", 422, "NUL"),
    ("/search?domain=space_lasers", 422, "domain"),
    ("/agreements/no-such-agreement", 404, "no-such-agreement"),
    ("/agreements/ua-ro-2024/provisions/no-such", 404, "no-such"),
    ("/agreements/ua-ro-2024/provisions/no-such/v/0123456789ab", 404, "no-such"),
    ("/agreements/ua-ro-2024/v/not-a-version", 404, "not-a-version"),
]


@pytest.mark.parametrize(("path", "status", "named"), PAGE_ERRORS)
def test_page_errors_are_pages_with_a_way_on(
    api: Service, path: str, status: int, named: str
) -> None:
    response = api.client.get(path)
    assert response.status_code == status, (path, response.text[:200])
    assert response.headers["content-type"].startswith("text/html"), path
    html = response.text
    assert re.search(rf"<h1>{status}: [^<]+</h1>", html), html[:400]
    line = re.search(r'<p class="error-line">(.*?)</p>', html, re.S)
    assert line and named in line.group(1), (path, line)
    assert '<nav aria-label="Main">' in html and 'href="/api/docs"' in html
    assert 'href="/search"' in html and 'href="/"' in html


@pytest.mark.parametrize(
    "path", ["/api/v1/provisions?kind=zzz", f"/api/v1/search?q={LONG}", "/api/v1/search?q=a%00b"]
)
def test_api_errors_stay_json(api: Service, path: str) -> None:
    response = api.client.get(path)
    assert response.status_code == 422, path
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()["error"]) >= {"status", "code", "message", "problems"}


def test_api_reference_is_served_from_here(api: Service) -> None:
    assert api.client.get("/docs", follow_redirects=False).headers["location"] == "/api/docs"
    page = api.client.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page.text)
    assert scripts and all(s.startswith("/") for s in scripts), scripts
    for asset in scripts:
        assert api.client.get(asset).status_code == 200, asset
    assert 'data-openapi="/api/v1/openapi.json"' in page.text
    assert api.client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")


def test_every_page_links_to_the_api_reference(api: Service) -> None:
    for path in ("/", "/due", "/compare", "/search", "/data", "/agreements/ua-ro-2024"):
        assert 'href="/api/docs"' in api.client.get(path).text, path
