"""What a table model's answers show: pictures made for features, on the tools' own results.

The tabular `attribute`, `what_if` and `counterfactual` return the text tools' result models,
whose views draw words inside a text. Here they are shown as a table reader expects:
- an attribution whose scores add up (SHAP) as a waterfall, from the base value through each
  feature's contribution to the row's output; the row's features keep their scores, their
  legend speaking of features;
- a what-if as a table of the changed features, before and after, above the probabilities;
- each counterfactual as such a table, titled with the label it flips to.
Each result keeps its fields and its sentences (`summary()`); `register.py` hands these out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, Field

from ..counterfactual import CounterfactualResult
from ..registry import Result
from ..views import Bars, Column, Table, View, WordScores
from ..what_if import WhatIfResult
from .variants import TabularAttributeResult, table_target
from .variants_edit import TabularCounterfactualResult

Cell = str | int | float | bool | None
WATERFALL_STEPS = 12  # features drawn as steps; beyond, the rest is one step
R = TypeVar("R", bound=Result)


def row_values(text: str, names: list[str]) -> dict[str, str]:
    """A row written "A = 1, B = x, ..." (`data/table.row_text`) read back, feature by feature
    in the order written (a value may itself hold ", ")."""
    out: dict[str, str] = {}
    pos = 0
    for i, name in enumerate(names):
        head = f"{name} = "
        if not text.startswith(head, pos):
            return out
        start = pos + len(head)
        nxt = text.find(f", {names[i + 1]} = ", start) if i + 1 < len(names) else -1
        end = len(text) if nxt < 0 else nxt
        out[name] = text[start:end]
        pos = end + 2
    return out


def cell(value: str) -> Cell:
    """A feature value as a table cell: a number when it reads as one."""
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


class FeatureChange(BaseModel):
    feature: str
    before: Cell
    after: Cell


def changes(before: str, after: str, names: list[str]) -> list[FeatureChange]:
    old, new = row_values(before, names), row_values(after, names)
    return [FeatureChange(feature=n, before=cell(old[n]), after=cell(new[n]))
            for n in names if n in old and n in new and old[n] != new[n]]


def _table(title: str, rows: list[FeatureChange], note: str = "") -> Table:
    return Table(title=title, columns=[Column(name="feature"), Column(name="before", type="exact"),
                                      Column(name="after", type="exact")],
                 rows=[[c.feature, c.before, c.after] for c in rows], note=note)


class WaterfallAttributeResult(TabularAttributeResult):
    """A table row's attribution, its contributions drawn as a waterfall when they add up."""

    rest: float | None = Field(default=None, description="The summed contribution of the "
                               "features beyond the waterfall's steps.")

    def adds_up(self) -> bool:
        total = self.base_value + sum(float(w["score"]) for w in self.words)
        return self.method.endswith("shap") and abs(total - self.target_value) <= 1e-4 * max(
            1.0, abs(self.target_value))

    def views(self) -> list[View]:
        shown = super().views()
        scores = [v.model_copy(update={"part": "feature"}) if isinstance(v, WordScores) else v
                  for v in shown]
        if not self.adds_up():
            return scores
        ranked = sorted(self.words, key=lambda w: -abs(float(w["score"])))
        steps = ranked if self.rest is None else ranked[:WATERFALL_STEPS - 1]
        names = [str(w["word"]) for w in steps]
        values = [float(w["score"]) for w in steps]
        if self.rest is not None:
            names.append(f"{len(ranked) - len(steps)} other features")
            values.append(self.rest)
        unit = "probability" if self.unit == "probability" else f"{self.unit} of {self.label}"
        rows = self.extras.get("background_rows", 0)
        fall = Bars(title=f"from the base value to {self.referent} ({self.method}, {unit})",
                    names=names, values=values, signed=True, format="signed", digits=3,
                    start=self.base_value, end=self.target_value,
                    start_name=f"base value ({rows} rows)" if rows else "base value",
                    end_name=self.referent)
        return [scores[0], fall, *scores[2:]]

    @classmethod
    def of(cls, result: Result) -> Result:
        if not isinstance(result, TabularAttributeResult):
            return result
        out = cls(**{k: getattr(result, k) for k in type(result).model_fields})
        if len(out.words) > WATERFALL_STEPS:
            ranked = sorted(out.words, key=lambda w: -abs(float(w["score"])))
            out.rest = round(sum(float(w["score"]) for w in ranked[WATERFALL_STEPS - 1:]), 6)
        return out


class TableWhatIfResult(WhatIfResult):
    """A what-if on a table row: the changed features before and after."""

    features: list[FeatureChange] = Field(default_factory=list)

    def views(self) -> list[View]:
        shown = [v for v in super().views() if v.kind != "text_pairs"]
        if not self.features:
            return super().views()
        return [_table(f"what if: {self.referent}", self.features), *shown]


class TableCounterfactualResult(TabularCounterfactualResult):
    """Counterfactuals of a table row: each one's changed features before and after."""

    features: list[list[FeatureChange]] = Field(default_factory=list)

    def views(self) -> list[View]:
        if not self.counterfactuals or len(self.features) != len(self.counterfactuals):
            return super().views()
        out: list[View] = []
        for n, (c, rows) in enumerate(zip(self.counterfactuals, self.features, strict=True), 1):
            title = (f"counterfactual {n}: flips {self.label} to {c.predicted}, p({c.label}) "
                     f"{c.before_prob:.2f} → {c.target_prob:.2f}")
            out.append(_table(title, rows, "checked by predicting the changed row again"
                              if n == len(self.counterfactuals) else ""))
        return out


def _with(fn: Callable[[Any, Any], R], make: Callable[[Any, R], Result]) -> Callable[[Any, Any],
                                                                                     Result]:
    def run(ctx: Any, args: Any) -> Result:
        return make(ctx, fn(ctx, args))

    run.__doc__ = fn.__doc__
    return run


def _what_if(ctx: Any, result: WhatIfResult) -> Result:
    if not isinstance(result, WhatIfResult):  # many rows (rows_what_if.py): its own views
        return result
    names = table_target(ctx).feature_names
    return TableWhatIfResult(**{k: getattr(result, k) for k in type(result).model_fields},
                             features=changes(result.original, result.edited, names))


def _counterfactual(ctx: Any, result: CounterfactualResult) -> Result:
    if not isinstance(result, TabularCounterfactualResult):
        return result
    names = table_target(ctx).feature_names
    return TableCounterfactualResult(
        **{k: getattr(result, k) for k in type(result).model_fields},
        features=[changes(result.text, c.text, names) for c in result.counterfactuals])


def shown_for_tables(name: str, fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """The tabular implementation `fn` of tool `name`, its result shown for a table."""
    makers: dict[str, Callable[[Any, Any], Result]] = {
        "attribute": lambda ctx, r: WaterfallAttributeResult.of(r),
        "what_if": _what_if, "counterfactual": _counterfactual}
    return _with(fn, makers[name]) if name in makers else fn
