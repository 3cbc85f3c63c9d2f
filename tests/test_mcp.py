"""`saywhy mcp` through the official MCP SDK's own client: over stdio (the command spawned as a
subprocess, as an MCP client does) and over streamable HTTP with the API token. Every fitting
catalogue tool is listed with its args model's schema; `ask` and `attribute` answer on the demo;
progress comes as notifications; bad input is an error result in the project's words."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import httpx
import mcp_types as types
import pytest
from mcp.client import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError

from saywhy.agent.compose import offline_planner
from saywhy.agent.conversation import Conversation
from saywhy.server.config import ServerSettings
from saywhy.server.mcp_server import Explainer, http_app
from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from tests.conftest import REAL_HOME
from tests.serving import free_port, need_planner

TOKEN = "mcp-test-token"
WHY = {"id": 3, "method": "gradient_x_input", "faithfulness": False}

Session = Callable[[ClientSession], Awaitable[None]]


def fitting_classifier_tools() -> dict[str, registry.Tool[Any, Any]]:
    return {t.name: t for t in registry.all_tools()
            if "classifier" in t.kinds}  # the demo: a classifier with data


def text_of(result: types.CallToolResult) -> str:
    return "".join(c.text for c in result.content if isinstance(c, types.TextContent))


async def exercise(session: ClientSession) -> None:
    """What both transports must do alike."""
    await session.initialize()
    listed = {t.name: t for t in (await session.list_tools()).tools}
    tools = fitting_classifier_tools()
    assert set(listed) == {"ask", *tools}
    for name, t in tools.items():
        assert listed[name].input_schema == t.args_model.model_json_schema(), name
    assert "question" in listed["ask"].input_schema["properties"]

    direct = await session.call_tool("attribute", WHY)
    assert not direct.is_error, text_of(direct)
    data = direct.structured_content
    assert data["tool"] == "attribute" and data["id"] == 3 and data["words"]
    assert text_of(direct) == data["summary"]
    assert any(v["kind"] == "word_scores" for v in data["views"])

    first = await session.call_tool("ask", {"question": "what does the model predict for "
                                            "review 3?"})
    assert not first.is_error, text_of(first)
    cid = first.structured_content["conversation_id"]
    assert [c["tool"] for c in first.structured_content["calls"]] == ["predict"]
    notes: list[tuple[float, str | None]] = []

    async def heard(progress: float, total: float | None, message: str | None) -> None:
        notes.append((progress, message))

    second = await session.call_tool("ask", {"question": "what is its gold label?",
                                             "conversation_id": cid}, progress_callback=heard)
    assert not second.is_error, text_of(second)
    answer = second.structured_content  # a follow-up: "its" is review 3 of the first turn
    assert answer["conversation_id"] == cid and answer["turn"] == 2
    assert answer["results"][0]["tool"] == "show"
    assert [item["id"] for item in answer["results"][0]["items"]] == [3]
    assert answer["text"] in text_of(second) and cid in text_of(second)
    assert notes and [p for p, _ in notes] == sorted({p for p, _ in notes})  # increasing
    assert all(m for _, m in notes)

    mistakes: list[tuple[str, dict[str, Any], str]] = [
        ("attribute", {"id": 3, "k": "many"}, "Bad arguments for attribute"),
        ("attribute", {"id": 10 ** 9}, "10"),
        ("ask", {}, "Bad arguments for ask"),
        ("ask", {"question": "why?", "conversation_id": "nope"}, "no conversation 'nope'")]
    for name, args, said in mistakes:
        bad = await session.call_tool(name, args)
        assert bad.is_error and said in text_of(bad), (name, text_of(bad))
        assert "Traceback" not in text_of(bad) and 'File "' not in text_of(bad)
    with pytest.raises(MCPError) as err:
        await session.call_tool("no_such_tool", {})
    assert "no_such_tool" in str(err.value) and "Traceback" not in str(err.value)


def _need_demo() -> None:
    need_planner()
    if not (REAL_HOME / "models" / "demo-sentiment" / "saywhy.json").is_file():
        pytest.skip("demo-sentiment is not built; run `make setup`")


def test_stdio_through_the_sdk_client() -> None:
    _need_demo()
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "saywhy.agent.terminal.app", "mcp", "--model",
                                      "demo-sentiment"],
        env={"SAYWHY_HOME": os.environ["SAYWHY_HOME"], "HF_HUB_OFFLINE": "1",
             "SAYWHY_LLM": "offline"})

    async def main() -> None:
        with open(os.devnull, "w") as quiet:
            async with stdio_client(params, errlog=quiet) as (read, write), \
                    ClientSession(read, write) as session:
                await exercise(session)

    anyio.run(main)


@contextmanager
def serving(app: Any, port: int) -> Iterator[str]:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.should_exit = True
        thread.join(10)


def test_http_through_the_sdk_client_with_the_token(demo_ctx: ToolContext,
                                                    tmp_path: Any) -> None:
    need_planner()
    limits = ServerSettings(db_path=tmp_path / "db.sqlite3")
    explainer = Explainer(demo_ctx, lambda c: Conversation(ctx=c, planner=offline_planner(c)),
                          limits)
    port = free_port()
    with serving(http_app(explainer, port, TOKEN), port) as url:
        hello = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"}}}
        accept = {"Accept": "application/json, text/event-stream"}
        assert httpx.post(url, json=hello, headers=accept).status_code == 401
        wrong = httpx.post(url, json=hello, headers={**accept, "Authorization": "Bearer x"})
        assert wrong.status_code == 401

        async def main() -> None:
            client = create_mcp_http_client(headers={"Authorization": f"Bearer {TOKEN}"})
            async with client, streamable_http_client(url, http_client=client) as (read, write), \
                    ClientSession(read, write) as session:
                await exercise(session)

        anyio.run(main)


def test_http_rate_limit_counts_requests_without_the_token_apart(tiny_ctx: ToolContext,
                                                                 tmp_path: Any) -> None:
    """MCP over HTTP has the web API's rate limit, and, as there, requests without the right
    token are counted under a key of their own: they cannot use up a token holder's allowance."""
    from starlette.testclient import TestClient

    limits = ServerSettings(db_path=tmp_path / "db.sqlite3", rate_limit_per_minute=1,
                            rate_limit_burst=2)
    explainer = Explainer(tiny_ctx, lambda c: Conversation(ctx=c, planner=offline_planner(c)),
                          limits)
    accept = {"Accept": "application/json, text/event-stream"}
    hello = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "t", "version": "0"}}}
    port = free_port()
    app = http_app(explainer, port, TOKEN)
    with TestClient(app, base_url=f"http://127.0.0.1:{port}") as client:
        statuses = [client.post("/mcp", json=hello, headers=accept).status_code for _ in range(3)]
        assert statuses == [401, 401, 429]
        limited = client.post("/mcp", json=hello, headers=accept)
        assert limited.json()["error"]["code"] == "rate_limited"
        assert int(limited.headers["Retry-After"]) >= 1
        authorised = {**accept, "Authorization": f"Bearer {TOKEN}"}
        assert client.post("/mcp", json=hello, headers=authorised).status_code == 200
