"""`counterfactual`: the smallest word edits that flip the prediction, readable ones first.

Search: the words that most support the current prediction (occlusion attributions) are edited
first, by deletion or by substitution. Substitutes come from several sources (`substitutes.py`),
fused per position by reciprocal rank: words that push the model towards the target label in the
data (the attributions `global_importance` stores) and words frequent in items of that label, the
demo LM's own suggestions for the position, and the target's input-embedding neighbours. The
embedding neighbours alone were the only source before; they are noise for a model whose
embeddings barely moved from initialisation, which then never flipped. When the demo LM is at hand
(`fluency.py`: loaded once per process, when a counterfactual first asks), it also ranks the
candidates by how well they fit the words before them and estimates how much each edit costs the
sentence's perplexity; the search (`cf_search.py`) looks among readable edit sets first. Every
counterfactual returned is re-predicted on its own and verified to flip; when none is found within
the budget, the result says so. Every batch checks the turn's limits first, so a cancelled search
stops within one batch.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, Field

from . import fluency, substitutes
from .cf_search import RESCORED, RETURNED, Edit, Try, render, spread
from .cf_search import Search as _Search
from .context import InputRef, ToolContext
from .errors import UserError
from .inputs import InputArgs
from .registry import Result, tool
from .substitutes import ALL_SOURCES, interleave, merge, neighbours, vocabulary
from .target.words import WordTokens
from .views import TextPair, TextPairs, View

__all__ = ["ALL_SOURCES", "BUDGET", "SOURCES", "counterfactual", "neighbours", "render"]

BUDGET = 2000      # most predictions one search may spend
POSITIONS = 12     # words considered for editing, most supportive of the prediction first
NEIGHBOURS = 10    # embedding neighbours per word
PROPOSED = 10      # the LM's suggestions per word
SCREEN = 16        # substitutes per word tried (after fusing the sources), besides deletion
MAX_LOG_RATIO = math.log(1.5)  # readable: estimated perplexity at most 1.5x the original's
SOURCES: tuple[str, ...] = ALL_SOURCES  # the candidate sources used (the eval restricts them)
DATA_SOURCES = ("attribution", "frequency")


class CounterfactualArgs(InputArgs):
    """The fewest word deletions/substitutions that change the model's prediction."""

    label: str | None = Field(default=None, description=(
        "The label to flip to (default: any label other than the predicted one)."))
    k: int = Field(default=3, description="Most words that may be edited (1-5).")
    fixed: list[str] = Field(default_factory=list, description=(
        "Table models: features that must not change ('without changing age')."))


class WordEdit(BaseModel):
    action: str = Field(description="'delete' or 'replace' (the what-if edit format).")
    target: str
    value: str | None = None
    position: int = Field(description="Index of the word in the text.")
    sources: list[str] = Field(default_factory=list, description=(
        "Where the substitute came from: attribution, frequency, lm, embedding."))


