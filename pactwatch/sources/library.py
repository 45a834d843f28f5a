"""Find source texts by the sha256 of their raw bytes, across several folders.

Records name their sources by fingerprint, not path, so a source can be moved, renamed or
kept outside the repository (copyrighted reports, official texts) and still be found and
checked. A library spans several folders (the seed reports, the official texts) because a
record cites both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class SourceDecodeError(ValueError):
    """A source file that is not UTF-8: its spans cannot be counted."""


class SourceLibrary:
    """Folders of source files, indexed by sha256 on first use (first folder wins)."""

    def __init__(self, roots: Path | Iterable[Path]) -> None:
        self.roots: tuple[Path, ...] = (roots,) if isinstance(roots, Path) else tuple(roots)
        self._by_sha: dict[str, Path] | None = None
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
                        if path.is_file():
                            self._by_sha.setdefault(sha256_hex(path.read_bytes()), path)
        return self._by_sha

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
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceDecodeError(
                f"{path}: not UTF-8 (byte {exc.start}); spans are counted in UTF-8 text"
            ) from None
        self._texts[sha256] = text
        return text

    def file_named(self, filename: str) -> Path | None:
        """A bare file name inside one of the folders (never a path that leaves them)."""
        if Path(filename).name != filename or filename in {"", ".", ".."}:
            return None
        for root in self.roots:
            if (root / filename).is_file():
                return root / filename
        for root in self.roots:
            found = next((p for p in root.rglob(filename) if p.is_file()), None)
            if found is not None:
                return found
        return None
