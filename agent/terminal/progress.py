"""What a turn or a load is doing, drawn on the screen: a spinner with the stage, and a bar with
done/total for each long loop (e.g. "Predicting 12,808 texts with demo-sentiment (once)").

Progress events arrive on other threads (the turn's worker, the demo's training loop), so
`ProgressBoard.report` only records them under a lock; the screen is redrawn by rich's `Live`,
which asks the board for a fresh picture on every refresh. Nothing is drawn when the console is
not a terminal (piped output stays free of escape codes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.markup import escape
from rich.progress_bar import ProgressBar
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from saywhy.tools.turn import OnProgress, ProgressEvent

STAGES = {"planning": "Planning", "running": "Running", "writing": "Writing the answer"}


@dataclass
class _Loop:
    """One long loop's progress: how much of how much, and since when (for the time left)."""

    done: int
    total: int
    since: float


class ProgressBoard:
    """The latest stage and the loops still running; `report` is the `OnProgress` callback."""

    def __init__(self, headline: str, hint: str = "") -> None:
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self.headline = headline  # what the spinner says before the first event
        self.hint = hint  # dim text after the time, e.g. "(Ctrl-C cancels)"
        self._stage = ""
        self._loops: dict[str, _Loop] = {}
        self._spinner = Spinner("dots", style="cyan")  # one object: it turns as time passes

    def report(self, event: ProgressEvent) -> None:
        """Record an event (any thread): a stage replaces the last one and its loops; a loop
        gets a bar until it is done."""
        with self._lock:
            if event.total is None or event.done is None:  # a new stage: its loops are over
                words = event.message
                if event.stage == "running" and words.startswith("running "):
                    self._stage = "Running " + words[len("running "):]
                else:
                    self._stage = STAGES.get(event.stage) or words[:1].upper() + words[1:]
                self._loops.clear()
                return
            if event.done >= event.total:
                self._loops.pop(event.message, None)
            elif event.message in self._loops:
                self._loops[event.message].done = event.done
            else:
                self._loops[event.message] = _Loop(event.done, event.total, time.monotonic())

    def set_headline(self, headline: str, hint: str = "") -> None:
        """Say something else than the stage (e.g. "Cancelling…"), with its own hint."""
        with self._lock:
            self.headline, self.hint, self._stage = headline, hint, ""

    def __rich__(self) -> RenderableType:
        with self._lock:
            words = self._stage or self.headline
            elapsed = time.monotonic() - self._started
            line = Text.from_markup(f"{escape(words)}… {elapsed:.0f} s"
                                    + (f"  [dim]{escape(self.hint)}[/dim]" if self.hint else ""))
            loops = [(what, loop.done, loop.total, loop.since)
                     for what, loop in self._loops.items()]
        spinner = self._spinner
        spinner.update(text=line)
        if not loops:
            return spinner
        bars = Table.grid(padding=(0, 1))
        for _ in range(4):
            bars.add_column()
        now = time.monotonic()
        for what, done, total, since in loops:
            bars.add_row(Text("  " + what), ProgressBar(total=total, completed=done, width=30),
                         Text(f"{done:,}/{total:,}", style="dim"),
                         Text(_time_left(done, total, now - since), style="dim"))
        return Group(spinner, bars)


def _time_left(done: int, total: int, seconds: float) -> str:
    if done <= 0 or seconds < 1.0:
        return ""
    left = seconds / done * (total - done)
    return f"{left:.0f} s left" if left < 120 else f"{left / 60:.0f} min left"


class LiveBoard:
    """A board on the screen while it is shown; start it late (`show`) so that quick work draws
    nothing, stop it (`close`) before printing anything else."""

    def __init__(self, console: Console, board: ProgressBoard) -> None:
        self.console, self.board = console, board
        self._live: Live | None = None

    def show(self) -> None:
        if self._live is None and self.console.is_terminal:
            self._live = Live(self.board, console=self.console, transient=True,
                              refresh_per_second=10)
            self._live.start()

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


@contextmanager
def live_progress(console: Console, headline: str) -> Iterator[OnProgress]:
    """A spinner saying `headline` (then each stage), with a bar per long loop, while the block
    runs; yields the callback to pass as `on_progress`. Used around loading a target, which may
    build the demo model the first time."""
    board = ProgressBoard(headline)
    shown = LiveBoard(console, board)
    shown.show()
    try:
        yield board.report
    finally:
        shown.close()
