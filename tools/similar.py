"""`similar`: the dataset items nearest to an input in the target model's own hidden space.

Similarity is the cosine between mean-pooled last-layer states, i.e. how alike the *model*
finds two texts, not how alike their words are. The dataset's embeddings are computed once per
(target, dataset) pair and kept on disk (SAYWHY_HOME/cache/embeddings) and in the context.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from .context import ToolContext
from .data.embeddings import dataset_embeddings, text_embedding
from .data.views import clip
from .errors import UserError
from .inputs import InputArgs
from .registry import Result, tool
from .views import Column, Table, View


class SimilarArgs(InputArgs):
    """The dataset items the model represents most like a given item or text."""

    k: int = Field(default=5, description="How many similar items to return (1-50).")


class Neighbour(BaseModel):
    id: int
    name: str | None = None  # the user's id, when it is not the number `id`
    text: str
    similarity: float
    gold: str | None = None
    predicted: str | None = None
    probability: float | None = None


class SimilarResult(Result):
    referent: str
    id: int | None = None
    text: str
    predicted: str | None = None
    searched: int = Field(description="How many items were searched.")
    scope: str = Field(description="'the dataset' or the current subset's description.")
    items: list[Neighbour] = Field(default_factory=list)

    def views(self) -> list[View]:
        """The neighbours as a table: id, similarity, gold, prediction, text."""
        if not self.items:
            return []
        return [Table(
            title=f"most similar to {self.referent} in {self.scope}",
            columns=[Column(name="id", type="id"), Column(name="sim", type="float"),
                     Column(name="gold"), Column(name="predicted"),
                     Column(name="conf", type="float"), Column(name="text", type="text")],
            rows=[[n.name or n.id, n.similarity, n.gold, n.predicted, n.probability, clip(n.text)]
                  for n in self.items],
            note="similarity: cosine of the model's own last-layer representations")]

    def summary(self) -> str:
        if not self.items:
            return f"For {self.referent}, there are no other items in {self.scope} to compare with."
        listed = "; ".join(
            f"#{n.name or n.id} ({n.similarity:.2f}"
            + (f", gold {n.gold}" if n.gold else "")
            + (f", predicted {n.predicted}" if n.predicted else "") + ")"
            for n in self.items)
        text = (f"For {self.referent}, the {len(self.items)} most similar items among "
                f"{self.searched:,} in {self.scope}, by cosine similarity of the model's own "
                f"last-layer representation, are: {listed}.")
        if self.predicted is not None and all(n.predicted for n in self.items):
            same = sum(n.predicted == self.predicted for n in self.items)
            text += (f" {same} of {len(self.items)} share its predicted label "
                     f"({self.predicted}).")
        return text


def _gold(ctx: ToolContext, item: int) -> str | None:
    import pandas as pd

    if ctx.data is None or not ctx.data.has_labels:
        return None
    value = ctx.data.frame.at[item, "label"]
    return None if pd.isna(value) else str(value)


@tool("similar", SimilarArgs, scope="input", updates={"focus"}, needs_data=True)
def similar(ctx: ToolContext, args: SimilarArgs) -> SimilarResult:
    """The k dataset items most similar to an input in the model's own representation (cosine of
    mean-pooled last-layer states), with their gold labels and the model's predictions."""
    import numpy as np

    if not 1 <= args.k <= 50:
        raise UserError(f"k must be between 1 and 50 items; got {args.k}.")
    ref = ctx.resolve(args.id, args.text)
    data = ctx.data
    assert data is not None
    emb = dataset_embeddings(ctx)
    position = {i: p for p, i in enumerate(data.ids)}
    if ref.id is not None:
        query = emb[position[ref.id]]
    else:
        query = text_embedding(ctx, ref.text)
    pool = [i for i in ctx.items() if i != ref.id]
    scope = f"the current subset ({ctx.subset.description})" if ctx.subset else "the dataset"
    rows = np.array([position[i] for i in pool], dtype=int)
    sims = emb[rows] @ query if len(rows) else np.zeros(0)
    best = sorted(range(len(pool)), key=lambda j: (-sims[j], pool[j]))[:args.k]
    ids = [pool[j] for j in best]
    texts = [data.text(i) for i in ids]
    predicted: str | None = None
    preds: list[tuple[str | None, float | None]] = [(None, None)] * len(ids)
    if ctx.target.kind == "classifier":
        labels = ctx.target.labels
        probs = ctx.probs([ref.text, *texts])
        predicted = labels[int(probs[0].argmax())]
        preds = [(labels[int(p.argmax())], round(float(p.max()), 4)) for p in probs[1:]]
    items = [Neighbour(id=i, name=data.shown(i) if data.names else None, text=t,
                       similarity=round(float(sims[j]), 4), gold=_gold(ctx, i),
                       predicted=p, probability=pr)
             for i, t, j, (p, pr) in zip(ids, texts, best, preds, strict=True)]
    return SimilarResult(referent=ref.referent, id=ref.id, text=ref.text, predicted=predicted,
                         searched=len(pool), scope=scope, items=items)
