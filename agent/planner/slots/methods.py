"""Attribution methods a clause does not name but means: one named elsewhere in the question,
"that method" (the last one used, or the one just defined), or a comparison of the last two."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..catalogue import catalogue
from ..read.replies import find_terms
from .clause import Clause
from .patterns import METHODS

if TYPE_CHECKING:
    from ...state import DialogueState

COMPARE = re.compile(
    r"\b(?:compare|compared|comparison|agree\w*|versus|vs\.?|against|match"
    r"|consistent|same story|same words|line up|in line"
    r"|same ranking|differ\w*)\b",
    re.I,
)
_THE_EXPLANATION = re.compile(r"\bthe (?:explanation|attribution|ranking|highlighting)\b", re.I)
_THAT_METHOD = re.compile(
    r"\b(?:that|this|the same) (?:method|technique|one)\b|\b(?:use|run|apply"
    r"|try) it\b",
    re.I,
)


def recent_methods(state: DialogueState) -> list[str]:
    """Methods the user named, most recent first (from the calls of earlier turns)."""
    seen: list[str] = []
    batches = [state.last_calls] + [t.calls for t in reversed(state.history)]
    for calls in batches:
        for call in reversed(calls):
            m = call.args.get("method")
            if isinstance(m, str) and m not in seen:
                seen.append(m)
            m = call.args.get("compare")
            if isinstance(m, str) and m not in seen:
                seen.append(m)
    return seen


def defined_methods(text: str) -> list[str]:
    """The attribution methods a definition question asked about ("what is SHAP?")."""
    return [k for k in find_terms(text) if k in METHODS]


def methods_from_context(
    tool: str, c: Clause, args: dict[str, Any], state: DialogueState, all_methods: list[str]
) -> None:
    """Methods the clause does not name: shared in the question, "that method", the last one."""
    cat = catalogue()
    if tool not in cat.inputs or not cat.takes(tool, "method"):
        return
    named = c.slots.methods
    if not named and len(all_methods) == 1:
        args["method"] = all_methods[0]
        named = all_methods
    recent = recent_methods(state)
    if cat.takes(tool, "compare"):  # a check of one method, or of two against each other
        compare = COMPARE.search(c.text) is not None
        if len(named) == 1 and compare:
            prev = next((m for m in recent if m != named[0]), None)
            if prev:
                args["method"], args["compare"] = prev, named[0]
        elif not named and compare and len(recent) >= 2:
            args["method"], args["compare"] = recent[0], recent[1]
        elif not named and (c.anaphora or _THE_EXPLANATION.search(c.text) or not c.input):
            for x in state.last_calls:
                if x.tool in cat.explainers and x.args.get("method"):
                    args["method"] = x.args["method"]
    if not named and "method" not in args and _THAT_METHOD.search(c.text):
        m = recent[0] if recent else state.last_method
        if not m and state.history:
            found = defined_methods(state.history[-1].question)
            m = found[0] if found else None
        if m in METHODS:
            args["method"] = m
