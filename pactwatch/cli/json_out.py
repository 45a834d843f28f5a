"""Lists printed as JSON: one element per line.

`json.dumps(..., indent=2)` gives up the C encoder for Python's own: the 31,000 obligations
of a registry of 1,000 agreements took 1.7 s to print that way and 0.2 s this way. One
element per line also keeps each record on one line for `grep`, `diff` and `jq -c`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def json_list(items: Iterable[Any], ensure_ascii: bool = True) -> str:
    """A JSON array of `items`, each on its own line, indented by two spaces."""
    lines = [json.dumps(item, ensure_ascii=ensure_ascii) for item in items]
    if not lines:
        return "[]"
    return "[\n  " + ",\n  ".join(lines) + "\n]"
