"""`global_importance`: which words push the model towards each label across a subset.

Not word frequencies: each sampled item is explained with a word attribution method (`explain`),
and the signed word scores are summed per word (lowercased) over the sample. Words are ranked by
their average push per text that contains them, shrunk towards zero for rare words
(total / (texts + SHRINK)): ranking by the plain sum lets "the" and "a" win by sheer frequency
with tiny pushes, the plain mean lets a word seen once win on luck. The sample size is
stated, and so is how stable the top-k lists are: over bootstrap resamples of the sample, the
share of the top-k that stays in the top-k (per word too). Half-splits were tried first and
judged unfair: a word seen in two texts can never make a half's list when both texts fall in
the other half. Per-item attributions are kept in memory and on disk
(SAYWHY_HOME/cache/global_importance), so a larger sample, another k or another subset reuses
what was already computed; a turn cancelled (or timed out) in the sampling loop stops between
texts and keeps what it had explained.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from . import distributed
from .context import ToolContext
from .data.views import nothing, noun, scope
from .errors import UserError
from .home import cache_dir
from .registry import Result, ToolArgs, tool
from .views import Bars, View
from .word_table import RESAMPLES, stability, weight, word_table
from .word_table import SHRINK as SHRINK  # the ranking's constant, read from here too

if TYPE_CHECKING:
    from pathlib import Path


# Leave-one-word-out occlusion: one batched forward pass per text, and exact for what it
# measures (the change in p(label) when the word is deleted, the ERASER edit). Measured on the
# demo (evals/bench_data.py) at about the cost of gradient x input, which is less faithful.
DEFAULT_METHOD = "occlusion"
MIN_TEXTS = 2        # a word must occur in this many sampled texts to be listed (samples >= 20)


class GlobalImportanceArgs(ToolArgs):
    """Words that push the model most towards each label across the current subset, from
    attributions aggregated over a sample (with a stability figure)."""

    k: int = Field(default=10, ge=1, le=50, description="How many words per label.")
    label: str | None = Field(default=None, description="Only this label (default: every label).")
    sample_size: int = Field(default=200, ge=2, le=5000, description="How many items to explain.")
    method: str | None = Field(default=None, description="Attribution method (default occlusion).")


class WordWeight(BaseModel):
    word: str
    weight: float = Field(description="Ranking score: total / (texts + SHRINK).")
    total: float = Field(description="Summed signed score over the sample (towards the label).")
    mean: float = Field(description="Average score per text containing the word.")
    texts: int = Field(description="Sampled texts containing the word.")
    kept: float | None = Field(default=None, description="Share of bootstrap resamples of the "
                                                          "sample that keep it in the top k.")


class LabelImportance(BaseModel):
    label: str
    towards: list[WordWeight] = Field(default_factory=list)
    stability: float | None = Field(
        default=None, description="Mean share of the top k that stays in the top k of bootstrap "
                                  "resamples.")


class GlobalImportanceResult(Result):
    what: str
    method: str
    sample_size: int
    population: int
    k: int
    labels: list[LabelImportance] = Field(default_factory=list)
    computed: int = 0
    noun: str = "items"

    def remembered(self) -> dict[str, str]:
        return {"method": self.method}

    def views(self) -> list[View]:
        """Per label, its top words as bars of their mean push per text (in ranking order),
        with how many sampled texts contain each word."""
        shown: list[View] = []
        for lab in self.labels:
            if not lab.towards:
                continue
            stab = "" if lab.stability is None else f", stability {lab.stability:.2f}"
            shown.append(Bars(
                title=f"towards {lab.label} (mean push per text; {self.method}{stab})",
                names=[w.word for w in lab.towards], values=[w.mean for w in lab.towards],
                format="signed",
                notes=[f"in {w.texts} text{'s' * (w.texts != 1)}" for w in lab.towards],
                note=f"over a sample of {self.sample_size:,} {self.noun}; ranked with a "
                     "discount for words seen in few texts"))
        return shown

    def summary(self) -> str:
        if self.population == 0:
            return nothing(self.noun, self.what, "there is nothing to explain")
        if self.what == f"all {self.noun}":
            among = f"all {self.population:,} {self.noun}"
        else:
            among = f"the {self.population:,} {self.what}"
        if self.sample_size < self.population:
            among = f"a seeded random sample of {self.sample_size:,} of {among}"
        elif self.what != f"all {self.noun}":
            among = f"all {self.population:,} {self.what}"
        out = [f"Across {among}, each explained with "
               f"{self.method}, the words that push the model most (average change in "
               "log-odds per text containing the word, ranked with a discount for words "
               "seen in few texts; from the model's attributions, not word counts):"]
        for lab in self.labels:
            words = ", ".join(f"'{w.word}' ({w.mean:+.2f} in {w.texts} text"
                              f"{'' if w.texts == 1 else 's'})" for w in lab.towards)
            out.append(f"towards {lab.label}: {words or 'no word pushes consistently'}.")
            if lab.stability is not None:
                out.append(f"Stability: resampling the sample {RESAMPLES} times keeps "
                           f"{lab.stability:.0%} of this top {len(lab.towards)} in the top "
                           f"{self.k} on average — {_verdict(lab.stability)}.")
        return " ".join(out)


def _verdict(stability: float) -> str:
    if stability >= 0.7:
        return "a stable list"
    if stability >= 0.4:
        return "moderately stable; the order of the lower words may change with another sample"
    return ("unstable: the exact words depend on which texts were sampled; treat it as "
            "indicative only, or ask for a larger sample_size")


def _store_path(ctx: ToolContext, method: str) -> Path:
    assert ctx.data is not None
    return cache_dir("global_importance") / (
        f"{ctx.target.fingerprint}-{ctx.data.fingerprint()}-{method}-logodds-s{ctx.seed}.json")


def _store(ctx: ToolContext, method: str) -> dict[str, Any]:
    """Per-item attributions {"id:label": [words, scores]}, loaded once per context."""
    assert ctx.data is not None

    def load() -> dict[str, Any]:
        path = _store_path(ctx, method)
        if path.is_file():
            try:
                return dict(json.loads(path.read_text()))
            except (OSError, ValueError):
                return {}
        return {}

    return ctx.memo(("global_importance_store", ctx.data.fingerprint(), method, ctx.seed), load)


def _save(ctx: ToolContext, method: str, store: dict[str, Any]) -> None:
    path = _store_path(ctx, method)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(store))
    tmp.replace(path)


def attributions(ctx: ToolContext, ids: list[int], labels: list[int],
                 method: str) -> tuple[dict[tuple[int, int], tuple[list[str], list[float]]], int]:
    """Word scores per (id, label) for the ids, computed with `explain` where not stored yet.

    For two labels, log-odds(a) = -log-odds(b) (and p(a) = 1 - p(b)), so the scores towards one
    label are exactly the negated scores towards the other: one explanation serves both.
    """
    from .methods import explain

    assert ctx.data is not None
    store = _store(ctx, method)
    binary = len(ctx.target.labels) == 2
    todo = [i for i in ids if any(f"{i}:{lab}" not in store for lab in labels)]
    before = len(store)
    what = f"Explaining {len(todo):,} texts with {method} (once)"
    runner = distributed.current()  # Ray's workers fill the store when asked to; else the loop
    try:
        if todo and not (runner and runner.explain(ctx, todo, labels, method, store)):
            ctx.probs([ctx.data.text(i) for i in todo])  # one batched pass for every f(x)
        for done, i in enumerate(todo):
            ctx.check()  # a cancelled or timed-out turn stops between texts
            ctx.progress(done, len(todo), what)
            ref = ctx.resolve(i)
            for lab in labels:
                if f"{i}:{lab}" in store:
                    continue
                att = explain(ctx, ref, method, label=lab)
                store[f"{i}:{lab}"] = [att.words, [round(s, 6) for s in att.scores]]
                if binary and att.unit in ("probability", "log-odds") and att.contrast is None:
                    store[f"{i}:{1 - lab}"] = [att.words, [round(-s, 6) for s in att.scores]]
    finally:  # also when stopped: the texts explained so far are reused next time
        if len(store) > before:
            _save(ctx, method, store)
    out = {(i, lab): (store[f"{i}:{lab}"][0], store[f"{i}:{lab}"][1])
           for i in ids for lab in labels}
    return out, len(todo)



@tool("global_importance", GlobalImportanceArgs,
      scope="dataset", updates={"label", "method"}, kinds={"classifier"}, needs_data=True)
def global_importance(ctx: ToolContext, args: GlobalImportanceArgs) -> GlobalImportanceResult:
    """The words that push the model most towards each label across the current subset:
    attribution scores summed over a seeded sample (size stated), with a stability figure."""
    import numpy as np

    from .methods import get_method

    assert ctx.data is not None
    method = get_method(args.method or DEFAULT_METHOD, ctx.target.kind).name
    ids, what = scope(ctx)
    labels = ([ctx.target.label_index(args.label)] if args.label is not None
              else list(range(len(ctx.target.labels))))
    base = GlobalImportanceResult(what=what, method=method, sample_size=0, population=len(ids),
                                  k=args.k, noun=noun(ctx.data))
    if not ids:
        return base
    rng = np.random.default_rng(ctx.seed)
    sample = sorted(int(i) for i in rng.choice(ids, size=min(args.sample_size, len(ids)),
                                               replace=False))
    empty = [i for i in sample if not ctx.data.text(i).strip()]
    sample = [i for i in sample if i not in set(empty)]
    if not sample:
        raise UserError(f"Every sampled {noun(ctx.data, 1)} is empty text; nothing to explain.")
    scores, computed = attributions(ctx, sample, labels, method)
    min_texts = MIN_TEXTS if len(sample) >= 20 else 1
    out = []
    ones = np.ones(len(sample))
    for lab in labels:
        table = word_table([scores[(i, lab)] for i in sample])
        total, texts = table.totals(ones)
        top = table.top(ones, args.k, min_texts)
        stable, kept = stability(table, top, args.k, min_texts, ctx.seed)
        words = [WordWeight(word=table.vocab[j], weight=round(weight(total[j], texts[j]), 4),
                            total=round(float(total[j]), 4), texts=int(texts[j]),
                            mean=round(float(total[j] / texts[j]), 4), kept=kept.get(j))
                 for j in top]
        out.append(LabelImportance(label=ctx.target.labels[lab], towards=words,
                                   stability=stable))
    return base.model_copy(update={"sample_size": len(sample), "labels": out,
                                   "computed": computed})
