"""What every planner produces: validated tool calls, or a question back to the user."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ToolCall(BaseModel):
    """One call of a registry tool with arguments already validated against its input model."""

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)


class Plan(BaseModel):
    """The planner's decision for one user turn.

    Exactly one of: `calls` to run; `clarify`, a short question when the planner is unsure;
    `reply`, a direct answer needing no tool (greetings, definitions of SHAP and the like).
    """

    calls: list[ToolCall] = Field(default_factory=list)
    clarify: str | None = None
    reply: str | None = None
    intent: str | None = None
    confidence: float = 1.0
    planner: str = ""
    notes: list[str] = Field(default_factory=list)
