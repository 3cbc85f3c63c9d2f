"""What a tool runs against: the loaded target, the dataset, the current subset and a cache.

The context memoises forward passes within and across questions (keyed by the target's
fingerprint), so that predict, attribute and faithfulness share one prediction of the same text.

It also carries the current turn (`turn.py`): its limits, which `check()` enforces between
batches, and its progress callback, which `progress()` reports to. `for_conversation()` is the one
way to make a conversation's context from the loaded one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from .errors import UserError
from .turn import NO_LIMITS, Limits, OnProgress, ProgressEvent

if TYPE_CHECKING:
    import numpy as np

    from .data.dataset import Dataset
    from .target.base import Target
    from .target.causal_lm import HFCausalLM
    from .target.classifier import HFClassifier


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
    noun: str = "item"
    name: str | None = None  # the user's id as answers write it ("A-1005"); default: `id`

    @property
    def referent(self) -> str:
        if self.id is not None:
            return f"{self.noun} #{self.id if self.name is None else self.name}"
        short = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return f'"{short}"'


def keyed(data: Dataset | None, args: dict[str, Any]) -> dict[str, Any]:
    """Tool arguments with their `id` as the item's key, for the dialogue state (which keeps
    keys) after a call named the item by the user's id; arguments without an id, or with one
    no item has, come back as they are."""
    item = args.get("id")
    if item is None or isinstance(item, int) or data is None:
        return args
    try:
        return {**args, "id": data.key(item)}
    except UserError:
        return args


PROBS_CHUNK = 256  # texts per forward call in `ToolContext.probs`: what a cancel may wait for


@dataclass
class ToolContext:
    target: Target
    data: Dataset | None = None
    subset: Subset | None = None
    seed: int = 0
    cache: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    cache_size: int = 4096
    # the current turn's limits and progress callback; not __init__ fields, so a copy starts free
    _limits: Limits = field(default=NO_LIMITS, init=False, repr=False, compare=False)
    _on_progress: OnProgress | None = field(default=None, init=False, repr=False, compare=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False,
                                   compare=False)

    def for_conversation(self) -> ToolContext:
        """The context of one more conversation over this one's target and data.

        The rule, written once: conversations share the loaded target, the dataset and the memo
        cache (a forward pass depends only on the target and the text, so every conversation may
        reuse it; the cache has its own lock), and each has its own subset and turn."""
        mine = ToolContext(target=self.target, data=self.data, seed=self.seed, cache=self.cache,
                           cache_size=self.cache_size)
        mine._lock = self._lock
        return mine

    # ---- the turn: limits and progress --------------------------------------------------------
    @contextmanager
    def turn(self, limits: Limits | None = None,
             on_progress: OnProgress | None = None) -> Iterator[Limits]:
        """Scope a turn: `check()` raises once its limits are reached, `progress()` reports to
        `on_progress`. Nested scopes combine their limits; the outer ones come back afterwards,
        so a cancelled turn does not poison the next one (give each turn its own event)."""
        saved, saved_progress = self._limits, self._on_progress
        self._limits = saved.combined(limits or NO_LIMITS)
        self._on_progress = on_progress or saved_progress
        try:
            yield self._limits
        finally:
            self._limits, self._on_progress = saved, saved_progress

    @property
    def limits(self) -> Limits:
        """The current turn's limits."""
        return self._limits

    def check(self) -> None:
        """Call between batches of long work: raises CancelledByUser when the turn was
        cancelled, ToolTimeout when it is past its deadline; otherwise returns at once."""
        self._limits.check()

    def progress(self, done: int, total: int, what: str) -> None:
        """Tell whoever started the turn how far a long loop is (`done` of `total`)."""
        if self._on_progress is not None:
            self._on_progress(ProgressEvent("tool", what, done, total))

    def stage(self, stage: str, message: str) -> None:
        """Tell whoever started the turn which stage it is in (planning, running, writing)."""
        if self._on_progress is not None:
            self._on_progress(ProgressEvent(stage, message))

    # ---- the target, typed -------------------------------------------------------------------
    @property
    def classifier(self) -> HFClassifier:
        """The target as a classifier (a UserError for other kinds)."""
        from .target.classifier import HFClassifier

        if not isinstance(self.target, HFClassifier):
            raise UserError(f"That needs a classifier; {self.target.name} is a "
                            f"{self.target.kind.replace('_', ' ')}.")
        return self.target

    @property
    def lm(self) -> HFCausalLM:
        """The target as a causal language model (a UserError for other kinds)."""
        from .target.causal_lm import HFCausalLM

        if not isinstance(self.target, HFCausalLM):
            raise UserError(f"That needs a language model; {self.target.name} is a "
                            f"{self.target.kind.replace('_', ' ')}.")
        return self.target

    # ---- inputs -----------------------------------------------------------------------------
    def key(self, id: int | str) -> int:
        """The key of the item a tool argument names: the user's id as the data writes it
        ("CASE-7", 12), or a key the planner read a name into; an id no item has is a
        UserError naming a few real ids (`Dataset.key`, the one place ids are looked up)."""
        if self.data is None:
            raise UserError("There is no dataset loaded, so ids mean nothing; "
                            "give a text instead.")
        return self.data.key(id)

    def shown(self, key: int) -> str:
        """The user's id of the item with this key, as answers write it."""
        return str(key) if self.data is None else self.data.shown(key)

    def resolve(self, id: int | str | None = None, text: str | None = None) -> InputRef:
        """Turn `id` (the user's id, see `key`) or `text` into the input, with the
        user-facing errors for bad ones."""
        if id is not None and text:
            raise UserError("Give either an id or a text, not both.")
        if id is not None:
            key = self.key(id)
            assert self.data is not None
            row = self.data.row(key)
            gold = row.get("label") if self.data.has_labels else None
            return InputRef(text=str(row["text"]), id=key,
                            gold=None if gold is None else str(gold), noun=self.data.item_name,
                            name=self.data.shown(key))
        if text is None or not str(text).strip():
            raise UserError("Tell me which input: an id from the dataset or a text.")
        return InputRef(text=str(text))

    def items(self, ids: list[int] | list[int | str] | None = None) -> list[int]:
        """Keys to work on: those of the given ids, else the current subset, else the whole
        dataset."""
        if self.data is None:
            raise UserError("There is no dataset loaded; start saywhy with --data FILE.")
        if ids is not None:
            return [self.data.key(i) for i in ids]
        if self.subset is not None:
            return list(self.subset.ids)
        return self.data.ids

    # ---- memoised model calls --------------------------------------------------------------
    def memo(self, key: tuple[Any, ...], compute: Any) -> Any:
        full = (self.target.fingerprint, *key)
        with self._lock:
            if full in self.cache:
                self.cache.move_to_end(full)
                return self.cache[full]
        value = compute()
        with self._lock:
            self.cache[full] = value
            while len(self.cache) > self.cache_size:
                self.cache.popitem(last=False)
        return value

    def probs(self, texts: list[str]) -> np.ndarray:
        """Classifier probabilities for texts, each text computed once per target."""
        import numpy as np

        known: dict[str, Any] = {}
        with self._lock:
            for t in dict.fromkeys(texts):
                key = (self.target.fingerprint, "p", t)
                if key in self.cache:
                    known[t] = self.cache[key]
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if len(missing) > PROBS_CHUNK:  # length-sorted chunks pad as little as one big call
            missing.sort(key=len)
        for start in range(0, len(missing), PROBS_CHUNK):
            self.check()
            chunk = missing[start:start + PROBS_CHUNK]
            fresh = self.classifier.predict_proba(chunk)
            for t, p in zip(chunk, fresh, strict=True):
                known[t] = self.memo(("p", t), lambda p=p: p)
        if not texts:
            return np.zeros((0, len(self.target.labels)), dtype=np.float32)
        return np.stack([known[t] for t in texts])

    def probs_uncached(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Probabilities for many throw-away texts (perturbations, edits): not memoised, and
        predicted in chunks with a `check()` before each."""
        import numpy as np

        parts = [np.zeros((0, len(self.target.labels)), dtype=np.float32)]
        for start in range(0, len(texts), PROBS_CHUNK):
            self.check()
            parts.append(self.classifier.predict_proba(texts[start:start + PROBS_CHUNK],
                                                       batch_size=batch_size))
        return np.concatenate(parts)
