"""`attribute`: which words pushed the model towards its answer, by how much, and can we trust it.

Scores are signed and in the units of the explained number f (log-odds of the label for a
classifier, which do not saturate on a confident prediction; log-probability for a causal LM):
positive pushes towards the label (or towards the label rather than `contrast`), negative pushes
away. Asked about a label the classifier does not predict, the tool says so and explains the
predicted label (for two labels the scores are the same up to sign) unless `insist` is set.

The answer a person reads first (`summary()`) is two sentences: the prediction, the (up to) three
words that pushed it most and what removing them does to p(label); then one trust line from
`faithfulness.py` (beats a distribution of random rankings, or "don't rely on it"). Everything
else (method, base value, every score, ERASER at each k, NAOPC, the random baseline) is in
`details()`, said on request and in the JSON for the page to fold (the result and its sentences:
`attribute_result.py`).

Truncation: a classifier only sees its first `max_length` tokens. Only the words inside that
window are attributed (the rest were never seen and get no score) and the result says so.

Causal LM: f is the log-probability of a span of the generated answer given the prompt (and the
answer before it); only the prompt's words are scored. The span defaults to the whole answer
(its summed log-probability: "why did it answer this?", with no guess about which token matters),
or, when the answer begins by restating the prompt, the continuation after it (`predict.own_span`);
the answer (or continuation) is quoted once, in the lead. `span` narrows it to a phrase of the
answer, a token index ("0" or "2-4"), or "all". `contrast` names an alternative token, "why this
token rather than that one": the difference of the two log-probabilities at the span's first
token or, with no span, at the answer position where the alternative was likeliest. Supported
there: integrated_gradients, gradient_x_input, occlusion.

Default method, by measured ERASER faithfulness per second (comprehensiveness / sufficiency,
random-word rankings in brackets; CPU-seconds per input with one torch thread, 2 CPU cores;
classifier figures measured with f = p(label), before scores moved to log-odds):

  demo-sentiment, 50 test reviews (18 words on average), f = p(label):
    occlusion             0.336 (0.048) / -0.008 (0.216)   0.12 s   <- classifier default
    shap                  0.328         / -0.032           0.56 s
    lime                  0.355         / -0.029           0.76 s
    integrated_gradients  0.295         / -0.018           0.31 s   (|delta| <= 0.01)
    gradient_x_input      0.041         /  0.273           0.05 s   (no better than random)
  demo-lm, 12 held-out prompts (evals/faithfulness_lm.py), share of prompts whose
  comprehensiveness beats the 95th percentile of 20 random rankings, first token / whole answer,
  and CPU-s per prompt (whole answer):
    occlusion             0.83 / 0.83                      1.2 s    <- causal LM default
    integrated_gradients  0.83 / 0.42                     20.0 s
    gradient_x_input      0.00 / 0.08                      1.0 s    (no better than random)
"""


from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from .attribute_result import LEAD, AttributeResult, is_word
from .context import ToolContext
from .eraser import edited_text, scorer
from .errors import UserError
from .faithfulness import quick_check, value_phrase
from .inputs import InputArgs
from .methods import long_input
from .predict import own_span
from .registry import tool

if TYPE_CHECKING:
    from .context import InputRef
    from .methods import WordAttribution

MAX_K = 100


class AttributeArgs(InputArgs):
    """Word-level importance towards the predicted label (or `label`), optionally against a
    `contrast`, with one of the attribution methods."""

    method: str | None = Field(default=None, description=(
        "shap | integrated_gradients | gradient_x_input | lime | occlusion; default: the most "
        "faithful per second as measured: occlusion (classifier), gradient_x_input (causal LM)."))
    label: str | int | None = Field(default=None, description=(
        "Classifier label to explain; default: the predicted label. A label the model does not "
        "predict is said so and the predicted label is explained, unless `insist`."))
    insist: bool = Field(default=False, description=(
        "Explain `label` even when the model predicts another label (the user insists)."))
    contrast: str | None = Field(default=None, description=(
        "Classifier: a second label, for 'why label rather than contrast'. Causal LM: an "
        "alternative token, for 'why this token rather than that one'."))
    k: int = Field(default=5, description="How many top words (by |score|) to report.")
    span: str | None = Field(default=None, description=(
        "Causal LM only: the part of the generated answer to explain: a phrase from it, a token "
        "index like '0' or '2-4', or 'all'. Default: the whole answer."))
    faithfulness: bool = Field(default=True, description="Add ERASER comprehensiveness, "
                               "sufficiency and NAOPC against 20 random rankings.")


