"""Earlier versions of a record, found in the store's history by their content version.

A permalink names a version; when the record has changed since, the page shows what the
cited version said beside what the record says now, and the writes in between.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from pactwatch.model import Agreement, Provision
from pactwatch.store.write import HistoryEntry
from pactwatch.web.citing import is_version


@dataclass(frozen=True)
class Change:
    field: str
    then: Any
    now: Any


@dataclass(frozen=True)
class Found:
    """The cited version, the writes after it and the fields that differ from now."""

    version: str
    record: dict[str, Any] | None
    since: list[HistoryEntry]
    changes: list[Change]
    current: bool


def _provision_in(entry_json: str | None, entity: str, pid: str) -> Provision | None:
    if entry_json is None:
        return None
    try:
        if entity == "provision":
            return Provision.model_validate_json(entry_json)
        return Agreement.model_validate_json(entry_json).provision(pid)
    except ValidationError:
        return None


def _agreement_in(entry_json: str | None, entity: str) -> Agreement | None:
    if entry_json is None or entity != "agreement":
        return None
    try:
        return Agreement.model_validate_json(entry_json)
    except ValidationError:
        return None


def _changes(then: dict[str, Any], now: dict[str, Any] | None) -> list[Change]:
    now = now or {}
    names = [*then, *(k for k in now if k not in then)]
    return [Change(k, then.get(k), now.get(k)) for k in names if then.get(k) != now.get(k)]


def find_provision(
    history: list[HistoryEntry], current: Provision | None, pid: str, version: str
) -> Found | None:
    """The provision `pid` at `version`: now, or as a write's before/after recorded it."""
    if current is not None and is_version(current, version):
        return Found(version, current.model_dump(mode="json"), [], [], True)
    touching = [e for e in history if e.entity == "agreement" or (e.provision_id == pid)]
    for i, entry in enumerate(touching):
        for when, text in ((i, entry.before), (i + 1, entry.after)):
            found = _provision_in(text, entry.entity, pid)
            if found is not None and is_version(found, version):
                then = found.model_dump(mode="json")
                now = current.model_dump(mode="json") if current else None
                since = [e for e in touching[when:] if e.before != e.after]
                return Found(version, then, since, _changes(then, now), False)
    return None


def find_agreement(history: list[HistoryEntry], current: Agreement, version: str) -> Found | None:
    """The agreement at `version`: now, or as a whole-record write recorded it (any write
    after it, provision edits included, is listed as a change since)."""
    if is_version(current, version):
        return Found(version, None, [], [], True)
    for i, entry in enumerate(history):
        for when, text in ((i, entry.before), (i + 1, entry.after)):
            found = _agreement_in(text, entry.entity)
            if found is not None and is_version(found, version):
                then = found.model_dump(mode="json")
                now = current.model_dump(mode="json")
                changes = [c for c in _changes(then, now) if c.field != "provisions"]
                old = {p["id"]: p for p in then["provisions"]}
                new = {p["id"]: p for p in now["provisions"]}
                for pid in [*old, *(k for k in new if k not in old)]:
                    if old.get(pid) != new.get(pid):
                        changes.append(
                            Change(f"provision {pid}", _brief(old.get(pid)), _brief(new.get(pid)))
                        )
                return Found(version, then, history[when:], changes, False)
    return None


def _brief(provision: dict[str, Any] | None) -> str | None:
    if provision is None:
        return None
    return " ".join(str(provision.get(k) or "") for k in ("action", "object")).strip()


def shown(value: Any) -> str:
    """A field's value as one line of text on the page."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
