"""Which features matter most over many rows: mean |SHAP|, with how stable that ranking is.

The importance of a feature is the mean absolute contribution (`contributions.py`) over the rows
(the subset, or a seeded sample of at most `MAX_ROWS` of it). Its stability comes from
resampling those rows with replacement: the spread of each feature's importance across
resamples, how often each feature keeps its rank, and how often the top 3 stay the top 3. A
ranking that changes from resample to resample is said to be unstable rather than reported as
if it were a fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .contributions import contributions

if TYPE_CHECKING:
    import pandas as pd

    from ..target.tabular import TabularTarget

MAX_ROWS = 400
RESAMPLES = 50
TOP = 3


@dataclass
class Importance:
    """Features from most to least important, with the stability of that order."""

    features: list[str]
    mean_abs: list[float]
    spread: list[float]  # standard deviation of mean |SHAP| across resamples
    rank_kept: list[float]  # share of resamples in which the feature has this rank
    top_kept: float  # share of resamples whose top TOP features are these
    n_rows: int
    scale: str
    label: str

    @property
    def stable(self) -> bool:
        return self.top_kept >= 0.8


def global_importance(target: TabularTarget, rows: pd.DataFrame, bg: pd.DataFrame,
                      label: str | int | None = None, seed: int = 0,
                      resamples: int = RESAMPLES) -> Importance:
    """Mean |contribution| of each feature over `rows`, towards `label` (for two labels the
    second; the two mirror each other), with its stability across resamples of the rows."""
    if len(rows) == 0:
        from ..errors import UserError

        raise UserError("There are no rows to rank the features over.")
    if label is None:
        label = target.labels[-1] if len(target.labels) == 2 else target.labels[0]
    sample = rows if len(rows) <= MAX_ROWS else rows.sample(MAX_ROWS, random_state=seed)
    c = contributions(target, sample, label, bg, seed=seed)
    absolute = np.abs(c.values)
    means = absolute.mean(0)
    order = np.argsort(-means, kind="stable")
    rng = np.random.default_rng(seed)
    draws = np.stack([absolute[rng.integers(0, len(absolute), len(absolute))].mean(0)
                      for _ in range(resamples)])
    ranks = np.argsort(np.argsort(-draws, axis=1, kind="stable"), axis=1)  # rank of each feature
    kept = (ranks[:, order] == np.arange(len(order))).mean(0)
    top = set(order[:TOP].tolist())
    top_kept = float(np.mean([set(np.argsort(-d, kind="stable")[:TOP].tolist()) == top
                              for d in draws]))
    return Importance(features=[c.features[i] for i in order], mean_abs=means[order].tolist(),
                      spread=draws.std(0)[order].tolist(), rank_kept=kept.tolist(),
                      top_kept=top_kept, n_rows=len(sample), scale=c.scale, label=c.label)
