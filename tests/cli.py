"""Run the command line in-process, as a user would, capturing exit code and output."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from pactwatch.cli.app import main


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    capsys.readouterr()
    saved = sys.argv
    sys.argv = ["pactwatch", *args]
    code = 0
    try:
        main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = saved
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
