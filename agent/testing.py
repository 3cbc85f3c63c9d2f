"""A scripted chat model for tests and demos: `FakeToolChatModel`, the way pydantic-ai ships
`TestModel`.

It stands in for any langchain chat model behind `ChatClient`: it replays a queue of responses
(texts, tool calls, exceptions) and records every call with the tools bound to it, so planner
and writer tests can assert on what the LLM was shown. langchain's own fakes raise
NotImplementedError on `bind_tools`; this one binds them. Product code never imports this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

from .llm import _new_id

Scripted = (AIMessage | str | dict[str, Any] | list[dict[str, Any]] | BaseException
            | Callable[..., Any])


def tool_call(name: str, args: dict[str, Any] | None = None, *, id: str | None = None,
              content: str = "") -> AIMessage:
    """An AIMessage calling one tool; for scripting `FakeToolChatModel`."""
    return AIMessage(content=content, tool_calls=[{"name": name, "args": args or {},
                                                   "id": id or _new_id(), "type": "tool_call"}])


def _as_message(item: Scripted) -> AIMessage | BaseException | Callable[..., Any]:
    if isinstance(item, AIMessage | BaseException):
        return item
    if isinstance(item, str):
        return AIMessage(content=item)
    if isinstance(item, dict):
        return tool_call(item["name"], item.get("args"), id=item.get("id"))
    if isinstance(item, list):
        return AIMessage(content="", tool_calls=[
            {"name": c["name"], "args": c.get("args") or {}, "id": c.get("id") or _new_id(),
             "type": "tool_call"} for c in item])
    if callable(item):
        return item
    raise TypeError(f"cannot script {type(item).__name__}")


class FakeToolChatModel(BaseChatModel):
    """Replays a queue of responses; records every call in `history` (messages and bound tools).

    `enqueue()` takes AIMessages, strings (a text reply), `{"name", "args"}` dicts (a tool call),
    lists of them (parallel calls), exceptions (raised, to test failures) or callables
    `f(messages) -> AIMessage`. With the queue empty it answers `default`, or raises.
    """

    queue: list[Any] = Field(default_factory=list)
    history: list[dict[str, Any]] = Field(default_factory=list)
    default: str | None = None
    delay: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "saywhy-fake-tool-chat"

    def enqueue(self, *responses: Scripted) -> FakeToolChatModel:
        self.queue.extend(_as_message(r) for r in responses)
        return self

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: str | None = None,
                   **kwargs: Any) -> Any:
        formatted = [convert_to_openai_tool(t) for t in tools]
        if tool_choice is not None:
            kwargs["tool_choice"] = tool_choice
        return self.bind(tools=formatted, **kwargs)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        self.history.append({"messages": list(messages), "tools": kwargs.get("tools") or []})
        if self.delay:
            time.sleep(self.delay)
        if not self.queue:
            if self.default is None:
                raise RuntimeError("FakeToolChatModel has no scripted responses left")
            item: Any = AIMessage(content=self.default)
        else:
            item = self.queue.pop(0)
        if isinstance(item, BaseException):
            raise item
        if callable(item) and not isinstance(item, AIMessage):
            item = _as_message(item(messages))
        return ChatResult(generations=[ChatGeneration(message=item)])

    @property
    def last_tools(self) -> list[str]:
        """Names of the tools bound on the most recent call."""
        if not self.history:
            return []
        return [t["function"]["name"] for t in self.history[-1]["tools"]]
