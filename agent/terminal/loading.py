"""Loading for `saywhy chat`, `ask`, `tool` and `parse`: settings, a target and its data behind a
spinner (with a bar while the demo builds itself the first time), and new conversations.

A loaded context holds the target, the data and the memo cache; each conversation gets its own
context from it with `ToolContext.for_conversation()` (its own subset and turn, the shared cache).
The data travels as a `DataSpec` (file, columns, item noun) so that `--data`, the column flags,
`SAYWHY_TEXT_COLUMN` ... and `/data PATH text=...` all load the same way: text through
`bootstrap.load_data`, a table model's rows through `bootstrap.load_table_data` (`label=`, `id=`,
`item=` and the class names of `--labels` as at start); either way gold labels are reconciled
with the model's.
"""

from __future__ import annotations

import copy
import threading
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from saywhy.tools.errors import UserError

from .progress import live_progress

if TYPE_CHECKING:
    from saywhy.agent.bootstrap import DataSpec
    from saywhy.agent.conversation import Conversation
    from saywhy.agent.settings import Settings
    from saywhy.tools.context import ToolContext
    from saywhy.tools.data.dataset import Dataset
    from saywhy.tools.target.tabular import TabularTarget


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

    Text data goes through `bootstrap.load_data`, so its gold labels are reconciled with this
    model's; a table goes through `bootstrap.load_table_data`, as `--data` does at start (its
    feature columns checked against the model's, its gold read through the model's classes).
    The new loaded context is made by the old one's `for_conversation()`: it shares the memo
    cache and the cache's lock (a forward pass depends only on the target and the input;
    whatever depends on the data is keyed by the data's fingerprint), and only its data (and a
    table model's schema) differs."""
    from saywhy.agent.bootstrap import load_data
    from saywhy.tools.target.tabular import TabularTarget

    fresh = loaded.for_conversation()
    with console.status(f"Loading {escape(spec.path or '')}…"):
        if isinstance(loaded.target, TabularTarget):
            fresh.target, fresh.data = table_data(loaded.target, spec)
        else:
            fresh.data = load_data(spec, [str(x) for x in loaded.target.labels])
    if isinstance(fresh.target, TabularTarget) and fresh.data is not None:
        from saywhy.tools.tabular.variants import warm  # shap's explainer, while the user types

        threading.Thread(target=warm, args=(fresh,), daemon=True).start()
    return fresh


def table_data(target: TabularTarget, spec: DataSpec) -> tuple[TabularTarget, Dataset | None]:
    """A table model over another table, read as `--data` reads it at start.

    A user's model learns its features' kinds and observed values from the table it is first
    given (`TabularTarget.bind`), so the new table is read by a copy of the target that learns
    them again, from this table: ranges, categories and what-ifs speak of the rows being asked
    about, and the old context's target is left as it was if the file is refused. The demo
    keeps the schema it ships with, as at start. The copy shares the fitted model and its lock
    (and the names `--labels` gave its classes); its explainers are its own."""
    from saywhy.agent.bootstrap import load_table_data

    if spec.text_column:
        raise UserError(f"{target.name} is a table model: it reads its feature columns "
                        f"({', '.join(target.feature_names)}), so there is no text column to "
                        "name with text=.",
                        hint="Leave out text=; label=, id= and item= name a table's columns.")
    view = copy.copy(target)
    view.explainers = {}
    if target.name != "demo-tabular":
        view.schema = None
    return view, load_table_data(spec, view)


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
