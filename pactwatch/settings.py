"""Where the project's data, sources and registry live, overridable by environment.

Every stage asks here instead of guessing paths, so a deployment can move the curated
dataset, the source texts or the database without touching code. The environment
variables' names live here too, so the command line can name them in its help without
importing the stages that read them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DATA_ENV = "PACTWATCH_DATA"
SOURCES_ENV = "PACTWATCH_SOURCES"
DB_ENV = "PACTWATCH_DB"
WEBHOOK_SECRET_ENV = "PACTWATCH_WEBHOOK_SECRET"

FEED_ITEMS = 100
"""Changes a feed shows by default, newest first: what a feed reader polls for (the
command line and the API both offer more, and every one)."""


def data_dir() -> Path:
    """The curated dataset: agreements, events, taxonomy, lexicons."""
    return Path(os.environ.get(DATA_ENV) or PROJECT_ROOT / "data")


SHARED = PROJECT_ROOT.parent / "shared"


def sources_dir() -> Path:
    """The seed reports' folder (the first of `source_dirs`)."""
    return source_dirs()[0]


def source_dirs() -> list[Path]:
    """Folders of source texts, looked up by sha256: the shared seeds and official texts
    beside the checkout by default; PACTWATCH_SOURCES may name several (os.pathsep)."""
    named = os.environ.get(SOURCES_ENV)
    if named:
        return [Path(part) for part in named.split(os.pathsep) if part]
    return [SHARED / "seeds", SHARED / "sources"]


def official_texts_dir() -> Path:
    """The official agreement texts and their `sources.csv`."""
    return SHARED / "sources" / "agreements"


def default_db() -> str:
    """The registry: an SQLite file by default, any SQLAlchemy URL when set."""
    return os.environ.get(DB_ENV) or "pactwatch.db"


def only_true_false(loader: Any, dropped: frozenset[str] = frozenset()) -> None:
    """Make a PyYAML loader class read booleans as YAML 1.2 does: only true and false.

    YAML 1.1 also reads yes/no/on/off as booleans, which turns the word "no" in a word
    list, or Norway's code NO, into False. `dropped` names other implicit tags to turn off.
    """
    removed = dropped | {"tag:yaml.org,2002:bool"}
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in removed]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )


class _DataLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser when PyYAML has it (the pure-Python one takes ten times as long)."""


only_true_false(_DataLoader)


def read_data_yaml(path: Path) -> Any:
    """One of the project's own YAML files (lexicons, taxonomy), read at every start.

    Word lists hold words like "no" and "on": they stay words. Curated records go through
    `curate.yamlio`'s strict loader instead."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_DataLoader)
