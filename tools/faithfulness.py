"""`faithfulness` and `eraser()`: do the words an attribution ranks highest actually matter?

ERASER (DeYoung et al., 2020), for the top k% of words by signed score (most supportive first),
k in {1, 5, 10, 20, 50}% and at least one word each:
- comprehensiveness = f(x) - f(x without those words): high means they were needed;
- sufficiency       = f(x) - f(only those words):      low means they suffice on their own.
Both are averaged over k and set next to the same figures for random rankings (mean of a few
seeded permutations), since what counts is beating chance. f is the attribution's own objective:
p(label) for a classifier (p(label) - p(contrast) with a contrast), log p(span) for a causal LM.
All distinct edited texts go to the model in one batched call. `compare` adds rank agreement
between two methods (Spearman over words, overlap of the top words by |score|).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from .context import ToolContext
from .errors import UserError
from .inputs import InputArgs
from .registry import Result, tool
from .views import Column, Table, View

if TYPE_CHECKING:
    from .context import InputRef
    from .methods import WordAttribution

K_PERCENTS = (1, 5, 10, 20, 50)
N_RANDOM = 5
TOP_N = 3


def _sizes(n_words: int, k_percents: tuple[int, ...]) -> list[int]:
    return [min(n_words, max(1, round(k / 100 * n_words))) for k in k_percents]


def eraser(ctx: ToolContext, ref: InputRef, attribution: WordAttribution,
           k_percents: tuple[int, ...] = K_PERCENTS, n_random: int = N_RANDOM) -> dict[str, Any]:
    """ERASER comprehensiveness and sufficiency of `attribution`, against random rankings."""
    import numpy as np

    from .methods import objective_of

    obj = objective_of(ctx, ref, attribution)
    n = obj.n_words
    sizes = _sizes(n, k_percents)
    rng = np.random.default_rng(ctx.seed)
    rankings = [attribution.ranking()] + [rng.permutation(n).tolist() for _ in range(n_random)]
    top_n = min(TOP_N, n)
    texts: list[str] = []
    for order in rankings:
        for size in [*sizes, top_n]:
            chosen = set(order[:size])
            texts.append(obj.text_keeping([i not in chosen for i in range(n)]))
            texts.append(obj.text_keeping([i in chosen for i in range(n)]))
    # k% sizes coincide on short inputs (1 % and 5 % of 13 words are both one word) and random
    # rankings repeat edits: score each distinct text once, which halves an LM's cost here
    unique = list(dict.fromkeys(texts))
    scored = dict(zip(unique, np.asarray(obj.score(unique, cached=True), dtype=np.float64),
                      strict=True))
    values = np.array([scored[t] for t in texts], dtype=np.float64).reshape(
        len(rankings), len(sizes) + 1, 2)
    full = float(obj.value)
    comp = full - values[:, :-1, 0]   # [rankings, k]
    suff = full - values[:, :-1, 1]
    per_k = [{"k_percent": k, "n_words": s, "comprehensiveness": float(comp[0, j]),
              "sufficiency": float(suff[0, j]),
              "random_comprehensiveness": float(comp[1:, j].mean()),
              "random_sufficiency": float(suff[1:, j].mean())}
             for j, (k, s) in enumerate(zip(k_percents, sizes, strict=True))]
    return {
        "method": attribution.method, "unit": obj.unit, "label": attribution.label,
        "contrast": attribution.contrast, "full": full, "n_words": n,
        "comprehensiveness": float(comp[0].mean()), "sufficiency": float(suff[0].mean()),
        "random_comprehensiveness": float(comp[1:].mean()),
        "random_sufficiency": float(suff[1:].mean()), "n_random": n_random,
        "k_percents": list(k_percents), "per_k": per_k,
        "removal": {"n_words": top_n, "without_top": float(values[0, -1, 0]),
                    "without_random": float(values[1:, -1, 0].mean())},
    }


def rank_agreement(a: WordAttribution, b: WordAttribution, k: int = 5) -> dict[str, Any]:
    """Spearman correlation of two methods' word scores and overlap of their top-k words."""
    from scipy.stats import spearmanr

    if a.words != b.words:
        raise UserError("The two attributions are over different words and cannot be compared.")
    k = max(1, min(k, len(a.words)))
    top_a, top_b = set(a.top(k)), set(b.top(k))
    rho = float(spearmanr(a.scores, b.scores).statistic) if len(a.words) > 1 else 1.0
    return {"spearman": None if rho != rho else rho, "k": k, "top_k_overlap": len(top_a & top_b),
            "shared_top_words": [a.words[i] for i in sorted(top_a & top_b)]}


def value_phrase(unit: str, label: str, contrast: str | None) -> str:
    """How to name f in a sentence: p(negative), p(negative) - p(positive), log p("yes")."""
    if unit == "probability":
        return f"p({label})" + (f" - p({contrast})" if contrast else "")
    return f"log p({label})" + (f" - log p(\"{contrast.strip()}\")" if contrast else "")


def _change(amount: float, what: str) -> str:
    return f"lowers {what} by {amount:.2f}" if amount >= 0 else f"raises {what} by {-amount:.2f}"


