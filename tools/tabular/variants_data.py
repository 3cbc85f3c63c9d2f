"""`describe_data`, `global_importance` and `similar` for a tabular target.

`describe_data` adds per-feature statistics (and a number's mean per gold label) to the
description of the rows; `global_importance` ranks the features by mean |SHAP| over the current
subset (or the whole table) with how stable that ranking is across resamples of the rows;
`similar` finds the nearest rows in the standardised feature space (numbers in standard
deviations, a differing category or boolean counting 1).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..context import ToolContext
from ..data.views import noun, scope, split_ids
from ..describe import DescribeArgs, DescribeResult, Example
from ..global_importance import GlobalImportanceArgs, GlobalImportanceResult
from ..similar import Neighbour, SimilarArgs, SimilarResult
from ..views import Bars, Column, Table, View
from .importance import global_importance as rank_features
from .stats import feature_stats
from .variants import background_rows, table, table_target


class TabularDescribeResult(DescribeResult):
    """A description of table rows: counts, labels, splits and every feature's statistics."""

    features: list[dict[str, Any]] = Field(default_factory=list)

    def views(self) -> list[View]:
        shown = super().views()
        numeric = [f for f in self.features if f["numbers"]]
        if numeric:
            shown.append(Table(
                title=f"features of {self.what}",
                columns=[Column(name=n) for n in ("feature", "mean", "sd", "min", "median",
                                                  "max", "missing")],
                rows=[[f["name"], f["numbers"]["mean"], f["numbers"]["std"], f["numbers"]["min"],
                       f["numbers"]["50%"], f["numbers"]["max"], f["missing"]]
                      for f in numeric]))
        return shown

    def summary(self) -> str:
        if self.size == 0:
            return super().summary()
        out = self.overview()
        lines = [" ".join(out), f"{len(self.features)} features:"]
        lines += [f"- {f['words']}" for f in self.features]
        return "\n".join(lines)


def describe_data(ctx: ToolContext, args: DescribeArgs) -> DescribeResult:
    """Describe the table or the current subset: size, gold labels, splits and statistics of
    every feature."""
    target = table_target(ctx)
    data = table(ctx)
    assert target.schema is not None
    ids, what = scope(ctx)
    if args.split not in (None, "all"):
        ids = split_ids(data, ids, args.split)
        what = f"{what}, {args.split} split"
    if not ids:
        return TabularDescribeResult(name=data.name, what=what, size=0, total=len(data),
                                     noun=noun(data))
    rows = data.frame.loc[ids]
    labels = ({str(k): int(v) for k, v in rows["label"].value_counts().items()}
              if data.has_labels else {})
    splits = ({str(k): int(v) for k, v in rows["split"].value_counts().items()}
              if data.has_split else {})
    stats = feature_stats(rows, target.schema, rows["label"] if data.has_labels else None)
    example = Example(id=int(ids[0]), text=str(rows.iloc[0]["text"]),
                      label=str(rows.iloc[0]["label"]) if data.has_labels else None)
    return TabularDescribeResult(
        name=data.name, what=what, size=len(ids), total=len(data), labels=labels, splits=splits,
        columns=[str(c) for c in data.frame.columns], examples=[example], source=data.source,
        description=data.description, noun=noun(data),
        features=[{"name": s.name, "kind": s.kind, "count": s.count, "missing": s.missing,
                   "numbers": s.numbers, "counts": s.counts, "mean_by_label": s.mean_by_label,
                   "words": s.words()} for s in stats])


class TabularImportanceResult(GlobalImportanceResult):
    """Features ranked by mean |SHAP| over the rows, with the ranking's stability."""

    features: list[dict[str, Any]] = Field(default_factory=list)
    top_kept: float = 0.0
    scale: str = ""
    label: str = ""

    def views(self) -> list[View]:
        if not self.features:
            return []
        return [Bars(title=f"feature importance over {self.what} (mean |SHAP|, {self.scale})",
                     names=[f["feature"] for f in self.features],
                     values=[f["mean_abs"] for f in self.features], digits=3,
                     notes=[f"rank kept {f['rank_kept']:.0%}" for f in self.features])]

    def summary(self) -> str:
        ranked = ", ".join(f"{f['feature']} ({f['mean_abs']:.2f})" for f in self.features)
        steady = ("stable" if self.top_kept >= 0.8 else "not stable")
        return (f"Over {self.what} ({self.sample_size:,} of {self.population:,} {self.noun} "
                f"explained), the features matter in this order, by mean |SHAP| in {self.scale} "
                f"of {self.label}: {ranked}. The top 3 stay the top 3 in {self.top_kept:.0%} of "
                f"50 resamples of the rows, so the ranking is {steady}.")


