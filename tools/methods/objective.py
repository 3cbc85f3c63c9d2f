"""The one number an attribution explains, f(x), and the two ways methods may probe it.

Perturbation methods (SHAP, LIME, occlusion) and the ERASER metrics call `score(texts)` on edited
copies of the input (words removed); gradient methods call `forward(input_ids, attention_mask)`,
a differentiable f over token ids, and compare against `baseline_ids` (user words replaced by a
neutral token, special/template tokens kept).

- classifier: f = the log-odds of the label, log p(label | x) - log(1 - p(label | x)), or
  log p(label | x) - log p(contrast | x) for "label rather than contrast" (the logit difference).
  Log-odds, as captum's and shap's examples use, because probabilities saturate: at p = 0.97 a
  word that halves the odds moves p by 0.015, at p = 0.999 by 0.0005, and every score prints as
  0.00; in log-odds it is -0.69 either way. For two labels log-odds(a) = -log-odds(b) exactly.
  The attribute tool still says what removing words does to p(label), the sentence a person
  reads; without a contrast p(label) = sigmoid(f).
- causal LM: f = log p(span | prompt), the summed log-probability of the chosen answer tokens given
  the prompt and the answer before them; with an alternative token, f = log p(chosen) - log p(alt)
  at the span's first token. Only the user's prompt words are attributed.

Both probes call `ctx.check()` per batch (`forward` once per call, which captum makes per batch
of path points), so every method stops within a batch when the turn is cancelled or out of time.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from ..target.words import count_words

if TYPE_CHECKING:
    import numpy as np
    import torch

    from ..context import InputRef, ToolContext
    from ..target.base import Target
    from ..target.words import WordTokens


@dataclass
class Objective:
    target: Target
    words: WordTokens
    value: float
    label_name: str
    unit: str
    score: Callable[..., np.ndarray]  # score(texts, cached=False): f on edited inputs, batched
    ids: list[int]
    token_to_word: list[int | None]
    baseline_ids: list[int]
    forward: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    label_index: int | None = None
    contrast_index: int | None = None
    contrast_name: str | None = None
    truncated: bool = False
    n_words_total: int = 0
    span: tuple[int, int] | None = None
    span_text: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def n_words(self) -> int:
        return len(self.words.words)

    def text_keeping(self, keep: list[bool]) -> str:
        """The input with the words where keep is False removed (ERASER-style deletion)."""
        return self.words.text_of_words(list(keep))

    def aggregate(self, token_scores: Any) -> list[float]:
        """Token scores (over `ids`) summed into word scores with `WordTokens.aggregate`; special,
        template and (causal LM) answer tokens belong to no word and are left out."""
        return self.words.aggregate(list(token_scores)[:len(self.words.input_ids)])


def neutral_token_id(tokenizer: Any) -> int:
    """The classifier's reference token: [MASK], else padding, else unknown, else EOS."""
    for name in ("mask_token_id", "pad_token_id", "unk_token_id", "eos_token_id"):
        value = getattr(tokenizer, name, None)
        if isinstance(value, int):
            return value
    return 0


def lm_neutral_token_id(tokenizer: Any) -> int:
    """A causal LM's reference token: a plain space when it is one token. End-of-text or padding
    tokens in the middle of a prompt are far out of distribution; on demo-lm the space baseline
    gave IG a 5x smaller convergence delta (0.16 vs 0.81 nats at 32 steps) and a more
    comprehensive ranking than EOS."""
    ids = tokenizer(" ", add_special_tokens=False)["input_ids"]
    return int(ids[0]) if len(ids) == 1 else neutral_token_id(tokenizer)


def _baseline(ids: list[int], token_to_word: list[int | None], neutral: int) -> list[int]:
    return [neutral if w is not None else i for i, w in zip(ids, token_to_word, strict=True)]


