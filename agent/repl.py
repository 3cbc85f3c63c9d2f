"""`saywhy chat`: the interactive loop — line editing, history, slash commands, rich answers.

prompt_toolkit gives line editing and a persistent history (SAYWHY_HOME/chat-history); each
question runs in a worker thread (`cli_worker.TurnRunner`) so a spinner can turn and Ctrl-C can
cancel the running tool without losing the conversation. Ctrl-C at the prompt clears the line;
Ctrl-D (or /quit) leaves.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from saywhy.tools.errors import SaywhyError

from .cli_worker import TurnRunner, install_test_delay
from .render import print_answer

if TYPE_CHECKING:
    from saywhy.tools.context import ToolContext

    from .conversation import Conversation

COMMANDS = {
    "/help": "this list",
    "/examples": "example questions for this model and data",
    "/state": "what the conversation is about: focus, subset, model, planner",
    "/reset": "forget the focus and the subset (the history stays)",
    "/model [NAME]": "show the model, or load another one (a new conversation)",
    "/data [PATH]": "show the data, or load another file (a new conversation)",
    "/export FILE.md": "save the transcript with every result as Markdown",
    "/quit": "leave (or Ctrl-D)",
}
log = logging.getLogger(__name__)
PREFERRED = ("attribute", "counterfactual", "performance", "what_if", "predict", "similar",
             "attention", "model_info")


def history_path() -> Path:
    from saywhy.tools.home import saywhy_home

    return saywhy_home() / "chat-history"


class Repl:
    """One terminal session: a loaded context, its conversation, and the prompt."""

    def __init__(self, console: Console, model: str, data: str | None, llm: str | None,
                 allow_pickle: bool = False) -> None:
        self.console = console
        self.model, self.data, self.llm, self.allow_pickle = model, data, llm, allow_pickle
        self.ctx: ToolContext | None = None
        self.conv: Conversation | None = None
        self.runner = TurnRunner(console)
        self._warming: threading.Thread | None = None

    # ---- loading ----------------------------------------------------------------------------
    def load(self, model: str, data: str | None) -> None:
        """Load a target (and data) and start a new conversation; on failure keep the old one."""
        from .cli_common import load_with_status, new_conversation

        ctx = load_with_status(self.console, model, data, allow_pickle=self.allow_pickle)
        conv = new_conversation(ctx, self.llm)
        self.ctx, self.conv, self.model, self.data = ctx, conv, model, data

    def use_data(self, path: str) -> None:
        from saywhy.tools.context import ToolContext
        from saywhy.tools.data import load_dataset

        from .cli_common import new_conversation

        assert self.ctx is not None
        with self.console.status(f"Loading {escape(path)}…"):
            dataset = load_dataset(path)
        ctx = ToolContext(target=self.ctx.target, data=dataset, seed=self.ctx.seed)
        self.ctx, self.conv, self.data = ctx, new_conversation(ctx, self.llm), path

    # ---- what the user sees -------------------------------------------------------------------
    def banner(self) -> None:
        from .cli_common import describe_context, example_questions

        assert self.ctx is not None and self.conv is not None
        self.console.print(f"[bold]saywhy[/bold] — {describe_context(self.ctx)}")
        self.console.print(f"[dim]planner: {escape(self.planner_name())}[/dim]")
        self.console.print("Try, for example:")
        for q in example_questions(self.ctx, PREFERRED, 3):
            self.console.print(f"  [cyan]{escape(q)}[/cyan]")
        self.console.print("[dim]/help for commands · Ctrl-C cancels a running question · "
                           "Ctrl-D quits[/dim]\n")

    def planner_name(self) -> str:
        planner = getattr(self.conv, "planner", None)
        name = str(getattr(planner, "name", "") or type(planner).__name__)
        client = getattr(planner, "client", None)
        spec = getattr(client, "spec", None) or getattr(client, "model_name", None)
        return f"{name} ({spec})" if spec and name != "offline" else name

    def warm_up(self) -> None:
        """While the user types the first question: load the planner's sentence encoder (by
        planning a throwaway question on a throwaway state) and run the default attribution
        once on a short text in a throwaway context (imports, first-call set-up)."""
        from saywhy.tools import registry
        from saywhy.tools.context import ToolContext

        from .state import DialogueState

        try:
            planner = getattr(self.conv, "planner", None)
            if planner is not None and getattr(planner, "name", "") == "offline":
                planner.plan("what do you predict for review 1?", DialogueState())
            assert self.ctx is not None
            if self.ctx.target.kind == "classifier":  # an LM would generate first: too slow
                scratch = ToolContext(target=self.ctx.target)
                registry.get("attribute").run(scratch, {"text": "a good film",
                                                        "faithfulness": False})
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

        words = [c.split()[0] for c in COMMANDS] + ["/exit"]
        session: PromptSession[str] = PromptSession(
            history=FileHistory(str(history_path())), auto_suggest=AutoSuggestFromHistory(),
            completer=WordCompleter(words, sentence=True), complete_while_typing=False)
        return lambda: session.prompt("you › ")

    def run(self) -> int:
        install_test_delay()
        self.load(self.model, self.data)
        self.banner()
        if self.interactive():  # a script sends its questions at once: no time to warm up
            self._warming = threading.Thread(target=self.warm_up, name="saywhy-warm-up",
                                             daemon=True)
            self._warming.start()
        read = self.reader()
        while True:
            try:
                line = read().strip()
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            if not line:
                continue
            if line.startswith("/"):
                if self.command(line) == "quit":
                    break
                continue
            self.ask(line)
        self.console.print("[dim]Bye.[/dim]")
        return 0

    def ask(self, question: str) -> None:
        assert self.conv is not None
        self.runner.wait_idle()
        try:
            answer = self.runner.ask(self.conv, question)
        except SaywhyError as exc:
            self.console.print(f"[red]{escape(exc.user_text())}[/red]")
            return
        except Exception:  # never a traceback; Conversation logs its own failures
            self.console.print("[red]Sorry, something went wrong while answering that; please "
                               "try again.[/red]")
            return
        if answer is not None:
            print_answer(self.console, answer)
            self.console.print()

    # ---- slash commands ---------------------------------------------------------------------
    def command(self, line: str) -> str | None:
        from . import cli_commands

        name, _, arg = line.partition(" ")
        handler = cli_commands.HANDLERS.get(name.lower())
        if handler is None:
            self.console.print(f"Unknown command {escape(name)}; /help lists them.")
            return None
        try:
            return handler(self, arg.strip())
        except SaywhyError as exc:
            self.console.print(f"[red]{escape(exc.user_text())}[/red]")
        return None


def run_chat(console: Console, model: str, data: str | None, llm: str | None,
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


__all__ = ["COMMANDS", "Repl", "history_path", "run_chat"]
