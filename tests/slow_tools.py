"""Slow tools, for tests that press Ctrl-C (or run out of time) "during a slow tool".

`slowed(Tool.run, seconds, only)` is a `Tool.run` that first sleeps `seconds` in 50 ms steps with
a `ctx.check()` before each, so a cancel or a deadline is seen within 50 ms, as it would be in a
real tool's loop; `only` limits it to the named tools. In-process tests patch it in with
`monkeypatch.setattr(Tool, "run", slowed(Tool.run, ...))`.

As a module it runs the saywhy command with slow tools, for tests that drive a real terminal:

    python -m tests.slow_tools model_info=60 chat --model demo-sentiment
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Collection
from typing import Any

from saywhy.tools.context import ToolContext
from saywhy.tools.registry import Tool

STEP = 0.05  # seconds between checks

Run = Callable[..., Any]


def slowed(run: Run, seconds: float, only: Collection[str] = ()) -> Run:
    """`run` (a `Tool.run`) made to sleep `seconds` first, checking the turn every STEP."""

    def slow_run(self: Tool[Any, Any], ctx: ToolContext, args: Any = None) -> Any:
        end = time.monotonic() + (seconds if not only or self.name in only else 0.0)
        while time.monotonic() < end:
            ctx.check()
            time.sleep(STEP)
        return run(self, ctx, args)

    return slow_run


def main(argv: list[str]) -> None:
    """`NAME=SECONDS [NAME=SECONDS ...] SAYWHY-ARGS...`: slow those tools, then run saywhy."""
    delays: dict[str, float] = {}
    while argv and "=" in argv[0] and not argv[0].startswith("-"):
        name, _, seconds = argv.pop(0).partition("=")
        delays[name] = float(seconds)
    run = Tool.run
    for name, seconds in delays.items():
        run = slowed(run, seconds, {name})
    Tool.run = run  # type: ignore[method-assign]
    from saywhy.agent.terminal.app import main as saywhy

    sys.argv = ["saywhy", *argv]
    saywhy()


if __name__ == "__main__":
    main(sys.argv[1:])
