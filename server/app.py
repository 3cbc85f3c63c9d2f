"""The FastAPI app: the JSON API (/api/v1), the OpenAI-compatible endpoint (/v1), the chat page.

`create_app(settings, ctx)` wires the routers, the error handlers, the limits and the store;
`run(...)` is `saywhy serve`: load the model once, check a conversation can be built (so a
missing LLM package fails now, with what to install), then serve with uvicorn.

The data is read as the settings say (`SAYWHY_DATA`, `SAYWHY_TEXT_COLUMN`, `SAYWHY_LABEL_COLUMN`,
`SAYWHY_ID_COLUMN`, `SAYWHY_ITEM_NAME`, a table model's class names `SAYWHY_LABELS`, or `saywhy
serve`'s flags), through the same `DataSpec` and `bootstrap.load_context` as the terminal; what
was guessed is logged at start-up and reported by `GET /api/v1/ready`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from saywhy.agent.bootstrap import DataSpec
from saywhy.agent.compose import build_conversation
from saywhy.agent.conversation import Conversation
from saywhy.agent.settings import Settings, get_settings
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import SaywhyError
from saywhy.tools.turn import ProgressEvent

from . import docs
from .config import ServerSettings, load_server_settings
from .dependencies import Services
from .errors import SafeJSONResponse, install_handlers
from .limits import BodyLimitMiddleware, RateLimiter, WorkQueue
from .routers import conversations, export, health, messages, openai_compat, tools
from .sessions import Factory, Sessions
from .store import Store

log = logging.getLogger("saywhy.server")
STATIC = Path(__file__).parent / "static"
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "style-src 'self'; script-src 'self'; connect-src 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
DESCRIPTION = """Ask a text classifier or language model, in plain words, what it does and why.

**Flow**: `POST /api/v1/conversations` → an unguessable `id`; `POST
/api/v1/conversations/{id}/messages` with `{"text": "why did you say that for item 12?"}` → the
Answer (text, tool calls, structured results, timings); `.../messages/stream` streams progress as
server-sent events first. `GET /api/v1/conversations/{id}` is the transcript.

**Auth**: when `SAYWHY_API_TOKEN` is set, every `/api/v1` and `/v1` route needs
`Authorization: Bearer <token>` (the page and these docs stay public: they hold no data).

**Errors**: always `{"error": {"code", "message"}}`: 400/404 the request's or the input's
problem, 401 token, 413 too large (body over `SAYWHY_MAX_BODY_BYTES`, question over
`SAYWHY_MAX_MESSAGE_CHARS`), 422 invalid body, 429 rate limit (per client IP, with
`Retry-After`), 503 busy or still loading, 504 the answer overran `SAYWHY_REQUEST_TIMEOUT` (the
turn is dropped; the conversation stays usable).

