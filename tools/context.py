"""What a tool runs against: the loaded target, the dataset, the current subset and a cache.

The context memoises forward passes within and across questions (keyed by the target's
fingerprint), so that predict, attribute and faithfulness share one prediction of the same text.

It also carries the turn's limits, a cooperative cancellation token: a Python thread cannot be
killed, so Ctrl-C in the REPL and the server's request timeout only set a flag, and long loops
call `ctx.check()` between batches, which raises `CancelledByUser` or `ToolTimeout`. Limits are
scoped to one turn (`with ctx.limits(deadline_s=..., cancel=event):`) and also to the running
thread, so code that has no ctx (or a memoised closure over another conversation's ctx) can call
`check_limits()`, and the server's work queue can limit a job without knowing its conversation.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from .errors import CancelledByUser, ToolTimeout, UserError

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


PROBS_CHUNK = 256  # texts per forward call in `ToolContext.probs`: what a cancel may wait for


@dataclass(frozen=True)
class Limits:
    """When a turn must stop: one of its cancel `events` is set, or `time.monotonic()` passed
    `deadline` (`budget_s` is the time limit it came from, for the message)."""

    deadline: float | None = None
    budget_s: float | None = None
    events: tuple[threading.Event, ...] = ()

    def within(self, deadline_s: float | None = None,
               cancel: threading.Event | None = None) -> Limits:
        """These limits and more (nested scopes combine: the earlier deadline, every event)."""
        deadline, budget = self.deadline, self.budget_s
        if deadline_s is not None:
            mine = time.monotonic() + deadline_s
            if deadline is None or mine < deadline:
                deadline, budget = mine, deadline_s
        events = self.events
        if cancel is not None and all(cancel is not e for e in events):
            events = (*events, cancel)
        return Limits(deadline, budget, events)

    @property
    def cancelled(self) -> bool:
        return any(e.is_set() for e in self.events)

    def check(self) -> None:
        """Raise CancelledByUser or ToolTimeout when the turn must stop."""
        if self.cancelled:
            raise CancelledByUser("Cancelled: the question was stopped before it was answered, "
                                  "and the conversation is as it was before it.")
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise ToolTimeout(f"Answering took longer than its time limit of "
                              f"{max(0.0, self.budget_s or 0.0):g} s, so it was stopped and not "
                              "added to the conversation.",
                              hint="Ask again, perhaps about a shorter text or a smaller sample.")


NO_LIMITS = Limits()
_thread = threading.local()


def thread_limits() -> Limits:
    """The limits of the turn running on this thread (none outside a turn)."""
    return getattr(_thread, "limits", NO_LIMITS)  # type: ignore[no-any-return]


def check_limits() -> None:
    """`ToolContext.check()` for code without a ctx: this thread's turn's limits."""
    thread_limits().check()


@contextmanager
def turn_limits(deadline_s: float | None = None,
                cancel: threading.Event | None = None) -> Iterator[Limits]:
    """Limit whatever runs on this thread inside the block; the outer limits come back after."""
    outer = thread_limits()
    _thread.limits = scoped = outer.within(deadline_s, cancel)
    try:
        yield scoped
    finally:
        _thread.limits = outer


@dataclass
class ToolContext:
    target: Target
    data: Dataset | None = None
    subset: Subset | None = None
    seed: int = 0
    cache: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    cache_size: int = 4096
    # the current turn's limits; not an __init__ field, so a copy (dataclasses.replace) starts free
    _limits: Limits = field(default=NO_LIMITS, init=False, repr=False, compare=False)

    # ---- the turn's limits ------------------------------------------------------------------
    @contextmanager
    def limits(self, deadline_s: float | None = None,
               cancel: threading.Event | None = None) -> Iterator[Limits]:
        """Scope a turn: `check()` raises once `cancel` is set or `deadline_s` seconds have
        passed. The previous limits come back afterwards, so a cancelled turn does not poison
        the next one (give each turn its own event)."""
        saved = self._limits
        with turn_limits(deadline_s, cancel) as scoped:
            self._limits = scoped
            try:
                yield scoped
            finally:
                self._limits = saved

    @property
    def deadline(self) -> float | None:
        """When the current turn must stop (`time.monotonic()` seconds), or None."""
        found = [d for d in (self._limits.deadline, thread_limits().deadline) if d is not None]
        return min(found, default=None)

    @property
    def cancelled(self) -> bool:
        return self._limits.cancelled or thread_limits().cancelled

    def check(self) -> None:
        """Call between batches of long work: raises CancelledByUser when the turn was
        cancelled, ToolTimeout when it is past its deadline; otherwise returns at once."""
        self._limits.check()
        here = thread_limits()
        if here is not self._limits:
            here.check()

    # ---- inputs -----------------------------------------------------------------------------
    def resolve(self, id: int | None = None, text: str | None = None) -> InputRef:
        """Turn `id` or `text` into the input, with the user-facing errors for bad ones."""
        if id is not None and text:
            raise UserError("Give either an id or a text, not both.")
        if id is not None:
            if self.data is None:
                raise UserError("There is no dataset loaded, so ids mean nothing; "
                                "give a text instead.")
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
        if len(missing) > PROBS_CHUNK:  # length-sorted chunks pad as little as one big call
            missing.sort(key=len)
        for start in range(0, len(missing), PROBS_CHUNK):
            self.check()
            chunk = missing[start:start + PROBS_CHUNK]
            fresh = self.target.predict_proba(chunk)  # type: ignore[attr-defined]
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
            parts.append(self.target.predict_proba(  # type: ignore[attr-defined]
                texts[start:start + PROBS_CHUNK], batch_size=batch_size))
        return np.concatenate(parts)
