"""Helpers for tests of the offline planner: plan a question, read its calls."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from saywhy.agent.planner.base import Plan
from saywhy.agent.state import DialogueState


def calls(plan: Plan) -> list[tuple[str, dict[str, Any]]]:
    """The plan's calls as (tool, args) pairs."""
    return [(c.tool, c.args) for c in plan.calls]


def answered(planner: Any, question: str,
             focus: int | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The calls the planner plans for `question` (the row `focus` in focus), asserting it
    answers rather than asks back."""
    state = DialogueState()
    if focus is not None:
        state.focus_id = focus
    plan = planner.plan(question, state)
    assert not plan.clarify, plan.clarify
    return calls(plan)


def ask(planner: Any, question: str, state: DialogueState | None = None) -> Plan:
    """The planner's plan for `question` (in a fresh dialogue unless `state` is given)."""
    return planner.plan(question, state or DialogueState())


def offline_planner(labels: Sequence[str], ids: Sequence[int], noun: str,
                    features: Sequence[tuple[Any, ...]] | None = None,
                    warm: bool = True) -> Any:
    """The offline planner for a stand-in model and data: a classifier with `labels`, or a table
    model when `features` ((name, kind, values) triples) are given; only what planning reads."""
    from saywhy.agent.planner.offline import OfflinePlanner

    target = SimpleNamespace(labels=list(labels), kind="classifier")
    if features is not None:
        target.kind = "tabular"
        target.schema = SimpleNamespace(features=[  # (name, kind, values[, low, high])
            SimpleNamespace(name=f[0], kind=f[1], values=f[2], low=f[3] if len(f) > 3 else None,
                            high=f[4] if len(f) > 4 else None) for f in features])
    p = OfflinePlanner.for_context(SimpleNamespace(
        target=target, data=SimpleNamespace(ids=list(ids), item_name=noun)))
    if warm:
        p.warm_up()
    return p

