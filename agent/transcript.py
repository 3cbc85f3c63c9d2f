"""A conversation's transcript for people: Markdown with every turn's calls and results."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from saywhy.tools.context import ToolContext

    from .state import DialogueState


def markdown(state: DialogueState, ctx: ToolContext) -> str:
    """The transcript with each turn's tool calls and results, for sharing or a report."""
    target = ctx.target
    lines = ["# saywhy conversation", "",
             f"Model: {getattr(target, 'name', '?')} ({getattr(target, 'kind', '?')})."]
    if ctx.data is not None:
        lines[-1] += f" Data: {ctx.data.name}, {len(ctx.data):,} items."
    for n, turn in enumerate(state.history, 1):
        lines += ["", f"## {n}. {turn.question.strip()[:80] or '(empty)'}", "",
                  f"**You:** {turn.question.strip()}", "", f"**saywhy:** {turn.answer}", ""]
        for call in turn.calls:
            lines.append(f"- `{call.tool} {json.dumps(call.args, ensure_ascii=False)}`")
        if turn.results:
            body = json.dumps(turn.results, indent=2, ensure_ascii=False, default=str)
            lines += ["", "<details><summary>Results</summary>", "", "```json", body, "```",
                      "", "</details>"]
    return "\n".join(lines) + "\n"
