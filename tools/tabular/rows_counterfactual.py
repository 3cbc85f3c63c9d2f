"""Counterfactuals for many rows: "what would it take for people over 60 to be predicted no
diabetes?", "how could the applicants you turn down get approved?".

The one-row search (`search.py`) runs on a spread sample of the subset's rows (at most `SAMPLED`,
evenly spaced in the table's order, so the answer is the same every time) that the model does not
already predict as the label asked for. Each row's cheapest verified flip is kept; the answer
counts, per feature, how many of those flips change it and in which direction, with the median
change of a numeric feature. A summary of many one-row counterfactuals says which features the
flips go through most often for these rows; it is no rule that flips any one of them.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from pydantic import Field

from ..registry import Result
from ..views import Column, Table, View
from .schema import _plain  # numpy scalars as Python values (results go out as JSON)
from .search import counterfactuals

if TYPE_CHECKING:
    from ..context import ToolContext

SAMPLED = 20  # rows searched at most (each search takes 20-200 ms on 2 CPU cores)
SHOWN = 8


class FeatureMoves(Result):
    """How the flips of the searched rows change one feature."""

    feature: str
    rows: int
    up: int = 0
    down: int = 0
    to: dict[str, int] = Field(default_factory=dict)  # categorical: new value -> rows
    median_up: float | None = None  # the median rise of the rows that raise it
    median_down: float | None = None

    def words(self) -> str:
        if self.to:
            values = ", ".join(f"to {v} in {n}" for v, n in sorted(self.to.items(),
                                                                    key=lambda x: -x[1]))
            return f"{self.feature} changed in {self.rows} ({values})"
        ways = [f"raised in {self.up} (median {self.median_up:+g})" if self.up else "",
                f"lowered in {self.down} (median {self.median_down:+g})" if self.down else ""]
        return f"{self.feature} {' and '.join(w for w in ways if w)}"

    def medians(self) -> str:
        return ", ".join(f"{m:+g}" for m in (self.median_up, self.median_down) if m is not None)


class RowFlip(Result):
    """One searched row's cheapest verified flip: its id, the new values, the new label."""

    id: str
    before: str
    changes: dict[str, Any]
    words: str
    label: str


class RowsCounterfactualResult(Result):
    """The cheapest flip of each searched row of a subset, summed up per feature."""

    scope: str
    rows: int
    wanted: str | None = None
    already: int = 0  # rows already predicted the wanted label
    searched: int = 0
    flipped: int = 0
    k: int = 3
    features: list[FeatureMoves] = Field(default_factory=list)
    flips: list[RowFlip] = Field(default_factory=list)
    evaluations: int = 0

    def summary(self) -> str:
        goal = self.wanted or "another label"
        head = f"Of {self.rows:,} rows ({self.scope})"
        if not self.searched:
            return (f"{head}, the model already predicts {goal} for every one, so there is "
                    "nothing to flip.")
        rest = self.rows - self.already
        sample = (f"the {rest:,}" if self.searched == rest else
                  f"{self.searched} of the {rest:,} (spread through the table)")
        text = head + (f", {self.already:,} already get {goal}. " if self.already else ". ")
        text += (f"For {sample}{' that do not' if self.wanted else ''}, I searched the fewest "
                 f"feature changes (up to "
                 f"{self.k}) that flip each to {goal}: {self.flipped} of {self.searched} flip.")
        if self.features:
            text += " The flips go through " + "; ".join(
                m.words() for m in self.features[:4]) + "."
        return (f"{text} Each flip was checked by predicting the changed row again; it shows "
                "one way to change that row's outcome, not a rule for all of them.")

    def views(self) -> list[View]:
        shown: list[View] = []
        if self.features:
            shown.append(Table(
                title=f"features the flips change ({self.flipped} rows flipped)",
                columns=[Column(name="feature"), Column(name="rows", type="count"),
                         Column(name="raised", type="count"), Column(name="lowered",
                                                                     type="count"),
                         Column(name="median change")],
                rows=[[m.feature, m.rows, m.up, m.down, m.medians()] for m in self.features]))
        if self.flips:
            shown.append(Table(
                title="the smallest flip of each row",
                columns=[Column(name="id", type="id"), Column(name="predicted"),
                         Column(name="change"), Column(name="then")],
                rows=[[f.id, f.before, f.words, f.label] for f in self.flips[:SHOWN]],
                note=f"{min(SHOWN, self.flipped)} of {self.flipped} shown"))
        return shown


def _spread(keys: list[Any], n: int) -> list[Any]:
    """At most `n` keys evenly spaced through `keys` (all of them when there are few)."""
    if len(keys) <= n:
        return list(keys)
    step = len(keys) / n
    return [keys[int(i * step)] for i in range(n)]


def counterfactual_rows(ctx: ToolContext, label: str | None, fixed: list[str],
                        k: int) -> RowsCounterfactualResult:
    """The cheapest verified flip of each of a spread sample of the subset's rows."""
    import numpy as np

    from ..data.table import shown
    from .variants import selected_rows

    target, data, keys, frame = selected_rows(ctx, "there is nothing to flip")
    assert target.schema is not None
    names = target.schema.names
    probs = np.asarray(target.predict_proba(frame))
    now = probs.argmax(axis=1)
    goal = None if label is None else target.label_index(label)
    open_keys = [key for key, p in zip(keys, now, strict=True) if goal is None or p != goal]
    picked = _spread(open_keys, SAMPLED)
    moves: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    flips: list[RowFlip] = []
    flipped = evaluations = 0
    X = data.X()
    for key in picked:
        ctx.check()
        found = counterfactuals(target, data.frame.loc[key, names], X, want=label, fixed=fixed,
                                max_changes=k, n=1)
        evaluations += found.evaluations
        if not found.found:
            continue
        best = found.found[0]
        flipped += 1
        for name, (old, new) in best.changes.items():
            moves[name].append((old, new))
        flips.append(RowFlip(id=str(data.shown(key)), before=target.labels[
            int(now[keys.index(key)])],
            changes={n: _plain(new) for n, (_, new) in best.changes.items()},
            words=best.words(), label=best.label))
    per_feature = [_moves(target.schema[name].kind, name, pairs, shown)
                   for name, pairs in moves.items()]
    return RowsCounterfactualResult(
        scope=ctx.subset.description if ctx.subset is not None else "all rows",
        rows=len(keys), wanted=None if goal is None else target.labels[goal],
        already=len(keys) - len(open_keys), searched=len(picked), flipped=flipped, k=k,
        features=sorted(per_feature, key=lambda m: -m.rows), flips=flips,
        evaluations=evaluations)


def _moves(kind: str, name: str, pairs: list[tuple[Any, Any]], shown: Any) -> FeatureMoves:
    if kind != "numeric":
        return FeatureMoves(feature=name, rows=len(pairs),
                            to=dict(Counter(str(shown(new)) for _, new in pairs)))
    deltas = [float(new) - float(old) for old, new in pairs]
    up, down = [d for d in deltas if d > 0], [d for d in deltas if d < 0]
    return FeatureMoves(feature=name, rows=len(pairs), up=len(up), down=len(down),
                        median_up=round(statistics.median(up), 4) if up else None,
                        median_down=round(statistics.median(down), 4) if down else None)
