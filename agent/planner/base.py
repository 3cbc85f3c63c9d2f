"""What every planner produces: validated tool calls, or a question back to the user."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ToolCall(BaseModel):
    """One call of a registry tool with arguments already validated against its input model."""

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)


class Choice(BaseModel):
    """One reading of an unclear question, offered back to the user: its words and its calls."""

    text: str = Field(description="The reading in plain words, e.g. \"explain item 12\".")
    calls: list[ToolCall] = Field(default_factory=list)


class Plan(BaseModel):
    """The planner's decision for one user turn.

    Exactly one of: `calls` to run; `clarify`, a short question when the planner is unsure
    (with `choices` when it can name the likeliest readings: the user picks one by number);
    `reply`, a direct answer needing no tool (greetings, definitions of SHAP and the like).
    """

    calls: list[ToolCall] = Field(default_factory=list)
    clarify: str | None = None
    choices: list[Choice] = Field(default_factory=list)
    reply: str | None = None
    intent: str | None = None
    confidence: float = 1.0
    planner: str = ""
    notes: list[str] = Field(default_factory=list)
