"""The registry opens in Datasette with our metadata, and its JSON API serves provisions."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from pactwatch.export.datasette import DATABASE, render_metadata
from pactwatch.settings import PROJECT_ROOT
from pactwatch.store import tables
from tests.conftest import require

METADATA = PROJECT_ROOT / "datasette" / "metadata.json"


def test_committed_metadata_matches_the_tables() -> None:
    assert METADATA.read_text(encoding="utf-8") == render_metadata(), (
        "datasette/metadata.json is stale: run "
        "`python -m pactwatch.export.datasette > datasette/metadata.json`"
    )


def test_every_table_and_column_is_described() -> None:
    described = json.loads(render_metadata())["databases"][DATABASE]["tables"]
    for table in tables.metadata.tables.values():
        columns = described[table.name]["columns"]
        assert set(columns) == {c.name for c in table.columns}, table.name
        assert all(text.strip() for text in columns.values()), table.name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def datasette_url(fixture_db: str) -> Iterator[str]:
    require(importlib.util.find_spec("datasette") is not None, "datasette is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", fixture_db, "-m", str(METADATA),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(f"{url}/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"datasette did not start: {server.stderr}")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_datasette_serves_provisions_and_metadata(datasette_url: str) -> None:
    rows = _get(
        f"{datasette_url}/{DATABASE}/provisions.json?_shape=array&agreement_id=zz-fixture-2025"
    )
    assert sorted(r["id"] for r in rows) == ["consult", "defend-ua", "grant", "opening", "training"]
    meta = _get(f"{datasette_url}/-/metadata.json")
    assert meta["license"] == "Creative Commons Attribution 4.0 International", meta
    sql = "select count(*) as n from provisions where kind = 'mechanism'"
    counted = _get(f"{datasette_url}/{DATABASE}.json?_shape=array&sql={urllib.parse.quote(sql)}")
    assert counted == [{"n": 1}], counted


def test_canned_query_filters_commitments_by_domain(datasette_url: str) -> None:
    rows = _get(f"{datasette_url}/{DATABASE}/commitments.json?_shape=array&domain=training")
    assert [r["provision_id"] for r in rows] == ["training"], rows
    everything = _get(f"{datasette_url}/{DATABASE}/commitments.json?_shape=array&domain=")
    assert len(everything) == 5, everything
