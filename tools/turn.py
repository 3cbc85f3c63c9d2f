"""A turn's limits and progress: how a question is stopped, and how it says how far it is.

A Python thread cannot be killed, so stopping is cooperative: Ctrl-C in the REPL and the
server's request timeout set a cancel event or pass a deadline, and long loops call
`ctx.check()` between batches, which raises `CancelledByUser` or `ToolTimeout`. Progress goes the
other way: tools call `ctx.progress(done, total, what)` and the conversation reports its stages;
whoever started the turn decides what to do with them (a rich bar in the terminal, server-sent
events on the web, progress notifications over MCP). Both travel on the `ToolContext` for the
length of one turn (`with ctx.turn(limits, on_progress):`), never through globals or threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import CancelledByUser, ToolTimeout


@dataclass(frozen=True)
class Limits:
    """When a turn must stop: one of its cancel `events` is set, or `time.monotonic()` passed
    `deadline` (`budget_s` is the time limit it came from, for the message)."""

    deadline: float | None = None
    budget_s: float | None = None
    events: tuple[threading.Event, ...] = ()

    @classmethod
    def of(cls, deadline_s: float | None = None,
           cancel: threading.Event | None = None) -> Limits:
        """Limits `deadline_s` seconds from now and/or until `cancel` is set."""
        return NO_LIMITS.within(deadline_s, cancel)

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

    def combined(self, other: Limits) -> Limits:
        """Both limits: the earlier deadline, every event."""
        deadline, budget = self.deadline, self.budget_s
        if other.deadline is not None and (deadline is None or other.deadline < deadline):
            deadline, budget = other.deadline, other.budget_s
        extra = tuple(e for e in other.events if all(e is not x for x in self.events))
        return Limits(deadline, budget, self.events + extra)

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


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a turn: a `stage` ("planning", "running", "tool", "writing"), words for a
    person, and for long tool loops how much of how much is done."""

    stage: str
    message: str
    done: int | None = None
    total: int | None = None


OnProgress = Callable[[ProgressEvent], None]
