"""SHAP contributions of each feature to a row's prediction of a label.

The contributions add up exactly: output(row) = base + sum of contributions, where base is the
mean output over a background sample of the table (interventional SHAP). Tree ensembles go
through shap's TreeExplainer on the model's own raw output (milliseconds per row): that is the
probability for forests and single trees and the log-odds for boosted trees (GradientBoosting,
XGBoost, LightGBM), which is where their trees add up; `Contributions.scale` says which. Every
other model, a Pipeline included, is explained on the probability, model-agnostically over the
rows encoded as numbers (`Schema.encode`): exact Shapley values over the background for up to 10
features (all 2^M coalitions in one batch), shap's KernelExplainer beyond. (shap's Exact and
Permutation explainers compile numba code on first use: tens of seconds on 2 busy CPU cores for
the first question.)

Tree SHAP compares in float64 where the models compare float32, so rows go to shap rounded to
float32 (`as_float32`); each row's sum is still checked against the model's own output and a row
that misses is explained again exactly (by coalitions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from ..target.tabular import TabularTarget

BACKGROUND = 100  # background rows: the baseline the contributions are measured from
TOLERANCE = 1e-6
EXACT_UP_TO = 10  # features: beyond this, kernel SHAP instead of all 2^M coalitions
EXACT_ROWS = 1 << 15  # predictions per explained row on the exact path (fewer background rows)
Method = Literal["tree", "exact", "kernel"]
Scale = Literal["probability", "log-odds", "margin"]


@dataclass
class Contributions:
    """Per-row, per-feature contributions towards `label`, on `scale`."""

    features: list[str]
    values: np.ndarray  # [rows, features]
    base: float  # the mean output over the background
    output: np.ndarray  # the model's output for the label, = base + values.sum(1)
    label: str
    scale: Scale
    methods: list[str]  # per row: "tree", "exact" or "kernel"

    def ranked(self, row: int = 0) -> list[tuple[str, float]]:
        """The features of one row by |contribution|, largest first."""
        pairs = zip(self.features, self.values[row].tolist(), strict=True)
        return sorted(pairs, key=lambda p: -abs(p[1]))


def background(frame: pd.DataFrame, seed: int = 0, size: int = BACKGROUND) -> pd.DataFrame:
    """A seeded sample of rows to measure contributions from (all rows when fewer)."""
    return frame if len(frame) <= size else frame.sample(size, random_state=seed)


def _memo(target: TabularTarget, key: tuple[Any, ...], make: Any) -> Any:
    with target.lock:
        if key not in target.explainers:
            target.explainers[key] = make()
        return target.explainers[key]


def _bg_key(bg: pd.DataFrame) -> tuple[Any, ...]:
    import pandas as pd

    return (len(bg), int(pd.util.hash_pandas_object(bg, index=True).sum()))


def _pick(values: np.ndarray, base: Any, k: int, n_labels: int) -> tuple[np.ndarray, np.ndarray]:
    """Class k's values [rows, features] and base [rows] from shap's output, which is
    [rows, features, classes] for multi-output models and [rows, features] (class 1) for
    binary ones."""
    import numpy as np

    base = np.asarray(base, dtype=float)
    if values.ndim == 3:
        return values[:, :, k], (base[:, k] if base.ndim == 2 else np.full(len(values), base[k]))
    base = np.array(np.broadcast_to(base.reshape(-1) if base.ndim else base, (len(values),)))
    if n_labels == 2 and k == 0:
        return -values, -base
    return values, base


def _tree(target: TabularTarget, rows: pd.DataFrame, bg: pd.DataFrame,
          k: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Interventional tree SHAP on the raw output, or None when shap cannot read the model."""
    import shap

    def make() -> Any:
        try:
            return shap.TreeExplainer(target.model, data=as_float32(target.rows(bg)),
                                      feature_perturbation="interventional")
        except Exception:  # a tree model shap cannot read: the agnostic path explains it
            return None

    explainer = _memo(target, ("tree", _bg_key(bg)), make)
    if explainer is None:
        return None
    try:
        out = explainer(as_float32(target.rows(rows)), check_additivity=False)
    except Exception:  # shap raises many kinds on models it half-reads
        return None
    values, base = _pick(np.asarray(out.values, dtype=float), out.base_values, k,
                         len(target.labels))
    return values, base


