"""Turn failures at the edge into one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pactwatch.model import Problem


def print_problems(problems: Iterable[Problem]) -> None:
    for problem in problems:
        print(problem.line(), file=sys.stderr)


def fail(message: str, code: int = 1) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)
