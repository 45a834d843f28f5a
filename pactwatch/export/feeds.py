"""Feeds of changes in obligation state and in provision status (evidence recorded): JSON
Feed 1.1 and Atom 1.0.

Entry ids are the changes' stable ids (obligation key + new state), so a feed reader shows
each change once however often the feed is rebuilt. Titles say a state in words ("no
meeting recorded") and date evidence only as precisely as it is known.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from xml.etree import ElementTree as ET

from pactwatch.rules.changes import Change
from pactwatch.rules.evidence_changes import StatusChange
from pactwatch.rules.timing import iso

FeedItem = Change | StatusChange

FEED_ID = "urn:pactwatch:obligations"
TITLE = "Pactwatch: changes in obligation state"
ATOM = "http://www.w3.org/2005/Atom"


def _entry_id(change: FeedItem) -> str:
    return f"urn:pactwatch:change:{change.id}"


def json_feed(changes: Sequence[FeedItem], now: datetime) -> bytes:
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": TITLE,
        "description": f"Obligation states as evaluated at {iso(now)}",
        "items": [
            {
                "id": _entry_id(c),
                "title": c.title(),
                "content_text": c.summary(),
                "date_published": iso(c.at),
                "tags": c.tags(),
                "_pactwatch": c.as_dict(),
            }
            for c in changes
        ],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def atom_feed(changes: Sequence[FeedItem], now: datetime) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = FEED_ID
    ET.SubElement(feed, f"{{{ATOM}}}title").text = TITLE
    updated = changes[0].at if changes else now
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = iso(updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Pactwatch rules engine"
    for change in changes:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = _entry_id(change)
        ET.SubElement(entry, f"{{{ATOM}}}title").text = change.title()
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = iso(change.at)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=change.state)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = change.summary()
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body + b"\n"
