"""A person's path through the pages, in Debian's Chromium driven by Playwright.

Home -> the Ukraine-Romania agreement -> choose the Patriot provision (its source words
get marked) -> the comparison page -> follow a cell; and what is due, where the clock a
trigger opened counts down. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

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
def chromium_page(width: int, height: int) -> Iterator[Any]:
    """A page in Debian's Chromium (skipped off CI when it is not installed)."""
    require(CHROMIUM.is_file(), f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
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
