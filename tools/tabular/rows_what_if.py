"""What-if on many rows: "what would you predict if everyone's glucose dropped by 20?",
"if BMI went up by 5 for patients under 30, how would the predictions change?".

The same feature edits as a one-row what-if, applied to every row of the current subset (or the
whole table) and predicted again in one batch; the answer counts the predictions that change
label, in which direction, and the mean change of each label's probability. Rows where an edit
leaves the values the data shows are counted and said, since the model extrapolates there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from ..registry import Result
from ..views import Column, Table, View
from .edits import FeatureEdit, apply_edits

if TYPE_CHECKING:
    from ..context import ToolContext

MAX_ROWS = 20_000
SHOWN = 8


class WhatIfRowsResult(Result):
    """The predictions of many rows before and after the same feature edits."""

    rows: int
    scope: str = Field(description="Which rows: 'all rows' or the subset's description.")
    changes: list[str] = Field(default_factory=list)
    before: dict[str, int] = Field(default_factory=dict)
    after: dict[str, int] = Field(default_factory=dict)
    flipped: int = 0
    flips: dict[str, int] = Field(default_factory=dict)  # "a → b": rows
    mean_delta: dict[str, float] = Field(default_factory=dict)
    outside: int = 0  # rows edited to values the data does not show
    examples: list[list[str]] = Field(default_factory=list)  # id, before, after, p before/after

    def summary(self) -> str:
        what = "; ".join(self.changes)
        head = f"With {what} on each of {self.rows:,} rows ({self.scope}):"
        if not self.flipped:
            text = f"{head} no prediction changes label."
        else:
            ways = ", ".join(f"{n:,} {k}" for k, n in sorted(self.flips.items(),
                                                             key=lambda x: -x[1]))
            text = (f"{head} {self.flipped:,} prediction{'s' * (self.flipped != 1)} "
                    f"change{'s' * (self.flipped == 1)} label ({ways}).")
        moved = ", ".join(f"p({k}) {v:+.2f}" for k, v in self.mean_delta.items())
        text += f" Mean change: {moved}."
        counts = "; ".join(f"{k} {self.before.get(k, 0):,} → {self.after.get(k, 0):,}"
                           for k in self.before)
        text += f" Predicted labels before → after: {counts}."
        if self.outside:
            text += (f" On {self.outside:,} row{'s' * (self.outside != 1)} the edit leaves the "
                     "values the data shows, so the model's answer there is an extrapolation.")
        return text

    def views(self) -> list[View]:
        labels = list(self.before)
        rows = [[k, self.before.get(k, 0), self.after.get(k, 0)] for k in labels]
        shown: list[View] = [Table(title="predicted labels before and after",
                                   columns=[Column(name="label"), Column(name="before", type="count"),
                                            Column(name="after", type="count")], rows=rows)]
        if self.examples:
            shown.append(Table(
                title="rows whose prediction changes",
                columns=[Column(name="id", type="id"), Column(name="before"),
                         Column(name="after")],
                rows=[list(e) for e in self.examples],
                note=f"{min(SHOWN, self.flipped)} of {self.flipped:,} shown"))
        return shown


def _words(edit: FeatureEdit, name: str) -> str:
    """An edit in the table's own feature name: "Glucose + 40", "BMI = 25", "Insulin × 2"."""
    sign = {"set": "=", "increase": "+", "decrease": "−", "multiply": "×"}[edit.op]
    return f"{name} {sign} {edit.value}"


def what_if_rows(ctx: ToolContext, edits: list[FeatureEdit]) -> WhatIfRowsResult:
    """Apply `edits` to every row of the subset (or table) and compare the predictions."""
    import numpy as np
    import pandas as pd

    from ..errors import UserError
    from .variants import selected_rows

    target, data, keys, frame = selected_rows(ctx, "there is nothing to change")
    assert target.schema is not None
    if len(keys) > MAX_ROWS:
        raise UserError(f"That is {len(keys):,} rows; select at most {MAX_ROWS:,} first.")
    names = target.schema.names
    edited, outside = [], 0
    for _, row in frame.iterrows():
        after, notes = apply_edits(row, edits, target.schema)
        edited.append(after)
        outside += bool(notes)
    after_frame = pd.DataFrame(edited, index=frame.index)[names]
    p0 = np.asarray(target.predict_proba(frame))
    p1 = np.asarray(target.predict_proba(after_frame))
    labels = list(target.labels)
    l0, l1 = p0.argmax(axis=1), p1.argmax(axis=1)
    flips: dict[str, int] = {}
    examples: list[list[str]] = []
    for i in np.flatnonzero(l0 != l1):
        way = f"{labels[l0[i]]} → {labels[l1[i]]}"
        flips[way] = flips.get(way, 0) + 1
        if len(examples) < SHOWN:
            examples.append([str(data.shown(keys[i])), f"{labels[l0[i]]} ({p0[i, l0[i]]:.2f})",
                             f"{labels[l1[i]]} ({p1[i, l1[i]]:.2f})"])
    return WhatIfRowsResult(
        rows=len(keys), scope=ctx.subset.description if ctx.subset is not None else "all rows",
        changes=[_words(e, target.schema.resolve(e.feature)) for e in edits],
        before={lab: int((l0 == j).sum()) for j, lab in enumerate(labels)},
        after={lab: int((l1 == j).sum()) for j, lab in enumerate(labels)},
        flipped=int((l0 != l1).sum()), flips=flips,
        mean_delta={lab: round(float((p1[:, j] - p0[:, j]).mean()), 6)
                    for j, lab in enumerate(labels)},
        outside=outside, examples=examples)
