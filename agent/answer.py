"""What `Conversation.ask()` returns: the words, and everything behind them.

The REPL prints `text` (and draws the results' views); the server returns the whole object as
JSON. `results` stay the tools' typed `Result` objects in the process and become their
`to_json()` (with the summary and the generic views) only when serialised, so every number in
`text` can be traced to one.

A clarifying question that offers readings keeps them twice: numbered in `text` (one per line
after the question, then how to pick one), so that any plain-text reader (the chat-completions
API, a transcript, a pipe) sees them; and in `choices`, so that the REPL and the page can draw
them as a numbered list or as buttons under `lead()`, the words before the list.
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


class Option(BaseModel):
    """One reading offered by a clarifying question: answering with its number or its words
    picks it."""

    number: int = Field(ge=1, description="What to answer to pick it: 1, 2 or 3.")
    text: str = Field(description="The reading in plain words.")


def numbered(choices: list[str]) -> list[Option]:
    """The readings as the options of an answer, numbered from 1."""
    return [Option(number=n, text=c) for n, c in enumerate(choices, 1)]


def offer_text(question: str, choices: list[str]) -> str:
    """The clarifying question with its readings numbered one per line and how to pick one:
    the `text` of an answer that offers `choices`."""
    numbers = [str(n) for n in range(1, len(choices) + 1)]
    how = (" or ".join(numbers) if len(numbers) < 3
           else ", ".join(numbers[:-1]) + " or " + numbers[-1])
    lines = [f"{n}. {c}" for n, c in zip(numbers, choices, strict=True)]
    return "\n".join([question, *lines, f"Reply with {how}, or with the words of one."])


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
    choices: list[Option] = Field(default_factory=list, description="When the question was "
                                  "unclear: the likeliest readings, numbered; the next message "
                                  "picks one by its number (\"2\") or its words. `text` lists "
                                  "them too.")
    error: AnswerError | None = None
    turn: int = 0

    @field_validator("results", mode="before")
    @classmethod
    def _typed(cls, results: Any) -> Any:
        """Results given as JSON (a stored turn, a response read back) become typed again."""
        if isinstance(results, list):
            return [registry.result_from_json(r) if isinstance(r, dict) else r for r in results]
        return results

    @field_validator("choices", mode="before")
    @classmethod
    def _numbered(cls, choices: Any) -> Any:
        """Readings given as plain words (as answers stored before they were numbered) are
        numbered in order."""
        if isinstance(choices, list):
            return [{"number": n, "text": c} if isinstance(c, str) else c
                    for n, c in enumerate(choices, 1)]
        return choices

    def lead(self) -> str:
        """The words before the numbered readings (all of `text` when there are none)."""
        if not self.choices:
            return self.text
        head, sep, _ = self.text.partition(f"\n{self.choices[0].number}. {self.choices[0].text}")
        return head if sep else self.text

    @field_serializer("results")
    def _results(self, results: list[Result]) -> list[dict[str, Any]]:
        return [r.to_json() for r in results]

    def __str__(self) -> str:
        return self.text
