"""Where the project's data, sources and registry live, overridable by environment.

Every stage asks here instead of guessing paths, so a deployment can move the curated
dataset, the source texts or the database without touching code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DATA_ENV = "PACTWATCH_DATA"
SOURCES_ENV = "PACTWATCH_SOURCES"
DB_ENV = "PACTWATCH_DB"


def data_dir() -> Path:
    """The curated dataset: agreements, events, taxonomy, lexicons."""
    return Path(os.environ.get(DATA_ENV) or PROJECT_ROOT / "data")


def sources_dir() -> Path:
    """Source texts, looked up by sha256; the shared seeds folder beside the checkout by default."""
    return Path(os.environ.get(SOURCES_ENV) or PROJECT_ROOT.parent / "shared" / "seeds")


def default_db() -> str:
    """The registry: an SQLite file by default, any SQLAlchemy URL when set."""
    return os.environ.get(DB_ENV) or "pactwatch.db"


def read_data_yaml(path: Path) -> Any:
    """One of the project's own YAML files (lexicons, taxonomy), parsed with libyaml when
    PyYAML has it: they are read at every start, and the pure-Python parser takes ten
    times as long. Curated records go through `curate.yamlio`'s strict loader instead."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
