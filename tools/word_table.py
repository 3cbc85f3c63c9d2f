"""Per-text word scores aggregated into per-word pushes, and how stable their top-k is.

`global_importance` explains a sample of texts and ranks words by their shrunken mean push
(total / (texts + SHRINK)), with a bootstrap figure for the top-k's stability (why so: its module
docstring); `substitutes` reads the same stored attributions through the same table. The
aggregation is plain arithmetic on sparse matrices, with no model and no context, so it lives
apart from the tool that samples, explains and stores.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

RESAMPLES = 50       # bootstrap resamples for the stability figure
SHRINK = 3.0         # pseudo-texts of zero push added to every word when ranking


@dataclass
class WordTable:
    """Per-text word scores as sparse matrices [texts, words], for fast (re)aggregation."""

    vocab: list[str]
    scores: sp.csr_matrix   # summed score of the word in the text
    present: sp.csr_matrix  # 1 where the text contains the word

    def totals(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Summed score and number of texts per word, each text counted `weights[i]` times."""
        return self.scores.T @ weights, self.present.T @ weights

    def top(self, weights: np.ndarray, k: int, min_texts: int) -> list[int]:
        """The k words with the largest positive shrunken mean push (ties by word)."""
        import numpy as np

        total, texts = self.totals(weights)
        ok = np.flatnonzero((total > 0) & (texts >= min_texts))
        push = total / (texts + SHRINK)
        return sorted(ok.tolist(), key=lambda j: (-push[j], self.vocab[j]))[:k]


def word_table(per_text: list[tuple[list[str], list[float]]]) -> WordTable:
    """Lowercased words (punctuation left out), a word's scores summed within each text."""
    import numpy as np
    import scipy.sparse as sp

    index: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, (words, scores) in enumerate(per_text):
        merged: dict[str, float] = defaultdict(float)
        for w, s in zip(words, scores, strict=True):
            if any(ch.isalnum() for ch in w):
                merged[w.lower()] += s
        for key, s in merged.items():
            rows.append(r)
            cols.append(index.setdefault(key, len(index)))
            vals.append(s)
    shape = (len(per_text), len(index))
    scores = sp.csr_matrix((np.asarray(vals, dtype=float), (rows, cols)), shape=shape)
    present = sp.csr_matrix((np.ones(len(vals)), (rows, cols)), shape=shape)
    return WordTable(vocab=list(index), scores=scores, present=present)


def weight(total: float, texts: int | float) -> float:
    return total / (texts + SHRINK)


def stability(table: WordTable, top: list[int], k: int, min_texts: int,
              seed: int) -> tuple[float | None, dict[int, float]]:
    """How much of the top-k survives resampling: over bootstrap resamples of the sampled
    texts, the mean share of the top-k still in the resample's top-k, and per word the share
    of resamples that keep it."""
    import numpy as np

    n = table.scores.shape[0]
    if n < 10 or not top:
        return None, {}
    rng = np.random.default_rng(seed)
    kept = dict.fromkeys(top, 0)
    for _ in range(RESAMPLES):
        draws = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        again = set(table.top(draws, k, min_texts))
        for j in top:
            kept[j] += j in again
    shares = {j: kept[j] / RESAMPLES for j in top}
    return float(np.mean(list(shares.values()))), shares

