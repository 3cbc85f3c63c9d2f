"""`describe_data`: what the dataset (or the current subset) holds: size, labels, lengths."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .context import ToolContext
from .data.views import nothing, noun, scope, split_ids, word_counts
from .registry import Result, ToolArgs, tool
from .views import Bars, View


class DescribeArgs(ToolArgs):
    """Describe the data: size, label distribution, text lengths in words, splits, examples."""

    split: Literal["test", "train", "all"] | None = Field(
        default=None, description="Describe only one split (default: all items).")


class Example(BaseModel):
    id: int
    text: str
    label: str | None = None


class DescribeResult(Result):
    name: str
    what: str
    size: int
    total: int
    labels: dict[str, int] = Field(default_factory=dict)
    splits: dict[str, int] = Field(default_factory=dict)
    words: dict[str, float] = Field(default_factory=dict)
    columns: list[str] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)
    source: str = ""
    description: str = ""
    noun: str = "items"

    def views(self) -> list[View]:
        """The gold labels and the splits, counted, as bars."""
        shown: list[View] = []
        for title, counts in (("gold labels", self.labels), ("splits", self.splits)):
            if counts:
                shown.append(Bars(title=f"{title} of {self.what}", names=list(counts),
                                  values=list(counts.values()), format="count"))
        return shown

    def overview(self) -> list[str]:
        """The sentences every kind of data starts with: size, description, labels, splits."""
        whole = "" if self.size == self.total else f" (of the {self.total:,} in {self.name})"
        out = [f"{self.what[0].upper()}{self.what[1:]}: {self.size:,} {self.noun}{whole}."]
        if self.description and self.size == self.total:
            out.append(self.description)
        if self.labels:
            parts = [f"{name} {n:,} ({n / self.size:.0%})" for name, n in self.labels.items()]
            out.append(f"Gold labels: {', '.join(parts)}.")
        if self.splits:
            out.append("Splits: " + ", ".join(f"{k} {v:,}" for k, v in self.splits.items()) + ".")
        return out

    def summary(self) -> str:
        if self.size == 0:
            return nothing(self.noun, self.what, "there is nothing to describe")
        out = self.overview()
        w = self.words
        out.append(f"Length: {w['mean']:.1f} words on average (median {w['median']:.0f}, "
                   f"shortest {w['min']:.0f}, longest {w['max']:.0f}).")
        extra = [c for c in self.columns if c not in ("text", "label", "split")]
        if extra:
            out.append(f"Other columns: {', '.join(extra)}.")
        lines = [" ".join(out)]
        for ex in self.examples:
            tag = f" ({ex.label})" if ex.label else ""
            lines.append(f"Example #{ex.id}{tag}: \"{ex.text}\"")
        return "\n".join(lines)


@tool("describe_data", DescribeArgs, scope="dataset", needs_data=True)
def describe_data(ctx: ToolContext, args: DescribeArgs) -> DescribeResult:
    """Describe the dataset, or the current subset: size, label distribution, length in words,
    splits, other columns and one or two examples."""
    import numpy as np

    assert ctx.data is not None
    data = ctx.data
    ids, what = scope(ctx)
    if args.split not in (None, "all"):
        ids = split_ids(data, ids, args.split)
        what = f"{what}, {args.split} split"
    if not ids:
        return DescribeResult(name=data.name, what=what, size=0, total=len(data), noun=noun(data))
    rows = data.frame.loc[ids]
    n = word_counts(rows["text"])
    labels = ({str(k): int(v) for k, v in rows["label"].value_counts().items()}
              if data.has_labels else {})
    splits = ({str(k): int(v) for k, v in rows["split"].value_counts().items()}
              if data.has_split else {})
    # one short, readable example per label (at most two), seeded so answers are reproducible
    examples: list[Example] = []
    rng = np.random.default_rng(ctx.seed)
    readable = rows[(n >= 8) & (n <= 30)]
    pool = readable if len(readable) else rows
    groups = [g for _, g in pool.groupby("label")] if data.has_labels else [pool]
    for g in groups[:2]:
        i = int(g.index[rng.integers(len(g))])
        label = g.loc[i, "label"] if data.has_labels else None
        examples.append(Example(id=i, text=str(g.loc[i, "text"]),
                                label=None if label is None else str(label)))
    words = {"mean": float(n.mean()), "median": float(n.median()), "min": float(n.min()),
             "max": float(n.max()), "p90": float(n.quantile(0.9))}
    return DescribeResult(name=data.name, what=what, size=len(ids), total=len(data),
                          labels=labels, splits=splits, words=words,
                          columns=[str(c) for c in data.frame.columns], examples=examples,
                          source=data.source, description=data.description, noun=noun(data))
