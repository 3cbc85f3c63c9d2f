"""The `saywhy` command: the composition root for the terminal.

Heavy imports (torch, transformers, rich views, prompt_toolkit) happen inside commands, so
`saywhy --help` is instant. Every SaywhyError becomes one plain sentence on stderr and a non-zero
exit; no stack traces (they go to SAYWHY_HOME/saywhy.log). Output is plain text, without colour
codes, when stdout is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version as pkg_version
from typing import Annotated, Any, NoReturn

import typer

from saywhy.tools.errors import SaywhyError

app = typer.Typer(
    name="saywhy",
    help="Talk to a model and ask it why.\n\nExamples:\n\n"
         "  saywhy chat\n\n"
         "  saywhy ask \"what do you predict for review 12?\" \"why?\"\n\n"
         "  saywhy parse --json \"why did you say negative for review 3?\"\n\n"
         "  saywhy tool attribute --args "
         "'{\"text\": \"a gorgeous, witty film\", \"method\": \"shap\"}'",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

ModelOpt = Annotated[str | None, typer.Option(
    "--model", "-m", help="demo-sentiment (default), demo-lm, a model directory, a .gguf file or "
    "a hub id. Default: $SAYWHY_MODEL or demo-sentiment.", show_default=False)]
DataOpt = Annotated[str | None, typer.Option(
    "--data", "-d", help="CSV, JSONL or Parquet file (default: the demo corpus for the demo "
    "models).")]
LlmOpt = Annotated[str | None, typer.Option(
    "--llm", help="Chat model that plans and writes, e.g. openai:gpt-4o-mini, ollama:qwen2.5, "
    "openai-compatible:MODEL@http://host:port/v1; 'offline' forces the offline planner. "
    "Default: $SAYWHY_LLM or offline.")]
PickleOpt = Annotated[bool, typer.Option(
    "--allow-pickle", help="Allow pickle checkpoints (they can run code when loaded).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"saywhy {pkg_version('saywhy')}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Show the version and exit.")] = False) -> None:
    """Talk to a model and ask it why."""


def fail(exc: SaywhyError) -> NoReturn:
    typer.secho(f"saywhy: {exc.user_text()}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code=2 if exc.http_status < 500 else 1)


def log_to_file() -> None:
    """Log records and warnings go to SAYWHY_HOME/saywhy.log, never onto the user's screen."""
    import logging

    from saywhy.tools.home import saywhy_home

    root = logging.getLogger()
    if not any(getattr(h, "_saywhy", False) for h in root.handlers):
        handler = logging.FileHandler(saywhy_home() / "saywhy.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._saywhy = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    logging.captureWarnings(True)


def load_context(model: str, data: str | None, allow_pickle: bool = False) -> Any:
    from .bootstrap import load_context as load
    from .cli_common import progress_printer

    return load(model, data, allow_pickle=allow_pickle,
                on_progress=progress_printer() if sys.stderr.isatty() else None)


@app.command()
def chat(model: ModelOpt = None, data: DataOpt = None, llm: LlmOpt = None,
         allow_pickle: PickleOpt = False) -> None:
    """Chat with the model: ask in plain words, follow up with "why?", "and with shap?".

    Line editing and a history (kept in SAYWHY_HOME/chat-history); /help lists the slash
    commands; Ctrl-C cancels a running question, Ctrl-D quits.

    Examples:

      saywhy chat

      saywhy chat --model demo-lm

      saywhy chat --model path/to/model_dir --data reviews.csv --llm ollama:qwen2.5
    """
    from .cli_common import settings_for
    from .render import make_console
    from .repl import run_chat

    log_to_file()
    try:
        settings = settings_for(model, data)
        code = run_chat(make_console(), settings.model, settings.data, llm, allow_pickle)
    except SaywhyError as exc:
        fail(exc)
    raise typer.Exit(code)


@app.command()
def ask(
    questions: Annotated[list[str], typer.Argument(
        help="One or more questions; each is one turn of the same conversation.",
        show_default=False)],
    model: ModelOpt = None, data: DataOpt = None, llm: LlmOpt = None, as_json: JsonOpt = False,
    allow_pickle: PickleOpt = False,
) -> None:
    """Ask one or more questions (one conversation) and print the answers.

    With --json: one JSON array of turns {"question", "answer", "calls": [{"tool", "args"}],
    "results", "seconds"}. A question the agent cannot answer still exits 0, with an answer
    that says so.

    Examples:

      saywhy ask "what do you predict for review 12?" "why?"

      saywhy ask --json "how accurate are you on the held-out reviews?"
    """
    from .cli_common import new_conversation, settings_for
    from .cli_worker import spinner_owns_the_screen
    from .render import make_console, print_answer

    log_to_file()
    console = make_console()
    status = make_console(stderr=True)
    try:
        settings = settings_for(model, data)
        ctx = load_context(settings.model, settings.data, allow_pickle)
        conv = new_conversation(ctx, llm)
    except SaywhyError as exc:
        fail(exc)
    turns = []
    for i, question in enumerate(questions):
        with spinner_owns_the_screen(), status.status(f"Thinking about: {question[:60]}"):
            answer = conv.ask(question)
        turns.append({"question": question, "answer": answer.text,
                      "calls": [{"tool": c.tool, "args": c.args} for c in answer.calls],
                      "results": [r.to_json() for r in answer.results],
                      "seconds": round(answer.timings.get("total", 0.0), 3)})
        if not as_json:
            if len(questions) > 1:
                console.print(("\n" if i else "") + f"[bold]? {question}[/bold]", markup=True,
                              highlight=False)
            print_answer(console, answer)
    if as_json:
        typer.echo(json.dumps(turns, indent=2, ensure_ascii=False, default=str))


@app.command()
def parse(
    questions: Annotated[list[str] | None, typer.Argument(
        help="Questions; each is one turn of the same conversation.", show_default=False)] = None,
    batch: Annotated[str | None, typer.Option(
        "--batch", help="A file with one question per line, each in a fresh conversation.")] = None,
    model: ModelOpt = None, data: DataOpt = None, llm: LlmOpt = None, as_json: JsonOpt = False,
    allow_pickle: PickleOpt = False,
) -> None:
    """Show the tool calls the planner would make, without running any tool.

    The state is updated as if the calls ran (focus from their id/text), so follow-ups resolve.
    The target model is not loaded when its labels can be read from config.json (the demos and
    model directories). --json prints an array of {"question", "calls": [{"tool", "args"}]}
    ("clarify"/"reply" added when the planner asks back or answers directly); with --batch,
    one such JSON object per line.

    Examples:

      saywhy parse "why did you say negative for review 3?" "and with shap?"

      saywhy parse --batch questions.txt --json > calls.jsonl
    """
    from .cli_common import new_conversation, settings_for
    from .cli_parse import parse_questions, planning_context

    if bool(questions) == bool(batch):
        raise typer.BadParameter("give either questions or --batch FILE (not both)")
    log_to_file()
    try:
        if batch:
            try:
                with open(batch, encoding="utf-8") as fh:
                    asked = [ln.rstrip("\n") for ln in fh if ln.strip()]
            except OSError as exc:
                raise typer.BadParameter(f"cannot read {batch}: {exc.strerror}") from None
        else:
            asked = list(questions or [])
        settings = settings_for(model, data)
        conv = new_conversation(planning_context(settings.model, settings.data, allow_pickle), llm)
        turns = parse_questions(conv, asked, fresh=bool(batch))
    except SaywhyError as exc:
        fail(exc)
    if as_json and batch:
        for t in turns:
            typer.echo(json.dumps(t, ensure_ascii=False))
    elif as_json:
        typer.echo(json.dumps(turns, indent=2, ensure_ascii=False))
    else:
        for t in turns:
            typer.echo(f"? {t['question']}")
            for c in t["calls"]:
                typer.echo(f"  {c['tool']} {json.dumps(c['args'], ensure_ascii=False)}")
            for key in ("clarify", "reply"):
                if key in t:
                    typer.echo(f"  ({key}) {t[key]}")
            if not t["calls"] and not ({"clarify", "reply"} & set(t)):
                typer.echo("  (no calls)")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    model: ModelOpt = None, data: DataOpt = None, llm: LlmOpt = None,
) -> None:
    """Serve the web app and the JSON API.

    Examples:

      saywhy serve

      saywhy serve --host 0.0.0.0 --port 8080 --model demo-lm
    """
    from .cli_common import settings_for

    log_to_file()
    try:
        settings = settings_for(model, data)
        from importlib.util import find_spec

        if find_spec("saywhy.server.app") is None:
            typer.secho("saywhy: the web server is not part of this installation.", err=True,
                        fg=typer.colors.RED)
            raise typer.Exit(1)
        from saywhy.server.app import run

        run(host, port, settings.model, settings.data, llm)
    except SaywhyError as exc:
        fail(exc)


from . import cli_misc  # noqa: E402,F401  (registers tool, assets, models and eval)


def main() -> None:
    try:
        app()
    except SaywhyError as exc:  # last line of defence: never a stack trace for our errors
        typer.secho(f"saywhy: {exc.user_text()}", err=True, fg=typer.colors.RED)
        sys.exit(1)


if __name__ == "__main__":
    main()
