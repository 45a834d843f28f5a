"""Atomic writes for exports: a file via a temp file and rename, a folder via a temp folder.

A reader (or a web server publishing the exports) never sees half a file: either the old
version or the new one. A new folder appears whole; in an existing folder each file is
replaced atomically and files we did not write are left alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from pactwatch.model import PactwatchError


def write_file(path: Path, data: bytes, option: str = "--out") -> None:
    """Write `data` to `path` through a temp file in the same folder, then rename; on any
    failure (a full disk included) the temp file goes and `path` is left as it was."""
    if path.is_dir():
        raise PactwatchError.at(
            str(path), option, "out-is-folder", "is a folder; this format writes one file"
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise PactwatchError.at(str(path), option, "no-such-folder", f"no folder {folder}")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_folder(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write the files under `folder`, built in a temp folder first; returns their paths."""
    if folder.exists() and not folder.is_dir():
        raise PactwatchError.at(
            str(folder), "--out", "out-is-file", "exists and is a file; this format writes a folder"
        )
    parent = folder.parent if str(folder.parent) else Path(".")
    if not parent.is_dir():
        raise PactwatchError.at(str(folder), "--out", "no-such-folder", f"no folder {parent}")
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent))
    try:
        for name, data in files.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if not folder.exists():
            tmp.rename(folder)
        else:
            for name in files:
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp / name, folder / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [folder / name for name in sorted(files)]
