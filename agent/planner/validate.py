"""Checks before a plan leaves the planner: things that do not exist, and registry validation.

A clause naming an id outside the data, a label the target does not have or a method saywhy does
not run gets a clarifying question; every planned call must be a registry tool whose arguments
validate, for the target's kind. A failure becomes a question back, never a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from .base import Plan
from .catalogue import catalogue
from .read.replies import help_text
from .slots.clause import Clause

log = logging.getLogger(__name__)


def problem(
    c: Clause, *, labels: Sequence[str], id_range: tuple[int, int] | None, has_data: bool
) -> str | None:
    """A clarifying question when the clause names something that does not exist."""
    cat = catalogue()
    s = c.slots
    ids = [s.id] if s.id is not None else []
    ids += [i for i in (c.input.get("id"),) if i is not None]
    if isinstance(s.ids, list):
        ids += s.ids
    elif isinstance(s.ids, str):
        ids += [int(x) for x in s.ids.split("-")]
    if id_range and any(not id_range[0] <= i <= id_range[1] for i in ids):
        bad = next(i for i in ids if not id_range[0] <= i <= id_range[1])
        return (
            f"There is no item {bad}: ids run from {id_range[0]} to {id_range[1]}. "
            f"Which one did you mean?"
        )
    if ids and not has_data and (cat.takes(c.intent, "id") or cat.takes(c.intent, "ids")):
        return "There is no dataset loaded, so ids mean nothing here; quote a text instead."
    about_items = cat.scope.get(c.intent) in ("input", "dataset") or c.intent == "repeat"
    if s.foreign_label and about_items:
        return (
            f'The model has no label "{s.foreign_label}"; its labels are '
            f"{', '.join(labels)}. Which did you mean?"
        )
    if s.unknown_method and not s.methods and c.intent != "define":
        return (
            f"I can't run {s.unknown_method}; the attribution methods here are SHAP, "
            f"integrated gradients, gradient x input, LIME and occlusion. Which one should I use?"
        )
    return None


def validated(plan: Plan, kind: str) -> Plan:
    """Every call must be a registry tool with valid arguments (when the tool is registered)."""
    from saywhy.tools import registry
    from saywhy.tools.errors import SaywhyError

    for call in plan.calls:
        try:
            tool = registry.get(call.tool)
        except SaywhyError:
            continue  # not registered in this build: the conversation reports it
        if kind not in tool.kinds:
            kinds = " or ".join(k.replace("_", " ") for k in sorted(tool.kinds))
            return Plan(
                clarify=f"{call.tool.replace('_', ' ')} works on {kinds} models, and this one "
                f"is a {kind.replace('_', ' ')}. " + help_text(),
                intent=plan.intent,
                confidence=plan.confidence,
            )
        try:
            tool.validate(call.args)
        except SaywhyError as exc:
            log.warning("offline planner produced bad arguments: %s", exc)
            return Plan(
                clarify="I could not put that request together correctly; could you rephrase "
                "it? " + help_text(),
                intent=plan.intent,
                confidence=plan.confidence,
                notes=[str(exc)],
            )
    return plan