def faithfulness_sentence(f: dict[str, Any]) -> str:
    what = value_phrase(f["unit"], f["label"], f["contrast"])
    beats = "beats" if f["comprehensiveness"] > f["random_comprehensiveness"] else "does not beat"
    return (f"ERASER for {f['method']}: removing its top words "
            f"{_change(f['comprehensiveness'], what)} on average over k = "
            f"{', '.join(str(k) for k in f['k_percents'])}% of the words (random words: "
            f"{f['random_comprehensiveness']:.2f}), so it {beats} chance; keeping only its top "
            f"words leaves {what} {abs(f['sufficiency']):.2f} "
            f"{'below' if f['sufficiency'] >= 0 else 'above'} the full input (sufficiency "
            f"{f['sufficiency']:.2f}, random: {f['random_sufficiency']:.2f}; lower is better).")


def eraser_table(figures: list[dict[str, Any]], title: str = "") -> Table:
    """ERASER figures of one or more methods (`eraser()` dicts) as one table, with whether each
    beats random words (the same table for `attribute` and `faithfulness`)."""
    rows: list[list[Any]] = [[f["method"], f["comprehensiveness"], f["random_comprehensiveness"],
                              f["sufficiency"], f["random_sufficiency"]] for f in figures]
    beats = [f"{f['method']} " + ("beats" if f["comprehensiveness"]
                                  > f["random_comprehensiveness"] else "does not beat")
             + " random words" for f in figures]
    n_random = figures[0].get("n_random", "a few") if figures else "a few"
    return Table(
        title=title or "ERASER faithfulness (higher comprehensiveness, lower sufficiency = "
                       "more faithful)",
        columns=[Column(name="method")] + [Column(name=n, type="float", digits=3) for n in (
            "comprehensiveness", "random", "sufficiency", "random")],
        rows=rows, note=f"{'; '.join(beats)} (random: the mean of {n_random} random rankings).")


class FaithfulnessArgs(InputArgs):
    """How faithful an attribution is (ERASER comprehensiveness/sufficiency vs random words),
    and optionally how much two methods agree."""

    method: str | None = Field(default=None, description="Attribution method to evaluate "
                               "(shap, integrated_gradients, gradient_x_input, lime, occlusion); "
                               "default: the default attribution method.")
    label: str | None = Field(default=None, description="Label to explain; default: predicted.")
    compare: str | None = Field(default=None, description="A second method: adds its ERASER "
                                "figures and the rank agreement of the two.")


class FaithfulnessResult(Result):
    referent: str
    id: int | None = None
    method: str
    label: str
    eraser: dict[str, Any]
    compare: str | None = None
    compare_eraser: dict[str, Any] | None = None
    agreement: dict[str, Any] | None = None
    truncated: bool = False

    def remembered(self) -> dict[str, str]:
        return {"label": str(self.label), "method": self.method}

    def said_by(self, earlier: Result) -> bool:
        """An attribution of the same input, method and label that reported its own ERASER
        figures said what a plain check would ("which words mattered, and can I trust that?")."""
        return (self.compare is None and bool(getattr(earlier, "faithfulness", None))
                and (getattr(earlier, "referent", None), getattr(earlier, "method", None),
                     getattr(earlier, "label", None)) == (self.referent, self.method, self.label))

    def views(self) -> list[View]:
        """The ERASER figures (and a compared method's) as one table."""
        shown = [self.eraser] + ([self.compare_eraser] if self.compare_eraser else [])
        table = eraser_table(shown, title=f"ERASER faithfulness for {self.referent}, explaining "
                             f"{self.label} (higher comprehensiveness, lower sufficiency = more "
                             "faithful)")
        if self.agreement is not None:
            rho = self.agreement.get("spearman")
            table.note += (f" Rank agreement: Spearman {'n/a' if rho is None else f'{rho:.2f}'}, "
                           f"{self.agreement.get('top_k_overlap')} of the top "
                           f"{self.agreement.get('k')} words shared.")
        return [table]

    def summary(self) -> str:
        parts = [f"For {self.referent} (explaining {self.label}):",
                 faithfulness_sentence(self.eraser)]
        if self.compare_eraser is not None and self.agreement is not None:
            parts.append(faithfulness_sentence(self.compare_eraser))
            rho = self.agreement["spearman"]
            parts.append(f"The two rankings agree with Spearman "
                         f"{'n/a' if rho is None else f'{rho:.2f}'}; "
                         f"{self.agreement['top_k_overlap']} of their top {self.agreement['k']} "
                         f"words are the same.")
        if self.truncated:
            parts.append("Only the part of the text inside the model's window was evaluated.")
        return " ".join(parts)


@tool("faithfulness", FaithfulnessArgs, scope="input", updates={"focus", "label", "method"})
def faithfulness(ctx: ToolContext, args: FaithfulnessArgs) -> FaithfulnessResult:
    """ERASER comprehensiveness and sufficiency of an attribution method's word ranking for one
    input, next to random rankings; with `compare`, a second method and the rank agreement.
    Causal LM: f is the log-probability of the default answer span."""
    from .methods import explain

    ref = ctx.resolve(args.id, args.text)
    label = args.label if ctx.target.kind == "classifier" else None
    if args.label is not None and ctx.target.kind != "classifier":
        raise UserError("label applies to classifiers; a causal LM's answer span is explained.")
    attr = explain(ctx, ref, args.method, label=label)
    result = FaithfulnessResult(referent=ref.referent, id=ref.id, method=attr.method,
                                label=attr.label, eraser=eraser(ctx, ref, attr),
                                truncated=attr.truncated)
    if args.compare:
        other = explain(ctx, ref, args.compare, label=label)
        result.compare = other.method
        result.compare_eraser = eraser(ctx, ref, other)
        result.agreement = rank_agreement(attr, other)
    return result
