"""The source library: files reached only through its index, hashed in bounded memory."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

from pactwatch.sources import SourceLibrary
from pactwatch.sources.library import MAX_SOURCE_BYTES, file_sha256


def sparse(path: Path, size: int) -> Path:
    """A file of `size` zero bytes that takes no disk space."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def zeros_sha(size: int) -> str:
    return hashlib.sha256(bytes(size)).hexdigest()


def test_hashing_streams_and_stops_past_its_limit(tmp_path: Path) -> None:
    path = sparse(tmp_path / "a.bin", 3 * 1024 * 1024 + 5)
    tracemalloc.start()
    try:
        digest = file_sha256(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest == zeros_sha(3 * 1024 * 1024 + 5)
    assert peak < 2.5 * 1024 * 1024, f"hashing held {peak} bytes at once"
    assert file_sha256(path, limit=3 * 1024 * 1024) is None


def test_a_file_past_the_limit_is_no_source(tmp_path: Path) -> None:
    (tmp_path / "small.txt").write_text("The parties agree.", encoding="utf-8")
    sparse(tmp_path / "huge.txt", MAX_SOURCE_BYTES + 1)
    library = SourceLibrary(tmp_path)
    small = hashlib.sha256(b"The parties agree.").hexdigest()
    assert library.path_for(small) == tmp_path / "small.txt"
    assert library.text_for(small) == "The parties agree."
    assert library.path_for(zeros_sha(MAX_SOURCE_BYTES + 1)) is None
    assert library.sha_of_name("huge.txt") is None
    assert library.sha_of_name("small.txt") == small


def test_names_are_looked_up_in_the_index_not_on_disk(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    library = SourceLibrary(folder)
    for name in ("../outside.txt", str(tmp_path / "outside.txt"), "outside.txt", "*", "**"):
        assert library.sha_of_name(name) is None, name
    assert library.sha_of_name("a.txt") == hashlib.sha256(b"a").hexdigest()
