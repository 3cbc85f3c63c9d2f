"""A tiny OpenAI-compatible chat server on 127.0.0.1 for tests: scripted replies, recorded requests.

Lets a test drive the real `langchain-openai` client (HTTP, JSON, tool-call parsing) without a
network or a key: `with FakeOpenAI() as server: ChatOpenAI(base_url=server.base_url, ...)`.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def completion(message: dict[str, Any], finish: str) -> dict[str, Any]:
    choice = {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
    return {"id": f"chatcmpl-{time.time_ns()}", "object": "chat.completion",
            "created": int(time.time()), "model": "fake-model", "choices": [choice],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


class FakeOpenAI:
    """Replies, in order, with what was enqueued; `requests` holds every request body."""

    def __init__(self) -> None:
        self.replies: list[tuple[int, dict[str, Any]]] = []
        self.requests: list[dict[str, Any]] = []
        self.port = free_port()
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self._chat)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # ---- scripting ------------------------------------------------------------------------
    def tool_calls(self, *calls: tuple[str, dict[str, Any] | str]) -> FakeOpenAI:
        """Reply with tool calls; args may be a dict or a raw (possibly broken) JSON string."""
        items = [{"id": f"call_{len(self.replies)}_{i}", "type": "function",
                  "function": {"name": name,
                               "arguments": args if isinstance(args, str) else json.dumps(args)}}
                 for i, (name, args) in enumerate(calls)]
        self.replies.append((200, completion({"role": "assistant", "content": None,
                                              "tool_calls": items}, "tool_calls")))
        return self

    def text(self, content: str) -> FakeOpenAI:
        self.replies.append((200, completion({"role": "assistant", "content": content}, "stop")))
        return self

    def status(self, code: int, message: str = "error") -> FakeOpenAI:
        self.replies.append((code, {"error": {"message": message, "type": "fake", "code": code}}))
        return self

    async def _chat(self, request: Request) -> JSONResponse:
        self.requests.append(await request.json())
        if not self.replies:
            return JSONResponse({"error": {"message": "no scripted reply"}}, status_code=500)
        code, body = self.replies.pop(0)
        return JSONResponse(body, status_code=code)

    # ---- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> FakeOpenAI:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake OpenAI server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
