"""What a tool runs against: the loaded target, the dataset, the current subset and a cache.

The context memoises forward passes within and across questions (keyed by the target's
fingerprint), so that predict, attribute and faithfulness share one prediction of the same text.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from .errors import UserError

if TYPE_CHECKING:
    import numpy as np

    from .data.dataset import Dataset
    from .target.base import Target


class Subset(BaseModel):
    """The conversation's current subset: which ids, and how a person would describe it."""

    ids: list[int]
    description: str = Field(description="Plain words, e.g. \"reviews that mention 'acting'\".")
    criteria: dict[str, Any] = Field(default_factory=dict)


@dataclass
class InputRef:
    """The input a tool works on: a dataset item (`id`) or free text."""

    text: str
    id: int | None = None
    gold: str | None = None

    @property
    def referent(self) -> str:
        if self.id is not None:
            return f"review #{self.id}"
        short = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return f'"{short}"'


@dataclass
class ToolContext:
    target: Target
    data: Dataset | None = None
    subset: Subset | None = None
    seed: int = 0
    cache: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    cache_size: int = 4096

    # ---- inputs -----------------------------------------------------------------------------
    def resolve(self, id: int | None = None, text: str | None = None) -> InputRef:
        """Turn `id` or `text` into the input, with the user-facing errors for bad ones."""
        if id is not None and text:
            raise UserError("Give either an id or a text, not both.")
        if id is not None:
            if self.data is None:
                raise UserError("There is no dataset loaded, so ids mean nothing; give a text instead.")
            row = self.data.row(id)
            gold = row.get("label") if self.data.has_labels else None
            return InputRef(text=str(row["text"]), id=int(id),
                            gold=None if gold is None else str(gold))
        if text is None or not str(text).strip():
            raise UserError("Tell me which input: an id from the dataset or a text.")
        return InputRef(text=str(text))

    def items(self, ids: list[int] | None = None) -> list[int]:
        """Ids to work on: the given ones, else the current subset, else the whole dataset."""
        if self.data is None:
            raise UserError("There is no dataset loaded; start saywhy with --data FILE.")
        if ids is not None:
            for i in ids:
                self.data.row(i)
            return list(ids)
        if self.subset is not None:
            return list(self.subset.ids)
        return self.data.ids

    # ---- memoised model calls --------------------------------------------------------------
    def memo(self, key: tuple[Any, ...], compute: Any) -> Any:
        full = (self.target.fingerprint, *key)
        if full in self.cache:
            self.cache.move_to_end(full)
            return self.cache[full]
        value = compute()
        self.cache[full] = value
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)
        return value

    def probs(self, texts: list[str]) -> np.ndarray:
        """Classifier probabilities for texts, each text computed once per target."""
        import numpy as np

        known: dict[str, Any] = {}
        for t in dict.fromkeys(texts):
            key = (self.target.fingerprint, "p", t)
            if key in self.cache:
                known[t] = self.cache[key]
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = self.target.predict_proba(missing)  # type: ignore[attr-defined]
            for t, p in zip(missing, fresh, strict=True):
                known[t] = self.memo(("p", t), lambda p=p: p)
        if not texts:
            return np.zeros((0, len(self.target.labels)), dtype=np.float32)
        return np.stack([known[t] for t in texts])
