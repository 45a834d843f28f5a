"""Downloads carry file names, and tables point at their codebook (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from pactwatch.api.downloads import attachment
from pactwatch.export.codebook import codebook
from tests.service.conftest import Service


@pytest.mark.parametrize(
    ("fmt", "name", "described"),
    [
        ("csv", "pactwatch-csv.csv", True),
        ("xlsx", "pactwatch-xlsx.xlsx", True),
        ("datapackage", "pactwatch-datapackage.zip", True),
        ("ttl", "pactwatch-ttl.ttl", False),
    ],
)
def test_exports_download_under_a_name(api: Service, fmt: str, name: str, described: bool) -> None:
    response = api.client.get(f"/api/v1/export/{fmt}")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert ("describedby" in response.headers.get("link", "")) is described
    again = api.client.get(
        f"/api/v1/export/{fmt}", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["content-disposition"] == response.headers["content-disposition"]


def test_a_csv_page_of_provisions_downloads_under_a_name(api: Service) -> None:
    response = api.client.get("/api/v1/provisions", params={"format": "csv", "kind": "action"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="pactwatch-provisions.csv"'
    )
    plain = api.client.get("/api/v1/provisions")
    assert "content-disposition" not in plain.headers


def test_the_codebook_is_served(api: Service) -> None:
    response = api.client.get("/api/v1/codebook")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.text == codebook()


def test_names_outside_ascii_keep_an_ascii_fallback() -> None:
    assert attachment("a.csv") == 'attachment; filename="a.csv"'
    encoded = "%D0%A0%D1%83%D0%BC%D1%83%D0%BD%D1%96%D1%8F.csv"
    assert attachment("Румунія.csv") == (
        f"attachment; filename=\"download.csv\"; filename*=UTF-8''{encoded}"
    )
