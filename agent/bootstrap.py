"""Load a target and its dataset into a ToolContext: shared by the CLI, the REPL and the server."""

from __future__ import annotations

from saywhy.tools.context import ToolContext
from saywhy.tools.turn import OnProgress


def load_context(model: str = "demo-sentiment", data: str | None = None, *,
                 allow_pickle: bool = False, on_progress: OnProgress | None = None) -> ToolContext:
    """The demos come with the Rotten Tomatoes corpus; other models take `data` or none."""
    from saywhy.tools.data import load_dataset
    from saywhy.tools.data.demo import demo_dataset
    from saywhy.tools.target import DEMO_MODELS, load_target

    target = load_target(model, allow_pickle=allow_pickle, on_progress=on_progress)
    if data:
        dataset = load_dataset(data)
    elif model in DEMO_MODELS:
        dataset = demo_dataset()
    else:
        dataset = None
    return ToolContext(target=target, data=dataset)
