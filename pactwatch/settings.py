"""Where the project's data, sources and registry live, overridable by environment.

Every stage asks here instead of guessing paths, so a deployment can move the curated
dataset, the source texts or the database without touching code. The environment
variables' names live here too, so the command line can name them in its help without
importing the stages that read them.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DATA_ENV = "PACTWATCH_DATA"
SOURCES_ENV = "PACTWATCH_SOURCES"
DB_ENV = "PACTWATCH_DB"
WEBHOOK_SECRET_ENV = "PACTWATCH_WEBHOOK_SECRET"


def data_dir() -> Path:
    """The curated dataset: agreements, events, taxonomy, lexicons."""
    return Path(os.environ.get(DATA_ENV) or PROJECT_ROOT / "data")


def sources_dir() -> Path:
    """Source texts, looked up by sha256; the shared seeds folder beside the checkout by default."""
    return Path(os.environ.get(SOURCES_ENV) or PROJECT_ROOT.parent / "shared" / "seeds")


def default_db() -> str:
    """The registry: an SQLite file by default, any SQLAlchemy URL when set."""
    return os.environ.get(DB_ENV) or "pactwatch.db"
