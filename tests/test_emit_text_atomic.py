"""`extract --emit-text` on a full disk: the file is written whole or not at all.

The text used to be written in place, so a disk filling up left an empty or cut file that
looked like a result. The limit on file size (RLIMIT_FSIZE) makes the operating system fail
the write as a full disk would, in a child process, without a real full disk.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pactwatch.settings import PROJECT_ROOT
from tests.cli import run_cli

SOURCE = PROJECT_ROOT / "data" / "corpus" / "analysis-lv.txt"
LIMIT = 512
"""Bytes a file may grow to in the child: less than the text, more than nothing."""


def _small_files() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def emit(target: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pactwatch", "extract", str(SOURCE)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [*command, "--emit-text", str(target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=env,
        preexec_fn=_small_files,
    )


def test_a_failed_write_leaves_no_file_and_says_so(tmp_path: Path) -> None:
    assert SOURCE.stat().st_size > LIMIT
    target = tmp_path / "text.txt"
    done = emit(target)
    assert done.returncode == 1, done
    assert done.stderr.startswith("error: --emit-text:") and done.stderr.count("\n") == 1
    assert not target.exists(), "no empty or cut file is left behind"
    assert list(tmp_path.iterdir()) == [], "the temp file is gone too"


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "text.txt"
    target.write_text("the previous text\n", encoding="utf-8")
    assert emit(target).returncode == 1
    assert target.read_text(encoding="utf-8") == "the previous text\n"


def test_an_enospc_from_the_write_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = os.fdopen

    class Full:
        def __init__(self, fd: int, mode: str) -> None:
            self.handle = real(fd, mode)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *_: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[:10])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    target = tmp_path / "text.txt"
    result = run_cli(capsys, "extract", str(SOURCE), "--emit-text", str(target))
    assert result.code == 1 and "No space left on device" in result.err, result
    assert result.err.count("\n") == 1 and list(tmp_path.iterdir()) == []
