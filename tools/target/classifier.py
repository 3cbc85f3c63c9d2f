"""Adapter for Hugging Face sequence classifiers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from .base import Target

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

    def predict_proba(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Class probabilities [n, labels]; texts are sorted by length so batches pad little,
        and a batch holds at most `TOKENS_PER_BATCH` tokens and `ATTENTION_BYTES` of attention
        scores, so long texts come in smaller batches (memory is bounded by the budgets, not
        by the batch size asked for)."""
        import numpy as np
        import torch

        texts = [str(t) for t in texts]
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
