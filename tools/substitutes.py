"""Where counterfactual substitutes come from: the model's embeddings, the data, a language model.

A substitute is only a proposal; the classifier re-predicts every one (`counterfactual`). The
sources differ in what they know:
- `embedding`: the nearest whole words in the target's input-embedding space. Cheap, but noise
  for a model whose embeddings barely moved from their random initialisation (a small model
  trained briefly: its neighbours of "football" are arbitrary words);
- `attribution`: words that push the model towards the target label across a seeded sample of
  the data (SAMPLE items, explained with occlusion). The per-item attributions are the ones
  `global_importance` computes and stores (same sample, method and seed, so whichever tool runs
  first pays, once per model and data), ranked as it ranks them (mean push, shrunk for rare words);
- `frequency`: words frequent in items whose gold label (else predicted label, over the sample)
  is the target, ranked by a smoothed log-odds of their document frequency against the other
  items, so "the" and "a" do not win by being everywhere;
- `lm`: the words a language model expects at the position given the words before it
  (`fluency.FluencyLM.proposals`, no extra forward pass), so substitutes can read as English.
The data word lists are cached in memory and on disk (SAYWHY_HOME/cache/counterfactual) under the
model's and the data's fingerprints. Without a dataset the data sources are skipped (the result
says so). `merge` fuses the sources' rankings for one position by reciprocal rank.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import TYPE_CHECKING, cast

from .context import ToolContext
from .home import cache_dir

if TYPE_CHECKING:
    import numpy as np
    import torch

ALL_SOURCES = ("embedding", "attribution", "frequency", "lm")
SAMPLE = 200         # items explained for the attribution source (global_importance's default)
DATA_WORDS = 30      # words per target label from each data source
METHOD = "occlusion"
RRF_K = 10           # reciprocal-rank fusion: a word ranked r in a source adds 1 / (RRF_K + r)
MIN_DF = 2           # a frequency word must occur in this many items of the target label

WordLists = dict[str, list[str]]  # source -> words, best first


# ---- embedding neighbours ---------------------------------------------------------------------
def corpus_words(ctx: ToolContext) -> set[str] | None:
    """Lower-cased words seen at least twice in the dataset (None without a dataset)."""
    if ctx.data is None:
        return None
    from .target.words import split_words

    data = ctx.data

    def build() -> set[str]:
        counts = Counter(w.lower() for t in data.frame["text"].astype(str)
                         for w in split_words(t)[0])
        return {w for w, c in counts.items() if c >= 2}

    return cast("set[str]", ctx.memo(("cf_corpus_words", data.fingerprint()), build))


def _embeddings(ctx: ToolContext) -> torch.Tensor:
    return cast("torch.Tensor", ctx.target.embedding_layer().weight)


def vocabulary(ctx: ToolContext) -> tuple[list[str], np.ndarray]:
    """Whole-word alphabetic vocabulary entries and their L2-normalised input embeddings; with a
    dataset, only words that occur in it, so substitutes are real words of the domain."""
    corpus = corpus_words(ctx)

    def build() -> tuple[list[str], np.ndarray]:
        import numpy as np
        import torch

        tok = ctx.target.tokenizer
        with ctx.target.lock, torch.inference_mode():
            weight = _embeddings(ctx).detach().float().numpy()
        tokens = tok.convert_ids_to_tokens(list(range(min(len(tok), weight.shape[0]))))
        special = set(tok.all_special_ids)
        marked = sum(t.startswith(("Ġ", "▁")) for t in tokens) > len(tokens) // 10
        words, rows = [], []
        for i, t in enumerate(tokens):
            if i in special or t.startswith("##") or (marked and not t.startswith(("Ġ", "▁"))):
                continue
            w = t.lstrip("Ġ▁")
            if len(w) >= 2 and w.isalpha() and (corpus is None or w.lower() in corpus):
                words.append(w)
                rows.append(i)
        mat = weight[rows]
        return words, mat / np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)

    key = ("cf_vocab", None if ctx.data is None else ctx.data.fingerprint())
    return cast("tuple[list[str], np.ndarray]", ctx.memo(key, build))


def neighbours(ctx: ToolContext, word: str, n: int,
               vocab: tuple[list[str], np.ndarray] | None = None) -> list[str]:
    """The n nearest whole words to `word` in the target's input-embedding space."""
    import numpy as np

    words, mat = vocab or vocabulary(ctx)
    # a leading space gives BPE/sentencepiece vocabularies their word-initial form
    ids = ctx.target.tokenizer(" " + word, add_special_tokens=False)["input_ids"]
    if not ids or not words or n <= 0:
        return []
    vec = _embeddings(ctx)[ids].detach().float().mean(0).numpy()
    sims = mat @ (vec / max(float(np.linalg.norm(vec)), 1e-12))
    out: list[str] = []
    for j in np.argsort(-sims, kind="stable"):
        cand = words[int(j)]
        if cand.lower() != word.lower() and cand.lower() not in (o.lower() for o in out):
            out.append(cand.capitalize() if word[:1].isupper() else cand)
        if len(out) == n:
            break
    return out


