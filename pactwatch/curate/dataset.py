"""Read curated YAML files into models, turning every failure into a coded Problem.

Nothing here raises on bad data: a curator running `validate` wants every problem in one
pass, each naming the file and the field, not the first traceback.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from pactwatch.curate.yamlio import DuplicateKeyError, load_yaml
from pactwatch.model import Agreement, Problem

M = TypeVar("M", bound=BaseModel)

_PYDANTIC_CODES = {
    "extra_forbidden": "unknown-field",
    "missing": "missing-field",
    "literal_error": "invalid-value",
    "string_pattern_mismatch": "invalid-format",
    "date_from_datetime_parsing": "invalid-date",
    "date_parsing": "invalid-date",
    "date_from_datetime_inexact": "invalid-date",
    "too_short": "too-short",
}


@dataclass(frozen=True)
class Loaded(Generic[M]):
    path: Path
    record: M


@dataclass
class Dataset:
    """The agreements found under some paths, and the problems met reading them."""

    agreements: list[Loaded[Agreement]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def by_id(self) -> dict[str, Agreement]:
        return {item.record.id: item.record for item in self.agreements}


def dotted(loc: Sequence[int | str]) -> str:
    return ".".join(str(part) for part in loc)


def validation_problems(file: str, error: ValidationError) -> list[Problem]:
    """One problem per pydantic error, with the field path and a kebab-case code."""
    problems = []
    for item in error.errors(include_url=False):
        kind = str(item["type"])
        code = _PYDANTIC_CODES.get(kind, kind if "-" in kind else "invalid-field")
        message = str(item["msg"])
        if kind == "extra_forbidden":
            message = "unknown field (check its spelling against `pactwatch schema`)"
        problems.append(Problem(file, dotted(item["loc"]), code, message))
    return problems


_PARSED: dict[bytes, Any] = {}


def _parsed(raw: bytes, text: str) -> Any:
    """The YAML of a file's bytes, remembered by their digest: a process that validates,
    loads and serves reads the same megabytes of records several times. Callers only
    read the result (the model validates from it), so sharing it is safe."""
    key = hashlib.blake2b(raw, digest_size=16).digest()
    if key not in _PARSED:
        if len(_PARSED) >= 128:
            _PARSED.clear()
        _PARSED[key] = load_yaml(text)
    return _PARSED[key]


def read_mapping(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Raw mapping from a YAML file, or the problems that stopped it."""
    file = str(path)
    raw = path.read_bytes()
    if not raw.strip():
        return None, [Problem(file, "", "empty-file", "file is empty")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(
                file,
                "",
                "not-utf8",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                "save the file as UTF-8",
            )
        ]
    try:
        data = _parsed(raw, text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}" if mark else ""
        return None, [Problem(file, where, "duplicate-key", str(exc.problem))]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(file, where, "yaml-syntax", f"malformed YAML: {reason}")]
    if not isinstance(data, dict):
        kind = type(data).__name__
        return None, [
            Problem(file, "", "not-a-mapping", f"expected a mapping at the top, got {kind}")
        ]
    return data, []


def read_record(path: Path, model: type[M]) -> tuple[M | None, list[Problem]]:
    data, problems = read_mapping(path)
    if data is None:
        return None, problems
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, validation_problems(str(path), exc)


def yaml_files(paths: Iterable[Path], subdir: str) -> tuple[list[Path], list[Problem]]:
    """YAML files named directly, or found under `<dir>/<subdir>` (or `<dir>` itself)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            folder = path / subdir if (path / subdir).is_dir() else path
            found = sorted(p for p in folder.glob("*.y*ml") if p.suffix in {".yaml", ".yml"})
            if not found:
                problems.append(
                    Problem(str(path), "", "no-data", f"no YAML files (*.yaml) found in {folder}")
                )
            files.extend(found)
        else:
            problems.append(Problem(str(path), "", "not-found", "no such file or directory"))
    return files, problems


def load_dataset(paths: Iterable[Path]) -> Dataset:
    files, problems = yaml_files(paths, "agreements")
    dataset = Dataset(problems=problems)
    seen: dict[str, Path] = {}
    for path in files:
        record, found = read_record(path, Agreement)
        dataset.problems.extend(found)
        if record is None:
            continue
        if record.id in seen:
            dataset.problems.append(
                Problem(
                    str(path),
                    "id",
                    "duplicate-agreement-id",
                    f"agreement id {record.id!r} is already used by {seen[record.id]}",
                )
            )
            continue
        seen[record.id] = path
        dataset.agreements.append(Loaded(path, record))
    return dataset
