"""`describe_data` and `global_importance` for a tabular target: features over many rows.

`describe_data` adds per-feature statistics (and a number's mean per gold label) to the
description of the rows; `global_importance` ranks the features by mean |SHAP| over the current
subset (or the whole table) with how stable that ranking is across resamples of the rows.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..context import ToolContext
from ..data.views import noun, scope, split_ids
from ..describe import DescribeArgs, DescribeResult, Example
from ..global_importance import GlobalImportanceArgs, GlobalImportanceResult
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
        whole = "" if self.size == self.total else f" (of the {self.total:,} in {self.name})"
        out = [f"{self.what[0].upper()}{self.what[1:]}: {self.size:,} {self.noun}{whole}."]
        if self.description and self.size == self.total:
            out.append(self.description)
        if self.labels:
            parts = [f"{name} {n:,} ({n / self.size:.0%})" for name, n in self.labels.items()]
            out.append(f"Gold labels: {', '.join(parts)}.")
        if self.splits:
            out.append("Splits: " + ", ".join(f"{k} {v:,}" for k, v in self.splits.items()) + ".")
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
