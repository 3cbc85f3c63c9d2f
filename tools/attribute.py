"""`attribute`: which words pushed the model towards its answer, by how much, and can we trust it.

Scores are signed and in the units of the explained number f (probability points for a
classifier; log-probability for a causal LM): positive pushes towards the label (or towards the
label rather than `contrast`), negative pushes away. By default the answer carries the ERASER
faithfulness figures (see `faithfulness.py`), so a user sees whether the top words really matter.

Truncation: a classifier only sees its first `max_length` tokens. Only the words inside that
window are attributed (the rest were never seen and get no score) and the result says so.

Causal LM: f is the log-probability of a span of the generated answer given the prompt (and the
answer before it); only the prompt's words are scored. The span defaults to the whole answer
(its summed log-probability: "why did it answer this?", with no guess about which token matters);
`span` narrows it to a phrase of the answer, a token index ("0" or "2-4"), or "all". `contrast`
names an alternative token, "why this token rather than that one": the difference of the two
log-probabilities at the span's first token or, with no span, at the answer position where the
alternative was likeliest. Supported there: integrated_gradients, gradient_x_input, occlusion.

Default method, by measured ERASER faithfulness per second (comprehensiveness / sufficiency,
random-word rankings in brackets; CPU-seconds per input with one torch thread, 2-core machine):

  demo-sentiment, 50 test reviews (18 words on average), f = p(label):
    occlusion             0.336 (0.048) / -0.008 (0.216)   0.12 s   <- classifier default
    shap                  0.328         / -0.032           0.56 s
    lime                  0.355         / -0.029           0.76 s
    integrated_gradients  0.295         / -0.018           0.31 s   (|delta| <= 0.01)
    gradient_x_input      0.041         /  0.273           0.05 s   (no better than random)
  demo-lm, 5 prompts, f = log p(whole answer) in nats:
    gradient_x_input      6.60 (3.99) / 12.43 (16.15)      0.6 s    <- causal LM default
    occlusion             9.84        / 10.06              2.6 s
    integrated_gradients 10.70        /  9.22             19.3 s    (|delta| 0.11 on average)
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .context import ToolContext
from .errors import UserError
from .faithfulness import eraser, eraser_table, faithfulness_sentence, value_phrase
from .inputs import InputArgs
from .registry import Result, tool
from .views import Bars, View, WordScores, usable_spans

MAX_K = 100


class AttributeArgs(InputArgs):
    """Word-level importance towards the predicted label (or `label`), optionally against a
    `contrast`, with one of the attribution methods."""

    method: str | None = Field(default=None, description=(
        "shap | integrated_gradients | gradient_x_input | lime | occlusion; default: the most "
        "faithful per second as measured: occlusion (classifier), gradient_x_input (causal LM)."))
    label: str | int | None = Field(default=None, description="Classifier label to explain; "
                                    "default: the predicted label.")
    contrast: str | None = Field(default=None, description=(
        "Classifier: a second label, for 'why label rather than contrast'. Causal LM: an "
        "alternative token, for 'why this token rather than that one'."))
    k: int = Field(default=5, description="How many top words (by |score|) to report.")
    span: str | None = Field(default=None, description=(
        "Causal LM only: the part of the generated answer to explain: a phrase from it, a token "
        "index like '0' or '2-4', or 'all'. Default: the whole answer."))
    faithfulness: bool = Field(default=True, description="Add ERASER comprehensiveness and "
                               "sufficiency against random words.")


class AttributeResult(Result):
    referent: str
    id: int | None = None
    text: str
    kind: str
    method: str
    label: str
    contrast: str | None = None
    opposite: str | None = None  # a binary classifier's other label, for "towards X" phrasing
    predicted: str | None = None  # classifier: the label it predicts, which `label` may not be
    predicted_probability: float | None = None
    unit: str
    target_value: float
    base_value: float
    words: list[dict[str, Any]]
    top: list[dict[str, Any]]
    delta: float | None = None
    truncated: bool = False
    n_words_seen: int = 0
    n_words_total: int = 0
    span: tuple[int, int] | None = None
    answer: str | None = None
    faithfulness: dict[str, Any] | None = None
    extras: dict[str, Any] = Field(default_factory=dict)
    attribution_seconds: float = 0.0

    def _words(self, sign: int) -> str:
        picked = [w for w in self.top if w["score"] * sign > 0]
        return (", ".join(f"\"{w['word']}\" ({w['score']:+.2f})" for w in picked)
                or f"none in the top {len(self.top)}")

    def views(self) -> list[View]:
        """Every word highlighted inside the text by its signed score (the top k marked), the
        top words as signed bars, and the ERASER figures when they were computed."""
        if self.kind == "causal_lm":
            high, low = "raises the answer's log-probability", "lowers it"
        else:
            high = f"towards {self.label}" + (f" over {self.contrast}" if self.contrast else "")
            low = f"towards {self.contrast}" if self.contrast else f"away from {self.label}"
        spans = usable_spans(self.text, [(w["start"], w["end"]) for w in self.words
                                         if isinstance(w.get("start"), int)
                                         and isinstance(w.get("end"), int)], len(self.words))
        marked = [i for i, w in enumerate(self.words) if w in self.top]
        note = (f"Only the first {self.n_words_seen} of {self.n_words_total} words fit in the "
                "model's window; the rest were never seen." if self.truncated else "")
        shown: list[View] = [WordScores(
            title=f"word importance for {self.referent} ({self.method}, {self.unit} points)",
            text=self.text, words=[str(w["word"]) for w in self.words],
            spans=spans,
            scores=[w.get("score") for w in self.words], high=high, low=low, marked=marked,
            note=note)]
        if self.top:
            shown.append(Bars(title=f"top words ({self.method}, {self.unit} points)",
                              names=[str(w["word"]) for w in self.top],
                              values=[float(w["score"]) for w in self.top], signed=True,
                              format="signed", digits=3))
        if self.faithfulness:
            shown.append(eraser_table([self.faithfulness],
                                      title="can these words be trusted? ERASER faithfulness"))
        return shown

    def remembered(self) -> dict[str, str]:
        return {"label": str(self.label), "method": self.method}

    def summary(self) -> str:
        what = value_phrase(self.unit, self.label, self.contrast)
        if self.kind == "causal_lm":
            head = (f"For {self.referent} the model answers \"{self.answer}\". Explaining "
                    f"{self.label}" + (f" rather than \"{self.contrast.strip()}\""
                                       if self.contrast else "")
                    + f" ({what} = {self.target_value:.2f}).")
            towards, away = f"raising {what}", "lowering it"
        else:
            if self.contrast is not None:
                head = (f"For {self.referent}, why {self.label} rather than {self.contrast}: "
                        f"{what} = {self.target_value:.2f}.")
            elif self.predicted is not None and self.predicted != self.label:
                # "why did you say negative?" about an input predicted positive: say so first
                head = (f"For {self.referent} the model does not say {self.label}: it predicts "
                        f"{self.predicted} ({self.predicted_probability:.2f}), and gives "
                        f"{self.label} {self.target_value:.2f}. Here is what moves {what}.")
            else:
                head = f"For {self.referent} the model says {self.label} ({self.target_value:.2f})."
            towards = f"towards {self.label}"
            other = self.contrast or self.opposite
            away = f"towards {other}" if other else f"away from {self.label}"
        lead = "Prompt words" if self.kind == "causal_lm" else "Words pushing"
        parts = [head, f"{lead} {towards}: {self._words(1)}; {away}: {self._words(-1)}."]
        how = f"Method: {self.method}, scores in {self.unit} points, base value " \
              f"{self.base_value:.2f}"
        if self.delta is not None:
            how += f", convergence delta {self.delta:+.3f}"
        parts.append(how + ".")
        f = self.faithfulness
        if f is not None:
            r = f["removal"]
            n = r["n_words"]
            parts.append(f"Removing the top {n} word{'s' if n != 1 else ''} changes {what} from "
                         f"{f['full']:.2f} to {r['without_top']:.2f}; removing {n} random "
                         f"word{'s' if n != 1 else ''}: {r['without_random']:.2f}.")
            parts.append(faithfulness_sentence(f))
        if self.truncated:
            parts.append(f"The text was too long for the model: only its first "
                         f"{self.n_words_seen} of {self.n_words_total} words fit in the model's "
                         f"window, the rest were never seen and get no score.")
        return " ".join(parts)


@tool("attribute", AttributeArgs, scope="input", updates={"focus", "label", "method"})
def attribute(ctx: ToolContext, args: AttributeArgs) -> AttributeResult:
    """Which words pushed the model towards its prediction (or `label`, or `label` rather than
    `contrast`), with signed scores, the base value, and ERASER faithfulness against random words.
    Methods: shap, integrated_gradients, gradient_x_input, lime, occlusion."""
    from .methods import explain

    if not 1 <= args.k <= MAX_K:
        raise UserError(f"k must be between 1 and {MAX_K}; got {args.k}.")
    ref = ctx.resolve(args.id, args.text)
    attr = explain(ctx, ref, args.method, label=args.label, contrast=args.contrast,
                   span=args.span)
    words = [{"word": w, "score": round(s, 6), "start": a, "end": b}
             for w, s, (a, b) in zip(attr.words, attr.scores, attr.spans, strict=True)]
    top = [words[i] for i in attr.top(args.k)]
    predicted, p_predicted = None, None
    if ctx.target.kind == "classifier":  # memoised: the explanation already predicted this text
        probs = ctx.probs([ref.text])[0]
        best = int(probs.argmax())
        predicted, p_predicted = ctx.target.labels[best], float(probs[best])
    return AttributeResult(
        referent=ref.referent, id=ref.id, text=ref.text, kind=ctx.target.kind,
        method=attr.method, label=attr.label, contrast=attr.contrast, unit=attr.unit,
        opposite=_opposite(ctx, attr.label) if ctx.target.kind == "classifier" else None,
        predicted=predicted, predicted_probability=p_predicted,
        target_value=attr.target_value, base_value=attr.base_value, words=words, top=top,
        delta=attr.extras.get("convergence_delta"), truncated=attr.truncated,
        n_words_seen=len(attr.words), n_words_total=attr.n_words_total, span=attr.span,
        answer=attr.extras.get("answer"),
        faithfulness=eraser(ctx, ref, attr) if args.faithfulness else None,
        extras={k: v for k, v in attr.extras.items() if k not in ("answer",)},
        attribution_seconds=attr.seconds)


def _opposite(ctx: ToolContext, label: str) -> str | None:
    others = [name for name in ctx.target.labels if name != label]
    return others[0] if len(others) == 1 else None