# ---- classifier ------------------------------------------------------------------------------
def seen_words(target: Target, text: str) -> tuple[WordTokens, int]:
    """The whole words the model sees (the truncation window, cut at a word boundary, or every
    window of a classifier that reads long texts in windows) and the text's full word count.
    The tokeniser only ever sees a bounded prefix, however long the text."""
    reading = getattr(target, "reading", None)
    if reading is not None and len(reading(text).ranges) > 1:  # read in windows: every word
        wt = target.read_words(text)
        return wt, (count_words(text) if wt.truncated else len(wt.words))
    full = target.words(text)
    wt, kept = full, full.n_words_kept
    while wt.truncated and kept > 0:
        wt = target.words(full.text[:full.spans[kept - 1][1]])
        kept -= 1
    total = len(full.words) if not full.truncated else count_words(text)
    return wt, total


def log_odds(probs: np.ndarray, label: int, contrast: int | None) -> np.ndarray:
    """f from class probabilities [n, labels]: log-odds of `label` (the other labels' mass
    summed from their own probabilities, so p = 0.9999999 in float32 is not 1 - p = 0), or the
    log-ratio to `contrast`. Probabilities are floored at float32's smallest normal number."""
    import numpy as np

    p = np.asarray(probs, dtype=np.float64)
    tiny = float(np.finfo(np.float32).tiny)
    mine = np.log(np.maximum(p[:, label], tiny))
    if contrast is not None:
        return mine - np.log(np.maximum(p[:, contrast], tiny))
    rest = np.delete(p, label, axis=1).sum(axis=1)
    return mine - np.log(np.maximum(rest, tiny))


