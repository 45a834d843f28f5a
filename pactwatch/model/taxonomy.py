"""The domain taxonomy, read from `data/taxonomy/domains.yaml`.

The ids are fixed by the design; definitions and cue words are content, so they live in
the data folder where a curator can extend them without touching code.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, TypeAdapter

from pactwatch.settings import DATA_ENV, data_dir, read_data_yaml


class Domain(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str
    definition: str
    cues: tuple[str, ...] = ()


def taxonomy_path() -> Path:
    return data_dir() / "taxonomy" / "domains.yaml"


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[Domain, ...]:
    raw = read_data_yaml(path)
    return tuple(TypeAdapter(list[Domain]).validate_python(raw))


def domains() -> tuple[Domain, ...]:
    """Every domain, in the taxonomy file's order (the design's order)."""
    return _load(taxonomy_path())


def domain_ids() -> frozenset[str]:
    return _ids_in(os.environ.get(DATA_ENV))


@lru_cache(maxsize=4)
def _ids_in(data: str | None) -> frozenset[str]:
    """By the data folder's setting, not its path: every filtered API request checks its
    domain, and building the path cost a tenth of such a request's CPU."""
    return _ids(taxonomy_path())


@lru_cache(maxsize=4)
def _ids(path: Path) -> frozenset[str]:
    """Kept per file: every filtered API request checks its domain against them."""
    return frozenset(d.id for d in _load(path))
