"""How two features act together: "how does glucose interact with age?".

For a tree ensemble, shap's interaction values split each row's contribution into main effects
and pairwise interactions (on the model's raw output, path-dependent Tree SHAP: the matrix of a
row adds up to its output minus the expected output); the strength of a pair is the mean
|interaction| over the rows, counted in both cells. For any model, and as the picture for trees
too, a two-feature partial dependence: the mean probability of the label over background rows
with both features set to each pair of grid values, and Friedman's H (the share of that surface's
variance that the two one-feature curves do not explain) as its strength.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import UserError
from .contributions import as_float32

if TYPE_CHECKING:
    import pandas as pd

    from ..target.tabular import TabularTarget
    from .schema import Feature

GRID = 8
MAX_ROWS = 300


@dataclass
class Interaction:
    a: str
    b: str
    label: str
    grid_a: list[Any]
    grid_b: list[Any]
    surface: list[list[float]]  # mean p(label) with a = grid_a[i] and b = grid_b[j]
    h: float  # Friedman's H on the grid, 0 (additive) .. 1
    shap_strength: float | None = None  # mean |interaction value| (both cells), trees only
    shap_scale: str = ""
    n_rows: int = 0


def _grid(feature: Feature, column: pd.Series) -> list[Any]:
    if feature.kind != "numeric":
        return list(feature.values[:GRID])
    qs = np.unique(np.nanquantile(column.to_numpy(dtype=float), np.linspace(0.05, 0.95, GRID)))
    return [int(round(q)) for q in np.unique(np.round(qs))] if feature.integer else qs.tolist()


def partial_dependence(target: TabularTarget, bg: pd.DataFrame, a: str, b: str,
                       k: int, grid_a: list[Any], grid_b: list[Any]) -> np.ndarray:
    """Mean p(label k) over `bg` with a and b set to each grid pair: one batch."""
    import pandas as pd

    names = target.feature_names
    frames = []
    for va in grid_a:
        for vb in grid_b:
            frames.append(bg[names].assign(**{a: va, b: vb}))
    probs = target.predict_proba(pd.concat(frames, ignore_index=True))[:, k]
    return probs.reshape(len(grid_a), len(grid_b), len(bg)).mean(2)


def friedman_h(surface: np.ndarray) -> float:
    """H of a two-feature partial dependence on its grid (equal weights per grid point)."""
    centred = surface - surface.mean()
    pa = centred.mean(1, keepdims=True)
    pb = centred.mean(0, keepdims=True)
    total = float((centred ** 2).sum())
    if total <= 1e-15:
        return 0.0
    return float(np.sqrt(((centred - pa - pb) ** 2).sum() / total))


def shap_interactions(target: TabularTarget, rows: pd.DataFrame,
                      k: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Per-row interaction matrices [rows, f, f] towards label k and the expected output, or
    None when shap cannot read the model as trees."""
    import shap

    def make() -> Any:
        try:
            return shap.TreeExplainer(target.model)
        except Exception:  # not a tree model shap reads
            return None

    with target.lock:
        if ("tree-path",) not in target.explainers:
            target.explainers[("tree-path",)] = make()
        explainer = target.explainers[("tree-path",)]
    if explainer is None:
        return None
    try:
        found = explainer.shap_interaction_values(as_float32(target.rows(rows)))
        values = np.asarray(found, dtype=float)
    except Exception:  # shap raises many kinds on models it half-reads
        return None
    expected = np.atleast_1d(np.asarray(explainer.expected_value, dtype=float))
    if values.ndim == 4:
        return values[..., k], np.asarray(expected[k])
    if len(target.labels) == 2 and k == 0:
        return -values, -expected[0]
    return values, expected[0]


def interaction(target: TabularTarget, rows: pd.DataFrame, bg: pd.DataFrame, a: str, b: str,
                label: str | int | None = None, seed: int = 0) -> Interaction:
    """How features `a` and `b` act together on the prediction of `label`."""
    schema = target.schema
    assert schema is not None, "bind the target to a table first"
    a, b = schema.resolve(a), schema.resolve(b)
    if a == b:
        raise UserError(f"An interaction needs two different features; both are {a}.")
    k = target.label_index(label if label is not None else target.labels[-1])
    table = rows if len(rows) else bg
    grid_a, grid_b = _grid(schema[a], table[a]), _grid(schema[b], table[b])
    surface = partial_dependence(target, bg, a, b, k, grid_a, grid_b)
    out = Interaction(a=a, b=b, label=target.labels[k], grid_a=grid_a, grid_b=grid_b,
                      surface=surface.tolist(), h=friedman_h(surface))
    if target.is_tree and len(rows):
        sample = rows if len(rows) <= MAX_ROWS else rows.sample(MAX_ROWS, random_state=seed)
        got = shap_interactions(target, sample, k)
        if got is not None:
            i, j = schema.names.index(a), schema.names.index(b)
            values, _ = got
            out.shap_strength = float(np.abs(values[:, i, j]).mean() * 2)
            out.shap_scale = "probability" if not hasattr(target.model, "decision_function") \
                else "log-odds"
            out.n_rows = len(sample)
    return out
