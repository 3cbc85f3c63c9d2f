"""`counterfactual`: the smallest word edits that flip the prediction.

Search: the words that most support the current prediction (occlusion attributions) are edited
first, by deletion or by substitution with their nearest neighbours in the target's own input
embedding space (restricted to words of the dataset when there is one); a beam search grows
edit sets one word at a time, each step one batched prediction, and is widened while nothing
flips, within a fixed budget of predictions. Every counterfactual returned is re-predicted on
its own and verified to flip; when none is found within the budget, the result says so.
Every batch checks the turn's limits first, so a cancelled search stops within one batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, Field

from .context import InputRef, ToolContext
from .errors import UserError
from .inputs import InputArgs
from .registry import Result, tool
from .views import TextPair, TextPairs, View

if TYPE_CHECKING:
    import numpy as np
    import torch

    from .target.words import WordTokens

BUDGET = 2000      # most predictions one search may spend
POSITIONS = 12     # words considered for editing, most supportive of the prediction first
NEIGHBOURS = 10    # substitutes tried per word in the first step
DEEP_OPTIONS = 3   # edits per word kept for later steps (the best single ones)
BEAM = 6
RETURNED = 3


class CounterfactualArgs(InputArgs):
    """The fewest word deletions/substitutions that change the model's prediction."""

    label: str | None = Field(default=None, description=(
        "The label to flip to (default: any label other than the predicted one)."))
    k: int = Field(default=3, description="Most words that may be edited (1-5).")


class WordEdit(BaseModel):
    action: str = Field(description="'delete' or 'replace' (the what_if edit format).")
    target: str
    value: str | None = None
    position: int = Field(description="Index of the word in the text.")


class Counterfactual(BaseModel):
    text: str
    edits: list[WordEdit]
    label: str
    probs: dict[str, float]
    target_prob: float = Field(description="Probability of the label flipped to.")


class CounterfactualResult(Result):
    referent: str
    text: str
    label: str = Field(description="The model's prediction for the original text.")
    prob: float
    wanted: str | None = Field(default=None, description="The label asked for, if any.")
    k: int
    counterfactuals: list[Counterfactual] = Field(default_factory=list)
    closest: Counterfactual | None = Field(default=None, description="Best non-flipping try.")
    evaluations: int
    budget: int = BUDGET
    guided_by: str = "occlusion"
    substitutes_from: str = "the model's input-embedding neighbours"

    def remembered(self) -> dict[str, str]:
        return {"label": self.label}

    def views(self) -> list[View]:
        """Each counterfactual (or the closest try) as the text before and after its edits."""
        found = self.counterfactuals or ([self.closest] if self.closest else [])
        if not found:
            return []
        title = ("counterfactuals: the fewest edits that flip the prediction" if
                 self.counterfactuals else "the closest try (it does not flip the prediction)")
        return [TextPairs(title=title, pairs=[TextPair(
            before=self.text, after=c.text, note=_describe(c.edits),
            before_label=self.label, before_value=self.prob,
            after_label=c.label, after_value=c.probs.get(c.label, c.target_prob))
            for c in found])]

    def summary(self) -> str:
        goal = self.wanted or "another label"
        head = f"For {self.referent} (predicted {self.label}, {self.prob:.2f})"
        how = (f"I searched deletions and substitutions (substitutes from "
               f"{self.substitutes_from}) of up to {self.k} words, guided by {self.guided_by}, "
               f"using {self.evaluations:,} predictions.")
        if not self.counterfactuals:
            text = (f"{head}, none of the {self.evaluations:,} edits I tried (deletions and "
                    f"substitutions of at most {self.k} word{'s' * (self.k > 1)}, substitutes "
                    f"from {self.substitutes_from}, guided by {self.guided_by}; budget "
                    f"{self.budget:,} predictions) flipped the prediction to {goal}.")
            if self.closest is not None:
                other = self.wanted or "the other label(s)"
                text += (f" The closest try ({_describe(self.closest.edits)}) brings {other} "
                         f"only to {self.closest.target_prob:.2f}.")
            return text
        ways = "; ".join(f"{_describe(c.edits)} -> {c.label} ({c.target_prob:.2f}): \"{c.text}\""
                         for c in self.counterfactuals)
        n = len(self.counterfactuals[0].edits)
        return (f"{head}, the smallest change found needs {n} word edit{'s' * (n > 1)}. "
                f"Flips (each re-checked): {ways}. {how} A counterfactual shows one way to change "
                "the outcome, not the only one.")


def _describe(edits: list[WordEdit]) -> str:
    return ", ".join(f"delete '{e.target}'" if e.action == "delete"
                     else f"'{e.target}' -> '{e.value}'" for e in edits)


@dataclass
class _Try:
    edits: tuple[tuple[int, str | None], ...]   # (word position, substitute or None = delete)
    text: str
    probs: Any
    score: float


