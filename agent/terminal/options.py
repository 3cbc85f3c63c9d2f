"""What the commands share: their common options, how an error reaches the user (one plain
sentence, never a stack trace), where log records go, and loading a context on stderr's screen.

Only typer and the error tree are imported at module level, so `saywhy --help` stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from saywhy.tools.errors import SaywhyError

if TYPE_CHECKING:
    from saywhy.tools.context import ToolContext

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

INTERRUPTED = 130  # the exit code of a command stopped by Ctrl-C (128 + SIGINT)


def fail(exc: SaywhyError) -> NoReturn:
    """Say the error in one sentence on stderr and exit: 2 for the user's mistake, 1 for ours."""
    typer.secho(f"saywhy: {exc.user_text()}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code=2 if exc.http_status < 500 else 1)


def interrupted() -> NoReturn:
    typer.secho("saywhy: interrupted.", err=True, fg=typer.colors.YELLOW)
    raise typer.Exit(INTERRUPTED)


def log_to_file() -> None:
    """Log records and warnings go to SAYWHY_HOME/saywhy.log, never onto the user's screen."""
    import logging

    from saywhy.tools.home import saywhy_home

    root = logging.getLogger()
    if not any(h.get_name() == "saywhy" for h in root.handlers):
        handler = logging.FileHandler(saywhy_home() / "saywhy.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.set_name("saywhy")  # how a second command in the same process finds it
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    logging.captureWarnings(True)


def load_context(model: str, data: str | None, allow_pickle: bool = False) -> ToolContext:
    """Load for a one-shot command: a spinner (and the demo's build bar) on stderr when it is a
    terminal, nothing on stdout."""
    from .loading import load_with_status
    from .render import make_console

    return load_with_status(make_console(stderr=True), model, data, allow_pickle=allow_pickle)
