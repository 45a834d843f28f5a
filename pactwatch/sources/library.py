"""Find source texts by the sha256 of their raw bytes, across several folders.

Records name their sources by fingerprint, not path, so a source can be moved, renamed or
kept outside the repository (copyrighted reports, official texts) and still be found and
checked. A library spans several folders (the seed reports, the official texts) because a
record cites both.

A file is only ever reached through the index of those folders, never through a name or
path that a record (or a request writing one) supplies, so a record cannot make the
service stat, hash or read anything else. Hashing streams the file in chunks, and a file
larger than `MAX_SOURCE_BYTES` is no source (the largest text we cite is a few hundred
kilobytes), so one huge file in a folder costs neither memory nor minutes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

MAX_SOURCE_BYTES = 16 * 1024 * 1024
_CHUNK = 1024 * 1024


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path, limit: int = MAX_SOURCE_BYTES) -> str | None:
    """The file's sha256, read in chunks; None when it is larger than `limit` bytes."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                return None
            digest.update(chunk)
    return digest.hexdigest()


class SourceDecodeError(ValueError):
    """A source file that is not UTF-8: its spans cannot be counted."""


class SourceLibrary:
    """Folders of source files, indexed by sha256 on first use (first folder wins)."""

    def __init__(self, roots: Path | Iterable[Path]) -> None:
        self.roots: tuple[Path, ...] = (roots,) if isinstance(roots, Path) else tuple(roots)
        self._by_sha: dict[str, Path] | None = None
        self._by_name: dict[str, str] = {}
        self._texts: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"SourceLibrary({list(self.roots)!r})"

    @property
    def root(self) -> Path:
        """The first folder: where a bare file name is looked for first."""
        return self.roots[0] if self.roots else Path(".")

    def present(self) -> bool:
        """Whether any folder exists, so a caller can say span checks were skipped."""
        return any(root.is_dir() for root in self.roots)

    def _index(self) -> dict[str, Path]:
        if self._by_sha is None:
            self._by_sha = {}
            for root in self.roots:
                if root.is_dir():
                    for path in sorted(root.rglob("*")):
                        if path.is_file() and path.stat().st_size <= MAX_SOURCE_BYTES:
                            self._add(path)
        return self._by_sha

    def _add(self, path: Path) -> None:
        assert self._by_sha is not None
        sha = file_sha256(path)
        if sha is not None:
            self._by_sha.setdefault(sha, path)
            self._by_name.setdefault(path.name, sha)

    def path_for(self, sha256: str) -> Path | None:
        return self._index().get(sha256)

    def text_for(self, sha256: str) -> str | None:
        """The source's text (UTF-8, the encoding spans are counted in), or None when absent.

        Raises SourceDecodeError for a file that is not UTF-8."""
        if sha256 in self._texts:
            return self._texts[sha256]
        path = self.path_for(sha256)
        if path is None:
            return None
        with path.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
        if sha256_hex(data) != sha256:
            return None  # changed since it was indexed
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceDecodeError(
                f"{path}: not UTF-8 (byte {exc.start}); spans are counted in UTF-8 text"
            ) from None
        self._texts[sha256] = text
        return text

    def sha_of_name(self, filename: str) -> str | None:
        """The sha256 of the indexed file with this name (first folder wins), if any.

        An index look-up, not a file-system one: whatever `filename` holds, only files
        already found in the folders can answer."""
        self._index()
        return self._by_name.get(filename)
