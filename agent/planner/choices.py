"""Ask, don't guess: when the two likeliest readings of one request are close, offer both.

A single request whose tool the classifier chose by a small margin over the next tool (and that
no slot settled: see `intent/decide.py`) is built both ways; when both readings are whole plans
that differ, the planner asks which one was meant, each reading worded from the tool's title in
the catalogue and the request's slots ("What the model says, for {item} 12"), and the user picks
one by number or by its words (agent/conversation.py). The margin was chosen on the fresh dev
set so that choices stay rare (see evals/parse/README.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .base import Choice, Plan, ToolCall
from .catalogue import catalogue
from .slots.clause import Clause

MARGIN = 0.03  # top two tool readings closer than this: ask (chosen on the fresh dev set)
CEILING = 0.45  # a top reading above this is confident enough to run


def second_reading(c: Clause, ranked: list[tuple[str, float]]) -> str | None:
    """The tool of the next reading when it is close to the clause's own; None when it is not."""
    if c.settled or c.prob >= CEILING:
        return None
    names = catalogue().names
    probs = dict(ranked)
    if c.intent not in names or probs.get(c.intent) is None:
        return None
    cat = catalogue()

    def fits(tool: str) -> bool:
        if c.input:  # an id or a text: the tool must take it
            return any(cat.takes(tool, k) for k in c.input)
        return tool not in cat.inputs or bool(c.anaphora)

    other = next(((i, p) for i, p in ranked if i in names and i != c.intent and fits(i)), None)
    if other is None or probs[c.intent] - other[1] >= MARGIN:
        return None
    return other[0]


def describe(calls: list[ToolCall]) -> str:
    """A reading in words: the main tool's title and what it is about."""
    cat = catalogue()
    main = next((x for x in reversed(calls) if x.tool not in cat.subset_tools), calls[-1])
    args: dict[str, Any] = main.args
    words = cat.title(main.tool)
    if args.get("id") is not None:
        words += f", for {{item}} {args['id']}"
    elif args.get("text"):
        text = str(args["text"])
        words += f", for \"{text[:40]}{'...' if len(text) > 40 else ''}\""
    extras = [str(args[k]).replace("_", " ") for k in ("method", "label") if args.get(k)]
    if extras:
        words += " (" + ", ".join(extras) + ")"
    return words


def offer(plan: Plan, others: list[Plan]) -> Plan:
    """A question back offering `plan` and the other readings, when they differ."""
    readings = [plan] + [p for p in others if p.calls and not p.clarify and not p.reply]
    seen: list[list[ToolCall]] = []
    choices: list[Choice] = []
    for p in readings:
        if p.calls in seen:
            continue
        seen.append(p.calls)
        choices.append(Choice(text=describe(p.calls), calls=list(p.calls)))
    if len(choices) < 2 or len({c.text for c in choices}) < len(choices):
        return plan
    return Plan(clarify="I am not sure which you mean. Did you want:", choices=choices,
                intent=plan.intent, confidence=plan.confidence, notes=["choices offered"])


def with_choices(plan: Plan, c: Clause, ranked: list[tuple[str, float]],
                 build: Callable[[str], Plan]) -> Plan:
    """`plan`, or a question offering it and the close second reading of request `c`."""
    if not plan.calls or plan.clarify or plan.reply:
        return plan
    other = second_reading(c, ranked)
    if other is None:
        return plan
    return offer(plan, [build(other)])
