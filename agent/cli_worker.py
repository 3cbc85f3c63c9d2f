"""Run one conversation turn in a worker thread so that Ctrl-C can cancel it.

Cancelling is cooperative first: the turn's event is passed as `Conversation.ask(cancel=...)`,
Ctrl-C sets it, and the turn stops at its next `ctx.check()` (between tool calls and between the
batches of a tool's loop), raising `CancelledByUser` with the conversation's state restored.
If the worker has not stopped after CANCEL_GRACE seconds (a loop without checks), the main
thread falls back to raising `Cancelled` *inside* the worker thread (CPython's
PyThreadState_SetAsyncExc). It arrives at the worker's next Python bytecode — within a Python
loop at once, after a long C call (one batched forward pass) when that returns. `Cancelled` is a
BaseException, so no `except Exception` in the tools or the conversation swallows it; `with`
blocks release their locks on the way out. The exception is held back while the worker is
importing a module (a half imported torch would break every later turn). Because it can land
anywhere, even outside the conversation's own restore, the runner keeps its own snapshot of the
state: a cancelled turn leaves no trace (no history entry, no focus), whichever way it stopped,
and also when Ctrl-C came just after ask() returned.

A second Ctrl-C stops waiting: the turn finishes in the background, its answer is dropped and the
state is still restored; the next turn waits for it first.

Testing hook (documented, off by default): SAYWHY_TEST_SLOW_TOOL_SECONDS=N makes tool runs sleep
N seconds first, in 50 ms steps with a `ctx.check()` each, so tests can press Ctrl-C "during a
slow tool"; SAYWHY_TEST_SLOW_TOOL=NAME[,NAME] limits it to those tools.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console

from saywhy.tools.errors import CancelledByUser
from saywhy.tools.turn import Limits

SPINNER_AFTER = 0.5  # seconds before a spinner appears
CANCEL_GRACE = 1.0  # seconds a cancelled turn gets to stop at a check before it is interrupted
SLOW_ENV = "SAYWHY_TEST_SLOW_TOOL_SECONDS"
SLOW_TOOLS_ENV = "SAYWHY_TEST_SLOW_TOOL"


class Cancelled(BaseException):
    """Raised in the worker thread to abandon the turn (a BaseException on purpose)."""


def _importing(thread: threading.Thread) -> bool:
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def interrupt(thread: threading.Thread, exc: type[BaseException] = Cancelled) -> bool:
    """Raise `exc` in `thread` at its next bytecode, unless it is importing (then False).
    The caller makes sure the thread is still running the code it means to interrupt."""
    if thread.ident is None or _importing(thread):
        return False
    done = ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident),
                                                      ctypes.py_object(exc))
    return done == 1


class _NotATerminal:
    """sys.stderr as the tools see it during a turn: not a terminal, so their own progress bars
    (e.g. "Predicting 12,808 texts (once)") stay off instead of fighting the spinner for the
    same screen line. Everything else goes to the real stderr."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def spinner_owns_the_screen() -> Iterator[None]:
    saved = sys.stderr
    sys.stderr = _NotATerminal(saved)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stderr = saved