# ---- the data ---------------------------------------------------------------------------------
def sample_ids(ctx: ToolContext) -> list[int]:
    """global_importance's default sample over the whole dataset (the same seeded draw), without
    empty texts: the attributions it stores serve both tools."""
    import numpy as np

    assert ctx.data is not None
    ids = ctx.data.ids
    rng = np.random.default_rng(ctx.seed)
    sample = sorted(int(i) for i in rng.choice(ids, size=min(SAMPLE, len(ids)), replace=False))
    return [i for i in sample if ctx.data.text(i).strip()]


def _usable(word: str) -> bool:
    return len(word) >= 2 and word.isalpha()


def _attribution_words(ctx: ToolContext, sample: list[int], label: int) -> list[str]:
    """Words with the largest shrunken mean push towards `label` over the sample."""
    import numpy as np

    from .global_importance import MIN_TEXTS, attributions, word_table

    scores, _ = attributions(ctx, sample, [label], METHOD)
    table = word_table([scores[(i, label)] for i in sample])
    top = table.top(np.ones(len(sample)), DATA_WORDS * 3, MIN_TEXTS if len(sample) >= 20 else 1)
    return [table.vocab[j] for j in top if _usable(table.vocab[j])][:DATA_WORDS]


def _frequency_words(ctx: ToolContext, sample: list[int], label: int) -> tuple[list[str], str]:
    """Words frequent in items of `label` (gold, else predicted over the sample) rather than in
    the others: smoothed log-odds of document frequency. Also says which labels were used."""
    from .target.words import split_words

    assert ctx.data is not None
    data, name = ctx.data, ctx.target.labels[label]
    if data.has_labels:
        frame = data.frame[data.frame["label"].notna()]
        texts = frame["text"].astype(str).tolist()
        mine = [str(v).lower() == name.lower() for v in frame["label"]]
        how = "gold"
    else:
        texts = [data.text(i) for i in sample]
        mine = [bool(p.argmax() == label) for p in ctx.probs(texts)]
        how = "predicted"
    inside: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    for text, own in zip(texts, mine, strict=True):
        (inside if own else outside).update({w.lower() for w in split_words(text)[0]})
    n_in, n_out = max(1, sum(mine)), max(1, len(mine) - sum(mine))

    def odds(w: str) -> float:
        return (math.log((inside[w] + 0.5) / (n_in - inside[w] + 0.5))
                - math.log((outside[w] + 0.5) / (n_out - outside[w] + 0.5)))

    ranked = sorted((w for w, c in inside.items() if c >= MIN_DF and _usable(w)),
                    key=lambda w: (-odds(w), w))
    return [w for w in ranked if odds(w) > 0][:DATA_WORDS], how


