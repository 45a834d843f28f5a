"""File names and descriptions for the responses people save: exports and CSV pages.

A browser names a saved file after `Content-Disposition` (RFC 6266), else after the URL's
last segment ("csv", "provisions"), which says nothing once it sits in a downloads folder.
Every download says `attachment` with a name that tells what it is, in ASCII and, for
names that need more, RFC 5987's `filename*`. Table downloads also point at their
codebook with `Link: rel="describedby"` (RFC 5988), since a CSV has no room to describe
itself.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import Response

CODEBOOK_PATH = "/api/v1/codebook"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def attachment(name: str) -> str:
    """A Content-Disposition value that saves the response as `name`."""
    stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    plain = (_UNSAFE.sub("-", stem).strip("-.") or "download") + dot + _UNSAFE.sub("", extension)
    if plain == name:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def as_download(response: Response, name: str, described: bool = False) -> Response:
    """Mark a response as a file to save as `name` (304s too: headers only)."""
    response.headers["Content-Disposition"] = attachment(name)
    if described:
        response.headers["Link"] = f'<{CODEBOOK_PATH}>; rel="describedby"; type="text/markdown"'
    return response
