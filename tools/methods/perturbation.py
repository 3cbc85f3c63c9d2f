"""Perturbation methods: SHAP (Partition), LIME and occlusion, all at the word level.

All three edit the text by deleting words (the same edit the ERASER metrics make), call the
objective's batched `score` on the edited texts, and never need gradients. Words are our own
word split (`split_words`), so there is no subword aggregation to do and shap/lime features line
up one-to-one with the words a user sees (on a window longer than `long_input.LONG_WORDS` words,
shap's and lime's features are spans of those words, see `long_input.py`). `score` checks the
turn's limits per chunk, so a cancelled or timed-out turn stops between the batches shap and lime
ask for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..target.words import split_words
from . import long_input
from .base import method

if TYPE_CHECKING:
    from .objective import Objective


@contextmanager
def numpy_seed(seed: int) -> Iterator[None]:
    """shap breaks priority ties with np.random: seed it without touching the caller's state."""
    import numpy as np

    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


class WordSplitter:
    """A tokenizer for shap's Text masker that yields our words with character offsets (or, for
    the one text `pieces` names, those pieces: spans of words on a long window)."""

    def __init__(self, pieces: tuple[str, list[tuple[int, int]]] | None = None) -> None:
        self.pieces = pieces

    def __call__(self, s: str, return_offsets_mapping: bool = True) -> dict[str, list[Any]]:
        if self.pieces is not None and s == self.pieces[0]:
            spans = list(self.pieces[1])
            words = [s[a:b] for a, b in spans]
        else:
            words, spans = split_words(s)
        out: dict[str, list[Any]] = {"input_ids": words}
        if return_offsets_mapping:
            out["offset_mapping"] = spans
        return out


SHAP_FIXED_CONTEXT: int | None = None  # None: full Owen values (shap's default for text)


def shap_budget(n_words: int) -> int:
    """Evaluations for the Partition explainer: enough to split the word tree down to single
    words (about 2 per internal node with a fixed context) plus refinement, capped for speed."""
    return int(min(600, max(64, 6 * n_words)))


@method("shap", title="SHAP (Partition explainer)",
        description="shap's Partition explainer with a word-level Text masker (masked words are "
                    "deleted); Owen values over shap's hierarchical clustering of the words. "
                    "Scores plus the base value (no words) add up to f(x).")
def shap_method(obj: Objective, seed: int) -> tuple[list[float], float, dict[str, Any]]:
    import numpy as np
    import shap

    n = obj.n_words
    if n <= 1:  # shap needs two words to build its tree; one word has the whole difference
        empty = float(obj.score([obj.text_keeping([False] * n)])[0])
        return [obj.value - empty] * n, empty, {"max_evals": 2}
    pieces = long_input.feature_spans(obj)  # a long window: spans of words are the features
    splitter = WordSplitter(None if pieces is None else
                            (obj.words.text, long_input.piece_chars(obj, pieces)))
    masker = shap.maskers.Text(splitter, mask_token="...", collapse_mask_token=True)
    masker.mask_token = ""  # delete masked words (shap needs a non-empty token at init only)
    features = n if pieces is None else len(pieces)
    budget = shap_budget(features)

    def model(texts: Any) -> Any:
        return np.asarray(obj.score([str(t) for t in texts]), dtype=np.float64)[:, None]

    explainer = shap.explainers.Partition(model, masker, output_names=[obj.label_name])
    with numpy_seed(seed):
        exp = explainer([obj.words.text], max_evals=budget, batch_size=64, silent=True,
                        fixed_context=SHAP_FIXED_CONTEXT)
    values = np.asarray(exp.values[0]).reshape(features, -1)[:, 0]
    base = float(np.asarray(exp.base_values[0]).reshape(-1)[0])
    if pieces is not None:
        return (long_input.spread(pieces, [float(v) for v in values], n), base,
                {"max_evals": budget, **long_input.spans_extras(obj, pieces, "SHAP", budget)})
    return [float(v) for v in values], base, {"max_evals": budget}


def lime_budget(n_words: int) -> int:
    return int(min(1000, max(100, 12 * n_words)))


@method("lime", title="LIME",
        description="lime's LimeTextExplainer: a weighted linear model fitted to the outputs on "
                    "random word deletions (fixed random_state from the session seed). The base "
                    "value is the linear model's intercept.")
def lime_method(obj: Objective, seed: int) -> tuple[list[float], float, dict[str, Any]]:
    import numpy as np
    from lime.lime_text import LimeTextExplainer

    n = obj.n_words
    pieces = long_input.feature_spans(obj)  # a long window: spans of words are the features
    if pieces is None:
        def split(s: str) -> list[str]:
            return split_words(s)[0]
        features = n
    else:
        chars = long_input.piece_chars(obj, pieces)

        def split(s: str) -> list[str]:
            return [s[a:b] for a, b in chars] if s == obj.words.text else split_words(s)[0]
        features = len(pieces)
    explainer = LimeTextExplainer(class_names=[obj.label_name], split_expression=split,
                                  bow=False, mask_string="", random_state=seed,
                                  feature_selection="none")
    budget = lime_budget(features)
    exp = explainer.explain_instance(
        obj.words.text, lambda texts: np.asarray(obj.score(list(texts)))[:, None], labels=(0,),
        num_features=features, num_samples=budget)
    weights = dict(exp.as_map()[0])
    scores = [float(weights.get(i, 0.0)) for i in range(features)]
    local = exp.local_pred
    extras = {"num_samples": budget, "fit_r2": float(exp.score),
              "local_prediction": None if local is None else
              float(np.asarray(local).reshape(-1)[0])}
    if pieces is not None:
        return (long_input.spread(pieces, scores, n), float(exp.intercept[0]),
                {**extras, **long_input.spans_extras(obj, pieces, "LIME", budget)})
    return scores, float(exp.intercept[0]), extras


@method("occlusion", kinds=("classifier", "causal_lm"), title="occlusion (leave one word out)",
        description="f(x) minus f(x with that one word deleted), all words in one batch. "
                    "Exact for single words, blind to words that only matter together.")
def occlusion(obj: Objective, seed: int) -> tuple[list[float], float, dict[str, Any]]:
    n = obj.n_words
    if n > long_input.LONG_WORDS:  # spans first, then words inside the top spans
        return long_input.hierarchical_occlusion(obj, seed)
    texts = [obj.text_keeping([j != i for j in range(n)]) for i in range(n)]
    texts.append(obj.text_keeping([False] * n))
    values = obj.score(texts)
    return [float(obj.value - v) for v in values[:n]], float(values[n]), {}
