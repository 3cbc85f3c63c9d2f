"""What a writer gets (the question, the calls, their results, the dialogue state) and returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from saywhy.tools.registry import Result

from ..planner.base import ToolCall
from ..state import DialogueState


@dataclass
class WriteRequest:
    question: str
    calls: list[ToolCall]
    results: list[Result]  # the result of each call that ran, in order
    state: DialogueState  # already updated with this turn's calls
    turn: int = 0
    error: str | None = None  # a plain sentence when a call failed on the user's input
    previous_focus: dict[str, Any] = field(default_factory=dict)  # focus before this turn


@dataclass
class Written:
    text: str
    writer: str  # "embedded", "llm", or "embedded (llm answer not grounded: ...)"
    notes: list[str] = field(default_factory=list)


DETAILS = re.compile(r"\b(?:details?|detailed|in depth|how (?:do|did|can|would) you know|"
                     r"how can you tell|evidence|show (?:me )?your work)\b", re.I)


def asks_for_details(question: str) -> bool:
    """Whether the question asks for the details behind an answer ("details", "how do you
    know?"): then a result's `details()`, which the first answer leaves out, is said too."""
    return bool(DETAILS.search(question))


class Writer(Protocol):
    name: str

    def write(self, request: WriteRequest) -> Written: ...


def subset_phrase(state: DialogueState) -> str | None:
    """'the 312 reviews that mention 'acting'' for the current subset, or None."""
    if state.subset is None:
        return None
    n, desc = len(state.subset.ids), state.subset.description.strip()
    if desc.lower().startswith("all "):  # "all reviews except those that mention 'acting'"
        desc = desc[4:]
    first = desc.split(" ", 1)[0].lower() if desc else ""
    if first.endswith("s") and first not in {"is", "was", "has", "does", "contains"}:
        return f"the {n:,} {desc}"
    if desc:
        return f"the {n:,} items in the current subset ({desc})"
    return f"the {n:,} items selected"
