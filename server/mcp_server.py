"""saywhy as an MCP server (`saywhy mcp`): any MCP client (a desktop assistant, an IDE) can
explain the loaded Hugging Face model.

Built on the official `mcp` SDK's low-level `Server`, because the tools are not Python functions
with signatures but catalogue entries: each fitting catalogue tool (`tools/registry.py`) is one
MCP tool, its input schema its pydantic args model's JSON schema, its answer the result's
`summary()` as text and its `to_json()` (fields, summary, generic views) as structured content.
One more tool, `ask`, is one conversation turn (`Conversation.ask`, as `agent/compose.py`
builds it): a question in plain words and an optional `conversation_id` to follow up in; the
answer says the id to use next.

The same limits as the web API (`server/config.py`): the longest question, the largest request
body (HTTP), the seconds of model work per call (`request_timeout`, then the call stops at its
next check), how many calls work at once (`workers`), how many conversations are kept
(`sessions_cached`, least recently used dropped). The turn's progress (`tools/turn.py`) becomes
MCP progress notifications when the client asks for them. A user's or a planner's mistake, a
stopped or failed call, is a tool result with `isError` and the project's own sentence; a tool
name that does not exist is a protocol error; a stack trace goes to the log only. Over HTTP
(streamable HTTP on 127.0.0.1) the API token (`SAYWHY_API_TOKEN`) is required as for the web
API, checked by the SDK's bearer-token middleware.
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import anyio
import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.shared.exceptions import MCPError
from pydantic import AnyHttpUrl, BaseModel, Field, ValidationError
from starlette.applications import Starlette
from starlette.responses import JSONResponse

from saywhy.agent.conversation import Conversation
from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import NotFoundError, SaywhyError, ToolArgsError
from saywhy.tools.turn import Limits, ProgressEvent

from .config import ServerSettings
from .errors import RateLimited
from .limits import RateLimiter

log = logging.getLogger("saywhy.mcp")
Factory = Callable[[ToolContext], Conversation]
FAILED = "Sorry, something went wrong on my side; it is in the log. Please try again."


class AskArgs(BaseModel):
    """One turn of a conversation with the loaded model, in plain words: "what does the model
    predict for item 3?", "why?", "and with shap?", "which words matter most overall?".
    Without `conversation_id` a new conversation starts; the answer gives its id, and passing
    it back makes follow-ups ("why?") refer to what came before."""

    question: str = Field(min_length=1, description="The question, in plain words.")
    conversation_id: str | None = Field(
        default=None, description="The id an earlier `ask` answered with, to follow up in that "
        "conversation; leave it out to start a new one.")


class StaticToken:
    """The SDK's token verifier for one shared secret (`SAYWHY_API_TOKEN`)."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def verify_token(self, token: str) -> AccessToken | None:
        if secrets.compare_digest(token.encode(), self.token.encode()):
            return AccessToken(token=token, client_id="saywhy", scopes=[])
        return None