**OpenAI-compatible**: `POST /v1/chat/completions` with `"model": "saywhy"` (plain or `stream`).
The last user message is the question. A conversation belongs to the API token and the `user`
that created it. `metadata.conversation_id` picks one of yours (an id saywhy gave you, or a name
of your own: a name needs a `user` or a token); otherwise it is found by a hash of the earlier
user/assistant messages, so a front-end resending the whole history continues the same one. A
history that two of your conversations share (identical openings) starts a new conversation.
"""


def _version() -> str:
    try:
        return version("saywhy")
    except PackageNotFoundError:
        return "0"


def default_factory(settings: Settings, llm: str | None = None) -> Factory:
    def make(ctx: ToolContext) -> Conversation:
        return build_conversation(ctx, settings, llm=llm)

    return make


def data_spec(settings: Settings) -> DataSpec:
    """How to read the data the settings name: the file, which column is which, the item noun."""
    return DataSpec.from_settings(settings)


def log_notes(ctx: ToolContext) -> None:
    """Say once, in the server log, what was guessed or matched when the data was read."""
    for note in [] if ctx.data is None else ctx.data.notes:
        log.info("data %s: %s", ctx.data.name, note)


async def _load(svc: Services) -> None:
    """Load the model in a thread; readiness turns true when done."""
    from saywhy.agent.bootstrap import load_context

    try:
        svc.ctx = await run_in_threadpool(load_context, svc.settings.model,
                                          data_spec(svc.settings))
    except SaywhyError as exc:
        svc.load_error = exc.user_text()
        log.error("could not load %s: %s", svc.settings.model, exc.user_text())
        return
    except Exception as exc:  # noqa: BLE001 - logged; readiness reports it
        svc.load_error = "an unexpected error (see the server log)"
        log.error("could not load %s", svc.settings.model, exc_info=exc)
        return
    log_notes(svc.ctx)
    _start(svc)


def _start(svc: Services) -> None:
    assert svc.ctx is not None and svc.work is not None and svc.factory is not None
    svc.sessions = Sessions(svc.ctx, svc.store, svc.work, svc.factory,
                            cache_size=svc.limits.sessions_cached)


def create_app(settings: Settings | None = None, ctx: ToolContext | None = None, *,
               llm: str | None = None, limits: ServerSettings | None = None,
               conversation_factory: Factory | None = None) -> FastAPI:
    """The app over one loaded target (`ctx`; loaded from `settings` at start-up when None).

    Each conversation gets its own ToolContext sharing `ctx.target` and `ctx.data`.
    `conversation_factory(ctx) -> Conversation` replaces `build_conversation` (tests)."""
    settings = settings or get_settings()
    limits = limits or load_server_settings()
    store = Store(limits.database())
    svc = Services(settings=settings, limits=limits, store=store,
                   rate=RateLimiter(limits.rate_limit_per_minute, limits.rate_limit_burst),
                   factory=conversation_factory or default_factory(settings, llm), ctx=ctx,
                   work=WorkQueue(limits.workers, limits.queue_limit, limits.queue_timeout,
                                  limits.request_timeout))
    if ctx is not None:
        _start(svc)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loader = asyncio.create_task(_load(svc)) if svc.sessions is None else None
        try:
            yield
        finally:
            if loader is not None:
                loader.cancel()
            assert svc.work is not None
            svc.work.shutdown()  # the app may be started again (tests): both reopen on use
            store.close()

    app = FastAPI(title="saywhy", version=_version(), description=DESCRIPTION, lifespan=lifespan,
                  default_response_class=SafeJSONResponse, docs_url=None,
                  redoc_url=None)
    app.state.services = svc
    install_handlers(app)
    app.add_middleware(BodyLimitMiddleware, limit=limits.max_body_bytes)
    for module in (conversations, export, messages, tools, health, openai_compat):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)

    app.mount("/static", docs.HeaderStaticFiles(directory=STATIC, headers=PAGE_HEADERS),
              name="static")
    docs.install(app, PAGE_HEADERS)  # swagger-ui from this server, under the page's CSP
    return app


def _print_progress(event: ProgressEvent) -> None:
    """The demo's one-time build, reported on stderr now and then while the server starts."""
    if event.total and (event.done or 0) % 25 == 0:
        print(f"saywhy: {event.message}: {event.done}/{event.total}", file=sys.stderr, flush=True)


def run(host: str = "127.0.0.1", port: int = 8000, model: str | None = None,
        data: str | DataSpec | None = None, llm: str | None = None) -> None:
    """`saywhy serve`: load once, say what was guessed about the data, fail early on a bad LLM
    setting, then serve until Ctrl-C. A `DataSpec` names the columns and the item noun; what it
    leaves unset comes from the environment (`SAYWHY_TEXT_COLUMN` ...), as for a path alone."""
    import uvicorn

    from saywhy.agent.bootstrap import load_context
    from saywhy.agent.settings import load_settings

    spec = data if isinstance(data, DataSpec) else DataSpec(path=data)
    settings = load_settings(model=model, data=spec.path, llm=llm, text_column=spec.text_column,
                             label_column=spec.label_column, id_column=spec.id_column,
                             item_name=spec.item_name, labels=spec.labels)
    limits = load_server_settings()
    ctx = load_context(settings.model, data_spec(settings), on_progress=_print_progress)
    for note in [] if ctx.data is None else ctx.data.notes:
        print(f"saywhy: {note[:1].upper() + note[1:]}", file=sys.stderr, flush=True)
    log_notes(ctx)
    build_conversation(ctx.for_conversation(), settings)  # fail fast: a missing LLM package
    app = create_app(settings, ctx, limits=limits)
    print(f"saywhy: explaining {settings.model} at http://{host}:{port}/ "
          f"(API docs at http://{host}:{port}/docs)", file=sys.stderr, flush=True)
    if host not in ("127.0.0.1", "localhost", "::1") and settings.api_token is None:
        print("saywhy: warning: listening beyond this machine without SAYWHY_API_TOKEN; "
              "anyone who can reach it can use the model.", file=sys.stderr, flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=5)
