"""A person's path through the pages, in Debian's Chromium driven by Playwright.

Home -> the Ukraine-Romania agreement -> choose the Patriot provision (its source words
get marked) -> the comparison page -> follow a cell; and what is due, where the clock a
trigger opened counts down. Every page, at 1366x900 and at 390x844, is checked by axe-core
(from the axe-playwright-python package, never fetched at run time) for serious and
critical violations, for sideways scrolling, and for what a keyboard meets. Screenshots go
to test-artifacts/; `PACTWATCH_SCREENSHOTS=docs/screenshots pytest -m screenshots` remakes
the ones the docs show.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe

from pactwatch import verbs
from pactwatch.curate import load_dataset
from pactwatch.settings import PROJECT_ROOT
from tests.conftest import require
from tests.service.conftest import DATA

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real service under uvicorn on 127.0.0.1, on a freshly loaded SQLite registry."""
    db = str(tmp_path_factory.mktemp("browser") / "registry.db")
    verbs.load(db, [DATA])
    an_hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    verbs.trigger("significant_escalation", an_hour_ago, "https://example.org/report", db=db)
    yield from serving(db)


def serving(db: str) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(verbs.service(db), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert instance.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@contextmanager
def chromium_page(width: int, height: int, script: bool = True) -> Iterator[Any]:
    """A page in Debian's Chromium (skipped off CI when it is not installed)."""
    require(CHROMIUM.is_file(), f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(
                viewport={"width": width, "height": height}, java_script_enabled=script
            )
            yield context.new_page()
        finally:
            browser.close()


def test_reader_finds_the_patriot_words_and_compares(server: str, seed_text: str) -> None:
    with chromium_page(1400, 1000) as page:
        page.goto(server + "/")
        assert page.locator("table tbody tr").count() == 28
        page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

        page.click('a[href="/agreements/ua-ro-2024"]')
        page.wait_for_url("**/agreements/ua-ro-2024")
        assert "Romania" in page.locator("h1").inner_text()
        assert page.locator("mark.span.active").count() == 0
        page.click('a.cite[data-provision="patriot"]')
        marked = page.locator("mark.span.active")
        assert marked.count() >= 1
        words = "".join(marked.all_inner_texts())
        record = load_dataset([DATA]).by_id()["ua-ro-2024"]
        span = next(p for p in record.provisions if p.id == "patriot").spans[0]
        assert words == seed_text[span.start : span.end], words
        assert marked.first.is_visible()
        page.screenshot(path=str(ARTIFACTS / "agreement-patriot.png"))

        page.goto(server + "/compare")
        page.click('td.cell a[href="/search?partner=RO&domain=air_defence"]')
        page.wait_for_url("**/search?partner=RO&domain=air_defence")
        assert page.locator('a[href="/agreements/ua-ro-2024#p-patriot"]').count() == 1
        page.screenshot(path=str(ARTIFACTS / "compare-cell.png"), full_page=True)


def test_official_sees_the_clock_count_down(server: str) -> None:
    with chromium_page(1200, 900) as page:
        page.goto(server + "/")
        page.click('nav a[href="/due"]')
        page.wait_for_url("**/due")
        countdown = page.locator("time.countdown").first
        first = countdown.inner_text()
        first_left = countdown.get_attribute("datetime")
        page.wait_for_timeout(1500)
        later = countdown.inner_text()
        assert later != first, (first, later)
        assert re.fullmatch(r"(22|23) h \d+ min \d+ s left", later), later
        assert countdown.get_attribute("datetime") != first_left
        page.screenshot(path=str(ARTIFACTS / "due.png"), full_page=True)


SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
PAGES = [
    "/",
    "/agreements/ua-ro-2024",
    "/agreements/ua-ro-2024/provisions/patriot",
    "/agreements/ua-ro-2024/provisions/patriot/v/0123456789ab",
    "/due",
    "/compare",
    "/search?q=patriot",
    "/search?partner=RO&domain=air_defence",
    "/data",
    "/api/docs",
    "/search?kind=zzz",
]
SERIOUS = {"serious", "critical"}


def _open(page: Any, url: str) -> None:
    page.goto(url)
    if url.endswith("/api/docs"):
        page.wait_for_selector(".opblock", timeout=20_000)  # Swagger UI has drawn the API
        page.locator(".opblock-summary-control").first.click()  # and one operation opened
        page.wait_for_selector(".opblock.is-open .responses-wrapper", timeout=20_000)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_page_passes_axe_and_fits_the_screen(server: str, size: str) -> None:
    axe = Axe()
    failures: list[tuple[str, str, str, int]] = []
    with chromium_page(*SIZES[size]) as page:
        for path in PAGES:
            _open(page, server + path)
            result = axe.run(page)
            failures += [
                (path, v["id"], v["impact"], len(v["nodes"]))
                for v in result.response["violations"]
                if v["impact"] in SERIOUS
            ]
            assert result.response["passes"], path  # axe ran its rules on the page
            wide = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert wide <= 0, (size, path, f"scrolls sideways by {wide}px")
    assert failures == [], failures


def test_keyboard_meets_content_not_chart_points(server: str) -> None:
    with chromium_page(1366, 900) as page:
        page.goto(server + "/")
        in_chart = page.evaluate(
            "Array.from(document.querySelectorAll('svg a, svg [tabindex]'))"
            ".filter(e => e.tabIndex >= 0).length"
        )
        assert in_chart == 0, in_chart
        stops = []
        for _ in range(12):
            page.keyboard.press("Tab")
            stops.append(page.evaluate("document.activeElement.closest('svg') ? 'svg' : 'ok'"))
        assert "svg" not in stops, stops
        page.goto(server + "/agreements/ua-ro-2024")
        region = page.locator("#source-text")
        assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")
        for _ in range(400):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "source-text":
                break
        else:
            pytest.fail("Tab never reaches the source text")
        top = page.evaluate("document.getElementById('source-text').scrollTop")
        page.keyboard.press("PageDown")
        page.wait_for_timeout(300)
        assert page.evaluate("document.getElementById('source-text').scrollTop") > top


def test_source_pane_is_opaque_when_sticky_and_stacks_on_a_phone(server: str) -> None:
    with chromium_page(1366, 900) as page:
        page.goto(server + "/agreements/ua-ro-2024")
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.getElementById('source-text'));"
            " return [s.position, s.backgroundColor]; })()"
        )
        assert style == ["sticky", "rgb(255, 255, 255)"], style
    with chromium_page(390, 844) as page:
        page.goto(server + "/agreements/ua-ro-2024")
        boxes = page.evaluate(
            "(() => { const box = (q) => document.querySelector(q).getBoundingClientRect();"
            " const p = box('section.provisions'), s = box('section.source');"
            " return [p.bottom, s.top, s.width]; })()"
        )
        assert boxes[1] >= boxes[0] and boxes[2] <= 390, boxes


