"""`sample` on a table model: random rows with their features, gold label and prediction.

The draw is the tool's own (`sample.draw`: the current subset, one gold label, a reported
seed); what differs for a table is what a drawn item is. A row is its features, so the answer
shows them as columns beside the gold and predicted labels, and its sentences write the row as
`show` does ("Glucose = 148, BMI = 33.6, ..."). The predictions are the table's own
(`data/predictions.frame`, the same probabilities `filter`, `performance` and `mistakes` read).
"""

from __future__ import annotations

from pydantic import Field

from ..context import ToolContext
from ..data import predictions
from ..data.table import shown
from ..data.views import noun
from ..sample import SampleArgs, SampledItem, SampleResult, draw
from ..views import Cell, Column, Table, View
from .result_views import cell
from .variants import table, table_target


class SampledRow(SampledItem):
    """A drawn row: the item (its row in words as `text`) and its feature values by name."""

    values: dict[str, Cell] = Field(default_factory=dict)


class TableSampleResult(SampleResult):
    """Random rows of a table: one table row each, its features as columns."""

    features: list[str] = Field(default_factory=list)
    items: list[SampledRow] = Field(default_factory=list)  # type: ignore[assignment]

    def views(self) -> list[View]:
        """Id, gold label (when the data has one), predicted label and its probability, then
        each feature's value."""
        gold = any(it.gold is not None for it in self.items)
        columns = [Column(name="id", type="id"), *([Column(name="gold")] if gold else []),
                   Column(name="predicted"), Column(name="conf", type="float"),
                   *(Column(name=f, type="exact") for f in self.features)]
        rows = [[it.name or it.id, *([it.gold] if gold else []), it.predicted, it.confidence,
                 *(it.values.get(f) for f in self.features)] for it in self.items]
        return [Table(title=f"random draw from {self.what} (seed {self.seed})", columns=columns,
                      rows=rows)]


def _value(value: object) -> Cell:
    """A feature's value as a cell: as answers write it (12.0 as 12), a number when it is one,
    nothing when the row lacks it."""
    import pandas as pd

    return None if pd.isna(value) else cell(shown(value))


def sample_rows(ctx: ToolContext, args: SampleArgs) -> TableSampleResult:
    """Draw `k` random rows (of gold label `label`) from the current subset or the table, with
    each row's features and the model's prediction and probability; the seed is reported."""
    import pandas as pd

    names = table_target(ctx).feature_names
    data = table(ctx)
    drawn = draw(ctx, args)
    predicted = predictions.frame(ctx, drawn.picked)
    features = data.X(drawn.picked)
    items = []
    for i in drawn.picked:
        ctx.check()
        row = predicted.loc[i]
        gold = row.get("gold") if "gold" in row else None
        items.append(SampledRow(
            id=i, name=data.shown(i) if data.names else None, text=str(row["text"]),
            gold=None if gold is None or pd.isna(gold) else str(gold),
            predicted=str(row["predicted"]), confidence=round(float(row["confidence"]), 4),
            values={f: _value(features.at[i, f]) for f in names}))
    return TableSampleResult(what=drawn.what, population=drawn.population, seed=drawn.seed,
                             items=items, noun=noun(data, 1), features=list(names))
