"""`filter`: choose the items the conversation is about (the current subset).

Later questions (`performance`, `mistakes`, `keywords`, `show`, ...) work on this subset until it
is reset or replaced. Conditions given in one call are ANDed; `negate` takes their complement;
`combine` narrows ("and") or widens ("or") the current subset instead of replacing it. The
subset carries a plain-words description, and its criteria as a small and/or/not tree.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from .context import Subset, ToolContext
from .data import predictions
from .data.views import check_ids, gold_label, nothing, noun, parse_ids, split_ids, word_counts
from .errors import NotFoundError, UserError
from .registry import Result, ToolArgs, tool
from .views import Bars, View

if TYPE_CHECKING:
    import pandas as pd


class FilterArgs(ToolArgs):
    """Select items by ids, gold label, predicted label, correctness, a word or phrase, length,
    similarity to a text, split or another column; conditions in one call are ANDed."""

    ids: list[int] | int | str | None = Field(default=None,
                                              description='Ids: a list or a range "10-20".')
    label: str | None = Field(default=None, description="Gold label.")
    predicted: str | None = Field(default=None, description="Label the model predicts.")
    correct: bool | None = Field(default=None, description="True: model right; False: wrong.")
    contains: str | None = Field(default=None, min_length=1,
                                 description="A word or phrase (case-insensitive, whole words).")
    min_words: int | None = Field(default=None, ge=0)
    max_words: int | None = Field(default=None, ge=0)
    similar_to: str | None = Field(default=None, min_length=1,
                                   description="A text; keeps items whose cosine similarity to it "
                                               "(in the model's own representation) is high.")
    min_similarity: float = Field(default=0.5, ge=-1.0, le=1.0)
    split: Literal["train", "test"] | None = None
    column: str | None = Field(default=None, description="Another column of the data to match.")
    where: str | None = Field(default=None, min_length=1, description=(
        "Table models: conditions on feature values, e.g. 'Age > 50 and BMI < 30', "
        "'Glucose between 100 and 140', 'smoker' (and binds tighter than or)."))
    value: str | None = Field(default=None, description="The value `column` must equal.")
    negate: bool = Field(default=False, description="Keep the items NOT matching the conditions.")
    combine: Literal["replace", "and", "or"] = Field(
        default="replace", description='"and" narrows the current subset, "or" widens it.')
    reset: bool = Field(default=False, description="Clear the subset (back to all items).")


class FilterResult(Result):
    size: int
    total: int
    description: str
    criteria: dict[str, Any] = Field(default_factory=dict)
    previous_size: int | None = None
    reset: bool = False
    preview: list[int] = Field(default_factory=list)
    noun: str = "items"

    def views(self) -> list[View]:
        """The subset's size against all items, as one bar."""
        if not self.total:
            return []
        first = f"first ids: {', '.join(map(str, self.preview))}" if self.preview else ""
        return [Bars(title=f"subset: {self.description}", names=[self.noun],
                     values=[self.size], scale=self.total, format="count",
                     notes=[f"of {self.total:,}"], note=first)]

    def summary(self) -> str:
        if self.reset and not self.criteria:
            return f"The selection is cleared: we are back to all {self.total:,} {self.noun}."
        if self.size == 0:
            return nothing(self.noun, self.description,
                           "the selection is now empty; filter differently or reset it")
        share = f"{self.size / self.total:.1%}" if self.total else "0%"
        return f"Now looking at {self.description}: {self.size:,} of {self.total:,} ({share})."


def _phrase(ids: list[int]) -> str:
    if len(ids) > 2 and ids == list(range(ids[0], ids[-1] + 1)):
        return f"with ids {ids[0]} to {ids[-1]}"
    shown = ", ".join(map(str, ids[:8])) + (" ..." if len(ids) > 8 else "")
    return f"with id{'s' if len(ids) > 1 else ''} {shown}"


def _contains_mask(texts: pd.Series, phrase: str) -> pd.Series:
    words = [re.escape(w) for w in phrase.split()]
    if not words:
        raise UserError("Give a word or phrase to look for.")
    pattern = r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"
    return texts.str.contains(pattern, flags=re.IGNORECASE, regex=True)