def test_pages_read_without_javascript(server: str) -> None:
    with chromium_page(390, 844, script=False) as page:
        page.goto(server + "/agreements/ua-ro-2024/provisions/patriot")
        assert page.locator("blockquote").count() == 1
        assert page.locator("a.permalink").count() == 1
        page.goto(server + "/api/docs")
        assert "OpenAPI document" in page.locator("main").inner_text()


SHOTS = {
    "agreement": "/agreements/ua-ro-2024",
    "provision": "/agreements/ua-ro-2024/provisions/patriot",
    "compare": "/compare",
    "search": "/search?partner=RO&domain=air_defence",
}


@pytest.mark.screenshots
def test_screenshots_of_the_main_pages(tmp_path: Path) -> None:
    """The pictures docs/pages.md shows, made from the curated dataset."""
    folder = Path(os.environ.get("PACTWATCH_SCREENSHOTS", str(ARTIFACTS / "screenshots")))
    folder.mkdir(parents=True, exist_ok=True)
    db = str(tmp_path / "registry.db")
    verbs.load(db, [PROJECT_ROOT / "data"])
    for base in serving(db):
        for size, (width, height) in SIZES.items():
            with chromium_page(width, height) as page:
                for name, path in SHOTS.items():
                    page.goto(base + path)
                    target = folder / f"{name}-{size}.png"
                    page.screenshot(path=str(target))
                    assert target.stat().st_size > 1000, target
