"""The REPL's slash commands. Each handler takes the Repl and the rest of the line; returning
"quit" ends the session. A command that reads or replaces the conversation first lets a
cancelled question that is still finishing end (Ctrl-C skips the command instead)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from saywhy.tools.errors import UserError

if TYPE_CHECKING:
    from .repl import Repl

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
WORDS = [c.split()[0] for c in COMMANDS] + ["/exit"]  # what the prompt completes

Handler = Callable[["Repl", str], "str | None"]
HANDLERS: dict[str, Handler] = {}


def command(*names: str) -> Callable[[Handler], Handler]:
    def wrap(fn: Handler) -> Handler:
        for n in names:
            HANDLERS[n] = fn
        return fn
    return wrap


def _settled(repl: Repl) -> bool:
    """The conversation is not being changed by a cancelled question still finishing."""
    if repl.runner.wait_idle():
        return True
    repl.console.print("[yellow]Skipped:[/yellow] the cancelled question is still finishing.")
    return False


@command("/help", "/?")
def help_(repl: Repl, arg: str) -> None:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="cyan")
    table.add_column()
    for name, what in COMMANDS.items():
        table.add_row(name, what)
    repl.console.print(table)
    repl.console.print("[dim]Anything else is a question for the model. Follow-ups such as "
                       "\"why?\" or \"and with shap?\" refer to the last answer.[/dim]")


@command("/examples")
def examples(repl: Repl, arg: str) -> None:
    from saywhy.tools import registry

    result = registry.get("capabilities").run(repl.loaded, {})
    for sec in result.sections:
        repl.console.print(f"[bold]{escape(sec.title)}[/bold]")
        for q in sec.examples:
            repl.console.print(f"  [cyan]{escape(q)}[/cyan]")
    if result.hidden:
        repl.console.print(f"[dim]Not available here: {escape('; '.join(result.hidden))}[/dim]")


@command("/state")
def state(repl: Repl, arg: str) -> None:
    from .describe import state_lines

    if _settled(repl):
        for line in state_lines(repl.conv, repl.model, repl.data, repl.planner_name()):
            repl.console.print(escape(line))


@command("/reset")
def reset(repl: Repl, arg: str) -> None:
    if _settled(repl):
        repl.conv.reset()
        repl.console.print("Forgot the focus and the subset; the history stays (/export saves "
                           "it).")


@command("/model")
def model(repl: Repl, arg: str) -> None:
    from .describe import describe_context

    if arg:
        if not _settled(repl):
            return
        repl.load(arg, repl.data)  # --data stays; a demo brings its corpus
        repl.console.print("New conversation.")
    repl.console.print(describe_context(repl.loaded))


@command("/data")
def data(repl: Repl, arg: str) -> None:
    from .describe import describe_data

    if arg:
        if not _settled(repl):
            return
        repl.use_data(arg)
        repl.console.print("New conversation.")
    repl.console.print(describe_data(repl.loaded))


@command("/export")
def export(repl: Repl, arg: str) -> None:
    if not arg:
        raise UserError("Give a file name: /export FILE.md")
    path = Path(arg).expanduser()
    if path.suffix == "":
        path = path.with_suffix(".md")
    if not _settled(repl):
        return
    try:
        path.write_text(repl.conv.export_markdown(), encoding="utf-8")
    except OSError as exc:
        raise UserError(f"Could not write {path}: {exc.strerror}.") from None
    n = len(repl.conv.state.history)
    repl.console.print(f"Saved {n} turn{'s' * (n != 1)} to {escape(str(path))}.")


@command("/quit", "/exit", "/q")
def quit_(repl: Repl, arg: str) -> str:
    return "quit"