class Explainer:
    """The loaded target and the conversations of MCP clients, answered in worker threads."""

    def __init__(self, ctx: ToolContext, factory: Factory, limits: ServerSettings) -> None:
        self.ctx, self.factory, self.limits = ctx, factory, limits
        self.workers = anyio.CapacityLimiter(limits.workers)
        self._conversations: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    # ---- what the client sees ----------------------------------------------------------------
    def tools(self) -> list[types.Tool]:
        """`ask`, then every catalogue tool that works on the loaded target and data."""
        ask_schema = AskArgs.model_json_schema()
        ask_schema["properties"]["question"]["maxLength"] = self.limits.max_message_chars
        listed = [types.Tool(name="ask", description=AskArgs.__doc__, input_schema=ask_schema)]
        for t in registry.all_tools():
            if t.fits(self.ctx):
                listed.append(types.Tool(name=t.name, title=t.text.title or None,
                                         description=t.doc,
                                         input_schema=t.args_model.model_json_schema()))
        return listed

    # ---- one call ----------------------------------------------------------------------------
    def run_tool(self, name: str, args: dict[str, Any], progress: Callable[[ProgressEvent], None],
                 cancel: threading.Event) -> dict[str, Any]:
        found = registry.find(name)
        if found is None:
            raise NotFoundError(f"Unknown tool {name!r}.")
        ctx = self.ctx.for_conversation()
        with ctx.turn(self._limits(cancel), progress):
            return found.run(ctx, args).to_json()

    def ask(self, args: dict[str, Any], progress: Callable[[ProgressEvent], None],
            cancel: threading.Event) -> dict[str, Any]:
        try:
            asked = AskArgs.model_validate(args)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}"
                                 for e in exc.errors())
            raise ToolArgsError(f"Bad arguments for ask: {problems}.") from None
        if len(asked.question) > self.limits.max_message_chars:
            raise _too_long(self.limits.max_message_chars)
        cid, conv = self._conversation(asked.conversation_id)
        answer = conv.ask(asked.question, limits=self._limits(cancel), on_progress=progress)
        return {"conversation_id": cid, **answer.model_dump(mode="json")}

    def _limits(self, cancel: threading.Event) -> Limits:
        return Limits.of(self.limits.request_timeout, cancel)

    def _conversation(self, cid: str | None) -> tuple[str, Conversation]:
        with self._lock:
            if cid is not None:
                conv = self._conversations.get(cid)
                if conv is None:
                    raise NotFoundError(f"There is no conversation {cid!r} (it may have been "
                                        "dropped to make room).", hint="Leave conversation_id "
                                        "out to start a new one.")
                self._conversations.move_to_end(cid)
                return cid, conv
            cid = secrets.token_urlsafe(16)
            self._conversations[cid] = conv = self.factory(self.ctx.for_conversation())
            while len(self._conversations) > self.limits.sessions_cached:
                self._conversations.popitem(last=False)
            return cid, conv

    # ---- the protocol ------------------------------------------------------------------------
    async def list_tools(self, ctx: ServerRequestContext[Any],
                         params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(tools=self.tools())

    async def call_tool(self, ctx: ServerRequestContext[Any],
                        params: types.CallToolRequestParams) -> types.CallToolResult:
        name, args = params.name, dict(params.arguments or {})
        if name != "ask" and registry.find(name) is None:
            raise MCPError(types.INVALID_PARAMS, f"Unknown tool {name!r}; tools/list names them.")
        work = partial(self.ask, args) if name == "ask" else partial(self.run_tool, name, args)
        cancel = threading.Event()
        steps = iter(range(1, 1 << 30))

        def progress(event: ProgressEvent) -> None:  # in the worker thread
            done = f" {event.done}/{event.total}" if event.total else ""
            try:
                anyio.from_thread.run(ctx.session.report_progress, float(next(steps)), None,
                                      event.message + done)
            except Exception:  # noqa: BLE001 - a lost progress note must not stop the turn
                log.debug("progress not sent", exc_info=True)

        try:
            data = await anyio.to_thread.run_sync(partial(work, progress, cancel),
                                                  limiter=self.workers, abandon_on_cancel=True)
        except SaywhyError as exc:
            return _error(exc.user_text())
        except Exception:  # noqa: BLE001 - logged here; the client gets a sentence
            log.exception("MCP call %s failed", name)
            return _error(FAILED)
        finally:
            cancel.set()  # a call the client gave up on stops at its next check
        text = str(data.get("text") if name == "ask" else data.get("summary") or "")
        if name == "ask":
            text += f"\n\n(conversation_id: {data['conversation_id']})"
        return types.CallToolResult(content=[types.TextContent(text=text)],
                                    structured_content=data)


def _too_long(limit: int) -> SaywhyError:
    from .errors import PayloadTooLarge

    return PayloadTooLarge(f"The question is longer than {limit:,} characters.")


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def _version() -> str:
    try:
        return version("saywhy")
    except PackageNotFoundError:
        return "0"


def build_server(explainer: Explainer) -> Server[Any]:
    target = explainer.ctx.target
    about = f"Explains {target.name} ({target.kind.replace('_', ' ')})"
    if explainer.ctx.data is not None:
        about += f" on {explainer.ctx.data.name} ({len(explainer.ctx.data):,} items)"
    return Server("saywhy", version=_version(), instructions=about + ". Ask in plain words with "
                  "`ask` (follow up with its conversation_id), or call an explanation tool "
                  "directly.", on_list_tools=explainer.list_tools,
                  on_call_tool=explainer.call_tool)


async def serve_stdio(explainer: Explainer) -> None:
    from mcp.server.stdio import stdio_server

    server = build_server(explainer)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def http_app(explainer: Explainer, port: int, token: str | None) -> Starlette:
    """Streamable HTTP at http://127.0.0.1:PORT/mcp, behind the API token when one is set and
    the web API's per-client rate limit."""
    server = build_server(explainer)
    auth: dict[str, Any] = {}
    if token:
        auth = {"auth": AuthSettings(issuer_url=AnyHttpUrl(f"http://127.0.0.1:{port}"),
                                     resource_server_url=None),
                "token_verifier": StaticToken(token)}
    app = server.streamable_http_app(host="127.0.0.1", json_response=False,
                                     max_request_body_size=explainer.limits.max_body_bytes,
                                     **auth)
    limits = explainer.limits
    app.add_middleware(RateLimitMiddleware, token=token, rate=RateLimiter(
        limits.rate_limit_per_minute, limits.rate_limit_burst))
    return app


class RateLimitMiddleware:
    """ASGI middleware: the web API's rate limit for MCP over HTTP, counted as `guard` counts it
    (server/dependencies.py): a request without the right token under a key of its own, so
    unauthorised clients cannot use up the allowance of everyone behind one address. Over the
    limit: 429 with Retry-After and the project's error shape; the SDK's own auth then answers
    401 for a wrong token as before."""

    def __init__(self, app: Any, *, token: str | None, rate: RateLimiter) -> None:
        self.app, self.token, self.rate = app, token, rate

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                       for k, v in scope.get("headers", [])}
            client = (scope.get("client") or ("unknown", 0))[0]
            given = headers.get("authorization", "")
            ok = not self.token or secrets.compare_digest(given, f"Bearer {self.token}")
            try:
                self.rate.check(client if ok else f"unauthorized:{client}")
            except RateLimited as exc:
                response = JSONResponse(
                    {"error": {"code": "rate_limited", "message": str(exc)}}, status_code=429,
                    headers={"Retry-After": str(max(1, math.ceil(exc.retry_after)))})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
