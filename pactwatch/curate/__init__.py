"""Curate: the reviewed dataset in `data/` — strict YAML loading and validation."""

from pactwatch.curate.dataset import Dataset, load_dataset
from pactwatch.curate.validate import validate_dataset

__all__ = ["Dataset", "load_dataset", "validate_dataset"]
