"""Coded problems: what validation, loading and the CLI report instead of tracebacks.

Each problem has a stable kebab-case code, the file, a dotted path to the field and a
message; rendered as one line `FILE: path: message` so a person can jump straight to it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    path: str
    code: str
    message: str

    def line(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "path": self.path, "code": self.code, "message": self.message}


class PactwatchError(Exception):
    """An error at the edge (bad input, missing file) that the CLI shows as one line."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.line())
        self.problem = problem

    @classmethod
    def at(cls, file: str, path: str, code: str, message: str) -> PactwatchError:
        return cls(Problem(file=file, path=path, code=code, message=message))
