"""Loading for `saywhy chat`, `ask`, `tool` and `parse`: settings, a target and its data behind a
spinner (with a bar while the demo builds itself the first time), and new conversations.

A loaded context holds the target, the data and the memo cache; each conversation gets its own
context from it with `ToolContext.for_conversation()` (its own subset and turn, the shared cache).
The data travels as a `DataSpec` (file, columns, item noun) so that `--data`, the column flags,
`SAYWHY_TEXT_COLUMN` ... and `/data PATH text=...` all load through `bootstrap.load_data`, where
gold labels are reconciled with the model's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from .progress import live_progress

if TYPE_CHECKING:
    from saywhy.agent.bootstrap import DataSpec
    from saywhy.agent.conversation import Conversation
    from saywhy.agent.settings import Settings
    from saywhy.tools.context import ToolContext


def settings_for(model: str | None, data: str | None, *, text_column: str | None = None,
                 label_column: str | None = None, id_column: str | None = None,
                 item_name: str | None = None, labels: str | None = None) -> Settings:
    """Environment settings (SAYWHY_*) with the command-line flags on top; errors as UserError."""
    from saywhy.agent.settings import load_settings

    return load_settings(model=model, data=data, text_column=text_column,
                         label_column=label_column, id_column=id_column, item_name=item_name,
                         labels=labels)


def data_spec(settings: Settings) -> DataSpec:
    """How to read the data the settings name: the file, which column is which, the item noun."""
    from saywhy.agent.bootstrap import DataSpec

    return DataSpec.from_settings(settings)


def demo_needs_building(model: str) -> bool:
    if model != "demo-sentiment":
        return False
    from saywhy.tools.target.demo import META, demo_dir

    return not (demo_dir() / META).is_file()


def load_with_status(console: Console, model: str, data: DataSpec, *,
                     allow_pickle: bool = False) -> ToolContext:
    """Load target and data behind a spinner; the first time, the demo's build draws a bar."""
    from saywhy.agent.bootstrap import load_context

    if demo_needs_building(model):
        console.print("Building demo-sentiment once (about 5 minutes on 2 cores)…")
    what = f"Loading {model}" + (f" and {data.path}" if data.path else "")
    with live_progress(console, what) as report:
        return load_context(model, data, allow_pickle=allow_pickle, on_progress=report)


def with_data(loaded: ToolContext, console: Console, spec: DataSpec) -> ToolContext:
    """The loaded context for another data file over the same target (`/data PATH ...`).

    The data goes through `bootstrap.load_data`, so its gold labels are reconciled with this
    model's. The new loaded context is made by the old one's `for_conversation()`: it shares the
    target, the memo cache and the cache's lock (a forward pass depends only on the target and
    the text; whatever depends on the data is keyed by the data's fingerprint), and only its
    data differs."""
    from saywhy.agent.bootstrap import load_data

    with console.status(f"Loading {escape(spec.path or '')}…"):
        dataset = load_data(spec, [str(x) for x in loaded.target.labels])
    fresh = loaded.for_conversation()
    fresh.data = dataset
    return fresh


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
