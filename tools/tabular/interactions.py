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
    shap_main_a: float | None = None  # mean |main effect| of a (trees only)
    shap_main_b: float | None = None


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
            out.shap_main_a = float(np.abs(values[:, i, i]).mean())
            out.shap_main_b = float(np.abs(values[:, j, j]).mean())
            out.shap_scale = "probability" if not hasattr(target.model, "decision_function") \
                else "log-odds"
            out.n_rows = len(sample)
    return out


def row_matrix(target: TabularTarget, row: pd.DataFrame,
               k: int) -> tuple[np.ndarray, float, float] | None:
    """One row's SHAP interaction matrix towards label k (main effects on the diagonal, each
    pair's interaction split over its two cells), the expected output and the row's output
    (= expected + the matrix's sum); None when shap cannot read the model as trees."""
    got = shap_interactions(target, row, k) if target.is_tree else None
    if got is None:
        return None
    values, expected = got
    matrix = values[0]
    return matrix, float(expected), float(expected + matrix.sum())


def occlusion_pair(target: TabularTarget, row: pd.Series, bg: pd.DataFrame, a: str, b: str,
                   k: int) -> tuple[float, float, float]:
    """For any model: how `a` and `b` act together in one row, against the background rows z:
    the mean of f(x) - f(x, a from z) - f(x, b from z) + f(x, a and b from z) in log-odds of
    label k (zero when their effects add up), and each one's own effect f(x) - f(x, it from z)."""
    import pandas as pd

    from ..methods.objective import log_odds

    names = target.feature_names
    base = pd.DataFrame([row[names]] * len(bg), columns=names).reset_index(drop=True)
    z = bg[names].reset_index(drop=True)
    only_a = base.assign(**{a: z[a].to_numpy()})
    only_b = base.assign(**{b: z[b].to_numpy()})
    both = base.assign(**{a: z[a].to_numpy(), b: z[b].to_numpy()})
    probs = target.predict_proba(pd.concat([base.iloc[:1], only_a, only_b, both],
                                           ignore_index=True))
    f = log_odds(probs, k, None)
    n = len(bg)
    fx, fa, fb, fab = f[0], f[1:1 + n], f[1 + n:1 + 2 * n], f[1 + 2 * n:]
    return float(np.mean(fx - fa - fb + fab)), float(np.mean(fx - fa)), float(np.mean(fx - fb))


def _curve_spread(target: TabularTarget, bg: pd.DataFrame, table: pd.DataFrame, name: str,
                  k: int) -> float:
    """How much one feature moves the mean p(label k) on its own (spread of its partial
    dependence curve): which features are worth pairing when every pair cannot be tried."""
    import pandas as pd

    schema = target.schema
    assert schema is not None
    grid = _grid(schema[name], table[name])
    frames = [bg[target.feature_names].assign(**{name: v}) for v in grid]
    probs = target.predict_proba(pd.concat(frames, ignore_index=True))[:, k]
    return float(np.std(probs.reshape(len(grid), len(bg)).mean(1)))


MAX_PAIRED = 8  # features: without trees, pairs are tried among at most this many


def ranked_pairs(target: TabularTarget, rows: pd.DataFrame, bg: pd.DataFrame, k: int,
                 only: str | None = None, seed: int = 0) -> tuple[list[tuple[str, str, float]],
                                                                str, str, int]:
    """Feature pairs from the strongest interaction down (pairs with `only` when given), with
    the scale, the method and the rows it was measured over. Trees: mean |SHAP interaction
    value| over a sample of the rows (both cells). Otherwise: the size of the part of the
    two-feature partial dependence the one-feature curves do not explain (Friedman's H before
    its normalisation, in probability), among the features that move the prediction most."""
    schema = target.schema
    assert schema is not None
    names = schema.names
    table = rows if len(rows) else bg
    if target.is_tree and len(rows):
        sample = rows if len(rows) <= MAX_ROWS else rows.sample(MAX_ROWS, random_state=seed)
        got = shap_interactions(target, sample, k)
        if got is not None:
            strength = np.abs(got[0]).mean(0) * 2
            pairs = [(names[i], names[j], float(strength[i, j]))
                     for i in range(len(names)) for j in range(i + 1, len(names))]
            scale = "probability" if not hasattr(target.model, "decision_function") \
                else "log-odds"
            return _keep(pairs, only), scale, "mean |SHAP interaction value|", len(sample)
    pairs = []
    for a, b in pool_pairs(target, bg, table, k, only):
        surface = partial_dependence(target, bg, a, b, k, _grid(schema[a], table[a]),
                                     _grid(schema[b], table[b]))
        centred = surface - surface.mean()
        rest = centred - centred.mean(1, keepdims=True) - centred.mean(0, keepdims=True)
        pairs.append((a, b, float(np.sqrt((rest ** 2).mean()))))
    return _keep(pairs, only), "probability", "unnormalised Friedman's H", len(bg)


def pool_pairs(target: TabularTarget, bg: pd.DataFrame, table: pd.DataFrame, k: int,
               only: str | None = None) -> list[tuple[str, str]]:
    """The pairs worth trying without trees: all of them up to MAX_PAIRED features, else the
    pairs among the MAX_PAIRED features whose own partial dependence moves most (with `only`)."""
    names = target.feature_names
    pool = list(names)
    if len(pool) > MAX_PAIRED:
        spread = {n: _curve_spread(target, bg, table, n, k) for n in names}
        pool = sorted(names, key=lambda n: -spread[n])[:MAX_PAIRED]
        if only is not None and only not in pool:
            pool = [only, *pool[:MAX_PAIRED - 1]]
    return [(a, b) for i, a in enumerate(pool) for b in pool[i + 1:]
            if only is None or only in (a, b)]


def _keep(pairs: list[tuple[str, str, float]], only: str | None) -> list[tuple[str, str, float]]:
    kept = [p for p in pairs if only is None or only in p[:2]]
    return sorted(kept, key=lambda p: -p[2])
