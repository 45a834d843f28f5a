"""Curator edits merge: a PATCH changes the fields it names and nothing else (RFC 7396).

The README's curator example used to PUT a partial provision, which wiped its spans and
summary and dropped a domain. The example is now a PATCH, and the test below runs the
README's own lines against the service and checks that nothing else changed.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest

from pactwatch.settings import PROJECT_ROOT
from tests.cli import run_cli
from tests.service.conftest import Service

AGREEMENT = "/api/v1/agreements/ua-ro-2024"
PATRIOT = f"{AGREEMENT}/provisions/patriot"


def readme_example() -> list[str]:
    """The README's `sh` block holding the curator's PATCH, its continuation lines joined."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    block: str = next(b for b in blocks if "curl -X PATCH" in b)
    return block.replace("\\\n", " ").splitlines()


def curl_request(line: str, env: dict[str, str]) -> tuple[str, str, dict[str, str], str]:
    """Method, path, headers and body of a `curl -X METHOD URL -H ... -d ...` line, with
    the shell's variables expanded after the words are split (as the shell does)."""
    words = shlex.split(line)
    for name, value in env.items():
        words = [w.replace(name, value) for w in words]
    assert words[0] == "curl", words
    method, url, headers, body = "GET", "", {}, ""
    i = 1
    while i < len(words):
        word = words[i]
        if word == "-X":
            method, i = words[i + 1], i + 2
        elif word == "-H":
            name, _, value = words[i + 1].partition(":")
            headers[name.strip()] = value.strip()
            i += 2
        elif word == "-d":
            body, i = words[i + 1], i + 2
        else:
            url, i = word, i + 1
    return method, url.split("127.0.0.1:8000", 1)[1], headers, body


def test_the_readme_patch_changes_only_what_it_names(
    writable: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = readme_example()
    token_line = next(x for x in lines if x.startswith("TOKEN="))
    command = shlex.split(token_line.split("$(", 1)[1].rstrip(")"))
    made = run_cli(capsys, *command[1:], "--db", writable.url)
    assert made.code == 0, made.err
    before = writable.client.get(AGREEMENT)
    env = {"$TOKEN": made.out.strip(), "$ETAG": before.headers["etag"]}
    patch_line = next(x for x in lines if x.startswith("curl -X PATCH"))
    method, path, headers, body = curl_request(patch_line, env)
    response = writable.client.request(method, path, headers=headers, content=body)
    assert response.status_code == 200, response.text
    old, new = before.json(), writable.client.get(AGREEMENT).json()
    changed = {
        key for key in set(old) | set(new) if key != "provisions" and old.get(key) != new.get(key)
    }
    assert changed == set(), changed
    olds = {p["id"]: p for p in old["provisions"]}
    news = {p["id"]: p for p in new["provisions"]}
    assert olds.keys() == news.keys()
    assert [pid for pid in olds if olds[pid] != news[pid]] == ["patriot"]
    diff = {k for k in olds["patriot"].keys() | news["patriot"].keys()
            if olds["patriot"].get(k) != news["patriot"].get(k)}  # fmt: skip
    assert diff == {"timing"} and news["patriot"]["timing"] == "2024", diff
    assert news["patriot"]["spans"] and news["patriot"]["spans"] == olds["patriot"]["spans"]


def auth(service: Service, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    made = run_cli(capsys, "token", "add", "ana", "--db", service.url)
    return {"Authorization": f"Bearer {made.out.strip()}"}


def test_null_removes_a_field_and_lists_are_replaced_whole(
    writable: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = auth(writable, capsys)
    first = writable.client.get(AGREEMENT)
    original = next(p for p in first.json()["provisions"] if p["id"] == "patriot")
    change: dict[str, Any] = {"timing": "2024", "flags": ["checked"]}
    headers["If-Match"] = first.headers["etag"]
    response = writable.client.patch(PATRIOT, json=change, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["flags"] == ["checked"]
    assert response.json()["domains"] == original["domains"]
    headers["If-Match"] = response.headers["etag"]
    undo = writable.client.patch(PATRIOT, json={"timing": None}, headers=headers)
    assert undo.status_code == 200, undo.text
    assert undo.json()["timing"] is None and undo.json()["flags"] == ["checked"]


def test_a_patch_is_checked_as_a_whole_record_and_needs_if_match(
    writable: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = auth(writable, capsys)
    no_etag = writable.client.patch(PATRIOT, json={"timing": "2024"}, headers=headers)
    assert no_etag.status_code == 428, no_etag.text
    headers["If-Match"] = writable.client.get(AGREEMENT).headers["etag"]
    bad = writable.client.patch(PATRIOT, json={"domains": ["space_lasers"]}, headers=headers)
    assert bad.status_code == 422, bad.text
    wrong_id = writable.client.patch(PATRIOT, json={"id": "other"}, headers=headers)
    assert wrong_id.status_code == 422 and "id-mismatch" in wrong_id.text, wrong_id.text
    title = writable.client.patch(AGREEMENT, json={"signed_at": "Bucharest"}, headers=headers)
    assert title.status_code == 200, title.text
    after = writable.client.get(AGREEMENT).json()
    assert after["signed_at"] == "Bucharest" and after["provisions"], after["signed_at"]
