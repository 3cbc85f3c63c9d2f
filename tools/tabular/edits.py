"""What-if edits on a row's features: "what if BMI were 25", "increase glucose by 10".

An edit names a feature (as people spell it), an operation and a value; the value is read as the
feature's kind (a number, one of the categories seen, yes/no for a boolean). A value outside what
the table shows is allowed, since that is a fair question, but said: the model has never seen
such a row, so its answer there is extrapolation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from ..errors import UserError

if TYPE_CHECKING:
    import pandas as pd

    from ..target.tabular import TabularTarget
    from .schema import Schema

Op = Literal["set", "increase", "decrease", "multiply"]


class FeatureEdit(BaseModel):
    """One change to one feature of a row."""

    feature: str = Field(description="The feature, as the table names it or as people say it.")
    op: Op = Field(default="set", description="set to the value, increase or decrease by it, "
                   "or multiply by it.")
    value: str | float | int | bool = Field(description="The new value, or the amount.")

    def words(self) -> str:
        if self.op == "set":
            return f"{self.feature} = {self.value}"
        return f"{self.op} {self.feature} by {self.value}"


def apply_edits(row: pd.Series, edits: list[FeatureEdit],
                schema: Schema) -> tuple[pd.Series, list[str]]:
    """The row with the edits applied in order, and notes on values outside the observed data."""
    if not edits:
        raise UserError("Say what to change, e.g. 'what if BMI were 25?'.")
    out = row.copy()
    notes: list[str] = []
    for edit in edits:
        name = schema.resolve(edit.feature)
        feature = schema[name]
        if edit.op == "set":
            new: Any = feature.value(edit.value)
        else:
            if feature.kind != "numeric":
                raise UserError(f"{name} is {feature.kind}; it can be set to a value, not "
                                f"{'increased' if edit.op == 'increase' else edit.op + 'd'}.")
            amount, old = float(feature.value(edit.value)), float(out[name])
            new = {"increase": old + amount, "decrease": old - amount,
                   "multiply": old * amount}[edit.op]
            if feature.integer and float(new).is_integer():
                new = int(new)
        if not feature.inside(new):
            seen = (f"{feature.low:g} to {feature.high:g}" if feature.kind == "numeric"
                    else ", ".join(map(str, feature.values[:8])))
            notes.append(f"{name} = {new} is outside the values in the data ({seen}); the "
                         "model's answer there is an extrapolation.")
        out[name] = new
    return out, notes


@dataclass
class WhatIf:
    """A row before and after edits, with the model's probabilities for both."""

    before: pd.Series
    after: pd.Series
    probs_before: list[float]
    probs_after: list[float]
    labels: list[str]
    changed: list[str]
    notes: list[str]

    @property
    def label_before(self) -> str:
        return self.labels[max(range(len(self.labels)), key=lambda i: self.probs_before[i])]

    @property
    def label_after(self) -> str:
        return self.labels[max(range(len(self.labels)), key=lambda i: self.probs_after[i])]

    @property
    def flipped(self) -> bool:
        return self.label_before != self.label_after


def what_if(target: TabularTarget, row: pd.Series, edits: list[FeatureEdit]) -> WhatIf:
    """Apply the edits to the row and predict both (one batch of two rows)."""
    import pandas as pd

    assert target.schema is not None, "bind the target to a table first"
    after, notes = apply_edits(row, edits, target.schema)
    probs = target.predict_proba(pd.DataFrame([row, after])[target.schema.names])
    changed = [n for n in target.schema.names if str(row[n]) != str(after[n])]
    return WhatIf(before=row, after=after, probs_before=probs[0].tolist(),
                  probs_after=probs[1].tolist(), labels=target.labels, changed=changed,
                  notes=notes)
