"""Helpers for the server tests: an app over the tiny target, a real uvicorn on a free port,
and planners that make the server's edge cases (slow answers) happen on demand."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from saywhy.agent.compose import offline_planner
from saywhy.agent.conversation import Conversation
from saywhy.agent.planner.base import Plan
from saywhy.agent.settings import Settings
from saywhy.server.app import create_app
from saywhy.server.config import ServerSettings
from saywhy.tools.context import ToolContext
from tests.conftest import REAL_HOME


def need_planner() -> None:
    """The offline planner embeds questions with MiniLM, a registry-fetched asset."""
    if not (REAL_HOME / "assets" / "minilm").exists():
        pytest.skip("the MiniLM asset is missing; run `make setup`")


def limits(tmp: Path, **overrides: Any) -> ServerSettings:
    base: dict[str, Any] = {"db_path": tmp / "conversations.sqlite3", "rate_limit_per_minute": 0}
    return ServerSettings(**(base | overrides))


def make_app(ctx: ToolContext, tmp: Path, *, settings: Settings | None = None,
             factory: Any = None, **overrides: Any) -> Any:
    return create_app(settings or Settings(), ctx, limits=limits(tmp, **overrides),
                      conversation_factory=factory)


class SleepyPlanner:
    """The offline planner, except that "sleep N" sleeps N seconds and replies."""

    name = "sleepy"

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def plan(self, text: str, state: Any) -> Plan:
        if text.startswith("sleep "):
            time.sleep(float(text.split()[1]))
            return Plan(reply="I slept.")
        return self.inner.plan(text, state)  # type: ignore[no-any-return]


def sleepy_factory(ctx: ToolContext) -> Conversation:
    return Conversation(ctx=ctx, planner=SleepyPlanner(offline_planner(ctx)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """uvicorn serving `app` on 127.0.0.1 in a thread; yields the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
