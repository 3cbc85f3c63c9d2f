"""The REPL's slash commands. Each handler takes the Repl and the rest of the line; returning
"quit" ends the session. A command that reads or replaces the conversation first lets a
cancelled question that is still finishing end (Ctrl-C skips the command instead).

`/data PATH [text=COL] [label=COL] [id=COL] [item=NAME]` is the REPL's spelling of `--data` and
the column flags: the same `DataSpec`, loaded the same way (`bootstrap.load_data`, or
`load_table_data` for a table model, where label=, id= and item= mean the same). `--labels`
names the model's classes, not the file's columns, so it has no /data word: it stays as given.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from saywhy.tools.errors import UserError

if TYPE_CHECKING:
    from saywhy.agent.bootstrap import DataSpec

    from .repl import Repl

COMMANDS = {
    "/help": "this list",
    "/examples": "example questions for this model and data",
    "/state": "what the conversation is about: focus, subset, model, planner",
    "/reset": "forget the focus and the subset (the history stays)",
    "/model [NAME]": "show the model, or load another one (a new conversation)",
    "/data [PATH ...]": "show the data, or load another file over the same model (a new "
                        "conversation): text=, label=, id= name its columns, item= its rows",
    "/export FILE.md|.html|.json": "save the conversation: Markdown, a page that opens "
                                   "anywhere (highlighted words, bars, tables), or JSON",
    "/quit": "leave (or Ctrl-D)",
}
WORDS = [c.split()[0] for c in COMMANDS] + ["/exit"]  # what the prompt completes
DATA_USAGE = "/data PATH [text=COL] [label=COL] [id=COL] [item=NAME]"
DATA_EXAMPLE = "/data tickets.csv text=complaint label=dept id=ref item=ticket"
DATA_KEYS = {"text": "text_column", "label": "label_column", "id": "id_column",
             "item": "item_name"}
# the flags a data error names, in the words of /data (the same settings, spelled for the REPL)
REPL_WORDS = {"--text-column NAME": "text=NAME", "--text-column": "text=",
              "--label-column": "label=", "--id-column": "id=", "--item-name": "item="}

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
        table.add_row(escape(name), escape(what))  # "[text=COL]" is not a style
    repl.console.print(table)
    repl.console.print(f"[dim]{escape(DATA_USAGE)}, e.g. {escape(DATA_EXAMPLE)} (quote a name "
                       "with spaces: item=\"support case\"); a column not named is guessed, and "
                       "the guess is said.[/dim]")
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
        for line in state_lines(repl.conv, repl.model, repl.data.path, repl.planner_name()):
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
        # the model keeps the names --labels gave its classes (and a later /model gets them)
        spec = replace(data_spec(arg), labels=repl.data.labels)
        if not _settled(repl):
            return
        try:
            repl.use_data(spec)
        except UserError as exc:
            raise type(exc)(in_repl_words(exc.message), hint=exc.hint) from None
        repl.console.print("New conversation.")
    repl.console.print(describe_data(repl.loaded))
    repl.say_notes()


def data_spec(arg: str) -> DataSpec:
    """`PATH [text=COL] [label=COL] [id=COL] [item=NAME]` as a DataSpec (quotes keep spaces)."""
    from saywhy.agent.bootstrap import DataSpec

    usage = f"Use {DATA_USAGE}, e.g. {DATA_EXAMPLE}"
    try:
        words = shlex.split(arg)
    except ValueError:
        raise UserError(f"A quote is not closed. {usage}.") from None
    path: str | None = None
    named: dict[str, str] = {}
    for word in words:
        key, eq, value = word.partition("=")
        if eq and key.lower() in DATA_KEYS:
            if not value.strip():
                raise UserError(f"{key}= needs a name after it. {usage}.")
            named[DATA_KEYS[key.lower()]] = value.strip()
        elif path is None:
            path = word
        else:
            raise UserError(f"I do not know what {word!r} is; the names it takes are "
                            f"{', '.join(k + '=' for k in DATA_KEYS)}. {usage}.")
    if path is None:
        raise UserError(f"Name the file first. {usage}.")
    return DataSpec(path=path, **named)


def in_repl_words(message: str) -> str:
    """A data error that names a command-line flag, naming /data's word for it instead."""
    for flag, word in REPL_WORDS.items():
        message = message.replace(flag, word)
    return message


@command("/export")
def export(repl: Repl, arg: str) -> None:
    """Markdown (`.md`, also for a name without a suffix), a self-contained page (`.html`) or the
    JSON transcript with every result's fields and views (`.json`)."""
    from saywhy.agent.export import from_conversation, to_html, to_json

    if not arg:
        raise UserError("Give a file name: /export FILE.md, FILE.html or FILE.json")
    path = Path(arg).expanduser()
    if path.suffix == "":
        path = path.with_suffix(".md")
    kind = path.suffix.lower()
    if kind not in (".md", ".html", ".htm", ".json"):
        raise UserError(f"/export writes .md, .html or .json files, not {path.suffix}.")
    if not _settled(repl):
        return
    if kind == ".md":
        text = repl.conv.export_markdown()
    else:
        transcript = from_conversation(repl.conv, repl.answers_of(repl.conv))
        text = to_json(transcript) if kind == ".json" else to_html(transcript)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"Could not write {path}: {exc.strerror}.") from None
    n = len(repl.conv.state.history)
    repl.console.print(f"Saved {n} turn{'s' * (n != 1)} to {escape(str(path))}.")


@command("/quit", "/exit", "/q")
def quit_(repl: Repl, arg: str) -> str:
    return "quit"
