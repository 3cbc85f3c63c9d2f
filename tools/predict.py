"""`predict`: what the model says for one input."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .context import ToolContext
from .inputs import InputArgs
from .registry import Result, tool
from .views import Bars, View, WordScores


class PredictArgs(InputArgs):
    """What the model predicts for a dataset item (`id`) or a free `text`."""

    max_new_tokens: int = Field(default=32, ge=1, le=256,
                                description="Causal LM only: longest answer to generate.")


class PredictResult(Result):
    referent: str
    id: int | None = None
    text: str
    gold: str | None = None
    kind: str
    label: str | None = None
    probs: dict[str, float] = Field(default_factory=dict)
    generation: dict[str, Any] | None = None
    truncated: bool = False

    def views(self) -> list[View]:
        """Classifier: the probability of each label as bars. Causal LM: the answer's tokens
        shaded by the probability each was chosen with, the unsure ones (< 0.5) marked."""
        if self.kind == "causal_lm":
            tokens = (self.generation or {}).get("tokens") or []
            if not tokens:
                return []
            words = [str(t["token"]) for t in tokens]
            probs: list[float | None] = [float(t["prob"]) for t in tokens]
            spans, pos = [], 0
            for w in words:
                spans.append((pos, pos + len(w)))
                pos += len(w)
            return [WordScores(
                title=f"the answer to {self.referent}, token by token", text="".join(words),
                words=words, spans=spans, scores=probs, signed=False, scale=1.0,
                high="chosen with high probability", low="chosen with low probability",
                marked=[i for i, t in enumerate(tokens) if float(t["prob"]) < 0.5],
                note="marked: tokens chosen with probability < 0.5")]
        if not self.probs:
            return []
        ranked = sorted(self.probs.items(), key=lambda kv: -kv[1])
        return [Bars(title=f"p(label) for {self.referent}", names=[k for k, _ in ranked],
                     values=[v for _, v in ranked], scale=1.0)]

    def remembered(self) -> dict[str, str]:
        text = (self.generation or {}).get("text")
        return {"generation": str(text)} if text is not None else {}

    def summary(self) -> str:
        if self.kind == "causal_lm" and self.generation is not None:
            toks = self.generation.get("tokens", [])
            low = [t for t in toks if t["prob"] < 0.5]
            conf = (f" It was unsure about {len(low)} of its {len(toks)} tokens."
                    if low else " Every token was chosen with probability above 0.5.")
            return f"For {self.referent}, the model answers: \"{self.generation['text']}\".{conf}"
        ranked = sorted(self.probs.items(), key=lambda kv: -kv[1])
        others = ", ".join(f"{name} {p:.2f}" for name, p in ranked[1:])
        gold = ""
        if self.gold is not None:
            gold = (" — correct, the gold label is " if self.gold == self.label
                    else " — wrong, the gold label is ") + f"{self.gold}"
        trunc = " (the text was truncated to the model's maximum length)" if self.truncated else ""
        return (f"For {self.referent}, the model predicts {self.label} with probability "
                f"{ranked[0][1]:.2f} ({others}){gold}.{trunc}")


@tool("predict", PredictArgs, scope="input", updates={"focus"})
def predict(ctx: ToolContext, args: PredictArgs) -> PredictResult:
    """Predict the label and class probabilities (classifier) or generate the answer with
    per-token probabilities (causal LM) for a dataset item `id` or a free `text`."""
    ref = ctx.resolve(args.id, args.text)
    target = ctx.target
    if target.kind == "causal_lm":
        lm = ctx.lm
        gen = ctx.memo(("gen", ref.text, args.max_new_tokens),
                       lambda: lm.generate(ref.text, args.max_new_tokens))
        return PredictResult(referent=ref.referent, id=ref.id, text=ref.text, kind=target.kind,
                             generation=gen.to_dict(),
                             truncated=bool(gen.prompt_words and gen.prompt_words.truncated))
    probs = ctx.probs([ref.text])[0]
    labels = target.labels
    best = int(probs.argmax())
    truncated = target.words(ref.text).truncated
    return PredictResult(referent=ref.referent, id=ref.id, text=ref.text, gold=ref.gold,
                         kind=target.kind, label=labels[best],
                         probs={n: round(float(p), 6) for n, p in zip(labels, probs, strict=True)},
                         truncated=truncated)