@tool("attribute", AttributeArgs, scope="input", updates={"focus", "label", "method"})
def attribute(ctx: ToolContext, args: AttributeArgs) -> AttributeResult:
    """Which words pushed the model towards its prediction (or `label`, or `label` rather than
    `contrast`), with signed scores in log-odds, the base value, and whether the explanation
    beats random words for this input. Methods: shap, integrated_gradients,
    gradient_x_input, lime, occlusion."""
    from .methods import explain

    if not 1 <= args.k <= MAX_K:
        raise UserError(f"k must be between 1 and {MAX_K}; got {args.k}.")
    ref = ctx.resolve(args.id, args.text)
    predicted, p_predicted, label, asked = None, None, args.label, None
    span, span_name = args.span, None
    if ctx.target.kind == "causal_lm" and not args.span and not args.contrast:
        span = own_span(ctx, ref)
        span_name = "answer" if span is None else "continuation"
    if ctx.target.kind == "classifier":  # memoised: the explanation predicts this text too
        probs = ctx.probs([ctx.target.check_text(ref.text)])[0]
        best = int(probs.argmax())
        predicted, p_predicted = ctx.target.labels[best], float(probs[best])
        wanted = None if label is None or not str(label).strip() else \
            ctx.target.label_index(label)
        if wanted is not None and wanted != best and args.contrast is None and not args.insist:
            asked, label = ctx.target.labels[wanted], None
    attr = explain(ctx, ref, args.method, label=label, contrast=args.contrast, span=span)
    words = [{"word": w, "score": round(s, 6), "start": a, "end": b}
             for w, s, (a, b) in zip(attr.words, attr.scores, attr.spans, strict=True)]
    return AttributeResult(
        referent=ref.referent, id=ref.id, text=ref.text, kind=ctx.target.kind,
        method=attr.method, label=attr.label, asked=asked, contrast=attr.contrast,
        unit=attr.unit,
        opposite=_opposite(ctx, attr.label) if ctx.target.kind == "classifier" else None,
        predicted=predicted, predicted_probability=p_predicted,
        target_value=attr.target_value, base_value=attr.base_value, words=words,
        top=[words[i] for i in attr.top(args.k)],
        delta=attr.extras.get("convergence_delta"), truncated=attr.truncated,
        n_words_seen=len(attr.words), n_words_total=attr.n_words_total, span=attr.span,
        answer=attr.extras.get("answer"), span_name=span_name,
        removal=removal(ctx, ref, attr, f"the {span_name}'s" if span_name else "its"),
        faithfulness=(long_input.check if long_input.is_hierarchical(attr) else quick_check)(
            ctx, ref, attr) if args.faithfulness else None,
        extras={k: v for k, v in attr.extras.items() if k not in ("answer",)},
        attribution_seconds=attr.seconds)



def removal(ctx: ToolContext, ref: InputRef, attr: WordAttribution,
            whose: str = "the answer's") -> dict[str, Any]:
    """The (up to) LEAD words (tokens with a letter or digit) that push most towards the
    explained label and what deleting them does, in the number a person reads: p(label) for a
    classifier, `whose` probability for a causal LM (its log-probability when either is under
    0.01: "from 0.058 to 0" says nothing; the log-probability difference with a contrast
    token). A causal LM's span is named as `whose`, not quoted: the lead quotes it already."""
    import math

    from .methods import objective_of

    named = [i for i in attr.ranking() if attr.scores[i] > 0 and is_word(attr.words[i])][:LEAD]
    obj = objective_of(ctx, ref, attr)
    out: dict[str, Any] = {"words": [{"word": attr.words[i], "score": attr.scores[i]}
                                     for i in named], "n_words": len(named)}
    if not named:
        return out
    text = edited_text(obj, [i not in named for i in range(obj.n_words)], "deletion")
    if obj.label_index is not None:  # a classifier: its probabilities, memoised
        before, after = ctx.probs([obj.words.text, text])[:, obj.label_index]
        return {**out, "unit": "probability", "label": attr.label, "what": f"p({attr.label})",
                "full": float(before), "without_top": float(after)}
    after_f = float(scorer(ctx, obj)([text])[0])
    if obj.contrast_name is None and math.exp(min(obj.value, after_f)) < 0.01:
        return {**out, "unit": obj.unit, "label": attr.label,
                "what": f"{whose} log-probability", "full": obj.value, "without_top": after_f}
    if obj.contrast_name is None:
        return {**out, "unit": "probability", "label": attr.label,
                "what": f"{whose} probability", "full": math.exp(obj.value),
                "without_top": math.exp(after_f)}
    return {**out, "unit": obj.unit, "label": attr.label,
            "what": value_phrase(obj.unit, attr.label, attr.contrast), "full": obj.value,
            "without_top": after_f}


def _opposite(ctx: ToolContext, label: str) -> str | None:
    others = [name for name in ctx.target.labels if name != label]
    return others[0] if len(others) == 1 else None
