"""Counterfactuals over features: the smallest changes to a row that change the prediction.

A change moves one feature to a value the data shows (a numeric feature to one of its observed
quantiles, inside its observed range, whole numbers kept whole; a categorical or boolean feature
to another value seen), never a feature the user fixed ("without changing age"). The search goes
by the number of features changed: every single change is predicted in one batch; if none flips
the prediction, the most promising rows (highest probability of the wanted label) grow by one
more change, and so on up to `max_changes`. Each flip found is then shrunk, numeric feature by
numeric feature, towards the original value (bisection) while it still flips, and finally
predicted again from scratch: only rows whose fresh prediction is the wanted label are returned.

dice-ml (0.12) would pull XGBoost, LightGBM and NVIDIA's CUDA NCCL into the install, hence a
search of our own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import UserError

if TYPE_CHECKING:
    import pandas as pd

    from ..target.tabular import TabularTarget
    from .schema import Feature, Schema

GRID = 20  # candidate values per numeric feature (observed quantiles)
BEAM = 12  # partial rows carried to the next number of changes
BISECT = 8  # bisection steps when shrinking a numeric change


@dataclass
class Search:
    """The verified counterfactuals found and how many rows the search predicted."""

    found: list[Counterfactual]
    evaluations: int


@dataclass
class Counterfactual:
    """One verified alternative row: what changed (old -> new) and the fresh prediction."""

    changes: dict[str, tuple[Any, Any]]
    row: pd.Series
    probs: list[float]
    label: str
    cost: float

    def words(self) -> str:
        return ", ".join(f"{k} {_v(old)} → {_v(new)}" for k, (old, new) in self.changes.items())


def _v(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _candidates(feature: Feature, current: Any, column: pd.Series) -> list[Any]:
    if feature.kind != "numeric":
        return [v for v in feature.values if str(v) != str(current)]
    qs = np.unique(np.nanquantile(column.to_numpy(dtype=float), np.linspace(0, 1, GRID + 1)))
    if feature.integer:
        qs = np.unique(np.round(qs))
    values = [int(q) if feature.integer else float(q) for q in qs if q != float(current)]
    return sorted(values, key=lambda q: abs(q - float(current)))


def _scale(feature: Feature, column: pd.Series) -> float:
    """What one unit of change costs: the interquartile range (the range when that is 0)."""
    if feature.kind != "numeric":
        return 1.0
    values = column.to_numpy(dtype=float)
    q1, q3 = np.nanquantile(values, [0.25, 0.75])
    spread = float(q3 - q1) or float(np.nanmax(values) - np.nanmin(values)) or 1.0
    return spread


def _cost(changes: dict[str, tuple[Any, Any]], scales: dict[str, float],
          schema: Schema) -> float:
    total = 0.0
    for name, (old, new) in changes.items():
        if schema[name].kind == "numeric":
            total += abs(float(new) - float(old)) / scales[name]
        else:
            total += 1.0
    return total


def counterfactuals(target: TabularTarget, row: pd.Series, table: pd.DataFrame,
                    want: str | int | None = None, fixed: Iterable[str] = (),
                    max_changes: int = 3, n: int = 3) -> Search:
    """Up to `n` verified counterfactuals of `row` (fewest changed features first, then the
    smallest changes), whose prediction is `want` (by default: anything but the current one)."""
    import pandas as pd

    count = [0]

    def predict(frame: pd.DataFrame) -> np.ndarray:
        count[0] += len(frame)
        return target.predict_proba(frame)

    schema = target.schema
    assert schema is not None, "bind the target to a table first"
    names = schema.names
    row = row[names]
    now = int(np.argmax(predict(pd.DataFrame([row]))[0]))
    goal = None if want is None else target.label_index(want)
    if goal is not None and goal == now:
        raise UserError(f"The model already predicts {target.labels[goal]} for this row.")
    frozen = {schema.resolve(f) for f in fixed}
    free = [f for f in names if f not in frozen]
    if not free:
        raise UserError("Every feature is fixed, so nothing can change the prediction.")
    scales = {f: _scale(schema[f], table[f]) for f in names}
    options = {f: _candidates(schema[f], row[f], table[f]) for f in free}

    def hits(probs: np.ndarray) -> np.ndarray:
        best = probs.argmax(1)
        return best == goal if goal is not None else best != now

    def score(probs: np.ndarray) -> np.ndarray:  # how close to flipping
        return probs[:, goal] if goal is not None else 1.0 - probs[:, now]

    states: list[dict[str, Any]] = [{}]
    found: list[dict[str, Any]] = []
    for _ in range(max_changes):
        grown = [{**s, f: v} for s in states for f in free if f not in s for v in options[f]]
        grown = [dict(t) for t in {tuple(sorted(g.items(), key=lambda kv: kv[0])) for g in grown}]
        if not grown:
            break
        frame = pd.DataFrame([row.to_dict() | g for g in grown])[names]
        probs = predict(frame)
        ok = hits(probs)
        found = [grown[i] for i in np.flatnonzero(ok)]
        if found:
            break
        order = np.argsort(-score(probs))[:BEAM]
        states = [grown[i] for i in order]
    if not found:
        return Search([], count[0])
    cheapest: dict[frozenset[str], dict[str, Any]] = {}
    for f in sorted(found, key=lambda g: _cost({k: (row[k], v) for k, v in g.items()}, scales,
                                               schema)):
        cheapest.setdefault(frozenset(f), f)
    places = {f: _decimals(table[f]) for f in names if schema[f].kind == "numeric"}
    shrunk = [_shrink(target, predict, row, f, hits, places)
              for f in list(cheapest.values())[:3 * n]]
    return Search(_verified(target, predict, row, shrunk, scales, hits, n), count[0])


def _decimals(column: pd.Series) -> int:
    """How many decimals the data writes a feature with (at most 4): shrunk values keep it."""
    texts = [repr(float(v)) for v in column.dropna().to_numpy()[:500]]
    return min(4, max((len(t.split(".")[1].rstrip("0")) for t in texts if "." in t), default=0))


def _shrink(target: TabularTarget, predict: Any, row: pd.Series, change: dict[str, Any],
            hits: Any, places: dict[str, int]) -> dict[str, Any]:
    """Move each numeric change back towards the original value while the flip holds."""
    import pandas as pd

    schema = target.schema
    assert schema is not None
    change = dict(change)
    for name in list(change):
        feature = schema[name]
        if feature.kind != "numeric":
            continue
        good, bad = float(change[name]), float(row[name])
        for _ in range(BISECT):
            mid = (good + bad) / 2
            if feature.integer:
                mid = float(round(mid))
                if mid in (good, bad):
                    break
            trial = row.to_dict() | change | {name: int(mid) if feature.integer else mid}
            if hits(predict(pd.DataFrame([trial])[schema.names]))[0]:
                good = mid
            else:
                bad = mid
        change[name] = int(good) if feature.integer else _away(good, float(row[name]),
                                                                 places[name])
    return change


def _away(value: float, origin: float, places: int) -> float:
    """`value` at the data's precision, rounded away from `origin` (so it still flips)."""
    step = 10.0 ** -places
    rounded = np.ceil(value / step) * step if value > origin else np.floor(value / step) * step
    return float(round(rounded, places))


def _verified(target: TabularTarget, predict: Any, row: pd.Series,
              changes: list[dict[str, Any]], scales: dict[str, float], hits: Any,
              n: int) -> list[Counterfactual]:
    """Predict every candidate afresh; keep those that flip, cheapest first, one per set of
    changed features (so three answers are three different ways, not one way three times)."""
    import pandas as pd

    schema = target.schema
    assert schema is not None
    rows = pd.DataFrame([row.to_dict() | c for c in changes])[schema.names]
    probs = predict(rows)
    ok = hits(probs)
    out: dict[frozenset[str], Counterfactual] = {}
    for i, change in enumerate(changes):
        moved = {k: (row[k], v) for k, v in change.items() if str(row[k]) != str(v)}
        if not ok[i] or not moved:
            continue
        cf = Counterfactual(changes=moved, row=rows.iloc[i], probs=probs[i].tolist(),
                            label=target.labels[int(probs[i].argmax())],
                            cost=_cost(moved, scales, schema))
        key = frozenset(moved)
        if key not in out or cf.cost < out[key].cost:
            out[key] = cf
    return sorted(out.values(), key=lambda c: (len(c.changes), c.cost))[:n]
