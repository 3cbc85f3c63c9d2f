"""What `Conversation.ask()` returns: the words, and everything behind them.

The REPL prints `text` (and draws the results' views); the server returns the whole object as
JSON. `results` stay the tools' typed `Result` objects in the process and become their
`to_json()` (with the summary and the generic views) only when serialised, so every number in
`text` can be traced to one.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, SerializeAsAny, field_serializer, field_validator

from saywhy.tools import registry
from saywhy.tools.registry import Result

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
    results: list[SerializeAsAny[Result]] = Field(
        default_factory=list, description="Each call's result: its fields, `summary` and `views`.")
    timings: dict[str, float] = Field(
        default_factory=dict,
        description="Seconds: plan, tools, write, total, and one entry per call ('1:predict').")
    refers_to: str | None = Field(default=None, description="The referent, e.g. 'item #42'.")
    subset: dict[str, Any] | None = Field(default=None,
                                          description="Current subset: size, description.")
    planner: str = ""
    writer: str = ""
    notices: list[str] = Field(default_factory=list,
                               description="Told to the user, e.g. that the LLM fell back.")
    choices: list[str] = Field(default_factory=list, description="When the question was "
                               "unclear: the likeliest readings; answering with a number (1, 2 "
                               "...) or the reading's words picks one.")
    error: AnswerError | None = None
    turn: int = 0

    @field_validator("results", mode="before")
    @classmethod
    def _typed(cls, results: Any) -> Any:
        """Results given as JSON (a stored turn, a response read back) become typed again."""
        if isinstance(results, list):
            return [registry.result_from_json(r) if isinstance(r, dict) else r for r in results]
        return results

    @field_serializer("results")
    def _results(self, results: list[Result]) -> list[dict[str, Any]]:
        return [r.to_json() for r in results]

    def __str__(self) -> str:
        return self.text
