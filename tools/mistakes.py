"""`mistakes`: how many items the model gets wrong, a seeded random sample of them, and the most
telling ones (wrong with the highest confidence), held-out items first when there is a split."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .context import ToolContext
from .data import predictions
from .data.views import clip, nothing, noun
from .performance import SplitPart, labelled, scoped_rows
from .registry import Result, ToolArgs, tool
from .views import Bars, Column, Table, View


class MistakesArgs(ToolArgs):
    """Misclassified items of the current subset: count, a sample, the most confident errors."""

    k: int = Field(default=5, ge=1, le=50, description="How many examples to show.")
    split: Literal["test", "train", "all"] | None = Field(
        default=None, description='Default: "test" (with "train" counted for comparison) when the '
                                  'data has a split column, else "all".')


class Mistake(BaseModel):
    id: int
    name: str | None = None  # the user's id, when it is not the number `id`
    text: str
    gold: str
    predicted: str
    confidence: float


class SplitErrors(SplitPart):
    wrong: int
    kinds: dict[str, int] = Field(default_factory=dict)


class MistakesResult(Result):
    what: str
    counts: list[SplitErrors] = Field(default_factory=list)
    sample: list[Mistake] = Field(default_factory=list)
    most_confident: list[Mistake] = Field(default_factory=list)
    seed: int = 0
    noun: str = "items"
    sample_split: str = "all"

    def views(self) -> list[View]:
        """Per split, the kinds of mistake as bars; then the sample of mistakes as a table (all
        of them, most confident first, when the sample is every mistake)."""
        shown: list[View] = []
        for c in self.counts:
            if c.n and c.kinds:
                kinds = sorted(c.kinds.items(), key=lambda kv: -kv[1])
                shown.append(Bars(title=f"{c.phrase}: {c.wrong:,} of {c.n:,} wrong",
                                  names=[k for k, _ in kinds], values=[v for _, v in kinds],
                                  format="count"))
        if self.sample:
            every = {m.id for m in self.sample} == {m.id for m in self.most_confident}
            listed = self.most_confident if every else self.sample
            title = ("the mistakes, most confident first" if every
                     else f"a random sample of the mistakes (seed {self.seed})")
            shown.append(Table(
                title=title,
                columns=[Column(name="id", type="id"), Column(name="gold"),
                         Column(name="predicted"), Column(name="conf", type="float"),
                         Column(name="text", type="text")],
                rows=[[m.name or m.id, m.gold, m.predicted, m.confidence, clip(m.text)]
                      for m in listed]))
        return shown

    def summary(self) -> str:
        if not any(c.n for c in self.counts):
            return nothing(self.noun, self.what + " with a gold label",
                           "there are no mistakes to find")
        out = []
        for i, c in enumerate(self.counts):
            where = c.opening(self.what, i == 0)
            if c.n == 0:
                out.append(f"{where}: none has a gold label.")
                continue
            kinds = ", ".join(f"{v:,} {k}" for k, v in c.kinds.items())
            out.append(f"{where}, the model gets {c.wrong:,} of "
                       f"{c.n:,} wrong ({c.wrong / c.n:.1%})" + (f": {kinds}." if kinds else "."))
        if not self.sample:
            return " ".join(out)
        where = {"test": " from the held-out split", "train": " from the training split"}.get(
            self.sample_split, "")
        if {m.id for m in self.sample} == {m.id for m in self.most_confident}:
            # few mistakes: the sample is all of them, so list them once, most confident first
            lines = [" ".join(out), f"The mistakes{where}, most confident first:"]
            return "\n".join(lines + [_line(m) for m in self.most_confident])
        lines = [" ".join(out), f"A random sample of the mistakes{where} (seed {self.seed}):"]
        lines += [_line(m) for m in self.sample]
        lines.append("The most confident mistakes:")
        lines += [_line(m) for m in self.most_confident]
        return "\n".join(lines)


def _line(m: Mistake) -> str:
    return (f"- #{m.name or m.id}: gold {m.gold}, predicted {m.predicted} "
            f"({m.confidence:.2f}): \"{clip(m.text)}\"")


@tool("mistakes", MistakesArgs, scope="dataset", kinds={"classifier"}, needs_data=True)
def mistakes(ctx: ToolContext, args: MistakesArgs) -> MistakesResult:
    """Count the misclassified items in the current subset (held-out split by default), show a
    seeded random sample of them and the most confident errors."""
    import pandas as pd

    predictions.check_comparable(ctx)
    names = ctx.data.names if ctx.data is not None else None
    what, parts = scoped_rows(ctx, args.split)
    counts: list[SplitErrors] = []
    wrong_by_split: dict[str, pd.DataFrame] = {}
    for sp, phrase, rows in parts:
        scored = labelled(rows)
        wrong = scored[~scored["correct"].astype(bool)]
        kinds = (wrong["gold"].astype(str) + " predicted as " + wrong["predicted"].astype(str)
                 ).value_counts()
        counts.append(SplitErrors(split=sp, phrase=phrase, n=len(scored), wrong=len(wrong),
                                  kinds={str(k): int(v) for k, v in kinds.items()}))
        wrong_by_split[sp] = wrong
    # examples come from the first reported split that has mistakes (held-out first)
    sample_split = next((sp for sp, w in wrong_by_split.items() if len(w)), parts[0][0])
    wrong = wrong_by_split[sample_split]

    def as_list(frame: pd.DataFrame) -> list[Mistake]:
        return [Mistake(id=int(i), name=None if names is None else names.names[int(i)],
                        text=str(r["text"]), gold=str(r["gold"]),
                        predicted=str(r["predicted"]), confidence=round(float(r["confidence"]), 4))
                for i, r in frame.iterrows()]

    sample = wrong.sample(n=min(args.k, len(wrong)), random_state=ctx.seed) if len(wrong) else wrong
    top = wrong.sort_values("confidence", ascending=False, kind="stable").head(args.k) \
        if len(wrong) else wrong
    return MistakesResult(what=what, counts=counts, sample=as_list(sample),
                          most_confident=as_list(top), seed=ctx.seed, noun=noun(ctx.data),
                          sample_split=sample_split)
