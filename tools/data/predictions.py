"""The classifier's predictions for a whole dataset, computed once and kept.

A dataset's predictions cost a minute on CPU for the 12.8k demo reviews, and filter, performance
and mistakes all need them; so they are computed once per (target fingerprint, dataset
fingerprint), stored as `.npz` under `SAYWHY_HOME/cache/predictions`, and memoised in the
conversation context. A changed model or changed data changes the key, so stale files are never
read. The chunk loop checks the turn's limits, so a cancel stops it within a chunk (the partial
work is dropped: only a complete set is stored).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import distributed
from ..errors import UserError
from ..home import cache_dir

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ..context import ToolContext

CHUNK = 256
FEW = 256  # below this many ids, `frame_for` predicts just those instead of the whole dataset


@dataclass(frozen=True)
class Predictions:
    """Probabilities [n, labels] for `ids`, in the dataset's id order."""

    ids: np.ndarray
    probs: np.ndarray
    labels: tuple[str, ...]


def sorted_chunks(texts: list[str], size: int = CHUNK) -> list[list[int]]:
    """Index chunks of texts sorted by length, so batches pad little."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[i:i + size] for i in range(0, len(order), size)]


def run_in_chunks(description: str, texts: list[str],
                  compute: Callable[[list[str]], np.ndarray], width: int,
                  ctx: ToolContext) -> np.ndarray:
    """Apply `compute` to length-sorted chunks of texts; before each chunk `ctx.check()` (a
    cancelled turn stops here) and `ctx.progress()` (whoever asked sees how far it is)."""
    import numpy as np

    out = np.zeros((len(texts), width), dtype=np.float32)
    done = 0
    for idx in sorted_chunks(texts):
        ctx.check()
        ctx.progress(done, len(texts), description)
        out[idx] = compute([texts[i] for i in idx])
        done += len(idx)
    ctx.progress(done, len(texts), description)
    return out


def require_classifier(ctx: ToolContext) -> None:
    if ctx.target.kind not in ("classifier", "tabular"):
        raise UserError(f"Predicted labels need a classifier; {ctx.target.name} is a causal LM.")
    if ctx.data is None:
        raise UserError("There is no dataset loaded; start saywhy with --data FILE.")


def _compute(ctx: ToolContext) -> Predictions:
    import numpy as np

    assert ctx.data is not None
    from ..target.tabular import TabularTarget

    data, target = ctx.data, ctx.target
    labels = tuple(target.labels)
    ids = np.asarray(data.ids, dtype=np.int64)
    if isinstance(target, TabularTarget):  # every row in milliseconds: no file needed
        return Predictions(ids=ids, probs=target.predict_proba(data.frame), labels=labels)
    classifier = ctx.classifier
    path = cache_dir("predictions") / f"{target.fingerprint}-{data.fingerprint()}.npz"
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as f:
                if (np.array_equal(f["ids"], ids) and tuple(map(str, f["labels"])) == labels
                        and f["probs"].shape == (len(ids), len(labels))):
                    return Predictions(ids=ids, probs=f["probs"].astype(np.float32), labels=labels)
        except (OSError, ValueError, KeyError):
            pass  # unreadable cache file: compute afresh and overwrite it
    texts = data.frame["text"].astype(str).tolist()
    what = f"Predicting {len(texts):,} texts with {target.name} (once)"
    runner = distributed.current()  # Ray when the process was told to use it, else in-process
    probs = runner.predict(ctx, texts, what) if runner else None
    if probs is None:
        probs = run_in_chunks(what, texts,
                              lambda batch: classifier.predict_proba(batch, batch_size=32),
                              len(labels), ctx)
    tmp = path.with_name(path.stem + ".tmp.npz")
    np.savez(tmp, ids=ids, probs=probs, labels=np.array(labels, dtype=str))
    tmp.replace(path)
    return Predictions(ids=ids, probs=probs, labels=labels)


def dataset_predictions(ctx: ToolContext) -> Predictions:
    """Probabilities for every item of `ctx.data` (memoised, then cached on disk)."""
    require_classifier(ctx)
    assert ctx.data is not None
    return ctx.memo(("dataset_predictions", ctx.data.fingerprint()), lambda: _compute(ctx))


def has_cached(ctx: ToolContext) -> bool:
    """Whether the whole dataset's predictions are already at hand (memory or disk)."""
    assert ctx.data is not None
    key = (ctx.target.fingerprint, "dataset_predictions", ctx.data.fingerprint())
    path = cache_dir("predictions") / f"{ctx.target.fingerprint}-{ctx.data.fingerprint()}.npz"
    return key in ctx.cache or path.is_file()


def _canonical_gold(gold: pd.Series, labels: tuple[str, ...]) -> pd.Series:
    """Gold labels spelled as the model's labels when they match case-insensitively."""
    lookup = {name.lower(): name for name in labels}
    return gold.map(lambda g: None if g is None or g != g else lookup.get(str(g).lower(), str(g)))


def frame(ctx: ToolContext, ids: list[int] | None = None) -> pd.DataFrame:
    """Text, gold, split, predicted label, confidence and correctness for `ids` (default all).

    For a few ids whose dataset predictions are not cached yet, only those are predicted.
    `correct` is True/False where a gold label exists, else missing.
    """
    import numpy as np
    import pandas as pd

    require_classifier(ctx)
    assert ctx.data is not None
    data = ctx.data
    labels = tuple(ctx.target.labels)
    ids = data.ids if ids is None else list(ids)
    if len(ids) <= FEW and ctx.target.kind == "classifier" and not has_cached(ctx):
        probs = ctx.probs(data.frame.loc[ids, "text"].astype(str).tolist())
    else:
        preds = dataset_predictions(ctx)
        pos = pd.Series(np.arange(len(preds.ids)), index=preds.ids)
        probs = preds.probs[pos.loc[ids].to_numpy()] if ids else preds.probs[:0]
    out = data.frame.loc[ids, [c for c in ("text", "label", "split") if c in data.frame]].copy()
    best = probs.argmax(axis=1) if len(ids) else np.zeros(0, dtype=int)
    out["predicted"] = [labels[b] for b in best]
    out["confidence"] = probs.max(axis=1) if len(ids) else np.zeros(0)
    for j, name in enumerate(labels):
        out[f"p_{name}"] = probs[:, j]
    if "label" in out:
        gold = _canonical_gold(out["label"], labels)
        out["gold"] = gold
        out["correct"] = pd.array([None if g is None else g == p
                                   for g, p in zip(gold, out["predicted"], strict=True)],
                                  dtype="boolean")
    return out


def check_comparable(ctx: ToolContext) -> None:
    """Accuracy needs gold labels that are the model's labels; say so plainly otherwise."""
    assert ctx.data is not None
    if not ctx.data.has_labels:
        raise UserError(f"{ctx.data.name} has no label column, so I cannot tell right from wrong.")
    model = {n.lower() for n in ctx.target.labels}
    gold = ctx.data.label_names
    if not any(g.lower() in model for g in gold):
        raise UserError(f"The dataset's labels ({', '.join(gold)}) are not the model's labels "
                        f"({', '.join(ctx.target.labels)}), so I cannot score its predictions.")
