"""The target's own representation of every dataset item, for "similar to" questions.

Embeddings are the target's mean-pooled last hidden state (`Target.hidden_states`), L2-normalised
so a dot product is the cosine similarity. Computing them for the demo corpus costs about as much
as predicting it, so they are kept per (target fingerprint, dataset fingerprint) in the context
memo and as `.npy` under `SAYWHY_HOME/cache/embeddings`. Shared by `filter` and `similar`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import UserError
from ..home import cache_dir
from .predictions import run_in_chunks

if TYPE_CHECKING:
    import numpy as np

    from ..context import ToolContext


def _normalise(x: np.ndarray) -> np.ndarray:
    import numpy as np

    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32)


def _compute(ctx: ToolContext) -> np.ndarray:
    import numpy as np

    assert ctx.data is not None
    data, target = ctx.data, ctx.target
    path = cache_dir("embeddings") / f"{target.fingerprint}-{data.fingerprint()}.npy"
    width = int(getattr(target.config, "hidden_size", 0))
    if path.is_file():
        try:
            cached = np.load(path, allow_pickle=False)
            if cached.shape == (len(data), width):
                return cached
        except (OSError, ValueError):
            pass  # unreadable cache file: compute afresh and overwrite it
    texts = data.frame["text"].astype(str).tolist()
    raw = run_in_chunks(f"Embedding {len(texts):,} texts with {target.name} (once)", texts,
                        lambda batch: target.hidden_states(batch, batch_size=32), width, ctx)
    emb = _normalise(raw)
    tmp = path.with_name(path.stem + ".tmp.npy")
    np.save(tmp, emb)
    tmp.replace(path)
    return emb


def dataset_embeddings(ctx: ToolContext) -> np.ndarray:
    """Unit-length embeddings [n_items, hidden], row i for `ctx.data.ids[i]` (cosine = dot)."""
    if ctx.data is None:
        raise UserError("There is no dataset loaded; start saywhy with --data FILE.")
    return ctx.memo(("embeddings", ctx.data.fingerprint()), lambda: _compute(ctx))


def text_embedding(ctx: ToolContext, text: str) -> np.ndarray:
    """Unit-length embedding [hidden] of a free text, in the same space as `dataset_embeddings`."""
    text = ctx.target.check_text(text)
    return ctx.memo(("text_embedding", text),
                    lambda: _normalise(ctx.target.hidden_states([text]))[0])


def similarities(ctx: ToolContext, text: str) -> np.ndarray:
    """Cosine similarity of `text` to every dataset item, aligned with `ctx.data.ids`."""
    return dataset_embeddings(ctx) @ text_embedding(ctx, text)
