"""The trained decisions as plain linear models: a JSON file of feature weights.

Training uses scikit-learn (`extract.train`); using a model needs only this module. A
decision is a sum of the weights of the features present, so its reason is exact: the
features that weighed most. The file is small, diffable and reviewable, and reading it
costs no import of a numerical library, so `pactwatch extract` starts as fast as before.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import add
from pathlib import Path
from typing import Any, Literal

from pactwatch.settings import data_dir

HeadKind = Literal["binary", "multiclass", "multilabel"]


def model_path() -> Path:
    return data_dir() / "models" / "extractor.json"


@dataclass
class Head:
    """One decision: its classes, a bias per column and the weights of each feature."""

    kind: HeadKind
    classes: list[str]
    bias: list[float]
    weights: dict[str, list[float]] = field(default_factory=dict)
    # the non-zero weights of each feature as (column, weight): sparse models (L1) leave
    # most columns zero, and a draft asks every head about every piece
    _nonzero: dict[str, tuple[tuple[int, float], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # a one-column head's non-zero weights by feature: one look-up per feature present
    _flat: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False)
    _by_column: dict[int, dict[str, float]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._nonzero = {
            name: tuple((i, w) for i, w in enumerate(row) if w)
            for name, row in self.weights.items()
        }
        if len(self.bias) == 1:
            self._flat = {name: row[0][1] for name, row in self._nonzero.items() if row}

    def scores(self, feats: dict[str, float]) -> list[float]:
        """The bias, then the weight of each feature present, in that order (a feature is
        present or absent: every feature this package makes is worth 1)."""
        if len(self.bias) == 1:
            # map, filter and reduce add in the same order as a loop, without one
            return [reduce(add, filter(None, map(self._flat.get, feats)), self.bias[0])]
        total = list(self.bias)
        nonzero = self._nonzero
        for name in feats:
            row = nonzero.get(name)
            if row is not None:
                for i, w in row:
                    total[i] += w
        return total

    def summed(self, feats: dict[str, float]) -> float:
        """A one-column head's score as `Model.probabilities` adds it: the weights of the
        features present, in order, and then the bias (a float sum depends on its order)."""
        return reduce(add, filter(None, map(self._flat.get, feats)), 0.0) + self.bias[0]

    def probabilities(self, feats: dict[str, float]) -> list[float]:
        return self.from_scores(self.scores(feats))

    def from_scores(self, raw: list[float]) -> list[float]:
        if self.kind == "multiclass":
            top = max(raw)
            exps = [math.exp(s - top) for s in raw]
            norm = sum(exps)
            return [e / norm for e in exps]
        return [_sigmoid(s) for s in raw]

    def best(self, feats: dict[str, float]) -> tuple[str, float]:
        return self.best_of(self.probabilities(feats))

    def best_of(self, probs: list[float]) -> tuple[str, float]:
        i = max(range(len(probs)), key=probs.__getitem__)
        return self.classes[i], probs[i]

    def why(self, feats: dict[str, float], column: int = 0, top: int = 3) -> list[str]:
        """The features that pushed hardest towards this column, as "feature +weight"
        (each present feature counts its weight, as in `scores`)."""
        weights = self._column(column)
        found = zip(map(weights.get, feats), feats, strict=True)
        weighed = [(w, name) for w, name in found if w is not None and w > 0]
        weighed.sort(reverse=True)
        return [f"{name} {w:+.2f}" for w, name in weighed[:top]]

    def _column(self, column: int) -> dict[str, float]:
        """One column's non-zero weights by feature, made when first asked for."""
        if len(self.bias) == 1 and column == 0:
            return self._flat
        if column not in self._by_column:
            self._by_column[column] = {
                name: row[column] for name, row in self.weights.items() if row[column]
            }
        return self._by_column[column]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "classes": self.classes,
            "bias": self.bias,
            "weights": dict(sorted(self.weights.items())),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Head:
        return cls(raw["kind"], list(raw["classes"]), list(raw["bias"]), dict(raw["weights"]))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@dataclass
class Model:
    """Every head the extractor uses, and what it was trained on."""

    heads: dict[str, Head]
    trained_on: list[str]
    settings: dict[str, Any]

    # the heads of several columns as one matrix (a row per feature, a column per head's
    # class), so a piece is scored by all of them with one sum over the rows of its
    # features; a one-column head is summed feature by feature (`Head.summed`), so a piece
    # that commits no one costs one look-up per feature
    _rows: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    _matrix: Any = field(default=None, init=False, repr=False, compare=False)
    _columns: dict[str, slice] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _build(self) -> None:
        import numpy as np

        wide = {name: head for name, head in self.heads.items() if len(head.bias) > 1}
        names = sorted({f for head in wide.values() for f in head.weights})
        self._rows = {name: i for i, name in enumerate(names)}
        width = sum(len(h.bias) for h in wide.values())
        matrix = np.zeros((len(names) + 1, width), dtype=np.float64)
        at = 0
        for head_name, head in wide.items():
            columns = slice(at, at + len(head.bias))
            self._columns[head_name] = columns
            matrix[len(names), columns] = head.bias  # the last row: every piece's bias
            if head.weights:  # one assignment of all rows: a model has thousands
                rows = [self._rows[feature] for feature in head.weights]
                matrix[rows, columns] = list(head.weights.values())
            at += len(head.bias)
        self._matrix = matrix

    def probabilities(
        self, feats: dict[str, float], heads: Iterable[str] | None = None
    ) -> dict[str, list[float]]:
        """Each named head's probabilities for one piece (every head when none is named;
        features are present or absent), so a piece that commits no one is asked only
        whether it commits."""
        names = list(self.heads if heads is None else heads)
        found: dict[str, list[float]] = {}
        totals: list[float] = []
        if any(len(self.heads[name].bias) > 1 for name in names):
            if self._matrix is None:
                self._build()
            index = self._rows
            rows = [row for row in map(index.get, feats) if row is not None]
            rows.append(len(index))
            totals = self._matrix[rows].sum(axis=0).tolist()
        for name in names:
            head = self.heads[name]
            columns = self._columns.get(name)
            raw = totals[columns] if columns is not None else [head.summed(feats)]
            found[name] = head.from_scores(raw)
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": "pactwatch-linear-1",
            "trained_on": self.trained_on,
            "settings": self.settings,
            "heads": {name: head.as_dict() for name, head in sorted(self.heads.items())},
        }

    def dumps(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, separators=(",", ":")) + "\n"

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Model:
        if raw.get("format") != "pactwatch-linear-1":
            raise ValueError("not a pactwatch model file (format 'pactwatch-linear-1')")
        heads = {name: Head.from_dict(h) for name, h in raw["heads"].items()}
        return cls(heads, list(raw.get("trained_on", [])), dict(raw.get("settings", {})))


_LOADED: dict[Path, tuple[float, Model]] = {}


def load_model(path: Path | None = None) -> Model | None:
    """The trained model, or None when none has been trained (the rules then decide)."""
    path = path or model_path()
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return None
    cached = _LOADED.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    model = Model.from_dict(json.loads(path.read_text(encoding="utf-8")))
    _LOADED[path] = (stamp, model)
    return model
