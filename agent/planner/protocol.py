"""What a planner is: anything that turns a question and the dialogue state into a Plan.

Kept apart from `base.py` (ToolCall, Plan) because the dialogue state itself holds ToolCalls:
the state imports `base`, and only this protocol needs the state.
"""

from __future__ import annotations

from typing import Protocol

from ..state import DialogueState
from .base import Plan


class Planner(Protocol):
    name: str

    def plan(self, text: str, state: DialogueState) -> Plan: ...
