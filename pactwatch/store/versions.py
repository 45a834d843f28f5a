"""What a page says about a whole agreement, kept beside it so no page reads the whole record.

An agreement's content version (the one its citation and permalinks carry) is the sha256
of its contract JSON with sorted keys; the agreement page also says how many provisions
nobody has reviewed. Computing either reads every provision: at 2,000 provisions that is
tens of milliseconds per page. `agreement_versions` keeps both, with the sorted-key text
the version hashes, so a write of one provision replaces that provision's part of the
text and hashes it again (a splice and one sha256) instead of serialising the record.
A load and a whole-record write fill the row from the record (`version_row`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text

from pactwatch.store import tables

VERSION_DIGITS = 12

agreement_versions = Table(
    "agreement_versions",
    tables.metadata,
    Column(
        "agreement_id",
        String,
        ForeignKey("agreements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", String, nullable=False, comment="the content version pages cite"),
    Column(
        "unreviewed",
        Integer,
        nullable=False,
        comment="provisions whose review state is not reviewed",
    ),
    Column(
        "canonical",
        Text,
        nullable=False,
        comment="the contract JSON with sorted keys: what the version hashes",
    ),
    comment="each agreement's content version and unreviewed count; kept by writes",
)


def canonical(data: Any) -> str:
    """JSON with sorted keys: the text a content version is the hash of."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def version_of_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:VERSION_DIGITS]


def unreviewed(provision: dict[str, Any]) -> bool:
    review = provision.get("review")
    return not isinstance(review, dict) or review.get("state") != "reviewed"


def version_row(agreement_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """The row of one agreement, from its contract JSON as a dict (`model_dump(mode="json")`)."""
    text = canonical(data)
    return {
        "agreement_id": agreement_id,
        "version": version_of_text(text),
        "unreviewed": sum(1 for p in data.get("provisions", ()) if unreviewed(p)),
        "canonical": text,
    }
