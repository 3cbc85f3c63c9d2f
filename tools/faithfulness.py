"""`faithfulness`: do the words an attribution ranks highest actually matter, more than chance?

The figures come from `eraser.measure` (ERASER comprehensiveness and sufficiency at k = 1, 5, 10,
20, 50 % of the words, NAOPC, a seeded distribution of 20 random rankings), the same code the
evals grade every method with. This module turns them into what an answer says:

- one trust line (`verdict_line`): "faithful for this input" only when the ranking's
  comprehensiveness is above the 95th percentile of the random rankings' under deletion *and*
  under [MASK] replacement (deletion is the edit occlusion, shap and lime make themselves, so
  it alone would flatter them); otherwise "not better than random: don't rely on it", or
  "only when deleted" when the two erasures disagree;
- the details (`details_text`, `eraser_table`): raw and NAOPC-normalised comprehensiveness,
  sufficiency, every k, the random mean and 95th percentile, under both erasures;
- `compare`: a second method and the rank agreement of the two (Spearman over words, overlap of
  the top words by |score|).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from .context import ToolContext
from .eraser import ErasureTest, Faithfulness, measure
from .errors import UserError
from .inputs import InputArgs
from .registry import Result, tool
from .views import Column, Table, View, significant

if TYPE_CHECKING:
    from .context import InputRef
    from .methods import WordAttribution


def check(ctx: ToolContext, ref: InputRef, attribution: WordAttribution, *,
          naopc: bool = True) -> Faithfulness:
    """The faithfulness figures every answer uses: both erasures, 20 random rankings and (unless
    `naopc=False`) NAOPC."""
    return measure(ctx, ref, attribution, naopc=naopc)


NAOPC_MAX_WORDS = 20  # beam bounds: ~2 * n * (n + 1) model calls, about 840 at 20 words


def _naopc_affordable(attribution: WordAttribution) -> bool:
    """Whether NAOPC's bounds fit in a turn: up to NAOPC_MAX_WORDS words (a 35-word review
    needs ~2,500 calls, over a minute of CPU on 2 cores); the evals compute them for any length."""
    return len(attribution.words) <= NAOPC_MAX_WORDS


def quick_check(ctx: ToolContext, ref: InputRef, attribution: WordAttribution) -> Faithfulness:
    """What a "why?" answer needs for its trust line: both erasures against the 20 random
    rankings, without sufficiency (the trust line does not use it: half the model calls), with
    NAOPC only where its bounds are exact and cheap (at most EXACT_MAX words, classifiers).
    NAOPC's beam bounds cost about n * (n + 1) model calls per erasure (a 35-word review: some
    2,500), most of a "why?" turn; the faithfulness tool ("can I trust that?") computes them."""
    from .eraser import EXACT_MAX

    # a causal LM scores each edited prompt with its whole answer: 2 x 255 subsets of an
    # 8-word prompt took 55 of the 92 s of demo-lm's "why?" (measured), for a figure the trust
    # line does not use
    cheap = len(attribution.words) <= EXACT_MAX and ctx.target.kind != "causal_lm"
    return measure(ctx, ref, attribution, naopc=cheap, sufficiency=False)


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
    """How to name f in a sentence: log-odds(negative), log p(negative) - log p(positive),
    p(negative) (a probability objective), log p("yes")."""
    if unit == "log-odds":
        return (f"log p({label}) - log p({contrast})" if contrast else f"log-odds({label})")
    if unit == "probability":
        return f"p({label})" + (f" - p({contrast})" if contrast else "")
    return f"log p({label})" + (f" - log p(\"{contrast.strip()}\")" if contrast else "")


def trusted(f: Faithfulness) -> bool:
    """Whether the ranking beats chance under every erasure measured."""
    return all(t.beats_chance for t in f.tests)


def _ratio(test: ErasureTest) -> str | None:
    """'6.1x more than removing random words', or None when random words change nothing."""
    return None if test.times_random is None else f"{significant(test.times_random)}×"


def verdict_line(f: Faithfulness) -> str:
    """The one trust line of an answer (see the module docstring)."""
    main = f.test("deletion") if any(t.erasure == "deletion" for t in f.tests) else f.tests[0]
    ratio = _ratio(main)
    if trusted(f):
        how = (f"removing its top words changes the prediction {ratio} more than removing "
               "random words" if ratio else "removing its top words changes the prediction "
               "while removing random words does not")
        return f"This explanation is faithful for this input: {how}."
    if any(t.beats_chance for t in f.tests):
        good = next(t for t in f.tests if t.beats_chance)
        bad = next(t for t in f.tests if not t.beats_chance)
        return (f"Trust it only partly: its top words beat random ones when "
                f"{_erasure_verb(good)}, not when {_erasure_verb(bad)}.")
    return ("This explanation is not better than random for this input: removing its top words "
            "changes the prediction no more than removing random words, so don't rely on it.")


def _erasure_verb(test: ErasureTest) -> str:
    """How the trust line says an erasure; the details name the replacement token."""
    return "deleted" if test.erasure == "deletion" else "masked"


def details_text(f: Faithfulness, what: str | None = None) -> str:
    """Every figure behind the verdict: per erasure the raw and NAOPC comprehensiveness, the
    random distribution, sufficiency, and comprehensiveness at each k. `what` names f when the
    answer has quoted it already (a causal LM's "log p(answer)"), not to quote it twice."""
    what = what or value_phrase(f.unit, f.label, f.contrast)
    ks = ", ".join(str(k) for k in f.k_percents)
    parts = [f"ERASER for {f.method} on {f.n_words} words, f = {what} "
             f"({significant(f.full)} on the full input), top k = {ks} % of the words, against "
             f"{len(f.tests[0].random.comprehensiveness)} seeded random rankings:"]
    for t in f.tests:
        how = "deleting" if t.erasure == "deletion" else f"replacing by {t.replacement}"
        r = t.random
        line = (f"{how} the top words lowers f by {significant(t.comprehensiveness)} on average "
                f"(comprehensiveness; random: mean {significant(r.mean_comprehensiveness)}, "
                f"95th percentile {significant(r.p95_comprehensiveness)}; above "
                f"{round(t.share_of_random_below * len(r.comprehensiveness))} of "
                f"{len(r.comprehensiveness)} random rankings: {t.verdict})")
        if t.naopc is not None and t.naopc.value is not None:
            chance = "" if r.naopc is None else f", random {significant(r.naopc)}"
            line += f", NAOPC {significant(t.naopc.value)}{chance}"
        if t.sufficiency is not None and r.mean_sufficiency is not None:
            line += (f", sufficiency {significant(t.sufficiency)} (random "
                     f"{significant(r.mean_sufficiency)}; lower is better)")
        at_k = "; ".join(f"{a.k_percent} % ({a.n_words} word{'s' if a.n_words != 1 else ''}): "
                         f"{significant(a.comprehensiveness)} vs "
                         f"{significant(a.random_comprehensiveness)}" for a in t.per_k)
        parts.append(f"{line}; at each k, top vs random: {at_k}.")
    if any(t.naopc is None for t in f.tests):
        parts.append("NAOPC (comprehensiveness normalised by this input's best and worst "
                     f"orderings) was left out to answer quickly (it is computed up to "
                     f"{NAOPC_MAX_WORDS} words, when asked whether the explanation can be "
                     "trusted).")
    return " ".join(parts)


def eraser_table(figures: list[Faithfulness], title: str = "") -> Table:
    """The figures of one or more methods, one row per method and erasure, with the verdict."""
    rows: list[list[Any]] = []
    for f in figures:
        for t in f.tests:
            r = t.random
            rows.append([f.method, t.erasure, t.comprehensiveness, r.mean_comprehensiveness,
                         r.p95_comprehensiveness,
                         None if t.naopc is None else t.naopc.value, t.sufficiency,
                         r.mean_sufficiency, t.verdict])
    n_random = len(figures[0].tests[0].random.comprehensiveness) if figures else 0
    unit = figures[0].unit if figures else ""
    columns = [Column(name="method"), Column(name="erasure")] + [
        Column(name=n, type="float", digits=3) for n in (
            "comprehensiveness", "random mean", "random 95th pct", "NAOPC", "sufficiency",
            "random sufficiency")] + [Column(name="verdict")]
    measured = [j for j in range(len(columns)) if any(row[j] is not None for row in rows)]
    return Table(
        title=title or "ERASER faithfulness (higher comprehensiveness and NAOPC, lower "
                       "sufficiency = more faithful)",
        columns=[columns[j] for j in measured],  # figures not measured are left out, not blank
        rows=[[row[j] for j in measured] for row in rows], note=f"In {unit}; averaged over k = "
                        f"{', '.join(str(k) for k in (figures[0].k_percents if figures else []))}"
                        f" % of the words; random: {n_random} seeded random rankings. 'beats "
                        "chance' means above their 95th percentile.")


class FaithfulnessArgs(InputArgs):
    """How faithful an attribution is (ERASER comprehensiveness/sufficiency and NAOPC against a
    distribution of random rankings), and optionally how much two methods agree."""

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
    unit: str = "log-odds"
    base_value: float | None = None
    eraser: Faithfulness
    compare: str | None = None
    compare_eraser: Faithfulness | None = None
    agreement: dict[str, Any] | None = None
    truncated: bool = False
    span_name: str | None = None  # causal LM: "answer", or "continuation" after a restated prompt

    def remembered(self) -> dict[str, str]:
        return {"label": str(self.label), "method": self.method}

    def said_by(self, earlier: Result) -> bool:
        """An attribution of the same input, method and label that reported its own
        faithfulness said what a plain check would ("which words mattered, and can I trust
        that?")."""
        return (self.compare is None and bool(getattr(earlier, "faithfulness", None))
                and (getattr(earlier, "referent", None), getattr(earlier, "method", None),
                     getattr(earlier, "label", None)) == (self.referent, self.method, self.label))

    def views(self) -> list[View]:
        """The figures (and a compared method's) as one table."""
        shown = [self.eraser] + ([self.compare_eraser] if self.compare_eraser else [])
        table = eraser_table(shown, title=f"ERASER faithfulness for {self.referent}, explaining "
                             f"{self.label}")
        if self.agreement is not None:
            rho = self.agreement.get("spearman")
            table.note += (f" Rank agreement: Spearman {'n/a' if rho is None else f'{rho:.2f}'}, "
                           f"{self.agreement.get('top_k_overlap')} of the top "
                           f"{self.agreement.get('k')} words shared.")
        return [table]

    def summary(self) -> str:
        base = "" if self.base_value is None else (
            f", base value {significant(self.base_value)} with every word removed")
        explained = f"the {self.span_name} {self.label}" if self.span_name else self.label
        what = f"log p({self.span_name})" if self.span_name else None
        parts = [f"For {self.referent} (explaining {explained} with {self.method}, scores in "
                 f"{self.unit}{base}): {verdict_line(self.eraser)}",
                 details_text(self.eraser, what)]
        if self.compare_eraser is not None and self.agreement is not None:
            parts.append(f"{self.compare_eraser.method}: {verdict_line(self.compare_eraser)}")
            parts.append(details_text(self.compare_eraser, what))
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
    """ERASER comprehensiveness, sufficiency and NAOPC of an attribution method's word ranking
    for one input, under deletion and [MASK] replacement, against 20 seeded random rankings
    ("beats chance" only above their 95th percentile); with `compare`, a second method and the
    rank agreement. Causal LM: f is the log-probability of the default answer span."""
    from .methods import explain
    from .predict import own_span

    ref = ctx.resolve(args.id, args.text)
    label = args.label if ctx.target.kind == "classifier" else None
    if args.label is not None and ctx.target.kind != "classifier":
        raise UserError("label applies to classifiers; a causal LM's answer span is explained.")
    span = own_span(ctx, ref)  # the span `attribute` explains by default (None: the answer)
    attr = explain(ctx, ref, args.method, label=label, span=span)
    result = FaithfulnessResult(referent=ref.referent, id=ref.id, method=attr.method,
                                label=attr.label, unit=attr.unit, base_value=attr.base_value,
                                eraser=check(ctx, ref, attr, naopc=_naopc_affordable(attr)),
                                truncated=attr.truncated, span_name=None if ctx.target.kind
                                != "causal_lm" else "answer" if span is None else "continuation")
    if args.compare:
        other = explain(ctx, ref, args.compare, label=label, span=span)
        result.compare = other.method
        result.compare_eraser = check(ctx, ref, other, naopc=_naopc_affordable(other))
        result.agreement = rank_agreement(attr, other)
    return result
