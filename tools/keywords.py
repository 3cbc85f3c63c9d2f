"""`keywords`: the most frequent and the most distinctive words of a group of items.

A statistic of the data, not of the model: it says which words the texts use, not which words
the model relies on (that is `global_importance`). Distinctiveness is the log-odds ratio with an
informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), reported as a z-score, which does
not let rare words win on tiny counts the way a raw ratio does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from .context import ToolContext
from .data.views import gold_label, nothing, noun, scope
from .registry import Result, ToolArgs, tool
from .views import Bars, View

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

KEEP = {"not", "no", "never", "nothing", "nor", "cannot", "none"}  # negations carry meaning
TOKENS = r"(?u)\b[^\W\d_][\w']*\b"
PRIOR_MASS = 1000.0
MIN_ITEMS = 2


class KeywordsArgs(ToolArgs):
    """Frequent and distinctive words of the current subset against the rest (a data statistic)."""

    k: int = Field(default=10, ge=1, le=50, description="How many words per list.")
    label: str | None = Field(
        default=None, description="Only the items with this gold label (against the others).")


class Word(BaseModel):
    word: str
    items: int
    share: float
    share_rest: float | None = None
    z: float | None = None


class KeywordsResult(Result):
    what: str
    size: int
    frequent: list[Word] = Field(default_factory=list)
    distinctive: dict[str, list[Word]] = Field(default_factory=dict)
    contrast: str = ""
    noun: str = "items"

    def views(self) -> list[View]:
        """The distinctive words of each group (log-odds z-scores) and the most frequent words
        (share of items using them) as bars."""
        shown: list[View] = []
        for group, words in self.distinctive.items():
            scored = [w for w in words if w.z is not None]
            if scored:
                shown.append(Bars(
                    title=f"distinctive of {group} against {self.contrast} (z-score)",
                    names=[w.word for w in scored], values=[float(w.z or 0.0) for w in scored],
                    digits=1, notes=[f"used in {w.items:,}" for w in scored]))
        if self.frequent:
            shown.append(Bars(title=f"most frequent in {self.what} (share of {self.noun})",
                              names=[w.word for w in self.frequent],
                              values=[w.share for w in self.frequent], scale=1.0,
                              format="percent", note="a statistic of the data, not the model"))
        return shown

    def summary(self) -> str:
        if self.size == 0:
            return nothing(self.noun, self.what, "there are no words to count")
        head = ("These are statistics of the data, not of the model (for what drives the model, "
                "ask for the globally important words).")
        freq = ", ".join(f"'{w.word}' ({w.share:.0%})" for w in self.frequent)
        out = [head, f"Most frequent words in {self.what} "
                     f"(share of {self.noun} using them): {freq}."]
        for group, words in self.distinctive.items():
            ws = ", ".join(f"'{w.word}' ({w.share:.0%} vs {w.share_rest:.0%})" for w in words)
            out.append(f"Most distinctive of {group} against {self.contrast} (share using the "
                       f"word there vs. elsewhere): {ws}." if ws else
                       f"No word is distinctive of {group} against {self.contrast} (none is "
                       f"used in at least {MIN_ITEMS} of them and more often than elsewhere).")
        return " ".join(out)


def _matrix(ctx: ToolContext) -> tuple[sp.csr_matrix, np.ndarray]:
    """Binary item x word matrix of the whole dataset (stopwords out), memoised per dataset."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    assert ctx.data is not None
    data = ctx.data

    def build() -> tuple[sp.csr_matrix, np.ndarray]:
        stop = sorted(set(ENGLISH_STOP_WORDS) - KEEP)
        vec = CountVectorizer(lowercase=True, token_pattern=TOKENS, stop_words=stop, binary=True)
        x = vec.fit_transform(data.frame["text"].astype(str))
        return x.tocsr(), vec.get_feature_names_out()

    return ctx.memo(("keywords_matrix", ctx.data.fingerprint()), build)


def log_odds_z(group: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """z-scores of the log-odds ratio of each word, group vs rest, with an informative prior."""
    import numpy as np

    total = group + rest
    alpha = PRIOR_MASS * total / max(total.sum(), 1)
    a0, n_i, n_j = alpha.sum(), group.sum(), rest.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (np.log((group + alpha) / (n_i + a0 - group - alpha))
                 - np.log((rest + alpha) / (n_j + a0 - rest - alpha)))
        z = delta / np.sqrt(1.0 / (group + alpha) + 1.0 / (rest + alpha))
    return np.nan_to_num(z)


def _distinctive(x: sp.csr_matrix, vocab: np.ndarray, rows: np.ndarray, rest: np.ndarray,
                 k: int) -> list[Word]:
    import numpy as np

    if not rows.any() or not rest.any():
        return []
    g = np.asarray(x[rows].sum(axis=0)).ravel().astype(float)
    r = np.asarray(x[rest].sum(axis=0)).ravel().astype(float)
    z = log_odds_z(g, r)
    z[g < min(MIN_ITEMS, rows.sum())] = -np.inf
    top = [int(i) for i in np.argsort(-z, kind="stable")[:k] if z[i] > 0]
    return [Word(word=str(vocab[i]), items=int(g[i]), share=float(g[i] / rows.sum()),
                 share_rest=float(r[i] / rest.sum()), z=round(float(z[i]), 2)) for i in top]


@tool("keywords", KeywordsArgs, scope="dataset", updates={"label"}, needs_data=True)
def keywords(ctx: ToolContext, args: KeywordsArgs) -> KeywordsResult:
    """Most frequent and most distinctive words (log-odds with an informative prior) of the
    current subset against the rest; a statistic of the data, not of the model."""
    import numpy as np

    assert ctx.data is not None
    data = ctx.data
    ids, what = scope(ctx)
    x, vocab = _matrix(ctx)
    index = data.frame.index
    in_scope = np.asarray(index.isin(ids))
    distinctive: dict[str, list[Word]] = {}
    if args.label is not None:
        name = gold_label(data, args.label)
        rows = in_scope & (data.frame["label"].astype(str) == name).to_numpy()
        rest = in_scope & ~rows
        what = (f"{what} labelled {name}" if ctx.subset is not None
                else f"{noun(data)} labelled {name}")
        contrast = "the others" + (" in the selection" if ctx.subset is not None else "")
        distinctive[what] = _distinctive(x, vocab, rows, rest, args.k)
    elif ctx.subset is not None:
        rows, rest = in_scope, ~in_scope
        contrast = f"all other {noun(data)}"
        distinctive[what] = _distinctive(x, vocab, rows, rest, args.k)
    else:
        rows = in_scope
        contrast = "the other labels"
        if data.has_labels:
            gold = data.frame["label"].astype(str).to_numpy()
            for name in data.label_names:
                distinctive[f"{name} {noun(data)}"] = _distinctive(x, vocab, gold == name,
                                                                  gold != name, args.k)
    size = int(rows.sum())
    frequent: list[Word] = []
    if size:
        df = np.asarray(x[rows].sum(axis=0)).ravel()
        top = [int(i) for i in np.argsort(-df, kind="stable")[:args.k] if df[i] > 0]
        frequent = [Word(word=str(vocab[i]), items=int(df[i]), share=float(df[i] / size))
                    for i in top]
    return KeywordsResult(what=what, size=size, frequent=frequent, distinctive=distinctive,
                          contrast=contrast, noun=noun(data))
