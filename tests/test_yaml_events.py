"""YAML as curators write events: `on:` is a key; only true/false are booleans."""

from __future__ import annotations

from pactwatch.curate.yamlio import load_yaml
from pactwatch.model import EventFile


def test_on_is_a_key_and_only_true_false_are_booleans() -> None:
    data = load_yaml("on: 2025-03\nyes: no\noff: On\nflag: true\nother: False\n")
    assert data == {"on": "2025-03", "yes": "no", "off": "On", "flag": True, "other": False}, data


def test_an_event_file_with_a_partial_date_reads_into_the_model() -> None:
    text = (
        "events:\n  - id: d\n    kind: meeting\n    on: 2025-03\n    completes: true\n"
        "    sources: [{url: https://example.org}]\n"
    )
    events = EventFile.model_validate(load_yaml(text)).events
    assert [(e.on, e.completes) for e in events] == [("2025-03", True)], events
