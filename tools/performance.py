"""`performance`: how often the model is right on the current subset, per split, with honesty
about small samples (a 95% Wilson interval, and a warning under 30 items).

Where the data has a split column, held-out (test) items come first: a figure on training items
says how well the model learned them, not how well it generalises, so both are given by default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from .context import ToolContext
from .data import predictions
from .data.views import default_splits, nothing, noun, scope, split_ids, split_phrase
from .registry import Result, ToolArgs, tool
from .views import Column, Matrix, Table, View

if TYPE_CHECKING:
    import pandas as pd

SMALL = 30


class PerformanceArgs(ToolArgs):
    """Accuracy, per-label precision/recall/F1 and the confusion matrix on the current subset."""

    split: Literal["test", "train", "all"] | None = Field(
        default=None, description='Default: "test" (and "train" for comparison) when the data has '
                                  'a split column, else "all".')


class LabelScore(BaseModel):
    precision: float
    recall: float
    f1: float
    support: int


class SplitPart(BaseModel):
    """One split's part of a per-split result (`scoped_rows`): the split, its phrase, its size."""

    split: str
    phrase: str
    n: int

    def opening(self, what: str, first: bool) -> str:
        """How the part's sentence starts: "For <what>, <phrase>" first, the phrase after."""
        return f"For {what}, {self.phrase}" if first else self.phrase[0].upper() + self.phrase[1:]


class SplitScore(SplitPart):
    correct: int = 0
    accuracy: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    per_label: dict[str, LabelScore] = Field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = Field(default_factory=dict)
    unlabelled: int = 0


class PerformanceResult(Result):
    what: str
    scores: list[SplitScore] = Field(default_factory=list)
    noun: str = "items"

    def views(self) -> list[View]:
        """Accuracy per split with its 95% interval; for the first split with items (held-out
        when there is one), precision/recall/F1 per label and the confusion matrix."""
        scored = [s for s in self.scores if s.n]
        if not scored:
            return []
        shown: list[View] = [Table(
            title=f"accuracy on {self.what}",
            columns=[Column(name="split"), Column(name="n", type="count"),
                     Column(name="right", type="count"),
                     Column(name="accuracy", type="float", digits=3),
                     Column(name="95% low", type="float", digits=3),
                     Column(name="95% high", type="float", digits=3)],
            rows=[[s.split, s.n, s.correct, s.accuracy, s.ci_low, s.ci_high] for s in scored],
            note="" if all(s.n >= SMALL for s in scored) else
            f"under {SMALL} {self.noun} a figure means little")]
        first = scored[0]
        if first.per_label:
            shown.append(Table(
                title=f"per label, {first.phrase}",
                columns=[Column(name="label"), Column(name="precision", type="float", digits=3),
                         Column(name="recall", type="float", digits=3),
                         Column(name="F1", type="float", digits=3),
                         Column(name="gold", type="count")],
                rows=[[lab, v.precision, v.recall, v.f1, v.support]
                      for lab, v in first.per_label.items()]))
        if first.confusion:
            names = list(first.confusion)
            shown.append(Matrix(
                title=f"confusion matrix, {first.phrase}", rows=names, columns=names,
                values=[[first.confusion[g].get(p) for p in names] for g in names],
                row_title="gold", column_title="predicted", format="count", diagonal=True))
        return shown

    def summary(self) -> str:
        if not any(s.n for s in self.scores) and not any(s.unlabelled for s in self.scores):
            return nothing(self.noun, self.what, "there is nothing to score")
        out = []
        for i, s in enumerate(self.scores):
            where = s.opening(self.what, i == 0)
            if s.n == 0:
                extra = f" ({s.unlabelled:,} have no gold label)" if s.unlabelled else ""
                out.append(f"{where}: there is nothing to score{extra}.")
                continue
            line = (f"{where}: accuracy {s.accuracy:.2f} "
                    f"({s.correct:,} right; 95% interval {s.ci_low:.2f} to {s.ci_high:.2f}).")
            if s.n < SMALL:
                line += (f" With only {s.n} {self.noun[:-1] if s.n == 1 else self.noun}, this "
                         "figure means little.")
            per = "; ".join(f"{lab}: precision {v.precision:.2f}, recall {v.recall:.2f}, "
                            f"F1 {v.f1:.2f} ({v.support:,} gold)"
                            for lab, v in s.per_label.items() if v.support or v.precision)
            conf = "; ".join(
                f"of {sum(row.values()):,} gold {gold}, "
                + ", ".join(f"{c:,} predicted {p}" for p, c in row.items() if c)
                for gold, row in s.confusion.items() if sum(row.values()))
            out.append(f"{line} Per label — {per}. Confusion — {conf}.")
            if s.unlabelled:
                out.append(f"({s.unlabelled:,} items without a gold label were left out.)")
        return " ".join(out)


