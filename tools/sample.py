"""`sample`: random items with the model's prediction — "show me a random example".

Drawn from the current subset (or the whole dataset), optionally only items of one gold label,
with a seed that is reported, so "the same sample again" is one argument away. One sampled item
becomes the conversation's focus, so a "why?" after it is about that item. On a table model
the same draw gives rows with their features (`tabular/sample_rows.py`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from pydantic import BaseModel, Field

from .context import ToolContext
from .data.views import count, noun
from .errors import UserError
from .registry import Result, ToolArgs, tool
from .views import Column, Table, View

SHOWN_CHARS = 300


class SampleArgs(ToolArgs):
    """Random items of the current subset (or of the data), with the model's prediction."""

    k: int = Field(default=1, ge=1, le=50, description="How many items to draw.")
    label: str | None = Field(default=None, description="Only items with this gold label.")
    seed: int | None = Field(default=None, ge=0, description="Seed for the draw (default: a new "
                             "one, reported, so the same draw can be asked for again).")


class SampledItem(BaseModel):
    id: int
    name: str | None = None  # the user's id, when it is not the number `id`
    text: str
    gold: str | None = None
    predicted: str | None = None
    confidence: float | None = None
    answer: str | None = Field(default=None, description="A language model's answer.")


class SampleResult(Result):
    what: str
    population: int
    seed: int
    items: list[SampledItem] = Field(default_factory=list)
    noun: str = "item"

    def remembered(self) -> dict[str, str]:
        return {"focus": str(self.items[0].id)} if len(self.items) == 1 else {}

    def views(self) -> list[View]:
        columns = [Column(name="id", type="id"), Column(name="gold"), Column(name="predicted"),
                   Column(name="conf", type="float"), Column(name="text", type="text")]
        rows = [[it.name or it.id, it.gold, it.predicted if it.answer is None else it.answer,
                 it.confidence, it.text] for it in self.items]
        return [Table(title=f"random draw from {self.what} (seed {self.seed})", columns=columns,
                      rows=rows)]

    def summary(self) -> str:
        lines = []
        for it in self.items:
            said = (f'the model answers "{it.answer}"' if it.answer is not None else
                    f"the model predicts {it.predicted} ({it.confidence:.2f})")
            gold = "" if it.gold is None else (
                f", {'right' if it.gold == it.predicted else 'wrong'}: the gold label is {it.gold}"
                if it.answer is None else f" (gold label {it.gold})")
            lines.append(f'{self.noun} #{it.name or it.id}: "{_clip(it.text)}" — {said}{gold}.')
        head = (f"A random {self.noun} from {self.what} (seed {self.seed}): " if len(lines) == 1
                else f"{len(lines)} random {self.noun}s from {self.what} (seed {self.seed}):\n- ")
        return head + "\n- ".join(lines)


def _clip(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 3] + "..."


@dataclass(frozen=True)
class Draw:
    """Which items were drawn (keys, in draw order), from what, out of how many, with which
    seed: what every kind of target's `sample` shares."""

    picked: list[int]
    what: str
    population: int
    seed: int


def draw(ctx: ToolContext, args: SampleArgs) -> Draw:
    """`k` random keys of the current subset (or the data), only gold label `label` if given,
    without repeats (all of them when `k` exceeds the population), seeded by `seed` or a new
    seed."""
    import numpy as np

    assert ctx.data is not None
    data = ctx.data
    ids = ctx.items()
    what = ctx.subset.description if ctx.subset is not None else f"all {count(len(ids), data)}"
    if args.label is not None:
        if not data.has_labels:
            raise UserError(f"{data.name} has no gold labels, so I cannot draw {args.label} ones.")
        wanted = ctx.target.labels[ctx.target.label_index(args.label)] if ctx.target.labels \
            else args.label
        gold = data.frame.loc[ids, "label"].astype(str)
        ids = [i for i, g in zip(ids, gold, strict=True) if g.lower() == wanted.lower()]
        what = f"the {noun(data)} labelled {wanted}" + (
            f" in {ctx.subset.description}" if ctx.subset is not None else "")
    if not ids:
        raise UserError(f"There are no {noun(data)} to draw from in {what}.")
    seed = args.seed if args.seed is not None else secrets.randbelow(100_000)
    chosen = np.random.default_rng(seed).choice(len(ids), size=min(args.k, len(ids)),
                                                replace=False)
    return Draw(picked=[ids[int(j)] for j in chosen], what=what, population=len(ids), seed=seed)


def gold_of(ctx: ToolContext, key: int) -> str | None:
    """The item's gold label, or None when the data has none (or this item lacks one)."""
    assert ctx.data is not None
    gold = ctx.data.row(key).get("label") if ctx.data.has_labels else None
    return None if gold is None or gold != gold else str(gold)


@tool("sample", SampleArgs, scope="dataset", updates={"focus"}, needs_data=True)
def sample(ctx: ToolContext, args: SampleArgs) -> SampleResult:
    """Draw `k` random items (of gold label `label`) from the current subset or the data, with
    the model's prediction for each; the seed is reported."""
    assert ctx.data is not None
    data = ctx.data
    drawn = draw(ctx, args)
    items = []
    texts = [data.text(i) for i in drawn.picked]
    probs = ctx.probs(texts) if ctx.target.kind == "classifier" else None
    lm = ctx.lm if probs is None else None
    for n, (i, text) in enumerate(zip(drawn.picked, texts, strict=True)):
        ctx.check()
        item = SampledItem(id=i, name=data.shown(i) if data.names else None, text=text,
                           gold=gold_of(ctx, i))
        if probs is not None:
            best = int(probs[n].argmax())
            item.predicted = ctx.target.labels[best]
            item.confidence = round(float(probs[n, best]), 4)
        elif lm is not None:
            item.answer = ctx.memo(("gen", text, 32), lambda t=text, m=lm: m.generate(t, 32)).text
        items.append(item)
    return SampleResult(what=drawn.what, population=drawn.population, seed=drawn.seed,
                        items=items, noun=noun(data, 1))
