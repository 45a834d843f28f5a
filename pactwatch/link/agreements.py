"""The agreements to link against, read once from the curated dataset."""

from __future__ import annotations

from pathlib import Path

from pactwatch.curate.dataset import load_dataset
from pactwatch.model import Agreement, PactwatchError
from pactwatch.settings import data_dir


def load_agreements(folder: Path | None = None) -> list[Agreement]:
    """Every agreement under `folder` (default: data/); a PactwatchError on the first problem,
    since linking against a half-read registry would quietly miss links."""
    found = load_dataset([folder or data_dir()])
    if found.problems:
        raise PactwatchError(found.problems[0])
    return [item.record for item in found.agreements]