def data_words(ctx: ToolContext, labels: list[int]) -> dict[int, WordLists]:
    """Per target label, the attribution and frequency words (empty without a dataset), cached
    in memory and on disk under the model's and the data's fingerprints."""
    if ctx.data is None:
        return {lab: {} for lab in labels}
    data = ctx.data
    key = f"{ctx.target.fingerprint}-{data.fingerprint()}-{METHOD}-s{ctx.seed}-n{SAMPLE}"
    path = cache_dir("counterfactual") / f"{key}.json"

    def load() -> dict[str, WordLists]:
        try:
            return cast("dict[str, WordLists]", json.loads(path.read_text()))
        except (OSError, ValueError):
            return {}

    stored = cast("dict[str, WordLists]", ctx.memo(("cf_data_words", key), load))
    missing = [lab for lab in labels if str(lab) not in stored]
    if missing:
        sample = sample_ids(ctx)
        for lab in missing:
            ctx.check()
            freq, how = _frequency_words(ctx, sample, lab)
            stored[str(lab)] = {"attribution": _attribution_words(ctx, sample, lab),
                                "frequency": freq, "frequency_labels": [how]}
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(stored))
        tmp.replace(path)
    return {lab: stored[str(lab)] for lab in labels}


# ---- fusing the sources -----------------------------------------------------------------------
def interleave(lists: list[list[str]]) -> list[str]:
    """One list from several (first of each, then second of each ...), without repeats."""
    out: list[str] = []
    for rank in range(max((len(x) for x in lists), default=0)):
        for x in lists:
            if rank < len(x) and x[rank].lower() not in {o.lower() for o in out}:
                out.append(x[rank])
    return out


def cased(word: str, like: str) -> str:
    """`word` capitalised as `like` is (a sentence's first word stays capitalised)."""
    if like[:1].isupper() and word[:1].islower():
        return word[:1].upper() + word[1:]
    return word


def merge(word: str, ranked: WordLists, n: int) -> tuple[list[str], dict[str, list[str]]]:
    """The n best substitutes for `word` over every source's ranking (reciprocal-rank fusion: a
    word several sources rank well comes first), and which sources proposed each."""
    score: dict[str, float] = {}
    found: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for source, words in ranked.items():
        for r, w in enumerate(words):
            key = w.lower()
            if key == word.lower() or not _usable(w):
                continue
            score[key] = score.get(key, 0.0) + 1.0 / (RRF_K + r)
            shown.setdefault(key, cased(w, word))
            if source in ALL_SOURCES and source not in found.setdefault(key, []):
                found[key].append(source)
    best = sorted(score, key=lambda w: (-score[w], w))[:n]
    return [shown[w] for w in best], {shown[w]: found.get(w, []) for w in best}


def said(ctx: ToolContext, sources: tuple[str, ...], lm: str | None, why: str,
         targets: list[str]) -> tuple[str, list[str]]:
    """Which sources the substitutes came from, in words, and a note on each one skipped."""
    data = ctx.data
    used, notes = [], []
    if data is not None and "attribution" in sources:
        used.append(f"words that push the model towards {' or '.join(targets)} across "
                    f"{min(SAMPLE, len(data))} sampled {data.item_name}s")
    if data is not None and "frequency" in sources:
        how = "labelled" if data.has_labels else "predicted"
        used.append(f"words frequent in {data.item_name}s {how} {' or '.join(targets)}")
    if data is None and any(s in sources for s in ("attribution", "frequency")):
        notes.append("No dataset is loaded, so no substitutes came from data (words that push "
                     "towards a label, words frequent in its items).")
    if lm is not None:
        used.append(f"{lm}'s suggestions in context")
    elif "lm" in sources:
        notes.append(f"Without a language model ({why}), substitutes were not ranked for "
                     "readability and no fluency is given.")
    if "embedding" in sources:
        used.append("the model's input-embedding neighbours")
    return "; ".join(used) or "deletions only", notes
