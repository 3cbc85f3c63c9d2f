"""Running a turn's planned calls against the catalogue, and the state moves they declare.

Each call is validated once, against its tool's own args model, and run on the conversation's
context; after each, the dialogue state moves as the tool declares (`Tool.updates`,
`Result.remembered()`). `Conversation` decides what a turn does with the outcome (retry, ask
back, apologise, write); how calls run and move the state is the same for `ask` and, without
running, for `plan`, so it lives here.
"""

from __future__ import annotations

import logging

from saywhy.tools import registry
from saywhy.tools.context import ToolContext, keyed
from saywhy.tools.errors import SaywhyError, ToolArgsError
from saywhy.tools.registry import Result

from .planner.base import ToolCall
from .state import DialogueState

log = logging.getLogger("saywhy.agent.conversation")  # the conversation's failures, as before


def run_calls(ctx: ToolContext, state: DialogueState, calls: list[ToolCall]
              ) -> tuple[list[ToolCall], list[Result], Exception | None, int]:
    """Run calls in order; stop at the first error. Returns (ran, results, error, index).
    Arguments are validated here, once, against the tool's own input model."""
    ctx.stage("running", "running " + ", ".join(c.tool for c in calls))
    ran: list[ToolCall] = []
    results: list[Result] = []
    for index, call in enumerate(calls):
        ctx.check()  # a stopped turn starts no further tool
        try:
            tool = registry.find(call.tool)
            if tool is None:  # an unknown tool name is the planner's mistake
                raise ToolArgsError(f"Unknown tool {call.tool!r}. Known tools: "
                                    f"{', '.join(registry.names())}.")
            valid = tool.validate(call.args)  # only catalogue tools, only valid arguments
            checked = ToolCall(tool=call.tool, args=valid.model_dump(
                mode="json", exclude_unset=True, exclude_none=True))
            result = tool.run(ctx, valid)
        except Exception as exc:  # noqa: BLE001 - sorted by audience in Conversation._ask
            ctx.check()  # stopped by the turn's limits: the turn ends, not just the call
            if not isinstance(exc, SaywhyError):
                log.exception("tool %s failed on %s", call.tool, call.args)
            return ran, results, exc, index
        ran.append(checked)
        results.append(result)
        move_state(ctx, state, checked, result)
    return ran, results, None, len(calls)


def move_state(ctx: ToolContext, state: DialogueState, call: ToolCall,
               result: Result | None) -> None:
    """Move the dialogue state as the tool declares (`Tool.updates`)."""
    s = state
    tool = registry.find(call.tool)
    moves = tool.updates if tool is not None else frozenset()
    kept = result.remembered() if result is not None else {}
    if "focus" in moves:  # the state keeps keys; a call may name the item by the user's id
        s.set_focus(keyed(ctx.data, call.args))
        if kept.get("focus") is not None:  # an item the tool chose itself (a random draw)
            s.set_focus({"id": int(kept["focus"])})
    if kept.get("generation") is not None:
        s.last_generation = kept["generation"]
    s.subset = ctx.subset
    for name in ("method", "label"):
        value = call.args.get(name) or kept.get(name)
        if name in moves and isinstance(value, str):
            setattr(s, f"last_{name}", value)
    s.last_tool = call.tool