def classifier_objective(ctx: ToolContext, ref: InputRef, label: int,
                         contrast: int | None) -> Objective:
    import torch

    target = classifier = ctx.classifier
    labels = target.labels
    wt, total = seen_words(target, ref.text)

    def score(texts: list[str], cached: bool = False) -> np.ndarray:
        probs = ctx.probs(texts) if cached else ctx.probs_uncached(texts, batch_size=64)
        return log_odds(probs, label, contrast)

    def forward(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        ctx.check()
        logits = classifier.logits(input_ids=input_ids, attention_mask=attention_mask)
        lp = torch.log_softmax(logits.float(), dim=-1)
        if contrast is not None:
            return lp[:, label] - lp[:, contrast]
        rest = torch.cat([lp[:, :label], lp[:, label + 1:]], dim=-1)
        return lp[:, label] - torch.logsumexp(rest, dim=-1)

    value = float(score([wt.text], cached=True)[0])
    windows = len(target.reading(wt.text).ranges)
    return Objective(target=target, words=wt, value=value, label_name=labels[label],
                     unit="log-odds", score=score, ids=list(wt.input_ids),
                     token_to_word=list(wt.token_to_word),
                     baseline_ids=_baseline(wt.input_ids, wt.token_to_word,
                                            neutral_token_id(target.tokenizer)),
                     forward=forward, label_index=label, contrast_index=contrast,
                     contrast_name=None if contrast is None else labels[contrast],
                     truncated=len(wt.words) < total, n_words_total=total,
                     extras={"windows": windows} if windows > 1 else {})


# ---- causal LM -------------------------------------------------------------------------------
ALL_SPAN = {"all", "answer", "whole", "whole answer", "everything"}


def resolve_span(span: str | int | None, tokens: list[str], n: int) -> tuple[int, int]:
    """Answer token range [start, end) named by `span` (see the attribute tool's docs)."""
    if n == 0:
        raise UserError("The model's answer is empty, so there is nothing to explain.")
    raw = "" if span is None else str(span).strip()
    if not raw or raw.lower() in ALL_SPAN:
        return 0, n
    m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", raw)
    if m:
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        if not 0 <= a <= b < n:
            raise UserError(f"The answer has {n} tokens (0-{n - 1}); span {raw!r} is outside it.")
        return a, b + 1
    starts, pos = [], 0
    for tok in tokens[:n]:
        starts.append(pos)
        pos += len(tok)
    joined = "".join(tokens[:n]).lower()
    at = joined.find(raw.lower())
    if at < 0:
        shown = "".join(tokens[:n]).strip()
        raise UserError(f"{raw!r} is not part of the model's answer: \"{shown}\".")
    first = max(i for i in range(n) if starts[i] <= at)
    last = max(i for i in range(n) if starts[i] < at + len(raw))
    return first, last + 1


def _template_ids(target: Any, prompt: str) -> list[int]:
    """Token ids of a (possibly edited) prompt, templated exactly as `prompt_words` does."""
    tok = target.tokenizer
    if getattr(tok, "chat_template", None):
        templated = tok.apply_chat_template([{"role": "user", "content": prompt}],
                                            add_generation_prompt=True, tokenize=False)
    else:
        templated = prompt
    ids = tok(templated, add_special_tokens=False, truncation=True,
              max_length=target.max_length)["input_ids"]
    return list(ids) or [neutral_token_id(tok)]


def lm_objective(ctx: ToolContext, ref: InputRef, span: str | int | None,
                 contrast: str | None) -> Objective:
    import numpy as np
    import torch

    target: Any = ctx.target
    gen = ctx.memo(("gen", ref.text, target.default_max_new_tokens),
                   lambda: target.generate(ref.text, target.default_max_new_tokens))
    pw = gen.prompt_words
    eos = target.tokenizer.eos_token_id
    n = len(gen.answer_ids)
    while n and gen.answer_ids[n - 1] == eos:
        n -= 1
    start, end = resolve_span(span, gen.answer_tokens, n)
    answer = list(gen.answer_ids)
    extras: dict[str, Any] = {"answer": gen.text}
    alt: int | None = None
    alt_name: str | None = None
    if contrast is not None and str(contrast) != "":
        # "this token rather than that one" is a question about one position: the span's first
        # token, or (no span given) the answer position where the alternative was likeliest
        if span is None or not str(span).strip():
            start = _likeliest_position(target, list(pw.input_ids), answer[:n],
                                        _alternatives(target, str(contrast)))
        end = start + 1
        alt, alt_name, note = _alternative(target, str(contrast), answer[start])
        if note:
            extras["contrast_note"] = note
    span_ids = answer[start:end]
    chosen = target.tokenizer.decode(span_ids)

    def logprob_rows(logits: torch.Tensor, offsets: list[int]) -> torch.Tensor:
        rows = []
        for r, p in enumerate(offsets):
            lp = torch.log_softmax(logits[r, p + start - 1:p + end - 1].float(), dim=-1)
            if alt is not None:
                rows.append(lp[0, span_ids[0]] - lp[0, alt])
            else:
                rows.append(lp[torch.arange(len(span_ids)), torch.tensor(span_ids)].sum())
        return torch.stack(rows)

    prompt_len = len(pw.input_ids)

    def forward(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        ctx.check()
        logits = target.forward(input_ids=input_ids, attention_mask=attention_mask).logits
        return logprob_rows(logits, [prompt_len] * input_ids.shape[0])

    def score(prompts: list[str], cached: bool = False, batch_size: int = 16) -> np.ndarray:
        out: list[float] = []
        heads = [_template_ids(target, p) for p in prompts]
        shared = _shared_prefix(heads)
        pad = neutral_token_id(target.tokenizer)
        with target.lock, torch.inference_mode():
            prefix, kw = None, _cache_arg(target.model)
            if shared and kw:
                # edited prompts share the chat template's system turn (a third of the tokens
                # of a short question): run it once and reuse its keys and values
                out0 = target.forward(input_ids=torch.tensor([heads[0][:shared]]), use_cache=True)
                prefix = getattr(out0, kw, None)
            if prefix is None:
                shared = 0
            for i in range(0, len(prompts), batch_size):
                ctx.check()
                chunk = heads[i:i + batch_size]
                seqs = [h[shared:] + answer[:end] for h in chunk]
                width = max(len(s) for s in seqs)
                ids = torch.tensor([s + [pad] * (width - len(s)) for s in seqs])
                mask = torch.tensor([[1] * (shared + len(s)) + [0] * (width - len(s))
                                     for s in seqs])
                extra: dict[str, Any] = {}
                if prefix is not None:
                    cache = copy.deepcopy(prefix)
                    cache.batch_repeat_interleave(len(chunk))
                    extra = {kw: cache, "use_cache": True}
                logits = target.forward(input_ids=ids, attention_mask=mask, **extra).logits
                out.extend(logprob_rows(logits, [len(h) - shared for h in chunk]).tolist())
        return np.array(out, dtype=np.float64)

    ids = list(pw.input_ids) + answer[:end]
    t2w = list(pw.token_to_word) + [None] * end
    with target.lock, torch.inference_mode():
        value = float(forward(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long))[0])
    extras["span_probability"] = float(np.exp(value)) if alt is None else None
    return Objective(target=target, words=pw, value=value,
                     label_name=f"\"{chosen.strip()}\"", unit="log-probability", score=score,
                     ids=ids, token_to_word=t2w,
                     baseline_ids=_baseline(ids, t2w, lm_neutral_token_id(target.tokenizer)),
                     forward=forward, contrast_index=alt, contrast_name=alt_name,
                     truncated=bool(pw.truncated), n_words_total=len(pw.words),
                     span=(start, end), span_text=chosen, extras=extras)


def _cache_arg(model: Any) -> str | None:
    """The name a model's forward takes its KV cache by (transformers 5 renames
    `past_key_values` to `cache` model by model), or None when it takes neither."""
    import inspect

    params = inspect.signature(model.forward).parameters
    return next((n for n in ("cache", "past_key_values") if n in params), None)


def _shared_prefix(heads: list[list[int]]) -> int:
    """Tokens every head starts with, leaving at least one of each head to score from."""
    if len(heads) < 2:
        return 0
    n = min(len(h) for h in heads) - 1
    first = heads[0]
    for h in heads[1:]:
        n = next((i for i in range(n) if h[i] != first[i]), n)
    return max(n, 0)


def _alternatives(target: Any, token: str) -> list[int]:
    """Candidate ids for an alternative token: as written and with a leading space."""
    tok = target.tokenizer
    ids = []
    for cand in (token, " " + token.lstrip()):
        pieces = tok(cand, add_special_tokens=False)["input_ids"]
        if pieces:
            ids.append(int(pieces[0]))
    if not ids:
        raise UserError(f"{token!r} is not a token of this model.")
    return list(dict.fromkeys(ids))


def _likeliest_position(target: Any, prompt_ids: list[int], answer: list[int],
                        candidates: list[int]) -> int:
    """The answer position where one of the candidate tokens had the highest log-probability."""
    import torch

    ids = torch.tensor([prompt_ids + answer])
    with target.lock, torch.inference_mode():
        logits = target.forward(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[0]
    first = len(prompt_ids) - 1
    lp = torch.log_softmax(logits[first:first + len(answer)].float(), dim=-1)
    best, where = -float("inf"), 0
    for i, chosen in enumerate(answer):
        for c in candidates:
            if c != chosen and float(lp[i, c]) > best:
                best, where = float(lp[i, c]), i
    return where


def _alternative(target: Any, token: str, chosen: int) -> tuple[int, str, str | None]:
    """Id of the alternative token (with a leading space when the chosen token has one, or when
    only that spelling is a single token), and a note when it had to be cut to its first piece."""
    tok = target.tokenizer
    spaced = " " + token.lstrip()
    # prefer the spelling that matches the chosen token's leading space, then a single-token one
    order = [spaced, token] if tok.decode([chosen]).startswith(" ") else [token, spaced]
    pieces = [tok(c, add_special_tokens=False)["input_ids"] for c in dict.fromkeys(order)]
    pieces = [p for p in pieces if p]
    if not pieces:
        raise UserError(f"{token!r} is not a token of this model.")
    ids = next((p for p in pieces if len(p) == 1), pieces[0])
    note = None
    if len(ids) > 1:
        note = (f"{token!r} is {len(ids)} tokens for this model; comparing with its first piece "
                f"{tok.decode(ids[:1])!r}.")
    if ids[0] == chosen:
        raise UserError(f"{token!r} is the token the model chose; name a different alternative.")
    return int(ids[0]), tok.decode(ids[:1]), note
