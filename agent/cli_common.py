"""Shared by `saywhy chat`, `ask` and `parse`: settings, loading with a spinner, conversations,
and the one-line descriptions the banner and /state print."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from saywhy.tools.context import ToolContext

    from .conversation import Conversation
    from .settings import Settings


def settings_for(model: str | None, data: str | None) -> Settings:
    """Environment settings (SAYWHY_*) with the command-line flags on top; errors as UserError."""
    from .settings import load_settings

    return load_settings(model=model, data=data)


def demo_needs_building(model: str) -> bool:
    if model != "demo-sentiment":
        return False
    from saywhy.tools.target.demo import META, demo_dir

    return not (demo_dir() / META).is_file()


def load_with_status(console: Console, model: str, data: str | None, *,
                     allow_pickle: bool = False) -> ToolContext:
    """Load target and data behind a spinner (or the build's own progress bar, first time)."""
    from .bootstrap import load_context

    if demo_needs_building(model):
        console.print("Building demo-sentiment once (about 5 minutes on 2 cores)…")
        return load_context(model, data, allow_pickle=allow_pickle,
                            on_progress=progress_printer() if console.is_terminal else None)
    with console.status(f"Loading {escape(model)}" + (f" and {escape(data)}" if data else "")
                        + "…"):
        return load_context(model, data, allow_pickle=allow_pickle)


def progress_printer() -> Any:
    """A callback that prints progress events as a rich bar on stderr, one bar per message."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(),
                   TextColumn("{task.completed}/{task.total}"), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=True)
    tasks: dict[str, Any] = {}

    def report(event: Any) -> None:
        if event.total is None:
            return
        if event.message not in tasks:
            bar.start()
            tasks[event.message] = bar.add_task(event.message, total=event.total)
        bar.update(tasks[event.message], completed=event.done)
        if event.done is not None and event.done >= event.total:
            bar.stop()

    return report


def new_conversation(ctx: Any, llm: str | None) -> Conversation:
    """The conversation the settings (and --llm) ask for, on this context."""
    from .compose import build_conversation
    from .settings import get_settings

    return build_conversation(ctx, get_settings(), llm=llm)


def describe_context(ctx: ToolContext) -> str:
    t = ctx.target
    kind = "classifier" if t.kind == "classifier" else "causal LM"
    labels = f": {' / '.join(t.labels)}" if t.labels else ""
    try:
        size = f", {t.n_parameters / 1e6:.1f} M parameters"
    except Exception:  # noqa: BLE001 - a stub or unusual target: the name is enough
        size = ""
    arch = getattr(t, "architecture", "")
    text = f"model [bold]{escape(t.name)}[/bold] ({kind}{escape(labels)}; {escape(arch)}{size})"
    return text + " · " + describe_data(ctx)


def describe_data(ctx: ToolContext) -> str:
    d = ctx.data
    if d is None:
        return "no data (free texts only; start with --data FILE to add some)"
    extra = ", train/test split" if getattr(d, "has_split", False) else ""
    return f"data [bold]{escape(d.name)}[/bold] ({len(d):,} items{extra})"


def example_questions(ctx: ToolContext, preferred: Sequence[str], n: int) -> list[str]:
    """`n` example questions from the capabilities that fit this model and data, picked from
    sections answered by the `preferred` tools first."""
    from saywhy.tools import registry

    try:
        sections = registry.get("capabilities").run(ctx, {}).sections
    except Exception:  # noqa: BLE001 - the banner must not fail on a missing tool
        return ["What do you predict for review 12?", "Why?", "What can I ask you?"]
    rank = {name: i for i, name in enumerate(preferred)}
    ordered = sorted(sections, key=lambda s: min(rank.get(t, len(rank)) for t in s.tools))
    return [s.examples[0] for s in ordered if s.examples][:n]


def state_lines(conv: Conversation, model: str, data: str | None, planner: str) -> list[str]:
    """What /state prints: focus, subset, last method/label/tool, model, data, planner."""
    s = conv.state
    focus = (f"review #{s.focus_id}" if s.focus_id is not None else
             f'"{s.focus_text[:70]}"' if s.focus_text else "nothing yet")
    subset = (f"{s.subset.description} ({len(s.subset.ids):,} items)" if s.subset is not None
              else "none (all items)")
    rows = [("focus", focus), ("subset", subset),
            ("last tool", s.last_tool or "—"), ("last method", s.last_method or "—"),
            ("last label", s.last_label or "—"), ("turns", str(len(s.history))),
            ("model", model), ("data", data or (conv.ctx.data.name if conv.ctx.data else "none")),
            ("planner", planner)]
    if s.last_generation:
        rows.insert(1, ("last generation", f'"{s.last_generation[:70]}"'))
    return [f"{k:<16}{v}" for k, v in rows]
