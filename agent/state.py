"""Dialogue state: what a conversation is about, so that follow-ups resolve.

Held per conversation and serialisable (the server stores it as JSON): the focus (a dataset id,
a free text, or the LM's last generation), the current subset from `filter`, the last calls and
results, and the history of turns.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from saywhy.tools.context import Subset

from .planner.base import Choice, ToolCall


class Turn(BaseModel):
    question: str
    answer: str
    calls: list[ToolCall] = Field(default_factory=list)
    results: list[dict[str, Any]] = Field(default_factory=list)
    seconds: float = 0.0


class DialogueState(BaseModel):
    focus_id: int | None = None
    focus_text: str | None = None
    last_generation: str | None = None
    subset: Subset | None = None
    last_calls: list[ToolCall] = Field(default_factory=list)
    last_results: list[dict[str, Any]] = Field(default_factory=list)
    last_method: str | None = None
    last_label: str | None = None
    last_tool: str | None = None
    choices: list[Choice] = Field(default_factory=list,
                                  description="Readings offered by the last answer, by number.")
    history: list[Turn] = Field(default_factory=list)

    @property
    def focus(self) -> dict[str, Any]:
        """The current input as tool arguments (`{"id": 12}` or `{"text": ...}`), or {}."""
        if self.focus_id is not None:
            return {"id": self.focus_id}
        if self.focus_text:
            return {"text": self.focus_text}
        return {}

    def set_focus(self, args: dict[str, Any]) -> None:
        if args.get("id") is not None:
            self.focus_id, self.focus_text = int(args["id"]), None
        elif args.get("text"):
            self.focus_id, self.focus_text = None, str(args["text"])

    def reset(self) -> None:
        fresh = DialogueState(history=self.history)
        for name in type(self).model_fields:
            setattr(self, name, getattr(fresh, name))
