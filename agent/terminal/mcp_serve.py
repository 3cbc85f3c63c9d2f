"""`saywhy mcp`: serve the loaded model to MCP clients (`server/mcp_server.py`), over stdio for a
client that starts saywhy itself, or over streamable HTTP on 127.0.0.1 with `--port`."""

from __future__ import annotations

import signal
import sys
from contextlib import redirect_stdout
from typing import Annotated

import typer

from saywhy.tools.errors import SaywhyError

from .options import (
    DataOpt,
    IdColumnOpt,
    ItemNameOpt,
    LabelColumnOpt,
    LabelsOpt,
    LlmOpt,
    ModelOpt,
    PickleOpt,
    TextColumnOpt,
    fail,
    interrupted,
    load_context,
    log_to_file,
)


def mcp(
    port: Annotated[int | None, typer.Option(
        help="Serve streamable HTTP at http://127.0.0.1:PORT/mcp instead of stdio "
             "(SAYWHY_API_TOKEN, when set, is required as a bearer token).")] = None,
    model: ModelOpt = None, data: DataOpt = None, text_column: TextColumnOpt = None,
    label_column: LabelColumnOpt = None, labels: LabelsOpt = None, id_column: IdColumnOpt = None,
    item_name: ItemNameOpt = None, llm: LlmOpt = None, allow_pickle: PickleOpt = False,
) -> None:
    """Serve the model to MCP clients: `ask` in plain words, or any explanation tool directly.

    Over stdio (the default) the client starts saywhy and talks on its stdin and stdout; with
    --port it listens on 127.0.0.1 only. The web API's limits apply (SAYWHY_MAX_MESSAGE_CHARS,
    SAYWHY_REQUEST_TIMEOUT, SAYWHY_WORKERS, ...).

    Examples:

      saywhy mcp

      saywhy mcp --port 8765 --model demo-lm

      saywhy mcp --model path/to/model_dir --data tickets.csv --text-column complaint
    """
    import anyio

    from saywhy.agent.compose import build_conversation
    from saywhy.server.config import load_server_settings
    from saywhy.server.mcp_server import Explainer, http_app, serve_stdio

    from .loading import data_spec, settings_for

    # Ctrl-C stops the server even when it was started with SIGINT ignored (a background job)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    log_to_file()
    try:
        settings = settings_for(model, data, text_column=text_column, label_column=label_column,
                                id_column=id_column, item_name=item_name, labels=labels)
        limits = load_server_settings()
        with redirect_stdout(sys.stderr):  # stdout is the protocol's: nothing else goes there
            ctx = load_context(settings.model, data_spec(settings), allow_pickle)
            build_conversation(ctx.for_conversation(), settings, llm=llm)  # fail fast on --llm
        explainer = Explainer(ctx, lambda c: build_conversation(c, settings, llm=llm), limits)
        if port is None:
            anyio.run(serve_stdio, explainer)
            return
        import uvicorn

        token = settings.api_token.get_secret_value() if settings.api_token else None
        typer.echo(f"saywhy: MCP at http://127.0.0.1:{port}/mcp", err=True)
        uvicorn.run(http_app(explainer, port, token), host="127.0.0.1", port=port,
                    log_level="warning", timeout_graceful_shutdown=5)
    except SaywhyError as exc:
        fail(exc)
    except KeyboardInterrupt:
        interrupted()
