"""Per-feature statistics of a table (or a subset): what `describe_data` says about features.

Numbers get count, missing, mean, standard deviation, minimum, quartiles and maximum; categories
and booleans get how often each value occurs. With gold labels, a number's mean per label is
added, since "how do patients with diabetes differ" is the first question people ask of a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from .schema import Schema

TOP_VALUES = 10


@dataclass
class FeatureStats:
    name: str
    kind: str
    count: int
    missing: int
    numbers: dict[str, float] = field(default_factory=dict)  # mean, std, min, 25%, 50%, 75%, max
    counts: dict[str, int] = field(default_factory=dict)  # value -> rows (top TOP_VALUES)
    mean_by_label: dict[str, float] = field(default_factory=dict)

    def words(self) -> str:
        if self.kind == "numeric" and self.numbers:
            n = self.numbers
            return (f"{self.name}: mean {n['mean']:.4g} (sd {n['std']:.3g}), median "
                    f"{n['50%']:.4g}, from {n['min']:.4g} to {n['max']:.4g}")
        shown = ", ".join(f"{k} ({v})" for k, v in list(self.counts.items())[:5])
        return f"{self.name}: {shown}"


def feature_stats(frame: pd.DataFrame, schema: Schema,
                  labels: pd.Series | None = None) -> list[FeatureStats]:
    """Statistics of every feature of `frame`, in the schema's order."""
    out = []
    for f in schema.features:
        col = frame[f.name]
        present = col.dropna()
        stats = FeatureStats(name=f.name, kind=f.kind, count=int(len(present)),
                             missing=int(col.isna().sum()))
        if f.kind == "numeric" and len(present):
            d = present.astype(float).describe()
            stats.numbers = {k: float(d[k]) for k in ("mean", "std", "min", "25%", "50%", "75%",
                                                      "max")}
            if labels is not None:
                by: Any = present.astype(float).groupby(labels.loc[present.index]).mean()
                stats.mean_by_label = {str(k): float(v) for k, v in by.items()}
        else:
            counts = present.astype(str).value_counts()
            stats.counts = {str(k): int(v) for k, v in counts.head(TOP_VALUES).items()}
        out.append(stats)
    return out
