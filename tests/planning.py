"""Helpers for tests of the offline planner: plan a question, read its calls."""

from __future__ import annotations

from typing import Any

from saywhy.agent.planner.base import Plan
from saywhy.agent.state import DialogueState


def calls(plan: Plan) -> list[tuple[str, dict[str, Any]]]:
    """The plan's calls as (tool, args) pairs."""
    return [(c.tool, c.args) for c in plan.calls]


def ask(planner: Any, question: str, state: DialogueState | None = None) -> Plan:
    """The planner's plan for `question` (in a fresh dialogue unless `state` is given)."""
    return planner.plan(question, state or DialogueState())
