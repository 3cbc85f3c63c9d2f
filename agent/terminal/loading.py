"""Loading for `saywhy chat`, `ask`, `tool` and `parse`: settings, a target and its data behind a
spinner (with a bar while the demo builds itself the first time), and new conversations.

A loaded context holds the target, the data and the memo cache; each conversation gets its own
context from it with `ToolContext.for_conversation()` (its own subset and turn, the shared cache).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from .progress import live_progress

if TYPE_CHECKING:
    from saywhy.agent.conversation import Conversation
    from saywhy.agent.settings import Settings
    from saywhy.tools.context import ToolContext


def settings_for(model: str | None, data: str | None) -> Settings:
    """Environment settings (SAYWHY_*) with the command-line flags on top; errors as UserError."""
    from saywhy.agent.settings import load_settings

    return load_settings(model=model, data=data)


def demo_needs_building(model: str) -> bool:
    if model != "demo-sentiment":
        return False
    from saywhy.tools.target.demo import META, demo_dir

    return not (demo_dir() / META).is_file()


def load_with_status(console: Console, model: str, data: str | None, *,
                     allow_pickle: bool = False) -> ToolContext:
    """Load target and data behind a spinner; the first time, the demo's build draws a bar."""
    from saywhy.agent.bootstrap import load_context

    if demo_needs_building(model):
        console.print("Building demo-sentiment once (about 5 minutes on 2 cores)…")
    what = f"Loading {model}" + (f" and {data}" if data else "")
    with live_progress(console, what) as report:
        return load_context(model, data, allow_pickle=allow_pickle, on_progress=report)


def with_data(loaded: ToolContext, console: Console, path: str) -> ToolContext:
    """The loaded context for another data file over the same target (`/data PATH`)."""
    from saywhy.tools.context import ToolContext
    from saywhy.tools.data import load_dataset

    with console.status(f"Loading {escape(path)}…"):
        dataset = load_dataset(path)
    return ToolContext(target=loaded.target, data=dataset, seed=loaded.seed)


def new_conversation(loaded: ToolContext, llm: str | None) -> Conversation:
    """A conversation on its own context over the loaded one, with the planner and writer the
    settings (and --llm) ask for."""
    from saywhy.agent.compose import build_conversation
    from saywhy.agent.settings import get_settings

    return build_conversation(loaded.for_conversation(), get_settings(), llm=llm)


def planning_conversation(ctx: Any, llm: str | None) -> Conversation:
    """A conversation over a planning-only context (`saywhy parse`): no tool runs on it."""
    from saywhy.agent.compose import build_conversation
    from saywhy.agent.settings import get_settings

    return build_conversation(ctx, get_settings(), llm=llm)
