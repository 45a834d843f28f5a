"""An agreement's record as stored parts, and its content version as a sum of parts' hashes.

The record a reader assembles (head, then the provisions' texts at `provisions_at`) must be
the text `record_json` gives; a version updated by one provision's difference must equal
the version computed from the whole new record, and differ when anything, order included,
differs.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.store import content_hash, records

TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12)
PROVISION = st.fixed_dictionaries(
    {"id": st.uuids().map(str), "object": TEXT, "domains": st.lists(TEXT, max_size=3)}
)
RECORD = st.fixed_dictionaries(
    {
        "id": TEXT,
        "title": TEXT,
        "provisions": st.lists(PROVISION, max_size=6),
        "mechanisms": st.lists(TEXT, max_size=2),
        "notes": st.lists(TEXT, max_size=2),
    }
)


def _assembled(data: dict[str, Any]) -> str:
    head, at = records.stored_record(data)
    joined = ", ".join(json.dumps(p, ensure_ascii=False) for p in data["provisions"])
    return records.whole(head, at, joined)


@given(RECORD)
def test_assembled_record_is_the_whole_text(data: dict[str, Any]) -> None:
    assert _assembled(data) == json.dumps(data, ensure_ascii=False)
    head, _ = records.stored_record(data)
    assert json.loads(head) == {**data, "provisions": []}


def test_a_string_that_looks_like_the_provisions_key_does_not_move_them() -> None:
    data = {
        "id": "a",
        "title": '"provisions": [] \\", "provisions": [',
        "provisions": [{"id": "p"}],
        "notes": ['"provisions": []'],
    }
    assert _assembled(data) == json.dumps(data, ensure_ascii=False)


@settings(max_examples=40)
@given(RECORD, PROVISION, st.integers(min_value=0, max_value=5))
def test_one_provisions_difference_gives_the_whole_records_version(
    data: dict[str, Any], new: dict[str, Any], index: int
) -> None:
    if not data["provisions"]:
        return
    at = index % len(data["provisions"])
    old = data["provisions"][at]
    total = content_hash.combine(
        content_hash.of_record(data),
        add=[content_hash.provision_part(at, new)],
        remove=[content_hash.provision_part(at, old)],
    )
    provisions = [new if i == at else p for i, p in enumerate(data["provisions"])]
    edited = {**data, "provisions": provisions}
    assert total == content_hash.of_record(edited)
    changed = content_hash.canonical(edited) != content_hash.canonical(data)
    same_version = content_hash.version_of_sum(total) == content_hash.version_of_record(data)
    assert same_version != changed


def test_order_head_and_lanes_count() -> None:
    a, b = {"id": "a", "x": 1}, {"id": "b", "x": 2}
    data = {"id": "r", "title": "t", "provisions": [a, b]}
    swapped = {**data, "provisions": [b, a]}
    retitled = {**data, "title": "u"}
    versions = {content_hash.version_of_record(d) for d in (data, swapped, retitled)}
    assert len(versions) == 3
    # Key order inside the record does not matter; the content does.
    reordered = {"provisions": [a, b], "title": "t", "id": "r"}
    assert content_hash.version_of_record(reordered) == content_hash.version_of_record(data)
    # Removing what was added gives back the same sum, lane by lane modulo 2^16.
    part = content_hash.provision_part(0, a)
    total = content_hash.of_record(data)
    assert content_hash.combine(content_hash.combine(total, [part]), remove=[part]) == total
    assert len(total) == content_hash.SIZE == 2048
