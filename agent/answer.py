"""What `Conversation.ask()` returns: the words, and everything behind them.

The REPL prints `text` (and may show `calls`/`results`); the server returns the whole object as
JSON. `results` are `Result.to_json()` dicts, so every number in `text` can be traced to one.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from .planner.base import ToolCall

AnswerKind = Literal["answer", "clarify", "reply", "error"]


class AnswerError(BaseModel):
    code: str  # SaywhyError.code: bad_request, not_found, invalid_tool_arguments, target_error, ...
    message: str  # safe to show; never a traceback
    http_status: int = 500


class Answer(BaseModel):
    text: str
    kind: AnswerKind = "answer"
    calls: list[ToolCall] = Field(default_factory=list)
    results: list[dict[str, Any]] = Field(default_factory=list)
    timings: dict[str, float] = Field(
        default_factory=dict,
        description="Seconds: plan, tools, write, total, and one entry per call ('1:predict').")
    refers_to: str | None = Field(default=None, description="The referent, e.g. 'review #42'.")
    subset: dict[str, Any] | None = Field(default=None,
                                          description="Current subset: size, description.")
    planner: str = ""
    writer: str = ""
    notices: list[str] = Field(default_factory=list,
                               description="Told to the user, e.g. that the LLM fell back.")
    error: AnswerError | None = None
    turn: int = 0

    def __str__(self) -> str:
        return self.text
