"""What the commands share: their common options, how an error reaches the user (one plain
sentence, never a stack trace), where log records go, and loading a context on stderr's screen.

The data options (`--data`, the four that say how to read it, and `--labels`, the names a
table model's classes and its gold column go by) travel together as one `DataSpec`, so every
command that takes `--data` takes all of them and reads them one way: flags first, then
`SAYWHY_TEXT_COLUMN` ... (`agent.settings`), then guessing (`tools.data.columns`).

Only typer and the error tree are imported at module level, so `saywhy --help` stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from saywhy.tools.errors import SaywhyError

if TYPE_CHECKING:
    from saywhy.agent.bootstrap import DataSpec
    from saywhy.tools.context import ToolContext
    from saywhy.tools.data.dataset import Dataset

ModelOpt = Annotated[str | None, typer.Option(
    "--model", "-m", help="demo-sentiment (default), demo-lm, a model directory, a .gguf file or "
    "a hub id. Default: $SAYWHY_MODEL or demo-sentiment.", show_default=False)]
DataOpt = Annotated[str | None, typer.Option(
    "--data", "-d", help="CSV, JSONL or Parquet file (default: the demo corpus for the demo "
    "models).")]
TextColumnOpt = Annotated[str | None, typer.Option(
    "--text-column", help="The data's column holding the text, e.g. --text-column complaint. "
    "Default: $SAYWHY_TEXT_COLUMN, else guessed (text, sentence, body, message, content, "
    "review ...).", show_default=False)]
LabelColumnOpt = Annotated[str | None, typer.Option(
    "--label-column", help="The data's gold label column (integers 0, 1, 2 are read through the "
    "model's id2label), e.g. --label-column dept. Default: $SAYWHY_LABEL_COLUMN, else guessed "
    "(label, class, category, topic ...).", show_default=False)]
LabelsOpt = Annotated[str | None, typer.Option(
    "--labels", help="Names for a table model's classes, so answers and the gold column say "
    "them: --labels \"0=bad risk,1=good risk\" (class=name pairs) or --labels \"bad risk,good "
    "risk\" (in the order of the model's classes_). Default: $SAYWHY_LABELS, else the classes "
    "as they are. Hugging Face models take theirs from id2label.", show_default=False)]
IdColumnOpt = Annotated[str | None, typer.Option(
    "--id-column", help="The data's id column, so answers use your ids, e.g. --id-column ref. "
    "Default: $SAYWHY_ID_COLUMN, else guessed (id, idx, uid, *_id ...), else row numbers from "
    "0.", show_default=False)]
ItemNameOpt = Annotated[str | None, typer.Option(
    "--item-name", help="What one row is called in answers, e.g. --item-name ticket "
    "(\"ticket #5001\"). Default: $SAYWHY_ITEM_NAME, else item (review for the demo).",
    show_default=False)]
LlmOpt = Annotated[str | None, typer.Option(
    "--llm", help="Chat model that plans and writes, e.g. openai:gpt-4o-mini, ollama:qwen2.5, "
    "openai-compatible:MODEL@http://host:port/v1; 'offline' forces the offline planner. "
    "Default: $SAYWHY_LLM or offline.")]
PickleOpt = Annotated[bool, typer.Option(
    "--allow-pickle", help="Allow pickle checkpoints (they can run code when loaded).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
RayOpt = Annotated[bool, typer.Option(
    "--ray", help="Run dataset-level work (predictions over the data, global importance) on Ray: "
    "the cluster at --ray-address or $SAYWHY_RAY_ADDRESS, else a local Ray instance. Needs "
    "saywhy[ray].")]
RayAddressOpt = Annotated[str | None, typer.Option(
    "--ray-address", help="The Ray cluster for --ray (implies it): auto, HOST:PORT or "
    "ray://HOST:10001.", show_default=False)]

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


def use_ray(ray: bool, address: str | None) -> None:
    """--ray / --ray-address: dataset-level work of this process goes to Ray (connected when
    first needed); without them, $SAYWHY_RAY_ADDRESS decides at load, else it runs in-process."""
    from saywhy.agent.settings import get_settings
    from saywhy.tools import distributed

    if ray or address:
        distributed.configure(address or get_settings().ray_address or distributed.LOCAL)


def load_context(model: str, data: DataSpec, allow_pickle: bool = False) -> ToolContext:
    """Load for a one-shot command: a spinner (and the demo's build bar) on stderr when it is a
    terminal, nothing on stdout; then what was guessed about the data, once, on stderr."""
    from .loading import load_with_status
    from .render import make_console

    ctx = load_with_status(make_console(stderr=True), model, data, allow_pickle=allow_pickle)
    say_notes(ctx.data)
    return ctx


def say_notes(data: Dataset | None) -> None:
    """What was guessed or matched when the data was read (columns, labels), one line each on
    stderr: stdout may be JSON that a program reads, and a wrong guess must still be seen."""
    from .describe import notes_of

    for note in notes_of(data):
        typer.secho(f"saywhy: {note}", err=True, dim=True)
