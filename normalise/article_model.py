"""The article model: how likely each line of a page is to be article text, from its features.

A gradient-boosted tree ensemble trained by ``bench/train_article_model.py``
on the cleaning development set (scikit-learn's HistGradientBoostingClassifier)
and shipped as data, ``article_model.json`` beside this module: the feature
names it was trained on, every tree as flat node arrays, the baseline log-odds
and what it was trained on. Evaluating it needs numpy alone; the training
script checks that this evaluation gives scikit-learn's probabilities.

A line goes left at a node when its feature value is at most the node's
threshold; a line's log-odds are the baseline plus the values of the leaves
it reaches, one per tree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np

from .article_features import FEATURE_NAMES
from .errors import ConfigError

MODEL_FILE = "article_model.json"
FORMAT = "passerelle-article-model/1"


@dataclass(frozen=True)
class ArticleModel:
    """Every tree's nodes in flat arrays, the trees one after another: the feature and threshold each
    node tests, the flat index of its children, and the value of each leaf (``leaf`` marks them);
    ``roots`` is where each tree starts, ``depth`` bounds any path."""

    version: str
    features: tuple[str, ...]
    baseline: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    leaf: np.ndarray
    depth: int
    training: dict[str, Any]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleModel:
        if data.get("format") != FORMAT:
            raise ConfigError(f"not an article model of format {FORMAT}: {data.get('format')!r}")
        trees = data["trees"]
        roots = np.cumsum([0] + [len(t["value"]) for t in trees[:-1]]).astype(np.int64)

        def flat(key: str, dtype: type, shift: bool = False) -> np.ndarray:
            return np.concatenate([np.asarray(t[key], dtype=dtype) + (root if shift else 0) for t, root in zip(trees, roots)])

        return cls(
            version=data["version"],
            features=tuple(data["features"]),
            baseline=float(data["baseline"]),
            roots=roots,
            feature=flat("feature", np.int64),
            threshold=flat("threshold", np.float64),
            left=flat("left", np.int64, shift=True),
            right=flat("right", np.int64, shift=True),
            value=flat("value", np.float64),
            leaf=flat("leaf", np.bool_),
            depth=int(data["depth"]),
            training=data.get("training", {}),
        )

    def probabilities(self, rows: list[list[float]]) -> list[float]:
        """The probability that each row's line is article text."""
        if not rows:
            return []
        x = np.asarray(rows, dtype=np.float64)
        node = np.repeat(self.roots[None, :], x.shape[0], axis=0)  # one line per row, one tree per column
        for _ in range(self.depth):
            at_leaf = self.leaf[node]
            if at_leaf.all():
                break
            tested = np.take_along_axis(x, self.feature[node], axis=1)
            child = np.where(tested <= self.threshold[node], self.left[node], self.right[node])
            node = np.where(at_leaf, node, child)
        raw = self.baseline + self.value[node].sum(axis=1)
        return (1.0 / (1.0 + np.exp(-raw))).tolist()


@cache
def shipped_model() -> ArticleModel:
    """The model that comes with Passerelle; it must have been trained on this module's features."""
    model = ArticleModel.from_dict(json.loads(_shipped_bytes().decode("utf-8")))
    if model.features != FEATURE_NAMES:
        raise ConfigError("the shipped article model was trained on other features than the cleaner computes; "
                          "retrain it with bench/train_article_model.py")
    return model


@cache
def shipped_model_id() -> dict[str, str]:
    """What a manifest records of the shipped model: its file, version and sha256."""
    return {"file": MODEL_FILE, "version": shipped_model().version, "sha256": hashlib.sha256(_shipped_bytes()).hexdigest()}


def _shipped_bytes() -> bytes:
    return files(__package__).joinpath(MODEL_FILE).read_bytes()
