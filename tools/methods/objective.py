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
The causal LM's f is built in `lm_objective.py`; this module holds `Objective` and the
classifier's f.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..target.words import count_words

if TYPE_CHECKING:
    import numpy as np
    import torch

    from ..context import InputRef, ToolContext
    from ..target.base import Target
    from ..target.classifier import HFClassifier
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


def baseline_of(ids: list[int], token_to_word: list[int | None], neutral: int) -> list[int]:
    """The reference input of gradient methods: user words' tokens replaced by `neutral`,
    special and template tokens (which belong to no word) kept."""
    return [neutral if w is not None else i for i, w in zip(ids, token_to_word, strict=True)]


# ---- classifier ------------------------------------------------------------------------------
def seen_words(target: HFClassifier, text: str) -> tuple[WordTokens, int, int]:
    """The whole words the model sees (the truncation window, cut at a word boundary, or every
    window of a classifier that reads long texts in windows), the text's full word count and
    the number of windows read. The tokeniser only ever sees a bounded prefix."""
    reading = target.reading(text)
    if len(reading.ranges) > 1:  # read in windows: every word read
        wt = target.read_words(text, reading)
        return wt, (count_words(text) if wt.truncated else len(wt.words)), len(reading.ranges)
    full = target.words(text)
    wt, kept = full, full.n_words_kept
    while wt.truncated and kept > 0:
        wt = target.words(full.text[:full.spans[kept - 1][1]])
        kept -= 1
    total = len(full.words) if not full.truncated else count_words(text)
    return wt, total, 1


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
    wt, total, windows = seen_words(target, ref.text)

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
    return Objective(target=target, words=wt, value=value, label_name=labels[label],
                     unit="log-odds", score=score, ids=list(wt.input_ids),
                     token_to_word=list(wt.token_to_word),
                     baseline_ids=baseline_of(wt.input_ids, wt.token_to_word,
                                            neutral_token_id(target.tokenizer)),
                     forward=forward, label_index=label, contrast_index=contrast,
                     contrast_name=None if contrast is None else labels[contrast],
                     truncated=len(wt.words) < total, n_words_total=total,
                     extras={"windows": windows} if windows > 1 else {})
