"""The one-line descriptions the REPL prints: the model and data (banner, /model, /data),
example questions that fit them, and what /state shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.markup import escape

if TYPE_CHECKING:
    from saywhy.agent.conversation import Conversation
    from saywhy.tools.context import ToolContext

FALLBACK_EXAMPLES = ["What do you predict for review 12?", "Why?", "What can I ask you?"]


def describe_context(ctx: ToolContext) -> str:
    """`model NAME (kind: labels; architecture, size) · data ...`, as rich markup."""
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
        return list(FALLBACK_EXAMPLES)
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
