"""What every target model offers the explanation tools.

A target wraps a transformers model and its fast tokenizer. Tools never touch `from_pretrained`
or tokenizer quirks: they ask the target for words and tokens, predictions, the embedding layer,
hidden states and attentions.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from ..errors import UserError
from .words import WordTokens, align

if TYPE_CHECKING:
    import numpy as np
    import torch


CHARS_PER_TOKEN = 8  # a first guess of how much text fills the window; grown when it does not


class Target:
    """Base adapter. Subclasses set `kind` and implement the kind-specific calls."""

    kind: ClassVar[Literal["classifier", "causal_lm", "tabular"]]

    def __init__(self, model: Any, tokenizer: Any, *, name: str, fingerprint: str,
                 source: str = "", info: dict[str, Any] | None = None) -> None:
        model.eval()
        self.model = model
        self.tokenizer = tokenizer
        self.name = name
        self.fingerprint = fingerprint
        self.source = source
        self.info: dict[str, Any] = dict(info or {})
        # transformers modules are not safe to run from several threads at once with gradients;
        # tools take this lock around model work so a server can share one target.
        self.lock = threading.RLock()
        self._fused: bool | None = None  # whether the model runs with fused (sdpa) attention

    @contextmanager
    def fused_attention(self) -> Iterator[None]:
        """Run the forward passes inside with PyTorch's fused attention (sdpa) when the model
        supports it. The model is loaded with eager attention, which `attentions` needs, but
        eager attention is over half the cost of a 512-token forward pass on CPU (measured on
        demo-sentiment: 1.81 vs 1.11 CPU-s for the same batch, probabilities equal to 2e-7).
        For passes that need no attention weights; call with `lock` held."""
        config = self.model.config
        switch = getattr(self.model, "set_attn_implementation", None)
        if self._fused is False or switch is None or \
                getattr(config, "_attn_implementation", None) != "eager":
            yield
            return
        try:
            switch("sdpa")
            self._fused = True
        except (ValueError, ImportError, NotImplementedError, AttributeError):
            self._fused = False  # this architecture has no sdpa path: stay eager
            yield
            return
        try:
            yield
        finally:
            switch("eager")

    # ---- description -------------------------------------------------------------------
    @property
    def config(self) -> Any:
        return self.model.config

    @property
    def max_length(self) -> int:
        limits = [getattr(self.config, "max_position_embeddings", None),
                  getattr(self.tokenizer, "model_max_length", None)]
        usable = [int(v) for v in limits if isinstance(v, int) and 0 < v < 1_000_000]
        return min(usable) if usable else 512

    @property
    def labels(self) -> list[str]:
        return []

    def label_index(self, label: str | int) -> int:
        """Index of a label by name (case-insensitive) or number, with a clear error otherwise
        (a language model has no labels: every label is unknown to it)."""
        names = self.labels
        if isinstance(label, int) or (isinstance(label, str) and label.strip().isdigit()):
            idx = int(label)
            if 0 <= idx < len(names):
                return idx
        else:
            lowered = [n.lower() for n in names]
            key = str(label).strip().lower()
            if key in lowered:
                return lowered.index(key)
        raise UserError(f"Unknown label {label!r}; this model's labels are: {', '.join(names)}.")

    @property
    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    @property
    def architecture(self) -> str:
        archs = getattr(self.config, "architectures", None) or [type(self.model).__name__]
        return str(archs[0])

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "architecture": self.architecture,
                "parameters": self.n_parameters, "labels": self.labels,
                "max_length": self.max_length, "source": self.source, **self.info}

    # ---- tokens and words ------------------------------------------------------------------
    def check_text(self, text: str) -> str:
        if text is None or not str(text).strip():
            raise UserError("The text is empty; give me a sentence to work on.")
        return str(text)

    def visible(self, text: str, *, add_special_tokens: bool = True) -> tuple[str, bool]:
        """The part of `text` the model can see (a prefix ending with the last token inside
        its window) and whether anything was cut. Only a bounded prefix is tokenised, so a
        megabyte cell costs what the window costs, not what the cell costs."""
        budget = CHARS_PER_TOKEN * self.max_length
        while True:
            head = text[:budget]
            enc = self.tokenizer(head, truncation=True, max_length=self.max_length,
                                 return_offsets_mapping=True, add_special_tokens=add_special_tokens)
            n = len(self.tokenizer(head, add_special_tokens=add_special_tokens,
                                   truncation=False)["input_ids"])
            if n > len(enc["input_ids"]):  # the window ends inside `head`
                end = max((e for s, e in enc["offset_mapping"] if e > s), default=0)
                return text[:end], True
            if len(head) >= len(text):
                return text, False
            budget *= 4

    def words(self, text: str, *, add_special_tokens: bool = True) -> WordTokens:
        """Tokenise one text with offsets and the word<->token map, over the part the model
        sees (`visible`); `truncated` says whether the text went on beyond it."""
        text = self.check_text(text)
        seen, truncated = self.visible(text, add_special_tokens=add_special_tokens)
        enc = self.tokenizer(seen, truncation=True, max_length=self.max_length,
                             return_offsets_mapping=True, return_special_tokens_mask=True,
                             add_special_tokens=add_special_tokens,
                             return_overflowing_tokens=False)
        return align(seen, enc, self.tokenizer, truncated=truncated)

    def encode(self, texts: list[str], **kwargs: Any) -> Any:
        """A padded, truncated batch of pt tensors (very long texts cut to what the model sees
        first, so tokenising them costs no more than the window)."""
        limit = CHARS_PER_TOKEN * self.max_length
        texts = [self.visible(t)[0] if len(t) > limit else t for t in texts]
        return self.tokenizer(list(texts), padding=True, truncation=True,
                              max_length=self.max_length, return_tensors="pt", **kwargs)

    # ---- model internals ----------------------------------------------------------------------
    def embedding_layer(self) -> torch.nn.Module:
        return self.model.get_input_embeddings()

    def forward(self, input_ids: torch.Tensor | None = None,
                attention_mask: torch.Tensor | None = None,
                inputs_embeds: torch.Tensor | None = None, **kwargs: Any) -> Any:
        return self.model(input_ids=input_ids, attention_mask=attention_mask,
                          inputs_embeds=inputs_embeds, **kwargs)

    def hidden_states(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Mean-pooled last-layer hidden state per text (the target's own representation)."""
        import numpy as np
        import torch

        out = []
        with self.lock, torch.inference_mode(), self.fused_attention():
            for i in range(0, len(texts), batch_size):
                batch = self.encode(texts[i:i + batch_size])
                res = self.forward(**batch, output_hidden_states=True)
                last = res.hidden_states[-1]
                mask = batch["attention_mask"].unsqueeze(-1).to(last.dtype)
                out.append(((last * mask).sum(1) / mask.sum(1).clamp(min=1)).float().numpy())
        return np.concatenate(out) if out else np.zeros((0, self.config.hidden_size))

    def attentions(self, text: str) -> tuple[WordTokens, np.ndarray]:
        """Attention weights [layers, heads, tokens, tokens] for one text."""
        return self.attentions_of(self.words(text))

    def attentions_of(self, wt: WordTokens) -> tuple[WordTokens, np.ndarray]:
        """Attention weights [layers, heads, tokens, tokens] for tokens already made (a causal
        LM's chat prompt, say), returned with them."""
        import numpy as np
        import torch

        ids = torch.tensor([wt.input_ids])
        with self.lock, torch.inference_mode():
            res = self.forward(input_ids=ids, attention_mask=torch.ones_like(ids),
                               output_attentions=True)
        if not res.attentions or res.attentions[0] is None:
            raise UserError("This model does not return attention weights "
                            "(load it with eager attention).")
        return wt, np.stack([a[0].float().numpy() for a in res.attentions])
