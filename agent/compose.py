"""Putting a conversation together for a loaded target: which planner and writer.

`build_conversation(ctx, settings, llm=...)` is what the terminal, the server and the evals call:
the offline planner and embedded writer, or an LLM planner and writer with those two as
fallbacks. `ctx` is the conversation's own context (`ToolContext.for_conversation()`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from saywhy.tools.context import ToolContext
from saywhy.tools.errors import SystemFailure

from .conversation import Conversation
from .planner.protocol import Planner
from .writer.embedded import EmbeddedWriter

if TYPE_CHECKING:
    from .settings import Settings


def offline_planner(ctx: ToolContext) -> Planner:
    """The offline planner for this target and dataset."""
    try:
        from .planner.offline import OfflinePlanner
    except ImportError as exc:
        raise SystemFailure("The offline planner is not available in this installation; "
                            "start saywhy with --llm MODEL.") from exc
    return OfflinePlanner.for_context(ctx)


def data_description(ctx: ToolContext) -> str:
    """The data in a line for the LLM planner: its size in its own noun, how its ids look (the
    user's ids, which the tools take as written), its gold labels and split."""
    from saywhy.tools.data.views import count

    data = ctx.data
    if data is None:
        return "none loaded (only free texts)"
    ids = data.ids
    text = f"{data.name}, {count(len(data), data)}"
    if ids and data.names is not None:
        example = json.dumps(data.names.names[0])
        text += (f" with ids that are names ({data.names.examples()}); pass an id as the data "
                 f"writes it, e.g. id={example}")
    elif ids:
        text += f" with ids {min(ids)}-{max(ids)}"
    if data.has_labels:
        text += f", gold labels {', '.join(data.label_names)}"
    if data.has_split:
        text += ", train/test split"
    schema = getattr(ctx.target, "schema", None)
    if schema is not None:  # a table model: the names `where`, `features` and `fixed` take
        text += ("; its features (use these names in filter's `where`, what_if's `features`, "
                 "counterfactual's `fixed`, interactions' `features`): "
                 + "; ".join(f.describe() for f in schema.features))
    return text


def focus_item(ctx: ToolContext) -> Callable[[int], str]:
    """How the LLM planner is told the item in focus: by the user's id, and how to pass it."""

    def words(key: int) -> str:
        data = ctx.data  # read at each turn: the REPL's /data may load other data
        noun = data.item_name if data is not None else "item"
        if data is not None and data.names is not None:
            shown = data.shown(key)
            return f"{noun} #{shown} (pass id={json.dumps(shown)})"
        return f"{noun} #{key} (pass id={key})"

    return words


def build_conversation(ctx: ToolContext, settings: Settings | None = None, *,
                       llm: str | None = None) -> Conversation:
    """The conversation the settings ask for: offline, or an LLM planner and writer with the
    offline planner and embedded writer as fallbacks. `llm` (e.g. from --llm) overrides; a
    provider that cannot be set up raises LLMUnavailable with what to install or set."""
    from .settings import OFFLINE_WORDS, get_settings

    settings = settings or get_settings()
    if llm is not None:
        offline_asked = llm.strip().lower() in OFFLINE_WORDS
        settings = settings.model_copy(update={"llm": None if offline_asked else llm.strip()} |
                                       ({"llm_base_url": None} if offline_asked else {}))
    embedded = EmbeddedWriter(settings.seed)
    if settings.offline:
        return Conversation(ctx=ctx, planner=offline_planner(ctx), writer=embedded,
                            seed=settings.seed)
    from .llm import client_from_settings
    from .planner.llm import LLMPlanner
    from .writer.llm import LLMWriter

    client = client_from_settings(settings)  # fails first, with what to install or set
    assert client is not None
    planner = LLMPlanner(client, labels=list(ctx.target.labels), kind=ctx.target.kind,
                         n_items=len(ctx.data) if ctx.data is not None else 0,
                         fallback=offline_planner(ctx), max_rounds=settings.llm_max_rounds,
                         model_name=ctx.target.name, data_description=data_description(ctx),
                         check=ctx.check, focus_item=focus_item(ctx))
    return Conversation(ctx=ctx, planner=planner, writer=LLMWriter(client, embedded),
                        seed=settings.seed)