class _Turn:
    """One turn's flags: whether Ctrl-C was pressed, and whether the worker is inside ask()
    (only then may `Cancelled` be raised in it; `guard` makes check-and-raise atomic)."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.guard = threading.Lock()
        self.in_ask = False
        self.dropped = False  # the worker restored the state: the turn left no trace
        # set by the worker when it ends; not Thread.is_alive(), because a join() interrupted
        # by Ctrl-C marks a still running thread as stopped (CPython 3.11, bpo-45274)
        self.done = threading.Event()
        self.answer: Any = None
        self.error: BaseException | None = None


def _safe_point() -> None:
    """A pending async exception is delivered on entering a Python function or a loop."""
    for _ in range(2):
        pass


class TurnRunner:
    """Runs `conversation.ask` turns one at a time, with a spinner and Ctrl-C cancellation."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._turn_lock = threading.Lock()  # held by a worker for its turn and its restore
        self._thread: threading.Thread | None = None
        self._turn: _Turn | None = None

    def ask(self, conversation: Any, question: str) -> Any | None:
        """The answer, or None when cancelled. Exceptions from ask() are re-raised here."""
        turn = _Turn()
        thread = threading.Thread(target=self._work, args=(conversation, question, turn),
                                  name="saywhy-turn", daemon=True)
        self._thread, self._turn = thread, turn
        with spinner_owns_the_screen():
            thread.start()
            try:
                self._wait(turn, "Thinking…")
            except KeyboardInterrupt:
                with turn.guard:
                    turn.cancelled.set()
                if self._cancel(thread, turn) and not turn.dropped:
                    pass  # it had finished just before the Ctrl-C: keep the answer
                else:
                    return None
        if turn.error is not None:
            raise turn.error
        return turn.answer

    def _work(self, conversation: Any, question: str, turn: _Turn) -> None:
        try:
            self._turn_body(conversation, question, turn)
        finally:
            turn.done.set()

    def _turn_body(self, conversation: Any, question: str, turn: _Turn) -> None:
        with self._turn_lock:
            snapshot = conversation.state.model_copy(deep=True)
            try:
                with turn.guard:
                    turn.in_ask = not turn.cancelled.is_set()
                if turn.in_ask:
                    turn.answer = conversation.ask(question,
                                                   limits=Limits.of(cancel=turn.cancelled))
            except (Cancelled, CancelledByUser):
                pass
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                turn.error = exc
            while True:  # leave the interruptible region; swallow a late Cancelled
                try:
                    with turn.guard:
                        turn.in_ask = False
                    _safe_point()
                    break
                except Cancelled:
                    continue
            with turn.guard:  # decided atomically with the main thread's cancel
                turn.dropped = turn.cancelled.is_set()
            if turn.dropped:  # drop the turn: the state as it was before it
                conversation.state = snapshot
                conversation.ctx.subset = snapshot.subset

    def _wait(self, turn: _Turn, message: str) -> None:
        if turn.done.wait(SPINNER_AFTER):
            return
        started = time.monotonic() - SPINNER_AFTER
        with self.console.status(message) as status:
            while not turn.done.wait(0.1):
                status.update(f"{message} {time.monotonic() - started:.0f} s  "
                              "[dim](Ctrl-C cancels)[/dim]")

    def _cancel(self, thread: threading.Thread, turn: _Turn) -> bool:
        """Wait for the cancelled turn to stop (interrupting it when it does not stop at a check
        within CANCEL_GRACE); False if the user stopped waiting."""
        try:
            with self.console.status("Cancelling… [dim](Ctrl-C again to stop waiting)[/dim]"):
                retry_at = time.monotonic() + CANCEL_GRACE
                while not turn.done.is_set():
                    if time.monotonic() >= retry_at:
                        with turn.guard:
                            if turn.in_ask and interrupt(thread):
                                retry_at = time.monotonic() + 1.0
                    turn.done.wait(0.05)
        except KeyboardInterrupt:
            self.console.print("[yellow]Stopped waiting.[/yellow] The tool finishes in the "
                               "background; its answer will be dropped and the conversation "
                               "stays as it was before that question.")
            return False
        if turn.dropped:
            self.console.print("[yellow]Cancelled.[/yellow] The conversation is as it was "
                               "before that question.")
        return True

    def idle(self) -> bool:
        return self._turn is None or self._turn.done.is_set()

    def wait_idle(self) -> None:
        """Before a new turn: let an abandoned one finish (Ctrl-C cancels it again)."""
        thread, turn = self._thread, self._turn
        if thread is None or turn is None or turn.done.is_set():
            return
        with spinner_owns_the_screen():
            try:
                self._wait(turn, "Waiting for the cancelled question to finish…")
            except KeyboardInterrupt:
                self._cancel(thread, turn)


def install_test_delay() -> float:
    """Apply SAYWHY_TEST_SLOW_TOOL_SECONDS (tests only): tools sleep first. Returns the delay."""
    raw = os.environ.get(SLOW_ENV, "").strip()
    try:
        seconds = float(raw) if raw else 0.0
    except ValueError:
        return 0.0
    if seconds <= 0:
        return 0.0
    from saywhy.tools.registry import Tool

    original: Callable[..., Any] = Tool.run
    if getattr(original, "_saywhy_slow", False):
        return seconds
    only = {n.strip() for n in os.environ.get(SLOW_TOOLS_ENV, "").split(",") if n.strip()}

    def slow_run(self: Tool[Any, Any], ctx: Any, args: Any = None) -> Any:
        end = time.monotonic() + (seconds if not only or self.name in only else 0.0)
        while time.monotonic() < end:  # short sleeps: a cancel is seen within 50 ms
            ctx.check()
            time.sleep(0.05)
        return original(self, ctx, args)

    slow_run._saywhy_slow = True  # type: ignore[attr-defined]
    Tool.run = slow_run  # type: ignore[method-assign]
    return seconds