def render(wt: WordTokens, edits: dict[int, str | None]) -> str:
    """The text with words deleted (with the space before them) or replaced."""
    text, pieces, last = wt.text, [], 0
    for pos in sorted(edits):
        start, end = wt.spans[pos]
        if edits[pos] is None:
            while start > last and text[start - 1].isspace():
                start -= 1
            pieces.append(text[last:start])
        else:
            pieces.append(text[last:start] + str(edits[pos]))
        last = end
    pieces.append(text[last:])
    return "".join(pieces).strip()


def _importance(ctx: ToolContext, ref: InputRef, wt: WordTokens, label: int) -> list[float]:
    """Occlusion: how much removing each word lowers the predicted label's probability."""
    try:
        from .methods import explain

        attr = explain(ctx, ref, "occlusion", label=label)
        n = len(attr.scores)
        if attr.words == wt.words[:n]:
            return [float(s) for s in attr.scores] + [0.0] * (len(wt.words) - n)
    except (ImportError, UserError):  # the shared method is unavailable: occlude here
        pass
    n = wt.n_words_kept
    texts = [render(wt, {i: None}) or " " for i in range(n)]
    probs = ctx.probs([ref.text, *texts])
    return [float(probs[0, label] - p[label]) for p in probs[1:]] + [0.0] * (len(wt.words) - n)


def _corpus_words(ctx: ToolContext) -> set[str] | None:
    """Lower-cased words seen at least twice in the dataset (None without a dataset)."""
    if ctx.data is None:
        return None
    from collections import Counter

    from .target.words import split_words

    data = ctx.data

    def build() -> set[str]:
        counts = Counter(w.lower() for t in data.frame["text"].astype(str)
                         for w in split_words(t)[0])
        return {w for w, c in counts.items() if c >= 2}

    return ctx.memo(("cf_corpus_words", ctx.data.fingerprint()), build)


def _embeddings(ctx: ToolContext) -> torch.Tensor:
    weight = ctx.target.embedding_layer().weight
    return cast("torch.Tensor", weight)


def _vocabulary(ctx: ToolContext) -> tuple[list[str], np.ndarray]:
    """Whole-word alphabetic vocabulary entries and their L2-normalised input embeddings; with a
    dataset, only words that occur in it, so substitutes are real words of the domain."""
    corpus = _corpus_words(ctx)

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

    return ctx.memo(("cf_vocab", None if ctx.data is None else ctx.data.fingerprint()), build)


def neighbours(ctx: ToolContext, word: str, n: int,
               vocab: tuple[list[str], np.ndarray] | None = None) -> list[str]:
    """The n nearest whole words to `word` in the target's input-embedding space."""
    import numpy as np

    words, mat = vocab or _vocabulary(ctx)
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


