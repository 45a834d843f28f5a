"""Find source texts by the sha256 of their raw bytes.

Records name their sources by fingerprint, not path, so a source can be moved, renamed or
kept outside the repository (copyrighted reports) and still be found and checked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class SourceLibrary:
    """A folder of source files, indexed by sha256 on first use."""

    root: Path
    _by_sha: dict[str, Path] | None = field(default=None, init=False, repr=False)

    def _index(self) -> dict[str, Path]:
        if self._by_sha is None:
            self._by_sha = {}
            if self.root.is_dir():
                for path in sorted(self.root.rglob("*")):
                    if path.is_file():
                        self._by_sha.setdefault(sha256_hex(path.read_bytes()), path)
        return self._by_sha

    def path_for(self, sha256: str) -> Path | None:
        return self._index().get(sha256)

    def text_for(self, sha256: str) -> str | None:
        """The source's text (UTF-8, the encoding spans are counted in), or None when absent."""
        path = self.path_for(sha256)
        if path is None:
            return None
        return path.read_bytes().decode("utf-8")

    def file_named(self, filename: str) -> Path | None:
        candidate = self.root / filename
        return candidate if candidate.is_file() else None
