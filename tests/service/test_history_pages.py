"""History is paged and keeps curators' names to curators.

It used to be one unpaginated public answer: after 20 large writes a 38 MB response, and
the token names of every curator who wrote. Now a page holds at most `limit` entries and
stops early past a byte budget (sizes are read before the records), the cursor is the last
entry's id, and `actor` is shown only to a request with a valid token.
"""

from __future__ import annotations

from typing import Any

from pactwatch import verbs
from pactwatch.store.registry import Registry
from pactwatch.store.write import HISTORY_PAGE_BYTES, Patch
from tests.service.conftest import Service

HISTORY = "/api/v1/agreements/ua-ro-2024/history"


def write_many(service: Service, count: int, summary_chars: int = 10) -> None:
    """`count` provision edits, each carrying a summary of `summary_chars` characters."""
    with Registry.open(service.url) as registry:
        for i in range(count):
            text = f"edit {i} " + "x" * summary_chars
            registry.save_provision(
                "ua-ro-2024", Patch("patriot", {"summary": text}), "ana", lambda _: [], "*"
            )


def pages(service: Service, headers: dict[str, str], limit: int) -> list[dict[str, Any]]:
    url: str | None = f"{HISTORY}?limit={limit}"
    found = []
    while url is not None:
        response = service.client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        found.append(response.json())
        url = response.json()["next"]
    return found


def test_history_comes_in_pages_by_a_keyset_cursor(writable: Service) -> None:
    write_many(writable, 7)
    found = pages(writable, {}, 3)
    assert [len(p["items"]) for p in found] == [3, 3, 1]
    ids = [e["id"] for p in found for e in p["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 7
    assert [e["after"]["summary"].split(" x")[0] for p in found for e in p["items"]] == [
        f"edit {i}" for i in range(7)
    ]


def test_a_page_of_large_writes_stops_at_the_byte_budget(writable: Service) -> None:
    size = HISTORY_PAGE_BYTES // 3
    write_many(writable, 4, summary_chars=size)
    found = pages(writable, {}, 100)
    lengths = [len(p["items"]) for p in found]
    assert sum(lengths) == 4 and max(lengths) < 4, lengths
    # each entry holds before and after (about 2 x size): a page stops once past the budget
    assert all(len(str(p)) < 3 * HISTORY_PAGE_BYTES for p in found)


def test_the_page_size_is_bounded(writable: Service) -> None:
    assert writable.client.get(f"{HISTORY}?limit=101").status_code == 422
    assert writable.client.get(f"{HISTORY}?after=-1").status_code == 422


def test_authors_are_shown_to_curators_only(writable: Service) -> None:
    write_many(writable, 1)
    anonymous = writable.client.get(HISTORY).json()["items"]
    assert [e["actor"] for e in anonymous] == [None]
    token = verbs.create_token("reader", writable.url)
    curator = writable.client.get(HISTORY, headers={"Authorization": f"Bearer {token}"})
    assert [e["actor"] for e in curator.json()["items"]] == ["ana"]
    assert "ana" not in writable.client.get(HISTORY).text
    bad = writable.client.get(HISTORY, headers={"Authorization": "Bearer pw_not-a-token"})
    assert bad.status_code == 401, bad.text
