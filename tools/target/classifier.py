"""Adapter for Hugging Face sequence classifiers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from .base import Target
from .windows import DEFAULT_WINDOWS, Reading, plan
from .words import WordTokens, align

if TYPE_CHECKING:
    import numpy as np
    import torch


TOKENS_PER_BATCH = 8192  # tokens in one forward batch: bounds the activations' memory
# one layer's attention scores (batch x heads x length^2 floats) in a batch: grows with the
# square of the length, so at 512 tokens this, not the token budget, keeps a batch small (4 texts
# of 512 tokens cost the same CPU time per text as 16, and a quarter of the memory)
ATTENTION_BYTES = 64 * 2**20


class HFClassifier(Target):
    kind: ClassVar[Literal["classifier", "causal_lm"]] = "classifier"
    # most windows of `max_length` tokens a long text is read in (see windows.py); 1 reads the
    # first window only, as a transformers pipeline truncates
    windows: int = DEFAULT_WINDOWS

    @property
    def labels(self) -> list[str]:
        id2label = getattr(self.config, "id2label", None) or {}
        n = int(getattr(self.config, "num_labels", len(id2label)) or len(id2label))
        return [str(id2label.get(i, id2label.get(str(i), f"LABEL_{i}"))) for i in range(n)]

    def logits(self, input_ids: torch.Tensor | None = None,
               attention_mask: torch.Tensor | None = None,
               inputs_embeds: torch.Tensor | None = None, **kwargs: Any) -> torch.Tensor:
        return self.forward(input_ids=input_ids, attention_mask=attention_mask,
                            inputs_embeds=inputs_embeds, **kwargs).logits

    def reading(self, text: str) -> Reading:
        """The windows `text` is read in (one range when it fits the model's window)."""
        if self.windows <= 1 or len(text) <= self.max_length:  # a token covers >= 1 character
            seen, truncated = (text, False) if self.windows > 1 else self.visible(text)
            return Reading([(0, len(seen))], truncated=truncated)
        return plan(self.tokenizer, text, self.max_length, self.windows)

    def read_words(self, text: str, reading: Reading | None = None) -> WordTokens:
        """The words of every window `text` is read in (`reading`, when already planned),
        tokenised as one sequence (longer than the model's window: for perturbation methods,
        which edit the text, not for a forward pass)."""
        reading = reading or self.reading(self.check_text(text))
        seen = text[:reading.end]
        enc = self.tokenizer(seen, truncation=False, return_offsets_mapping=True,
                             return_special_tokens_mask=True)
        return align(seen, enc, self.tokenizer, truncated=reading.truncated)

    def predict_proba(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Class probabilities [n, labels]; a text longer than the model's window and a
        classifier reading `windows` > 1 get the mean of their windows' probabilities."""
        import numpy as np

        texts = [str(t) for t in texts]
        if self.windows <= 1:
            return self._proba(texts, batch_size)
        pieces: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            ranges = self.reading(text).ranges
            pieces += [text[a:b] for a, b in ranges] if len(ranges) > 1 else [text]
            owner += [i] * max(1, len(ranges))
        if len(pieces) == len(texts):
            return self._proba(texts, batch_size)
        probs = self._proba(pieces, batch_size)
        out = np.zeros((len(texts), probs.shape[1]), dtype=np.float64)
        np.add.at(out, np.asarray(owner), probs)
        counts = np.bincount(np.asarray(owner), minlength=len(texts))
        return (out / np.maximum(counts, 1)[:, None]).astype(np.float32)

    def _proba(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Class probabilities [n, labels]; texts are sorted by length so batches pad little,
        and a batch holds at most `TOKENS_PER_BATCH` tokens and `ATTENTION_BYTES` of attention
        scores, so long texts come in smaller batches (memory is bounded by the budgets, not
        by the batch size asked for)."""
        import numpy as np
        import torch

        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        heads = int(getattr(self.config, "num_attention_heads", 12) or 12)

        def fits(n: int, length: int) -> int:
            """How many texts of `length` tokens one batch may hold (at least one)."""
            return max(1, min(n, TOKENS_PER_BATCH // max(1, length),
                              ATTENTION_BYTES // (4 * heads * max(1, length) ** 2)))

        with self.lock, torch.inference_mode(), self.fused_attention():
            start = 0
            while start < len(order):
                longest = min(self.max_length, len(texts[order[start]]) // 2 + 2)
                idx = order[start:start + fits(batch_size, longest)]
                batch = self.encode([texts[j] for j in idx])
                while len(idx) > fits(len(idx), batch["input_ids"].shape[1]):
                    idx = idx[:max(1, len(idx) // 2)]  # longer than guessed: halve the batch
                    batch = self.encode([texts[j] for j in idx])
                probs = torch.softmax(self.logits(**batch).float(), dim=-1).numpy()
                out[idx] = probs
                start += len(idx)
        return out

    def predict(self, text: str) -> dict[str, Any]:
        probs = self.predict_proba([self.check_text(text)])[0]
        best = int(probs.argmax())
        return {"label": self.labels[best], "index": best,
                "probs": {name: float(p) for name, p in zip(self.labels, probs, strict=True)}}
