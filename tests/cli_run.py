"""Run the real `pactwatch` entry point in-process, with its error handling at the edge."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from pactwatch.cli.app import main


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> Run:
    saved = sys.argv
    sys.argv = ["pactwatch", *args]
    code = 0
    try:
        main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv = saved
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)
