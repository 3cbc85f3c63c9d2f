"""`saywhy chat`: the interactive loop — line editing, history, slash commands, rich answers.

prompt_toolkit gives line editing and a persistent history (SAYWHY_HOME/chat-history); each
question runs in a worker thread (`worker.TurnRunner`) so that a spinner can turn and Ctrl-C can
stop the question without losing the conversation. Ctrl-C at the prompt clears the line; Ctrl-D
(or /quit) leaves.

The session installs its own SIGINT handler (Python's, raising KeyboardInterrupt) instead of
relying on the one it inherited: a process started in the background by a non-interactive
shell inherits SIGINT ignored, and Ctrl-C would then do nothing at all.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from saywhy.tools.errors import SaywhyError

from .render import print_answer
from .slash import HANDLERS, WORDS
from .worker import TurnRunner

if TYPE_CHECKING:
    from saywhy.agent.answer import Answer
    from saywhy.agent.bootstrap import DataSpec
    from saywhy.agent.conversation import Conversation
    from saywhy.tools.context import ToolContext

log = logging.getLogger(__name__)


def history_path() -> Path:
    from saywhy.tools.home import saywhy_home

    return saywhy_home() / "chat-history"


class Repl:
    """One terminal session: the loaded target and data, its conversation, and the prompt.

    `data` says how the data is read (file, columns, item noun); `/model` keeps it, `/data`
    replaces it."""

    def __init__(self, console: Console, model: str, data: DataSpec, llm: str | None,
                 allow_pickle: bool = False) -> None:
        self.console = console
        self.model, self.data, self.llm, self.allow_pickle = model, data, llm, allow_pickle
        self._loaded: ToolContext | None = None
        self._conv: Conversation | None = None
        self.runner = TurnRunner(console)
        self._warming: threading.Thread | None = None
        self._answers: list[tuple[Conversation, Answer]] = []  # in full, for /export

    @property
    def loaded(self) -> ToolContext:
        """The loaded context (target, data, cache) that conversations are made from."""
        if self._loaded is None:
            raise RuntimeError("the session has not loaded a model yet")
        return self._loaded

    @property
    def conv(self) -> Conversation:
        if self._conv is None:
            raise RuntimeError("the session has not loaded a model yet")
        return self._conv

    def answers_of(self, conv: Conversation) -> list[Answer]:
        """The answers `conv` gave in this session, with their results in full (the dialogue
        history keeps shortened copies)."""
        return [a for c, a in self._answers if c is conv]

    # ---- loading ----------------------------------------------------------------------------
    def load(self, model: str, data: DataSpec) -> None:
        """Load a target (and data) and start a new conversation; on failure keep the old one."""
        from .loading import load_with_status, new_conversation

        loaded = load_with_status(self.console, model, data, allow_pickle=self.allow_pickle)
        conv = new_conversation(loaded, self.llm)
        self._loaded, self._conv, self.model, self.data = loaded, conv, model, data

    def use_data(self, spec: DataSpec) -> None:
        """Load another data file over the same model and start a new conversation on it; on
        failure (a missing file, a column that is not there) keep the old data and conversation."""
        from .loading import new_conversation, with_data

        loaded = with_data(self.loaded, self.console, spec)
        self._loaded, self._conv, self.data = loaded, new_conversation(loaded, self.llm), spec

    # ---- what the user sees -------------------------------------------------------------------
    def banner(self) -> None:
        from .describe import describe_context, example_questions

        self.console.print(f"[bold]saywhy[/bold] — {describe_context(self.loaded)}")
        self.say_notes()
        self.console.print(f"[dim]planner: {escape(self.planner_name())}[/dim]")
        self.console.print("Try, for example:")
        for q in example_questions(self.loaded, 3):
            self.console.print(f"  [cyan]{escape(q)}[/cyan]")
        self.console.print("[dim]/help for commands · Ctrl-C cancels a running question · "
                           "Ctrl-D quits[/dim]\n")

    def say_notes(self) -> None:
        """What was guessed or matched when the data was read, dim, one line each (a wrong guess
        is seen before the first question)."""
        from .describe import notes_of

        for note in notes_of(self.loaded.data):
            self.console.print(f"[dim]{escape(note)}[/dim]")

    def planner_name(self) -> str:
        planner = self.conv.planner
        name = str(getattr(planner, "name", "") or type(planner).__name__)
        client = getattr(planner, "client", None)
        spec = getattr(client, "spec", None) or getattr(client, "model_name", None)
        return f"{name} ({spec})" if spec and name != "offline" else name

    def warm_up(self) -> None:
        """While the user types the first question: load the planner's sentence encoder (by
        planning a throwaway question on a throwaway state) and run the default attribution
        once on a short text in a throwaway conversation context (imports, first-call set-up)."""
        from saywhy.agent.state import DialogueState
        from saywhy.tools import registry

        try:
            planner = self.conv.planner
            if getattr(planner, "name", "") == "offline":
                planner.plan("what do you predict for item 1?", DialogueState())
            if self.loaded.target.kind == "classifier":  # an LM would generate first: too slow
                registry.get("attribute").run(self.loaded.for_conversation(),
                                              {"text": "a good film", "faithfulness": False})
        except Exception:  # noqa: BLE001 - only a head start; the real turn reports errors
            log.debug("warm-up failed", exc_info=True)

    # ---- the loop -----------------------------------------------------------------------------
    @staticmethod
    def interactive() -> bool:
        return sys.stdin.isatty() and sys.stdout.isatty()

    def reader(self) -> Callable[[], str]:
        """prompt_toolkit on a terminal; plain lines (echoed) from a pipe or a script."""
        if not self.interactive():
            def read_line() -> str:
                line = sys.stdin.readline()
                if not line:
                    raise EOFError
                self.console.print(f"you › {line.strip()}", markup=False)
                return line
            return read_line
        from prompt_toolkit import PromptSession
        from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
        from prompt_toolkit.completion import WordCompleter
        from prompt_toolkit.history import FileHistory

        session: PromptSession[str] = PromptSession(
            history=FileHistory(str(history_path())), auto_suggest=AutoSuggestFromHistory(),
            completer=WordCompleter(WORDS, sentence=True), complete_while_typing=False)
        return lambda: session.prompt("you › ")

    def run(self) -> int:
        with ctrl_c_interrupts():
            self.load(self.model, self.data)
            self.banner()
            if self.interactive():  # a script sends its questions at once: no time to warm up
                self._warming = threading.Thread(target=self.warm_up, name="saywhy-warm-up",
                                                 daemon=True)
                self._warming.start()
            self.loop(self.reader())
        self.console.print("[dim]Bye.[/dim]")
        return 0

    def loop(self, read: Callable[[], str]) -> None:
        while True:
            try:
                line = read().strip()
            except KeyboardInterrupt:
                continue
            except EOFError:
                return
            if not line:
                continue
            if line.startswith("/"):
                try:
                    if self.command(line) == "quit":
                        return
                except KeyboardInterrupt:  # e.g. /model loading: the old one stays
                    self.console.print("[yellow]Stopped.[/yellow]")
                continue
            self.ask(line)

    def ask(self, question: str) -> None:
        try:
            answer = self.runner.ask(self.conv, question)
        except SaywhyError as exc:
            self.console.print(f"[red]{escape(exc.user_text())}[/red]")
            return
        except Exception:  # never a traceback; Conversation logs its own failures
            log.exception("the turn failed")
            self.console.print("[red]Sorry, something went wrong while answering that; please "
                               "try again.[/red]")
            return
        if answer is not None:
            self._answers.append((self.conv, answer))
            print_answer(self.console, answer)
            self.console.print()

    def command(self, line: str) -> str | None:
        name, _, arg = line.partition(" ")
        handler = HANDLERS.get(name.lower())
        if handler is None:
            self.console.print(f"Unknown command {escape(name)}; /help lists them.")
            return None
        try:
            return handler(self, arg.strip())
        except SaywhyError as exc:
            self.console.print(f"[red]{escape(exc.user_text())}[/red]")
        except Exception:  # noqa: BLE001 - never a traceback; the log has it
            log.exception("the command %s failed", name)
            self.console.print(f"[red]Sorry, {escape(name)} failed; the session goes on as it "
                               "was.[/red]")
        return None


@contextmanager
def ctrl_c_interrupts() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt while the block runs, whatever SIGINT handler the
    process inherited (a running turn takes it over for itself; see `worker`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_chat(console: Console, model: str, data: DataSpec, llm: str | None,
             allow_pickle: bool = False) -> int:
    """Run the session. If a warm-up or an abandoned turn is still inside torch when the user
    leaves, exit at once (os._exit, after flushing): finalising the interpreter under a running
    native thread aborts with "terminate called without an active exception"."""
    repl = Repl(console, model, data, llm, allow_pickle)
    code = repl.run()
    warming = repl._warming is not None and repl._warming.is_alive()
    if warming or not repl.runner.idle():
        import os

        console.file.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(code)
    return code


__all__ = ["Repl", "ctrl_c_interrupts", "history_path", "run_chat"]