def wilson(k: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval for k successes out of n (n > 0)."""
    from scipy.stats import binomtest

    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def score(rows: pd.DataFrame, labels: list[str], split: str, phrase: str) -> SplitScore:
    """Metrics for prediction rows (from `predictions.frame`) that have a gold label."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    scored = labelled(rows)
    unlabelled = len(rows) - len(scored)
    n = len(scored)
    if n == 0:
        return SplitScore(split=split, phrase=phrase, n=0, unlabelled=unlabelled)
    gold, pred = scored["gold"].astype(str), scored["predicted"].astype(str)
    names = list(labels) + sorted(set(gold) - set(labels))
    p, r, f, sup = precision_recall_fscore_support(gold, pred, labels=names, zero_division=0)
    cm = confusion_matrix(gold, pred, labels=names)
    k = int(scored["correct"].astype(bool).sum())
    lo, hi = wilson(k, n)
    return SplitScore(
        split=split, phrase=phrase, n=n, correct=k, accuracy=k / n, ci_low=lo, ci_high=hi,
        per_label={name: LabelScore(precision=float(p[i]), recall=float(r[i]), f1=float(f[i]),
                                    support=int(sup[i])) for i, name in enumerate(names)},
        confusion={g: {q: int(cm[i, j]) for j, q in enumerate(names)} for i, g in enumerate(names)},
        unlabelled=unlabelled)


def labelled(rows: pd.DataFrame) -> pd.DataFrame:
    """The prediction rows that have a gold label, so that right or wrong can be said."""
    return rows[rows["correct"].notna()] if "correct" in rows else rows.iloc[:0]


def scoped_rows(ctx: ToolContext,
                split: str | None) -> tuple[str, list[tuple[str, str, pd.DataFrame]]]:
    """The subset's description and, per split to report, its phrase and prediction rows."""
    assert ctx.data is not None
    data = ctx.data
    ids, what = scope(ctx)
    pred = predictions.frame(ctx, ids)
    out = []
    for sp in default_splits(data, split):
        chosen = split_ids(data, ids, sp) if ids else []
        out.append((sp, split_phrase(sp, len(chosen), data), pred.loc[chosen]))
    return what, out


@tool("performance", PerformanceArgs, scope="dataset", kinds={"classifier"}, needs_data=True)
def performance(ctx: ToolContext, args: PerformanceArgs) -> PerformanceResult:
    """Accuracy (with a 95% interval), per-label precision, recall and F1, and the confusion
    matrix on the current subset (or all data); held-out items first when there is a split."""
    predictions.check_comparable(ctx)
    what, parts = scoped_rows(ctx, args.split)
    labels = list(ctx.target.labels)
    scores = [score(rows, labels, sp, phrase) for sp, phrase, rows in parts]
    return PerformanceResult(what=what, scores=scores, noun=noun(ctx.data))


__all__ = ["SplitPart", "labelled", "performance", "score", "scoped_rows", "wilson"]
