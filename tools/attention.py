"""`attention`: where the model looked — per layer and head, head averages, or attention rollout.

Attention is reported per word (subword tokens aggregated: a word's incoming attention is the
sum over its tokens, its outgoing attention the mean over its tokens). Special tokens ([CLS],
[SEP], BOS, chat-template tokens, and the first token of a causal LM) soak up much of the mass
(the "attention sink"); that share is reported and the word rankings are renormalised without it.
Attention shows where the model looked, not why it decided; `attribute` answers why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from .context import ToolContext
from .errors import UserError
from .inputs import InputArgs
from .registry import Result, tool
from .views import Bars, Matrix, View, WordScores, find_spans

if TYPE_CHECKING:
    import numpy as np

    from .target.base import Target
    from .target.words import WordTokens


class AttentionArgs(InputArgs):
    """Attention from the token the model decides on (classifier: [CLS]; causal LM: the last
    prompt token) to each word, and a word-by-word attention matrix for a heat-map."""

    layer: int | None = Field(default=None, description=(
        "Layer, counted from 1 (-1 = last). None averages over all layers (mode average) or "
        "rolls out through all layers (mode rollout)."))
    head: int | None = Field(default=None, description=(
        "Attention head in the layer, counted from 1. None averages over heads."))
    mode: Literal["average", "rollout"] = Field(default="average", description=(
        "average: raw attention weights; rollout: attention propagated through the layers "
        "with the residual connection (Abnar & Zuidema 2020)."))
    k: int = Field(default=5, description="How many top words to report (1-50).")


class WordWeight(BaseModel):
    word: str
    position: int
    weight: float


class AttentionResult(Result):
    referent: str
    text: str
    kind: str
    mode: str
    layer: int | None = None
    head: int | None = None
    n_layers: int
    n_heads: int
    query: str = Field(description="The token whose attention is ranked ('[CLS] token' or "
                       "'last prompt token').")
    top: list[WordWeight] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)
    matrix: list[list[float]] = Field(
        default_factory=list, description="word x word attention (row = from, column = to), "
        "special tokens excluded and rows renormalised; for a heat-map.")
    special_mass: float = Field(description="Share of the query's attention on special tokens.")
    special_mass_mean: float = Field(description="The same share averaged over all tokens.")
    special_tokens: list[dict[str, float | str]] = Field(default_factory=list)
    truncated: bool = False
    notes: list[str] = Field(default_factory=list)

    def _where(self) -> str:
        where = ("rollout" if self.mode == "rollout" else "averaged over layers"
                 if self.layer is None else f"layer {self.layer}")
        if self.mode == "rollout" and self.layer is not None:
            where += f" to layer {self.layer}"
        return where + ("" if self.head is None else f", head {self.head}")

    def views(self) -> list[View]:
        """The top words' weights inside the text and as bars, and the word-by-word heat map."""
        where = self._where()
        shown: list[View] = []
        weights = {w.position: w.weight for w in self.top}
        if self.words and weights and max(weights) < len(self.words):
            shown.append(WordScores(
                title=f"where the {self.query} looked ({where})", text=self.text,
                words=self.words, spans=find_spans(self.text, self.words),
                scores=[weights.get(i) for i in range(len(self.words))], signed=False,
                high="attended to", low="", marked=sorted(weights), digits=3,
                note=f"the top {len(weights)} words; special tokens left out"))
        if self.top:
            shown.append(Bars(title=f"top words by attention from the {self.query} ({where})",
                              names=[w.word for w in self.top],
                              values=[w.weight for w in self.top], digits=3))
        n = len(self.words)
        if n and len(self.matrix) == n and all(len(r) == n for r in self.matrix):
            shown.append(Matrix(
                title=f"attention between words ({where}; row = from, column = to)",
                rows=self.words, columns=self.words, values=[list(r) for r in self.matrix],
                row_title="from", column_title="to", show_values=False, digits=3))
        return shown

    def summary(self) -> str:
        if self.mode == "rollout":
            upto = ("layer 1" if self.layer == 1 else f"layers 1-{self.layer}" if self.layer
                    else f"all {self.n_layers} layers")
            where = f"attention rollout through {upto}"
        else:
            lay = (f"layer {self.layer}" if self.layer
                   else f"the average of all {self.n_layers} layers")
            hd = f"head {self.head}" if self.head else f"the mean of {self.n_heads} heads"
            where = f"{lay}, {hd}"
        ranked = ", ".join(f"'{w.word}' ({w.weight:.2f})" for w in self.top) or "no words"
        sinks = ", ".join(str(s["token"]) for s in self.special_tokens[:3])
        text = (f"For {self.referent} ({where}), the {self.query} attends most to: {ranked}. "
                f"{self.special_mass:.0%} of its attention went to special tokens ({sinks}); "
                "they are left out and the word weights renormalised. ")
        text += " ".join(self.notes) + (" " if self.notes else "")
        return text + ("Attention shows where the model looked, not why it decided "
                       "(attribute answers why).")


def token_attentions(target: Target, text: str) -> tuple[WordTokens, np.ndarray]:
    """[layers, heads, T, T] for the tokens the model sees (for a causal LM: the chat prompt)."""
    from .target.causal_lm import HFCausalLM

    if not isinstance(target, HFCausalLM):
        return target.attentions(text)
    return target.attentions_of(target.prompt_words(text))


def sink_mask(wt: WordTokens, causal: bool) -> np.ndarray:
    """True for tokens that belong to no word (specials, template) and a causal LM's first token."""
    import numpy as np

    mask = np.array([w is None for w in wt.token_to_word], dtype=bool)
    if causal and len(mask):
        mask[0] = True
    return mask


