"""Run one conversation turn in a worker thread, so that the screen stays live and Ctrl-C can
stop it.

There is one way to stop a turn: its cancel event. Each turn gets a fresh event, passed to
`Conversation.ask(limits=Limits.of(cancel=...))`; Ctrl-C sets it and the turn stops at its next
`ctx.check()` (between tool calls, between the batches of a tool's loop, before the answer is
recorded), raising `CancelledByUser` after `Conversation.ask` itself has put the dialogue state
back as it was before the question. A Python thread cannot be killed, so a step without checks
(one long forward pass) runs to its end first; a second Ctrl-C stops waiting for it: the turn
finishes in the background, its answer is dropped (it stops at its next check, so the state is
restored all the same), and the next turn waits for it before it starts.

While a turn runs the runner owns SIGINT (its own handler, whatever the process inherited: a
process started in the background by a non-interactive shell inherits SIGINT ignored), and draws
the turn's progress from `on_progress`: a spinner with the stage, bars for long loops.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

from rich.console import Console

from saywhy.tools.errors import CancelledByUser
from saywhy.tools.turn import Limits

from .progress import LiveBoard, ProgressBoard

if TYPE_CHECKING:
    from saywhy.agent.answer import Answer
    from saywhy.agent.conversation import Conversation

SPINNER_AFTER = 0.5  # seconds before the spinner appears: quick answers draw nothing
POLL = 0.05  # seconds between looks at the turn (and the screen's refresh of the hint)
HINT = "(Ctrl-C cancels)"
CANCELLING = ("Cancelling: the question stops at its next check",
              "(Ctrl-C again to stop waiting)")


class Turn:
    """One question on its way: the event that stops it, whether the user stopped waiting, and
    how it ended (an answer, CancelledByUser, or another error for the caller)."""

    def __init__(self, question: str) -> None:
        self.question = question
        self.cancel = threading.Event()  # the turn's limits: set by the first Ctrl-C
        self.abandoned = threading.Event()  # set by a second Ctrl-C: nobody waits any more
        self.done = threading.Event()  # set by the worker when ask() returned or raised
        self.answer: Answer | None = None
        self.stopped = False  # ended by its cancel event, with the state restored
        self.error: BaseException | None = None

    def press(self) -> None:
        """Ctrl-C: the first stops the turn at its next check, the next ones stop waiting."""
        if self.cancel.is_set():
            self.abandoned.set()
        self.cancel.set()


class TurnRunner:
    """Runs `Conversation.ask` turns one at a time, with a live progress display and Ctrl-C."""

    def __init__(self, console: Console, *, spinner_after: float = SPINNER_AFTER) -> None:
        self.console = console
        self.spinner_after = spinner_after
        self._turn: Turn | None = None
        self._abandoned: Turn | None = None  # stopped waiting for it; it may still run

    def ask(self, conversation: Conversation, question: str) -> Answer | None:
        """The answer, or None when Ctrl-C stopped the turn (or the waiting for it). An
        exception from ask() is raised here. Waits for an abandoned turn first."""
        if not self.wait_idle():
            self.console.print("[yellow]Not asked:[/yellow] the cancelled question is still "
                               "finishing; ask again in a moment.")
            return None
        turn = Turn(question)
        board = ProgressBoard("Thinking", HINT)
        thread = threading.Thread(target=self._work, args=(conversation, turn, board),
                                  name="saywhy-turn", daemon=True)
        self._turn = turn
        with self._owning_ctrl_c(turn):
            thread.start()
            self._wait(turn, board)
        return self._outcome(turn)

    @staticmethod
    def _work(conversation: Conversation, turn: Turn, board: ProgressBoard) -> None:
        try:
            turn.answer = conversation.ask(turn.question, limits=Limits.of(cancel=turn.cancel),
                                           on_progress=board.report)
        except CancelledByUser:
            turn.stopped = True
        except BaseException as exc:  # handed to the main thread, which shows it
            turn.error = exc
        finally:
            turn.done.set()

    def _wait(self, turn: Turn, board: ProgressBoard) -> None:
        """Until the turn is done or the user stopped waiting; the board appears after
        `spinner_after` seconds and says "Cancelling…" once Ctrl-C was pressed."""
        shown = LiveBoard(self.console, board)
        show_at = time.monotonic() + self.spinner_after
        cancelling = False
        try:
            while not turn.done.is_set() and not turn.abandoned.is_set():
                try:
                    if turn.done.wait(POLL):
                        break
                except KeyboardInterrupt:  # SIGINT reached Python's own handler after all
                    turn.press()
                if turn.cancel.is_set() and not cancelling:
                    cancelling = True
                    board.set_headline(*CANCELLING)
                if cancelling or time.monotonic() >= show_at:
                    shown.show()
        finally:
            shown.close()

    def _outcome(self, turn: Turn) -> Answer | None:
        if not turn.done.is_set():
            self._abandoned = turn
            self.console.print("[yellow]Stopped waiting.[/yellow] The question finishes in the "
                               "background; its answer will be dropped and the conversation "
                               "stays as it was before it.")
            return None
        if turn.stopped:
            self.console.print("[yellow]Cancelled.[/yellow] The conversation is as it was "
                               "before that question.")
            return None
        if turn.error is not None:
            raise turn.error
        return turn.answer  # also when Ctrl-C came after its last check: it was answered

    def idle(self) -> bool:
        """No turn is running (an abandoned one may still be)."""
        return self._turn is None or self._turn.done.is_set()

    def wait_idle(self) -> bool:
        """Before a new turn or a command that reads the state: let an abandoned turn finish.
        False if the user pressed Ctrl-C instead of waiting (it is still running)."""
        turn = self._abandoned
        if turn is None:
            return True
        if not turn.done.is_set():
            board = ProgressBoard("Waiting for the cancelled question to finish",
                                  "(Ctrl-C to stop waiting)")
            waiting = Turn(turn.question)
            waiting.cancel.set()  # any Ctrl-C now only stops the waiting
            with self._owning_ctrl_c(waiting):
                shown = LiveBoard(self.console, board)
                try:
                    while not turn.done.is_set() and not waiting.abandoned.is_set():
                        try:
                            turn.done.wait(POLL)
                        except KeyboardInterrupt:
                            waiting.press()
                        shown.show()
                finally:
                    shown.close()
            if not turn.done.is_set():
                return False
        self._abandoned = None
        if turn.answer is not None:  # it was past its last check when Ctrl-C came
            self.console.print("[dim]The cancelled question had already been answered when "
                               "it was stopped, so it stays in the conversation.[/dim]")
        return True

    @contextmanager
    def _owning_ctrl_c(self, turn: Turn) -> Iterator[None]:
        """While the block runs, Ctrl-C presses `turn` instead of raising KeyboardInterrupt
        (only the main thread can own signals; elsewhere the block runs as it is)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def on_sigint(signum: int, frame: FrameType | None) -> None:
            turn.press()

        previous = signal.signal(signal.SIGINT, on_sigint)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)