class Counterfactual(BaseModel):
    text: str
    edits: list[WordEdit]
    label: str = Field(description="The target label: the one flipped to (or, for the closest "
                                   "try, the one it came closest to).")
    predicted: str = Field(description="The model's prediction for the edited text.")
    probs: dict[str, float]
    before_prob: float = Field(description="Probability of `label` for the original text.")
    target_prob: float = Field(description="Probability of `label` for the edited text.")
    fluency: float | None = Field(default=None, description=(
        "Perplexity of the edited text over the original's under the language model."))


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
    fluency_by: str | None = Field(default=None, description="The LM that judged readability.")
    notes: list[str] = Field(default_factory=list, description="Sources skipped, and why.")

    def remembered(self) -> dict[str, str]:
        return {"label": self.label}

    def views(self) -> list[View]:
        """Each counterfactual (or the closest try) as the text before and after its edits, with
        the probability of its target label on both sides."""
        found = self.counterfactuals or ([self.closest] if self.closest else [])
        if not found:
            return []
        title = ("counterfactuals: the fewest edits that flip the prediction" if
                 self.counterfactuals else "the closest try (it does not flip the prediction)")
        return [TextPairs(title=title, pairs=[TextPair(
            before=self.text, after=c.text, note=_describe(c.edits),
            before_label=f"p({c.label})", before_value=c.before_prob,
            after_label=f"p({c.label})", after_value=c.target_prob) for c in found],
            note="p(label): the probability of the label each edit aims for, before and after")]

    def summary(self) -> str:
        goal = self.wanted or "another label"
        head = f"For {self.referent} (predicted {self.label}, {self.prob:.2f})"
        how = (f"I searched deletions and substitutions (substitutes from "
               f"{self.substitutes_from}) of up to {self.k} words, guided by {self.guided_by}, "
               f"using {self.evaluations:,} predictions.")
        notes = "".join(f" {n}" for n in self.notes)
        if not self.counterfactuals:
            text = (f"{head}, none of the {self.evaluations:,} edits I tried (deletions and "
                    f"substitutions of at most {self.k} word{'s' * (self.k > 1)}, substitutes "
                    f"from {self.substitutes_from}, guided by {self.guided_by}; budget "
                    f"{self.budget:,} predictions) flipped the prediction to {goal}.")
            if self.closest is not None:
                c = self.closest
                text += (f" The closest try ({_describe(c.edits)}) moves p({c.label}) from "
                         f"{c.before_prob:.2f} only to {c.target_prob:.2f}.")
            return text + notes
        best, *others = self.counterfactuals
        n = len(best.edits)
        text = (f"{head}, the smallest change found needs {n} word edit{'s' * (n > 1)}: "
                f"{_describe(best.edits)} flips it to {best.label}, p({best.label}) "
                f"{best.before_prob:.2f} -> {best.target_prob:.2f}{_fluent(best)}: "
                f"\"{best.text}\".")
        if others:
            text += " Other flips: " + "; ".join(
                f"{_describe(c.edits)} -> {c.label}, p({c.label}) {c.before_prob:.2f} -> "
                f"{c.target_prob:.2f}{_fluent(c)}: \"{c.text}\"" for c in others) + "."
        return (f"{text} Each was re-checked by predicting it again. {how}{notes} A "
                "counterfactual shows one way to change the outcome, not the only one.")


def _describe(edits: list[WordEdit]) -> str:
    return ", ".join(f"delete '{e.target}'" if e.action == "delete"
                     else f"'{e.target}' -> '{e.value}'" for e in edits)


def _fluent(c: Counterfactual) -> str:
    return "" if c.fluency is None else f" (perplexity x{c.fluency:.2f})"


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


def _data_lists(ctx: ToolContext, targets: list[int]) -> substitutes.WordLists:
    """The data sources' words towards the target labels (interleaved), none without data."""
    shared: substitutes.WordLists = {}
    if ctx.data is not None and any(s in SOURCES for s in DATA_SOURCES):
        lists = substitutes.data_words(ctx, targets)
        for source in DATA_SOURCES:
            if source in SOURCES:
                shared[source] = interleave([lists[t].get(source, []) for t in targets])
    return shared


def _options(ctx: ToolContext, wt: WordTokens, order: list[int], shared: substitutes.WordLists,
             lm: fluency.FluencyLM | None, reading: fluency.Reading | None
             ) -> tuple[dict[int, list[str | None]], dict[Edit, list[str]]]:
    """Per position: deletion and the SCREEN best substitutes over the sources (and, with the
    LM, how well each fits after the words before it); where each substitute came from."""
    vocab = vocabulary(ctx) if "embedding" in SOURCES else None
    options: dict[int, list[str | None]] = {}
    origin: dict[Edit, list[str]] = {}
    for p in order:
        word = wt.words[p]
        options[p] = [None]
        if not word.isalpha():
            continue
        ranked = dict(shared)
        if vocab is not None:
            ranked["embedding"] = neighbours(ctx, word, NEIGHBOURS, vocab)
        token = None if lm is None or reading is None else lm.token_at(reading, wt.spans[p][0])
        if lm is not None and reading is not None and token is not None:
            ranked["lm"] = [w for w, _ in lm.proposals(reading, token, PROPOSED)]
            pool = list(dict.fromkeys(w for ws in ranked.values() for w in ws))
            fit = lm.fit(reading, token, pool)
            ranked["fit"] = [w for _, w in sorted(zip(fit, pool, strict=True),
                                                  key=lambda x: -x[0])]
        subs, came = merge(word, ranked, SCREEN)
        options[p] += subs
        origin.update({(p, s): came[s] for s in subs})
    return options, origin


def _as_output(wt: WordTokens, t: Try, labels: list[str], target: int, p0: Any,
               origin: dict[Edit, list[str]], ratio: float | None = None) -> Counterfactual:
    edits = [WordEdit(action="delete" if v is None else "replace", target=wt.words[p], value=v,
                      position=p, sources=origin.get((p, v), [])) for p, v in t.edits]
    probs = {n: round(float(v), 4) for n, v in zip(labels, t.probs, strict=True)}
    return Counterfactual(text=t.text, edits=edits, label=labels[target],
                          predicted=labels[int(t.probs.argmax())], probs=probs,
                          before_prob=round(float(p0[target]), 4),
                          target_prob=round(float(t.probs[target]), 4),
                          fluency=None if ratio is None else round(ratio, 3))


