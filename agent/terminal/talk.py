"""The commands that talk to the model: `saywhy chat`, `ask`, `parse` and `serve`.

Each imports what it needs when it runs (torch, rich views, prompt_toolkit, the server), so
`saywhy --help` is instant. Every SaywhyError becomes one plain sentence and a non-zero exit.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from saywhy.tools.errors import SaywhyError

from .options import (
    INTERRUPTED,
    DataOpt,
    IdColumnOpt,
    ItemNameOpt,
    JsonOpt,
    LabelColumnOpt,
    LabelsOpt,
    LlmOpt,
    ModelOpt,
    PickleOpt,
    RayAddressOpt,
    RayOpt,
    TextColumnOpt,
    fail,
    interrupted,
    load_context,
    log_to_file,
    say_notes,
    use_ray,
)


def chat(model: ModelOpt = None, data: DataOpt = None, text_column: TextColumnOpt = None,
         label_column: LabelColumnOpt = None, labels: LabelsOpt = None,
         id_column: IdColumnOpt = None, item_name: ItemNameOpt = None, llm: LlmOpt = None,
         allow_pickle: PickleOpt = False, ray: RayOpt = False,
         ray_address: RayAddressOpt = None) -> None:
    """Chat with the model: ask in plain words, follow up with "why?", "and with shap?".

    Line editing and a history (kept in SAYWHY_HOME/chat-history); /help lists the slash
    commands; Ctrl-C cancels a running question, Ctrl-D quits.

    Examples:

      saywhy chat

      saywhy chat --model demo-lm

      saywhy chat --model path/to/model_dir --data tickets.csv --text-column complaint
      --label-column dept --id-column ref --item-name ticket

      saywhy chat --model path/to/model_dir --data reviews.csv --llm ollama:qwen2.5
    """
    from .loading import data_spec, settings_for
    from .render import make_console
    from .repl import run_chat

    log_to_file()
    try:
        use_ray(ray, ray_address)
        settings = settings_for(model, data, text_column=text_column, label_column=label_column,
                                id_column=id_column, item_name=item_name, labels=labels)
        code = run_chat(make_console(), settings.model, data_spec(settings), llm, allow_pickle)
    except SaywhyError as exc:
        fail(exc)
    except KeyboardInterrupt:  # Ctrl-C while loading, before the first prompt
        interrupted()
    raise typer.Exit(code)


def ask(
    questions: Annotated[list[str], typer.Argument(
        help="One or more questions; each is one turn of the same conversation.",
        show_default=False)],
    model: ModelOpt = None, data: DataOpt = None, text_column: TextColumnOpt = None,
    label_column: LabelColumnOpt = None, labels: LabelsOpt = None, id_column: IdColumnOpt = None,
    item_name: ItemNameOpt = None, llm: LlmOpt = None, as_json: JsonOpt = False,
    allow_pickle: PickleOpt = False, ray: RayOpt = False, ray_address: RayAddressOpt = None,
) -> None:
    """Ask one or more questions (one conversation) and print the answers.

    With --json: one JSON array of turns {"question", "answer", "calls": [{"tool", "args"}],
    "results", "choices": [{"number", "text"}], "seconds"}. A question the agent cannot answer
    still exits 0, with an answer that says so. When it asks which reading was meant, it
    offers numbered choices; the next question picks one by its number ("2") or its words.
    Ctrl-C stops the running question and exits.

    Examples:

      saywhy ask "what do you predict for review 12?" "why?"

      saywhy ask --json "how accurate are you on the held-out reviews?"

      saywhy ask --ray "which words matter most overall?"

      saywhy ask --model path/to/model_dir --data tickets.csv --text-column complaint
      --id-column ref --item-name ticket "what do you predict for ticket 5001?"
    """
    from .loading import data_spec, new_conversation, settings_for
    from .render import make_console, print_answer
    from .worker import TurnRunner

    log_to_file()
    console = make_console()
    runner = TurnRunner(make_console(stderr=True))  # progress and "Cancelled." on stderr
    turns = []
    try:
        use_ray(ray, ray_address)
        settings = settings_for(model, data, text_column=text_column, label_column=label_column,
                                id_column=id_column, item_name=item_name, labels=labels)
        conv = new_conversation(load_context(settings.model, data_spec(settings), allow_pickle),
                                llm)
        for i, question in enumerate(questions):
            answer = runner.ask(conv, question)
            if answer is None:  # Ctrl-C stopped it
                raise typer.Exit(INTERRUPTED)
            turns.append({"question": question, "answer": answer.text,
                          "calls": [{"tool": c.tool, "args": c.args} for c in answer.calls],
                          "results": [r.to_json() for r in answer.results],
                          "choices": [o.model_dump() for o in answer.choices],
                          "seconds": round(answer.timings.get("total", 0.0), 3)})
            if not as_json:
                if len(questions) > 1:
                    console.print(("\n" if i else "") + f"[bold]? {question}[/bold]",
                                  markup=True, highlight=False)
                print_answer(console, answer)
    except SaywhyError as exc:
        fail(exc)
    except KeyboardInterrupt:  # Ctrl-C while loading
        interrupted()
    if as_json:
        typer.echo(json.dumps(turns, indent=2, ensure_ascii=False, default=str))


def parse(
    questions: Annotated[list[str] | None, typer.Argument(
        help="Questions; each is one turn of the same conversation.", show_default=False)] = None,
    batch: Annotated[str | None, typer.Option(
        "--batch", help="A file with one question per line, each in a fresh conversation.")] = None,
    model: ModelOpt = None, data: DataOpt = None, text_column: TextColumnOpt = None,
    label_column: LabelColumnOpt = None, labels: LabelsOpt = None, id_column: IdColumnOpt = None,
    item_name: ItemNameOpt = None, llm: LlmOpt = None, as_json: JsonOpt = False,
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
    from saywhy.agent.bootstrap import name_classes

    from .loading import data_spec, planning_conversation, settings_for
    from .parse import parse_questions, planning_context, read_batch

    if bool(questions) == bool(batch):
        raise typer.BadParameter("give either questions or --batch FILE (not both)")
    log_to_file()
    try:
        if batch:
            asked = read_batch(batch)
        else:
            asked = list(questions or [])
        settings = settings_for(model, data, text_column=text_column, label_column=label_column,
                                id_column=id_column, item_name=item_name, labels=labels)
        spec = data_spec(settings)
        ctx = planning_context(settings.model, spec, allow_pickle)
        if ctx.target.kind != "tabular":  # a table model was loaded, and named, in full
            name_classes(ctx.target, spec.labels)  # refused for a model with its own names
        say_notes(ctx.data)
        turns = parse_questions(planning_conversation(ctx, llm), asked, fresh=bool(batch))
    except SaywhyError as exc:
        fail(exc)
    if as_json and batch:
        for t in turns:
            typer.echo(json.dumps(t, ensure_ascii=False))
    elif as_json:
        typer.echo(json.dumps(turns, indent=2, ensure_ascii=False))
    else:
        _print_calls(turns)


def _print_calls(turns: list[dict[str, Any]]) -> None:
    for t in turns:
        typer.echo(f"? {t['question']}")
        for c in t["calls"]:
            typer.echo(f"  {c['tool']} {json.dumps(c['args'], ensure_ascii=False)}")
        for key in ("clarify", "reply"):
            if key in t:
                typer.echo(f"  ({key}) {t[key]}")
        for n, choice in enumerate(t.get("choices", []), 1):
            made = "; ".join(f"{c['tool']} {json.dumps(c['args'], ensure_ascii=False)}"
                             for c in choice["calls"])
            typer.echo(f"    {n}. {choice['text']}: {made}")
        if not t["calls"] and not ({"clarify", "reply"} & set(t)):
            typer.echo("  (no calls)")


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    model: ModelOpt = None, data: DataOpt = None, text_column: TextColumnOpt = None,
    label_column: LabelColumnOpt = None, labels: LabelsOpt = None, id_column: IdColumnOpt = None,
    item_name: ItemNameOpt = None, llm: LlmOpt = None,
) -> None:
    """Serve the web app and the JSON API.

    What was guessed about the data is logged at start-up and reported by GET /api/v1/ready.

    Examples:

      saywhy serve

      saywhy serve --host 0.0.0.0 --port 8080 --model demo-lm

      saywhy serve --model path/to/model_dir --data tickets.csv --text-column complaint
      --id-column ref --item-name ticket
    """
    from importlib.util import find_spec

    from .loading import data_spec, settings_for

    log_to_file()
    try:
        settings = settings_for(model, data, text_column=text_column, label_column=label_column,
                                id_column=id_column, item_name=item_name, labels=labels)
        if find_spec("saywhy.server.app") is None:
            typer.secho("saywhy: the web server is not part of this installation.", err=True,
                        fg=typer.colors.RED)
            raise typer.Exit(1)
        from saywhy.server.app import run

        run(host, port, settings.model, data_spec(settings), llm)
    except SaywhyError as exc:
        fail(exc)