@dataclass
class _Search:
    """Beam search over edit sets; `wanted` None means any label but `original`."""

    ctx: ToolContext
    wt: WordTokens
    original: int
    wanted: int | None
    evaluations: int = 0
    known: dict[str, Any] = field(default_factory=dict)

    def score(self, p: Any) -> float:
        return float(p[self.wanted]) if self.wanted is not None else 1.0 - float(p[self.original])

    def flips(self, p: Any) -> bool:
        top = int(p.argmax())
        return top != self.original and (self.wanted is None or top == self.wanted)

    def run(self, sets: list[tuple[tuple[int, str | None], ...]],
            limit: int = BUDGET) -> list[_Try]:
        """Predict the new edited texts in one batch (at most `limit`, within the budget);
        texts already predicted are reused without counting again."""
        room = min(limit, BUDGET - self.evaluations)
        todo: list[tuple[tuple[int, str | None], ...]] = []
        texts: list[str] = []
        fresh: list[str] = []
        for edits in sets:
            text = render(self.wt, dict(edits))
            if not text or text == self.wt.text or text in texts:
                continue
            if text not in self.known:
                if len(fresh) >= room:
                    continue
                fresh.append(text)
            todo.append(edits)
            texts.append(text)
        if fresh:
            probs = self.ctx.probs_uncached(fresh, batch_size=64)  # checks the turn's limits
            self.known.update(zip(fresh, probs, strict=True))
            self.evaluations += len(fresh)
        return [_Try(e, t, self.known[t], self.score(self.known[t]))
                for e, t in zip(todo, texts, strict=True)]

    def search(self, options: dict[int, list[str | None]],
               k: int) -> tuple[list[_Try], _Try | None]:
        """A narrow beam first; while nothing flips and budget is left, a 4x wider one."""
        width = BEAM
        while True:
            before = self.evaluations
            found, closest = self._beam(options, k, width)
            if found or self.evaluations in (before, BUDGET) or k == 1:
                return found, closest
            width *= 4

    def _beam(self, options: dict[int, list[str | None]], k: int,
              width: int) -> tuple[list[_Try], _Try | None]:
        tries = self.run([((p, v),) for p, vs in options.items() for v in vs])
        found = [t for t in tries if self.flips(t.probs)]
        single = {t.edits[0]: t.score for t in tries}
        alone = {f.edits[0] for f in found}
        deep: dict[int, list[str | None]] = {}
        for p, vs in options.items():
            good = [(p, v) for v in vs if (p, v) in single and (p, v) not in alone]
            deep[p] = [v for _, v in sorted(good, key=single.__getitem__, reverse=True)]
            deep[p] = deep[p][:DEEP_OPTIONS]
        pool = sorted((t for t in tries if not self.flips(t.probs)), key=lambda t: -t.score)
        closest = pool[0] if pool else None
        for level in range(2, k + 1):
            if len(found) >= RETURNED or not pool or self.evaluations >= BUDGET:
                break
            cands: dict[tuple[tuple[int, str | None], ...], float] = {}
            for b in pool[:width]:
                used = {p for p, _ in b.edits}
                for p, vs in deep.items():
                    if p in used:
                        continue
                    for v in vs:
                        edits = tuple(sorted((*b.edits, (p, v)), key=lambda e: e[0]))
                        if edits in cands or any(set(f.edits) <= set(edits) for f in found):
                            continue
                        cands[edits] = b.score + single[(p, v)]
            # leave budget for the deeper levels still to come
            share = max(1, (BUDGET - self.evaluations) // (k - level + 1))
            tries = self.run(sorted(cands, key=lambda e: -cands[e]), limit=share)
            found += [t for t in tries if self.flips(t.probs)]
            pool = sorted((t for t in tries if not self.flips(t.probs)), key=lambda t: -t.score)
            if pool and (closest is None or pool[0].score > closest.score):
                closest = pool[0]
        return found, closest


def _pick(found: list[_Try]) -> list[_Try]:
    """Fewest edits first, then highest target probability; prefer different word positions."""
    ranked = sorted(found, key=lambda t: (len(t.edits), -t.score))
    chosen: list[_Try] = []
    for t in ranked:
        if {p for p, _ in t.edits} not in [{p for p, _ in c.edits} for c in chosen]:
            chosen.append(t)
    chosen += [t for t in ranked if t not in chosen]
    return chosen


def _as_output(wt: WordTokens, t: _Try, labels: list[str]) -> Counterfactual:
    edits = [WordEdit(action="delete" if v is None else "replace", target=wt.words[p], value=v,
                      position=p) for p, v in t.edits]
    probs = {n: round(float(v), 4) for n, v in zip(labels, t.probs, strict=True)}
    return Counterfactual(text=t.text, edits=edits, label=labels[int(t.probs.argmax())],
                          probs=probs, target_prob=round(t.score, 4))


@tool("counterfactual", CounterfactualArgs,
      scope="input", updates={"focus", "label"}, kinds={"classifier"})
def counterfactual(ctx: ToolContext, args: CounterfactualArgs) -> CounterfactualResult:
    """The smallest word deletions/substitutions (at most k words) that flip the classifier's
    prediction to another label (or to `label`), each verified by re-predicting."""
    if not 1 <= args.k <= 5:
        raise UserError(f"k (the most words to edit) must be between 1 and 5; got {args.k}.")
    ref = ctx.resolve(args.id, args.text)
    target = ctx.target
    labels = target.labels
    wt = target.words(ref.text)
    p0 = ctx.probs([ref.text])[0]
    original = int(p0.argmax())
    wanted = None if args.label is None else target.label_index(args.label)
    if wanted == original:
        raise UserError(f"The model already predicts {labels[original]} for {ref.referent}; "
                        "name a different label to flip to.")
    importance = _importance(ctx, ref, wt, original)
    order = sorted(range(wt.n_words_kept), key=lambda i: (-importance[i], i))[:POSITIONS]
    vocab = _vocabulary(ctx)
    options: dict[int, list[str | None]] = {
        p: [None, *(neighbours(ctx, wt.words[p], NEIGHBOURS, vocab)
                    if wt.words[p].isalpha() else [])]
        for p in order}
    search = _Search(ctx, wt, original, wanted)
    found, closest = search.search(options, args.k)
    verified: list[Counterfactual] = []
    for t in _pick(found):
        fresh = ctx.probs_uncached([t.text])[0]
        if search.flips(fresh):
            checked = _Try(t.edits, t.text, fresh, search.score(fresh))
            verified.append(_as_output(wt, checked, labels))
        if len(verified) == RETURNED:
            break
    near = None if verified or closest is None else _as_output(wt, closest, labels)
    return CounterfactualResult(
        referent=ref.referent, text=ref.text, label=labels[original],
        prob=round(float(p0[original]), 4), wanted=None if wanted is None else labels[wanted],
        k=args.k, counterfactuals=verified, closest=near, evaluations=search.evaluations,
        budget=BUDGET)
