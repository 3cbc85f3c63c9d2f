"""Adapter for Hugging Face sequence classifiers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from .base import Target

if TYPE_CHECKING:
    import numpy as np
    import torch


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
        """Class probabilities [n, labels]; texts are sorted by length so batches pad little."""
        import numpy as np
        import torch

        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        with self.lock, torch.inference_mode():
            for i in range(0, len(order), batch_size):
                idx = order[i:i + batch_size]
                batch = self.encode([texts[j] for j in idx])
                probs = torch.softmax(self.logits(**batch).float(), dim=-1).numpy()
                out[idx] = probs
        return out

    def predict(self, text: str) -> dict[str, Any]:
        probs = self.predict_proba([self.check_text(text)])[0]
        best = int(probs.argmax())
        return {"label": self.labels[best], "index": best,
                "probs": {name: float(p) for name, p in zip(self.labels, probs, strict=True)}}
