"""`show`: read dataset items — text, gold label, the model's prediction — a page at a time."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .context import ToolContext
from .data import predictions
from .data.views import check_ids, clip, count, nothing, noun, parse_ids, scope
from .errors import UserError
from .inputs import ID_HELP, ItemId
from .registry import Result, ToolArgs, tool
from .views import Column, Table, View


class ShowArgs(ToolArgs):
    """Show one item (`id`), several (`ids`: a list or a range "10-20"), or the current subset."""

    id: ItemId | None = Field(default=None, description="One dataset item. " + ID_HELP)
    ids: list[ItemId] | int | str | None = Field(
        default=None, description='Several items: a list of ids, a range of numbers "10-20", or '
                                  'ids separated by commas.')
    page: int = Field(default=1, ge=1, description="1-based page number.")
    page_size: int = Field(default=10, ge=1, le=100, description="Items per page.")


class ShownItem(BaseModel):
    id: int
    name: str | None = None  # the user's id, when it is not the number `id`
    text: str
    gold: str | None = None
    predicted: str | None = None
    confidence: float | None = None
    correct: bool | None = None
    split: str | None = None


class ShowResult(Result):
    what: str
    total: int
    page: int
    pages: int
    items: list[ShownItem] = Field(default_factory=list)
    noun: str = "items"
    noun_one: str = "item"

    def views(self) -> list[View]:
        """The page of items as a table (the columns the data has)."""
        if not self.items:
            return []
        pages = f" — page {self.page} of {self.pages}" if self.pages > 1 else ""
        names = {"id": Column(name="id", type="id"), "gold": Column(name="gold"),
                 "predicted": Column(name="predicted"),
                 "confidence": Column(name="conf", type="float"),
                 "correct": Column(name="ok", type="bool"), "split": Column(name="split"),
                 "text": Column(name="text", type="text")}
        items = [{**it.model_dump(), "id": it.name or it.id, "text": clip(it.text)}
                 for it in self.items]
        keep = [k for k in names if any(it[k] not in (None, "") for it in items)]
        return [Table(title=f"{self.what} ({self.total:,}){pages}",
                      columns=[names[k] for k in keep],
                      rows=[[it[k] for k in keep] for it in items])]

    def summary(self) -> str:
        if self.total == 0:
            return nothing(self.noun, self.what, "there is nothing to show")
        if not self.items:
            return f"There are only {self.pages} page(s) of {self.what}; page {self.page} is empty."
        lines = []
        if self.total > 1:
            span = f"page {self.page} of {self.pages}" if self.pages > 1 else "all of them"
            lines.append(f"{self.what[0].upper()}{self.what[1:]}: {self.total:,} in all, {span}:")
        for it in self.items:
            parts = [f"{self.noun_one} #{it.name or it.id}"]
            if it.gold is not None:
                parts.append(f"gold {it.gold}")
            if it.predicted is not None:
                verdict = "" if it.correct is None else (" (right)" if it.correct else " (wrong)")
                parts.append(f"predicted {it.predicted} {it.confidence:.2f}{verdict}")
            if it.split:
                parts.append(it.split)
            lines.append(f"- {', '.join(parts)}: \"{clip(it.text)}\"")
        return "\n".join(lines)


def _items(ctx: ToolContext, ids: list[int]) -> list[ShownItem]:
    import pandas as pd

    assert ctx.data is not None
    if ctx.target.kind == "classifier":
        rows = predictions.frame(ctx, ids)
    else:
        rows = ctx.data.frame.loc[ids]
    out = []
    for i, row in rows.iterrows():
        rec: dict[str, Any] = {"id": int(i), "text": str(row["text"])}
        if ctx.data.names is not None:
            rec["name"] = ctx.data.shown(int(i))
        if "label" in row and not pd.isna(row["label"]):
            rec["gold"] = str(row["label"])
        if "predicted" in row:
            rec.update(predicted=str(row["predicted"]),
                       confidence=round(float(row["confidence"]), 4))
            ok = row.get("correct")
            rec["correct"] = None if ok is None or pd.isna(ok) else bool(ok)
        if "split" in row:
            rec["split"] = str(row["split"])
        out.append(ShownItem(**rec))
    return out


@tool("show", ShowArgs, scope="dataset", updates={"focus"}, needs_data=True)
def show(ctx: ToolContext, args: ShowArgs) -> ShowResult:
    """Show the text, gold label, prediction and id of one item, of several ids or a range, or
    of the current subset, paginated."""
    assert ctx.data is not None
    data = ctx.data
    if args.id is not None and args.ids is not None:
        raise UserError("Give either one id or a list/range of ids, not both.")
    if args.id is not None:
        key = ctx.key(args.id)
        ids, what = [key], f"{noun(data, 1)} #{data.shown(key)}"
    elif args.ids is not None:
        ids = check_ids(data, parse_ids(args.ids, data))
        what = f"the {count(len(ids), data)} asked for"
    else:
        ids, what = scope(ctx)
    pages = max(1, -(-len(ids) // args.page_size))
    start = (args.page - 1) * args.page_size
    chosen = ids[start:start + args.page_size]
    items = _items(ctx, chosen) if chosen else []
    return ShowResult(what=what, total=len(ids), page=args.page, pages=pages, items=items,
                      noun=noun(data), noun_one=noun(data, 1))