def global_importance(ctx: ToolContext, args: GlobalImportanceArgs) -> GlobalImportanceResult:
    """Which features matter most over the current subset (or the whole table): mean |SHAP|,
    with the stability of the ranking across resamples."""
    target = table_target(ctx)
    data = table(ctx)
    ids, what = scope(ctx)
    if args.method not in (None, "shap"):
        from ..errors import UserError

        raise UserError(f"For table models saywhy ranks features by mean |SHAP|; {args.method} "
                        "works on words.")
    imp = rank_features(target, data.X(ids), background_rows(ctx), label=args.label,
                        seed=ctx.seed)
    k = min(args.k, len(imp.features))
    return TabularImportanceResult(
        what=what, method="mean |shap|", sample_size=imp.n_rows, population=len(ids), k=k,
        computed=imp.n_rows, noun=noun(data), top_kept=imp.top_kept, scale=imp.scale,
        label=imp.label,
        features=[{"feature": f, "mean_abs": round(m, 6), "spread": round(s, 6),
                   "rank_kept": round(r, 4)}
                  for f, m, s, r in list(zip(imp.features, imp.mean_abs, imp.spread,
                                             imp.rank_kept, strict=True))[:k]])


class TableNeighbour(Neighbour):
    distance: float = Field(description="Euclidean distance in the standardised feature space.")


class TabularSimilarResult(SimilarResult):
    """Nearest rows by distance in the standardised feature space."""

    items: list[TableNeighbour] = Field(default_factory=list)  # type: ignore[assignment]

    def views(self) -> list[View]:
        if not self.items:
            return []
        return [Table(
            title=f"nearest to {self.referent} in {self.scope}",
            columns=[Column(name="id", type="id"), Column(name="distance", type="float"),
                     Column(name="gold"), Column(name="predicted"),
                     Column(name="conf", type="float"), Column(name="row", type="text")],
            rows=[[n.id, n.distance, n.gold, n.predicted, n.probability,
                   n.text] for n in self.items],
            note="distance: Euclidean, numbers in standard deviations, a differing category 1")]

    def summary(self) -> str:
        if not self.items:
            return f"For {self.referent}, there are no other rows in {self.scope} to compare with."
        listed = "; ".join(f"#{n.id} (distance {n.distance:.2f}"
                           + (f", gold {n.gold}" if n.gold else "")
                           + (f", predicted {n.predicted}" if n.predicted else "") + ")"
                           for n in self.items)
        same = sum(n.predicted == self.predicted for n in self.items)
        return (f"For {self.referent}, the {len(self.items)} nearest rows among "
                f"{self.searched:,} in {self.scope}, by distance over the standardised features "
                f"(numbers in standard deviations, a differing category counting 1), are: "
                f"{listed}. {same} of {len(self.items)} share its predicted label "
                f"({self.predicted}).")


def similar(ctx: ToolContext, args: SimilarArgs) -> SimilarResult:
    """The k rows nearest to a row in the standardised feature space, with their gold labels
    and the model's predictions."""
    import numpy as np
    import pandas as pd

    from ..errors import UserError
    from .variants import row_of

    if not 1 <= args.k <= 50:
        raise UserError(f"k must be between 1 and 50 rows; got {args.k}.")
    target = table_target(ctx)
    data = table(ctx)
    assert target.schema is not None
    ref = ctx.resolve(args.id, args.text)
    row = row_of(ctx, ref)
    pool = [i for i in ctx.items() if i != ref.id]
    X = data.X(pool)
    both = pd.concat([pd.DataFrame([row]), X], ignore_index=True)
    columns = []
    for f in target.schema.features:
        col = both[f.name]
        if f.kind == "numeric":
            spread = float(data.frame[f.name].std()) or 1.0
            columns.append((col.to_numpy(dtype=float) - float(data.frame[f.name].mean()))
                           / spread)
        else:
            columns.append((col.astype(str) != str(row[f.name])).to_numpy(dtype=float))
    space = np.column_stack(columns)
    distance = np.sqrt(((space[1:] - space[0]) ** 2).sum(1))
    best = sorted(range(len(pool)), key=lambda j: (distance[j], pool[j]))[:args.k]
    probs = target.predict_proba(pd.concat([pd.DataFrame([row]), X.iloc[best]]))
    labels = target.labels
    items = [TableNeighbour(id=pool[j], text=str(data.frame.at[pool[j], "text"]),
                            similarity=round(1 / (1 + float(distance[j])), 4),
                            distance=round(float(distance[j]), 4),
                            gold=str(data.frame.at[pool[j], "label"]) if data.has_labels
                            else None,
                            predicted=labels[int(p.argmax())], probability=round(float(p.max()), 4))
             for j, p in zip(best, probs[1:], strict=True)]
    scope_words = f"the current subset ({ctx.subset.description})" if ctx.subset else "the table"
    return TabularSimilarResult(referent=ref.referent, id=ref.id, text=ref.text,
                                predicted=labels[int(probs[0].argmax())], searched=len(pool),
                                scope=scope_words, items=items)