def as_float32(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as the trees compare them: scikit-learn and XGBoost cast rows to float32
    before comparing with a split's threshold, shap's C++ compares float64, so a value within
    float32 rounding of a threshold (BMI 41.8 at 41.7999992) would go down the other branch."""
    try:
        return frame.astype("float32").astype("float64")
    except (TypeError, ValueError):  # text categories: shap cannot read these rows anyway
        return frame


def logit(p: np.ndarray) -> np.ndarray:
    import numpy as np

    p = np.clip(p, 1e-15, 1 - 1e-15)
    return np.log(p) - np.log1p(-p)


def _raw_output(target: TabularTarget, frame: pd.DataFrame, k: int,
                scale: Scale) -> np.ndarray | None:
    """The model's own output for label k on `scale`, or None where it cannot be had (the
    margins of a multi-class booster without decision_function)."""
    probs = target.predict_proba(frame)[:, k]
    if scale == "probability":
        return probs
    if len(target.labels) == 2:  # a binary margin is the log-odds of the probability
        return logit(probs)
    decision = getattr(target.model, "decision_function", None)
    return None if decision is None else np.asarray(decision(target.rows(frame)))[:, k]


def _exact(f: Any, x: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """Exact interventional Shapley values of one encoded row over the background:
    v(S) = mean over background rows b of f(x on S, b elsewhere), all 2^M coalitions predicted
    in one batch, phi_i = sum over S without i of |S|!(M-|S|-1)!/M! (v(S+i) - v(S))."""
    from scipy.special import comb

    m = len(x)
    codes = np.arange(1 << m)
    masks = ((codes[:, None] >> np.arange(m)) & 1).astype(bool)  # [2^M, M]
    mixed = np.where(masks[:, None, :], x[None, None, :], bg[None, :, :])  # [2^M, B, M]
    v = f(mixed.reshape(-1, m)).reshape(len(codes), len(bg)).mean(1)
    sizes = masks.sum(1)
    phi = np.zeros(m)
    for i in range(m):
        without = codes[~masks[:, i]]
        weight = 1.0 / (m * comb(m - 1, sizes[without]))
        phi[i] = float(np.sum(weight * (v[without | (1 << i)] - v[without])))
    return phi


def _agnostic(target: TabularTarget, rows: pd.DataFrame, bg: pd.DataFrame, k: int,
              seed: int, scale: Scale = "probability") -> tuple[np.ndarray, np.ndarray, Method]:
    """Exact Shapley values up to EXACT_UP_TO features, kernel SHAP beyond (whose fit keeps
    the sum exact), of the output on `scale`."""
    schema = target.schema
    assert schema is not None, "bind the target to a table first"

    def f(matrix: np.ndarray) -> np.ndarray:
        out = _raw_output(target, schema.decode(matrix), k, scale)
        assert out is not None
        return out

    enc_bg, enc_rows = schema.encode(bg), schema.encode(rows)
    if enc_rows.shape[1] <= EXACT_UP_TO:
        base = float(f(enc_bg).mean())
        values = np.stack([_exact(f, x, enc_bg) for x in enc_rows])
        return values, np.full(len(rows), base), "exact"
    import shap

    explainer = shap.KernelExplainer(f, enc_bg, seed=seed)
    values = np.asarray(explainer.shap_values(enc_rows, silent=True), dtype=float)
    return values, np.full(len(rows), float(explainer.expected_value)), "kernel"


def contributions(target: TabularTarget, rows: pd.DataFrame, label: str | int,
                  bg: pd.DataFrame, seed: int = 0) -> Contributions:
    """Contributions of each feature of each row towards `label`, adding up to the model's
    output for it; tree SHAP where it reads the model (checked row by row), exact or kernel
    Shapley values of the probability otherwise."""
    k = target.label_index(label)
    features = list(target.schema.names if target.schema is not None else target.feature_names)
    rows = rows[features].reset_index(drop=True)
    bg = bg[features]
    got = _tree(target, rows, bg, k) if target.is_tree else None
    if got is None:
        if len(features) <= EXACT_UP_TO:  # 2^M coalitions x background rows per row
            bg = bg.iloc[: max(1, EXACT_ROWS // (1 << len(features)))]
        values, base, algo = _agnostic(target, rows, bg, k, seed)
        return Contributions(features, values, float(base.mean()),
                             target.predict_proba(rows)[:, k], target.labels[k], "probability",
                             [algo] * len(rows))
    values, base = got
    summed = base + values.sum(1)
    probs = target.predict_proba(rows)[:, k]
    scale: Scale = "probability" if np.allclose(summed, probs, atol=1e-4) else (
        "log-odds" if len(target.labels) == 2 else "margin")
    output = _raw_output(target, rows, k, scale)
    methods = ["tree"] * len(rows)
    if output is None:  # nothing to check a multi-class booster's margins against
        output = summed
    bad = np.flatnonzero(np.abs(summed - output) > TOLERANCE * np.maximum(1, np.abs(output)))
    if len(bad):
        fixed, _, algo = _agnostic(target, rows.iloc[bad], bg, k, seed, scale)
        values[bad] = fixed
        for i in bad:
            methods[int(i)] = algo
    return Contributions(features, values, float(base.mean()), output, target.labels[k], scale,
                         methods)