def _conditions(ctx: ToolContext, args: FilterArgs) -> tuple[pd.Series, list[str], dict[str, Any]]:
    """The ANDed mask over all items, its clauses in words, and the criteria as given."""
    import pandas as pd

    assert ctx.data is not None
    data = ctx.data
    frame = data.frame
    mask = pd.Series(True, index=frame.index)
    clauses: list[str] = []
    crit: dict[str, Any] = {}
    if args.ids is not None:
        ids = check_ids(data, parse_ids(args.ids))
        mask &= frame.index.isin(ids)
        clauses.append(_phrase(ids))
        crit["ids"] = ids
    if args.split is not None:
        if not data.has_split:
            raise UserError(f"{data.name} has no split column, so there is no {args.split} split.")
        mask &= frame.index.isin(split_ids(data, data.ids, args.split))
        clauses.append("from the held-out test split" if args.split == "test"
                       else "from the training split")
        crit["split"] = args.split
    if args.label is not None:
        name = gold_label(data, args.label)
        mask &= frame["label"].astype(str) == name
        clauses.append(f"labelled {name}")
        crit["label"] = name
    if args.predicted is not None or args.correct is not None:
        predictions.require_classifier(ctx)
        if args.predicted is not None:
            label = ctx.target.labels[ctx.target.label_index(args.predicted)]
        if args.correct is not None:
            predictions.check_comparable(ctx)
        pred = predictions.frame(ctx)
        if args.predicted is not None:
            mask &= pred["predicted"] == label
            clauses.append(f"that the model predicts {label}")
            crit["predicted"] = label
        if args.correct is not None:
            mask &= pred["correct"].fillna(False).astype(bool) == args.correct
            if not args.correct:
                mask &= pred["correct"].notna()
            clauses.append("that the model got right" if args.correct
                           else "that the model got wrong")
            crit["correct"] = args.correct
    if args.contains is not None:
        mask &= _contains_mask(frame["text"].astype(str), args.contains)
        clauses.append(f"that mention '{args.contains.strip()}'")
        crit["contains"] = args.contains.strip()
    if args.min_words is not None or args.max_words is not None:
        lo, hi = args.min_words, args.max_words
        if lo is not None and hi is not None and lo > hi:
            raise UserError(f"min_words ({lo}) is larger than max_words ({hi}); "
                            "nothing could match.")
        n = word_counts(frame["text"])
        if lo is not None:
            mask &= n >= lo
        if hi is not None:
            mask &= n <= hi
        clauses.append(f"of {lo} to {hi} words" if lo is not None and hi is not None
                       else f"of at least {lo} words" if lo is not None
                       else f"of at most {hi} words")
        crit.update({k: v for k, v in (("min_words", lo), ("max_words", hi)) if v is not None})
    if args.similar_to is not None:
        from .data.embeddings import similarities

        sims = similarities(ctx, args.similar_to)
        mask &= pd.Series(sims >= args.min_similarity, index=frame.index)
        short = args.similar_to if len(args.similar_to) <= 40 else args.similar_to[:37] + "..."
        clauses.append(f"similar to \"{short}\" (cosine at least {args.min_similarity:g})")
        crit.update(similar_to=args.similar_to, min_similarity=args.min_similarity)
    if args.where is not None:
        from .tabular.conditions import describe, parse_conditions
        from .tabular.conditions import mask as feature_mask

        schema = getattr(ctx.target, "schema", None)
        if schema is None:
            raise UserError("Conditions on feature values need a table model; filter texts by "
                            "a word, a label or a length.")
        groups = parse_conditions(args.where, schema)
        mask &= pd.Series(feature_mask(frame, groups, schema), index=frame.index)
        clauses.append(f"with {describe(groups)}")
        crit["where"] = describe(groups)
    if args.column is not None or args.value is not None:
        if args.column is None or args.value is None:
            raise UserError("To filter on a column, give both the column and the value "
                            "it must equal.")
        cols = [c for c in frame.columns if c not in ("text",)]
        col = next((c for c in cols if c.lower() == args.column.strip().lower()), None)
        if col is None:
            raise NotFoundError(f"There is no column {args.column!r} in {data.name}; "
                                f"the columns are: {', '.join(['text', *cols])}.")
        mask &= frame[col].astype(str).str.lower() == args.value.strip().lower()
        clauses.append(f"whose {col} is '{args.value.strip()}'")
        crit["column"] = {col: args.value.strip()}
    return mask.astype(bool), clauses, crit


@tool("filter", FilterArgs, scope="dataset", updates={"subset"}, needs_data=True)
def filter_items(ctx: ToolContext, args: FilterArgs) -> FilterResult:
    """Set the conversation's current subset (by ids, gold label, predicted label, correctness,
    word or phrase, length, similarity, split or column; and/or/not) and report its size."""
    assert ctx.data is not None
    data = ctx.data
    total = len(data)
    previous = ctx.subset
    if args.reset:
        ctx.subset = previous = None
    mask, clauses, crit = _conditions(ctx, args)
    if not clauses:
        if args.reset:
            return FilterResult(size=total, total=total, description=f"all {noun(data)}",
                                reset=True, noun=noun(data))
        raise UserError("Tell me what to select: ids, a gold label, the predicted label, right or "
                        "wrong predictions, a word, a length, a split, or a text to be similar to.")
    what = " and ".join(clauses)
    if args.negate:
        mask = ~mask
        crit = {"not": crit}
    if previous is None or args.combine == "replace":
        description = (f"all {noun(data)} except those {what}" if args.negate
                       else f"{noun(data)} {what}")
    else:
        current = data.frame.index.isin(previous.ids)
        if args.combine == "and":
            mask &= current
            description = (f"{previous.description}, except those {what}" if args.negate
                           else f"{previous.description} and {what}")
        else:
            mask |= current
            description = (
                f"{previous.description}, plus all other {noun(data)} except those {what}"
                if args.negate else f"{previous.description}, or {noun(data)} {what}")
        crit = {args.combine: [previous.criteria, crit]}
    ids = [int(i) for i in data.frame.index[mask.to_numpy()]]
    ctx.subset = Subset(ids=ids, description=description, criteria=crit)
    return FilterResult(size=len(ids), total=total, description=description, criteria=crit,
                        previous_size=None if previous is None else len(previous.ids),
                        reset=args.reset, preview=ids[:10], noun=noun(data))
