"""The one-line descriptions the REPL prints: the model and data (banner, /model, /data), what
was guessed when the data was read, example questions that fit them, and what /state shows.

Everything here speaks the loaded model's and data's words (its labels, its item noun, its
showcase questions); nothing falls back to the demo's "review" or "positive"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.markup import escape

if TYPE_CHECKING:
    from saywhy.agent.conversation import Conversation
    from saywhy.tools.context import ToolContext
    from saywhy.tools.data.dataset import Dataset

FALLBACK_EXAMPLES = ["What can I ask you?"]
# a showcase question that leans on an earlier answer ("how faithful is that explanation?")
# cannot open a conversation: it goes after those that stand alone
FOLLOW_UP = re.compile(r"\b(?:that|it|this|these|those)\b(?![^?]*\d)", re.I)


def describe_context(ctx: ToolContext) -> str:
    """`model NAME (kind: labels; architecture, size) · data ...`, as rich markup."""
    t = ctx.target
    kind = {"classifier": "classifier", "tabular": "table classifier"}.get(t.kind, "causal LM")
    labels = f": {' / '.join(t.labels)}" if t.labels else ""
    try:
        schema = getattr(t, "schema", None)
        size = (f", {len(schema.features)} features" if t.kind == "tabular" and schema
                else f", {t.n_parameters / 1e6:.1f} M parameters")
    except Exception:  # noqa: BLE001 - a stub or unusual target: the name is enough
        size = ""
    arch = getattr(t, "architecture", "")
    text = f"model [bold]{escape(t.name)}[/bold] ({kind}{escape(labels)}; {escape(arch)}{size})"
    return text + " · " + describe_data(ctx)


def describe_data(ctx: ToolContext) -> str:
    """`data NAME (N tickets, train/test split)`, counted in the data's own noun."""
    from saywhy.tools.data.views import count

    d = ctx.data
    if d is None:
        return "no data (free texts only; load a file with /data FILE or --data FILE)"
    extra = ", train/test split" if getattr(d, "has_split", False) else ""
    labelled = "" if getattr(d, "has_labels", False) else ", no gold labels"
    return f"data [bold]{escape(d.name)}[/bold] ({escape(count(len(d), d))}{labelled}{extra})"


def notes_of(data: Dataset | None) -> list[str]:
    """What was guessed or matched when the data was read (`Dataset.notes`), as sentences."""
    return [n[:1].upper() + n[1:] for n in (getattr(data, "notes", None) or []) if n.strip()]


def example_questions(ctx: ToolContext, n: int) -> list[str]:
    """`n` example questions that fit this model and data, in its own words: the first showcase
    question of each capability in catalogue order, those that stand alone first (not a
    follow-up such as "how faithful is that explanation?")."""
    from saywhy.tools import registry

    try:
        sections = registry.get("capabilities").run(ctx, {}).sections
    except Exception:  # noqa: BLE001 - the banner must not fail on a missing tool
        return list(FALLBACK_EXAMPLES)
    firsts = [s.examples[0] for s in sections if s.examples]
    ordered = sorted(firsts, key=lambda q: bool(FOLLOW_UP.search(q)))  # stable: catalogue order
    return ordered[:n] or list(FALLBACK_EXAMPLES)


def state_lines(conv: Conversation, model: str, data: str | None, planner: str) -> list[str]:
    """What /state prints: focus, subset, last method/label/tool, model, data, planner."""
    from saywhy.tools.data.views import count
    from saywhy.tools.data.views import noun as noun_of

    s = conv.state
    noun = conv.ctx.data.item_name if conv.ctx.data is not None else "item"
    focus = (f"{noun} #{conv.ctx.shown(s.focus_id)}" if s.focus_id is not None else
             f'"{s.focus_text[:70]}"' if s.focus_text else "nothing yet")
    subset = (f"{s.subset.description} ({count(len(s.subset.ids), conv.ctx.data)})"
              if s.subset is not None else f"none (all {noun_of(conv.ctx.data)})")
    rows = [("focus", focus), ("subset", subset),
            ("last tool", s.last_tool or "—"), ("last method", s.last_method or "—"),
            ("last label", s.last_label or "—"), ("turns", str(len(s.history))),
            ("model", model), ("data", data or (conv.ctx.data.name if conv.ctx.data else "none")),
            ("planner", planner)]
    if s.last_generation:
        rows.insert(1, ("last generation", f'"{s.last_generation[:70]}"'))
    return [f"{k:<16}{v}" for k, v in rows]