def _aim(p: Any, original: int, wanted: int | None) -> int:
    """The label a try aims for: the one asked for, else its likeliest label but the original."""
    if wanted is not None:
        return wanted
    return max((i for i in range(len(p)) if i != original), key=lambda i: float(p[i]))


@tool("counterfactual", CounterfactualArgs,
      scope="input", updates={"focus", "label"}, kinds={"classifier"})
def counterfactual(ctx: ToolContext, args: CounterfactualArgs) -> CounterfactualResult:
    """The smallest word deletions/substitutions (at most k words) that flip the classifier's
    prediction to another label (or to `label`), readable ones first, each verified by
    re-predicting. The first call loads the demo LM (~3 s, ~425 MB, once per process) and, with
    a dataset, explains a sample of it once per model and data (cached on disk)."""
    if not 1 <= args.k <= 5:
        raise UserError(f"k (the most words to edit) must be between 1 and 5; got {args.k}.")
    if args.fixed:
        raise UserError("Fixed features need a table model; a text's words are all free to change.")
    ref = ctx.resolve(args.id, args.text)
    labels = ctx.classifier.labels
    wt = ctx.target.words(ref.text)
    p0 = ctx.probs([ref.text])[0]
    original = int(p0.argmax())
    wanted = None if args.label is None else ctx.target.label_index(args.label)
    if wanted == original:
        raise UserError(f"The model already predicts {labels[original]} for {ref.referent}; "
                        "name a different label to flip to.")
    targets = [wanted] if wanted is not None else [i for i in range(len(labels)) if i != original]
    importance = _importance(ctx, ref, wt, original)
    order = sorted(range(wt.n_words_kept), key=lambda i: (-importance[i], i))[:POSITIONS]
    shared = _data_lists(ctx, targets)  # the classifier's own work first, then the LM's
    lm, why = fluency.fluency_lm() if "lm" in SOURCES else (None, "")
    ctx.check()
    reading = None if lm is None else lm.read(wt.text)
    options, origin = _options(ctx, wt, order, shared, lm, reading)

    def costs(edits: list[Edit]) -> dict[Edit, float]:
        assert lm is not None and reading is not None
        texts = [render(wt, dict([e])) for e in edits]
        return dict(zip(edits, lm.edit_costs(reading, texts, ctx.check), strict=True))

    search = _Search(ctx, wt, original, wanted, budget=BUDGET,
                     coster=None if lm is None else costs,
                     limit=None if lm is None else MAX_LOG_RATIO)
    found, closest = search.search(options, args.k)
    verified: list[Try] = []
    for t in search.pick(found)[:RESCORED]:
        ctx.check()
        fresh = ctx.probs_uncached([t.text])[0]  # on its own, outside the search's batches
        if search.flips(fresh):
            verified.append(Try(t.edits, t.text, fresh, search.score(fresh)))
    ratios: list[float | None] = [None] * len(verified)
    if lm is not None and verified:  # exact perplexities: the sum of single edits' is a guess
        ratios = list(fluency.perplexity_ratios(lm, wt.text, [t.text for t in verified],
                                                ctx.check))
    ratio_of = {t.text: r for t, r in zip(verified, ratios, strict=True)}
    verified = spread(sorted(verified, key=lambda t: (len(t.edits), ratio_of[t.text] or 0.0)))
    verified = verified[:RETURNED]
    ratios = [ratio_of[t.text] for t in verified]
    out = [_as_output(wt, t, labels, int(t.probs.argmax()), p0, origin, r)
           for t, r in zip(verified, ratios, strict=True)]
    near = None
    if not out and closest is not None:
        near = _as_output(wt, closest, labels, _aim(closest.probs, original, wanted), p0, origin)
    said, notes = substitutes.said(ctx, SOURCES, None if lm is None else lm.name, why,
                                   [labels[t] for t in targets])
    return CounterfactualResult(
        referent=ref.referent, text=ref.text, label=labels[original],
        prob=round(float(p0[original]), 4), wanted=None if wanted is None else labels[wanted],
        k=args.k, counterfactuals=out, closest=near, evaluations=search.evaluations,
        budget=BUDGET, substitutes_from=said, notes=notes,
        fluency_by=None if lm is None else lm.name)