def rollout(att: np.ndarray) -> np.ndarray:
    """Rollout of [layers, T, T] head-averaged maps: the product of (0.5 I + 0.5 A), each row
    renormalised, so attention flowing through the residual stream is counted."""
    import numpy as np

    n = att.shape[-1]
    result = np.eye(n)
    for layer in att:
        a = 0.5 * np.eye(n) + 0.5 * layer.astype(np.float64)
        a /= a.sum(-1, keepdims=True)
        result = a @ result
    return result


def word_matrix(att: np.ndarray, wt: WordTokens, sinks: np.ndarray) -> np.ndarray:
    """[T, T] token attention -> [words, words]: mean over 'from' tokens, sum over 'to' tokens,
    sink tokens dropped and each row renormalised (a row with nothing left stays zero)."""
    import numpy as np

    groups = wt.word_to_tokens()
    n = len(groups)
    keep_to = [[t for t in g if not sinks[t]] for g in groups]
    out = np.zeros((n, n))
    for i, rows in enumerate(groups):
        if not rows:
            continue
        from_row = att[rows].mean(0)
        out[i] = [from_row[cols].sum() if cols else 0.0 for cols in keep_to]
    totals = out.sum(1, keepdims=True)
    return np.divide(out, totals, out=np.zeros_like(out), where=totals > 0)


def query_index(target: Target, wt: WordTokens) -> int:
    """The token the decision is read from: [CLS]-style first special token, else the last token."""
    if target.kind == "classifier" and wt.special and wt.special[0]:
        return 0
    return len(wt.input_ids) - 1


def _shown(target: Target, token: str) -> str:
    """A token as a person reads it ('\\n' rather than the byte-level 'Ċ')."""
    try:
        text = target.tokenizer.convert_tokens_to_string([token])
    except (TypeError, ValueError, KeyError):
        text = token
    return text.strip() or repr(text).strip("'") or token


def _query_name(target: Target, wt: WordTokens, q: int) -> str:
    if q == 0 and wt.special and wt.special[0]:
        return f"{wt.tokens[0]} token"
    return "last prompt token" if target.kind == "causal_lm" else "last token"


def _pick(value: int | None, n: int, what: str) -> int | None:
    if value is None:
        return None
    idx = value - 1 if value > 0 else n + value
    if value == 0 or not 0 <= idx < n:
        raise UserError(f"There is no {what} {value}: this model has {n} {what}s, counted 1 to {n} "
                        f"(or -1 for the last).")
    return idx


@tool("attention", AttentionArgs, scope="input", updates={"focus"})
def attention(ctx: ToolContext, args: AttentionArgs) -> AttentionResult:
    """Which words the model attended to for an input (per layer/head, averaged, or rolled out),
    with the share of attention taken by special tokens. Attention is where the model looked,
    not why it decided."""
    import numpy as np

    if not 1 <= args.k <= 50:
        raise UserError(f"k must be between 1 and 50 words; got {args.k}.")
    ref = ctx.resolve(args.id, args.text)
    target = ctx.target
    wt, att = ctx.memo(("attentions", ref.text), lambda: token_attentions(target, ref.text))
    n_layers, n_heads = int(att.shape[0]), int(att.shape[1])
    layer = _pick(args.layer, n_layers, "layer")
    head = _pick(args.head, n_heads, "head")
    notes: list[str] = []
    if args.mode == "rollout":
        if head is not None:
            notes.append("Rollout combines all heads, so the head was not used.")
            head = None
        upto = n_layers if layer is None else layer + 1
        tok = rollout(att[:upto].mean(1))
    else:
        per_layer = att.mean(1) if head is None else att[:, head]
        tok = per_layer.mean(0) if layer is None else per_layer[layer]
    sinks = sink_mask(wt, target.kind == "causal_lm")
    q = query_index(target, wt)
    row = tok[q]
    special_mass = float(row[sinks].sum())
    word_w = np.zeros(len(wt.words))
    for t, w in enumerate(wt.token_to_word):
        if w is not None and not sinks[t]:
            word_w[w] += row[t]
    if word_w.sum() > 0:
        word_w = word_w / word_w.sum()
    order = sorted(range(len(word_w)), key=lambda i: (-word_w[i], i))[:args.k]
    by_token: dict[str, float] = {}
    for sink in np.flatnonzero(sinks):
        name = _shown(target, wt.tokens[int(sink)])
        by_token[name] = by_token.get(name, 0.0) + float(row[sink])
    sink_share = sorted(by_token.items(), key=lambda x: -x[1])
    if wt.truncated:
        notes.append("The text was truncated to the model's maximum length; "
                     "later words are not shown.")
    kept = wt.n_words_kept
    matrix = word_matrix(tok, wt, sinks)[:kept, :kept]
    return AttentionResult(
        referent=ref.referent, text=ref.text, kind=target.kind, mode=args.mode,
        layer=None if layer is None else layer + 1, head=None if head is None else head + 1,
        n_layers=n_layers, n_heads=n_heads, query=_query_name(target, wt, q),
        top=[WordWeight(word=wt.words[i], position=i, weight=round(float(word_w[i]), 4))
             for i in order if word_w[i] > 0],
        words=wt.words[:kept], matrix=[[round(float(v), 4) for v in r] for r in matrix],
        special_mass=round(special_mass, 4),
        special_mass_mean=round(float(tok[:, sinks].sum(1).mean()), 4),
        special_tokens=[{"token": name, "mass": round(m, 4)} for name, m in sink_share[:5]],
        truncated=wt.truncated, notes=notes)
