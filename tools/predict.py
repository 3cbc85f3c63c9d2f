"""`predict`: what the model says for one input.

A small instruct LM often restates a prompt it was asked to complete ("The best thing about
rainy days is" -> "The best thing about rainy days is that it's ..."). Quoting that whole answer
after the prompt says the prompt twice, and explaining it explains mostly the copy (the copied
words "cause" themselves). `echo` finds such a restatement so that the answers quote and the
attribution explains the continuation alone; `own_span` is that continuation as an `attribute`
span, shared by `attribute` and `faithfulness` so both explain the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from .context import ToolContext
from .inputs import InputArgs
from .registry import Result, tool
from .views import Bars, View, WordScores

if TYPE_CHECKING:
    from .context import InputRef
    from .target.causal_lm import Generation


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
    continuation: str | None = None  # the answer after its restatement of the prompt, if any
    truncated: bool = False
    windows: int = 1  # windows of the model's length the text was read in (probs averaged)

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
            if self.continuation is not None:
                return (f"For {self.referent}, the model repeats the prompt and continues: "
                        f"\"{self.continuation}\".{conf}")
            return f"For {self.referent}, the model answers: \"{self.generation['text']}\".{conf}"
        ranked = sorted(self.probs.items(), key=lambda kv: -kv[1])
        others = ", ".join(f"{name} {p:.2f}" for name, p in ranked[1:])
        gold = ""
        if self.gold is not None:
            gold = (" — correct, the gold label is " if self.gold == self.label
                    else " — wrong, the gold label is ") + f"{self.gold}"
        trunc = " (the text was truncated to the model's maximum length)" if self.truncated else ""
        if self.windows > 1:
            trunc = (f" (the text is longer than the model's window: it was read in "
                     f"{self.windows} overlapping windows and their probabilities averaged"
                     f"{'; the text beyond them was not read' if self.truncated else ''})")
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
        echoed = echo(gen, lm.tokenizer)
        return PredictResult(referent=ref.referent, id=ref.id, text=ref.text, kind=target.kind,
                             generation=gen.to_dict(),
                             continuation=None if echoed is None else echoed[2],
                             truncated=bool(gen.prompt_words and gen.prompt_words.truncated))
    probs = ctx.probs([ref.text])[0]
    labels = target.labels
    best = int(probs.argmax())
    reading = ctx.classifier.reading(ref.text)
    return PredictResult(referent=ref.referent, id=ref.id, text=ref.text, gold=ref.gold,
                         kind=target.kind, label=labels[best],
                         probs={n: round(float(p), 6) for n, p in zip(labels, probs, strict=True)},
                         truncated=reading.truncated, windows=len(reading.ranges))


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


def echo(gen: Generation, tokenizer: Any) -> tuple[int, int, str] | None:
    """(first, end, text) of the answer after a word-for-word restatement of the prompt (case and
    spacing aside) that ends on a token boundary; None when the answer does not begin with the
    prompt or has nothing with a letter or digit after it. `end` leaves out end-of-text tokens."""
    end = len(gen.answer_ids)
    while end and gen.answer_ids[end - 1] == tokenizer.eos_token_id:
        end -= 1
    want, said = _plain(gen.prompt), ""
    if not want:
        return None
    for first, token in enumerate(gen.answer_tokens[:end], 1):
        said += token
        got = _plain(said)
        if len(got) >= len(want):
            if got != want or first >= end:
                return None
            rest = tokenizer.decode(gen.answer_ids[first:end], skip_special_tokens=True).strip()
            return (first, end, rest) if any(c.isalnum() for c in rest) else None
        if not want.startswith(got):
            return None
    return None


def own_span(ctx: ToolContext, ref: InputRef) -> str | None:
    """The `attribute` span ("first-last" token indices) of a causal LM's answer after its
    restatement of the prompt, or None (explain the whole answer). Uses the generation the
    attribution itself will use (same memo key)."""
    target: Any = ctx.target
    if target.kind != "causal_lm":
        return None
    gen = ctx.memo(("gen", ref.text, target.default_max_new_tokens),
                   lambda: target.generate(ref.text, target.default_max_new_tokens))
    echoed = echo(gen, target.tokenizer)
    return None if echoed is None else f"{echoed[0]}-{echoed[1] - 1}"
