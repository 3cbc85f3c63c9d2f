"""The `saywhy` command: the typer app, its commands, and `main()` (the console script).

The commands live by what they do: `talk` (chat, ask, parse, serve), `toolbox` (tool, assets,
models) and `evals` (`saywhy eval ...`); this module only puts them together. Heavy imports
happen inside the commands, so `saywhy --help` is instant. Every SaywhyError becomes one plain
sentence on stderr and a non-zero exit; no stack traces (they go to SAYWHY_HOME/saywhy.log).
Output is plain text, without colour codes, when stdout is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

import sys
from importlib.metadata import version as pkg_version
from typing import Annotated

import typer

from saywhy.tools.errors import SaywhyError

from . import mcp_serve, talk, toolbox
from .evals import eval_app

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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"saywhy {pkg_version('saywhy')}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Show the version and exit.")] = False) -> None:
    """Talk to a model and ask it why."""


for _command in (talk.chat, talk.ask, talk.parse, talk.serve,
                 toolbox.tool, toolbox.assets, toolbox.models, mcp_serve.mcp):
    app.command()(_command)
app.add_typer(eval_app, name="eval")


def main() -> None:
    try:
        app()
    except SaywhyError as exc:  # last line of defence: never a stack trace for our errors
        typer.secho(f"saywhy: {exc.user_text()}", err=True, fg=typer.colors.RED)
        sys.exit(1)


if __name__ == "__main__":
    main()
