"""An agreement's content version as a hash that one provision's edit can update in place.

The version a citation carries used to be the sha256 of the whole record's sorted-key
JSON: every edit of one provision re-serialised and re-hashed megabytes. It is now built
from parts, each hashed alone: the head (the record without its provisions) and every
provision at its position, each as its sorted-key JSON. The parts' hashes are summed as
an LtHash (Bellare and Micciancio's lattice hash, in the parameters Lewi et al. give for
update propagation: 1,024 lanes of 16 bits, each part expanded to 2,048 bytes by
SHAKE-256, lanes added modulo 2^16). A sum is updated by subtracting a part's old hash
and adding its new one, so an edit hashes two provisions whatever the agreement's size,
and the result equals the sum computed from scratch.

The version is the first 12 hex digits of the sha256 of that 2,048-byte sum. It is a
function of the content alone (field order, storage and history play no part), so it
survives reloads; positions are part of each provision's hash, so reordering changes it.
Versions cited before this definition (sha256 of the whole sorted-key text) are still
recognised by `legacy_version` where a permalink is resolved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

LANES = 1024
LANE_BITS = 16
SIZE = LANES * LANE_BITS // 8
"""Bytes of a sum (2,048)."""
VERSION_DIGITS = 12

_ALL = (1 << (LANES * LANE_BITS)) - 1
_TOP = int.from_bytes(b"\x00\x80" * LANES, "little")
"""The top bit of every lane: lanes are added without carrying into the next one."""
_LOW = _ALL ^ _TOP
_ONE = int.from_bytes(b"\x01\x00" * LANES, "little")
ZERO = bytes(SIZE)


def canonical(data: Any) -> str:
    """JSON with sorted keys: the text each part is hashed as."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _part(label: str, data: Any) -> int:
    text = f"{label}\n{canonical(data)}".encode()
    return int.from_bytes(hashlib.shake_256(text).digest(SIZE), "little")


def head_part(head: Mapping[str, Any]) -> int:
    """The hash of the record without its provisions (`head` must not hold them)."""
    return _part("head", head)


def provision_part(position: int, provision: Mapping[str, Any]) -> int:
    """The hash of one provision (its contract JSON as a dict) at its position."""
    return _part(f"provision {position}", provision)


def _add(a: int, b: int) -> int:
    return ((a & _LOW) + (b & _LOW)) ^ ((a ^ b) & _TOP)


def _negate(a: int) -> int:
    return _add(a ^ _ALL, _ONE)


def combine(total: bytes, add: Iterable[int] = (), remove: Iterable[int] = ()) -> bytes:
    """`total` with some parts' hashes added and others subtracted, lane by lane."""
    value = int.from_bytes(total, "little")
    for part in add:
        value = _add(value, part)
    for part in remove:
        value = _add(value, _negate(part))
    return value.to_bytes(SIZE, "little")


def of_record(data: Mapping[str, Any]) -> bytes:
    """The sum of a whole record's parts (its contract JSON as a dict)."""
    head = {k: v for k, v in data.items() if k != "provisions"}
    parts = [head_part(head)]
    parts += [provision_part(i, p) for i, p in enumerate(data.get("provisions", ()))]
    return combine(ZERO, parts)


def version_of_sum(total: bytes) -> str:
    return hashlib.sha256(total).hexdigest()[:VERSION_DIGITS]


def version_of_record(data: Mapping[str, Any]) -> str:
    """The content version of a record (its contract JSON as a dict)."""
    return version_of_sum(of_record(data))


def legacy_version(data: Mapping[str, Any]) -> str:
    """The version an agreement carried before this definition: the sha256 of its whole
    sorted-key JSON. Only for resolving permalinks cited before the change."""
    return hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()[:VERSION_DIGITS]
