"""`saywhy eval ...`: the measured evaluations, each run in this process through its own
`main()` with its own arguments (`saywhy eval parse --help` shows them).

The terminal is the composition root, so it imports `saywhy.evals` directly; the agent core
never does. An installation without the evals says so instead of failing with a trace.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

import typer

from saywhy.tools.errors import SaywhyError

from .options import fail

EVALS = {
    "parse": ("saywhy.evals.parse.run", "Planner accuracy on the held-out question set."),
    "bench": ("saywhy.evals.bench", "The benchmark suite (what `make bench` runs)."),
    "accuracy": ("saywhy.evals.accuracy", "Held-out accuracy of demo-sentiment vs a yardstick."),
    "faithfulness": ("saywhy.evals.faithfulness", "Faithfulness of the attribution methods."),
    "cli": ("saywhy.evals.bench_cli", "Time to first prompt, time to answer, REPL memory."),
    "targets": ("saywhy.evals.bench_targets", "Loading and inference speed of the demo targets."),
}
PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True,
                "help_option_names": []}

eval_app = typer.Typer(help="Run the measured evaluations (each takes its own --help).\n\n"
                            "Examples:\n\n  saywhy eval parse\n\n  saywhy eval bench\n\n"
                            "  saywhy eval accuracy", no_args_is_help=True,
                       rich_markup_mode="markdown")


def _main_of(module: str) -> Callable[[], Any]:
    """The eval's `main()`, or a clean exit when this installation does not have it."""
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            said = f"this installation has no {module} evaluation yet."
        else:  # the eval is there, one of the packages it needs is not
            said = f"{module} needs {exc.name}, which is not installed (pip install -e .[test])."
        typer.secho(f"saywhy: {said}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from None
    main: Callable[[], Any] = found.main
    return main


def run_module(module: str, argv: list[str], prog: str | None = None) -> None:
    """Run the eval `module`'s `main()` with `argv` as its command line; its exit code is kept
    (a `main()` returning an int exits with it)."""
    main = _main_of(module)
    saved = sys.argv
    sys.argv = [prog or module, *argv]  # the evals read their arguments with argparse
    try:
        code = main()
    except SaywhyError as exc:
        fail(exc)
    finally:
        sys.argv = saved
    if isinstance(code, int) and code:
        raise typer.Exit(code)


def _eval_command(name: str, module: str, doc: str) -> None:
    def command(ctx: typer.Context) -> None:
        run_module(module, list(ctx.args), prog=f"saywhy eval {name}")

    command.__doc__ = f"{doc}\n\nRuns `python -m {module}`; arguments are passed on " \
                      f"(`saywhy eval {name} --help` shows them)."
    eval_app.command(name, context_settings=PASS_THROUGH)(command)


for _name, (_module, _doc) in EVALS.items():
    _eval_command(_name, _module, _doc)
