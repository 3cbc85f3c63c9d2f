"""Adapter for Hugging Face causal language models (chat template, greedy generation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from .base import Target
from .words import WordTokens, align


@dataclass
class Generation:
    """A greedy generation: the prompt as words/tokens, the answer tokens, their probabilities."""

    prompt: str
    prompt_ids: list[int]
    answer_ids: list[int]
    answer_tokens: list[str]
    token_probs: list[float]
    text: str
    prompt_words: WordTokens | None = None
    alternatives: list[list[tuple[str, float]]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"prompt": self.prompt, "text": self.text,
                "tokens": [{"token": t, "prob": p, "alternatives": alts}
                           for t, p, alts in zip(self.answer_tokens, self.token_probs,
                                                 self.alternatives or [[]] * len(self.token_probs),
                                                 strict=False)]}


class HFCausalLM(Target):
    kind: ClassVar[Literal["classifier", "causal_lm"]] = "causal_lm"
    default_max_new_tokens = 32

    def templated_prompt(self, prompt: str) -> tuple[str, int]:
        """The prompt wrapped in the chat template, and where the user's text starts in it."""
        prompt = self.check_text(prompt)
        if getattr(self.tokenizer, "chat_template", None):
            templated = self.tokenizer.apply_chat_template(
                [{"role": "user", "content": prompt}], add_generation_prompt=True, tokenize=False)
        else:
            templated = prompt
        return templated, templated.find(prompt)

    def prompt_words(self, prompt: str) -> WordTokens:
        """The templated prompt as tokens; only the user's words are mapped to words."""
        templated, start = self.templated_prompt(prompt)
        enc = self.tokenizer(templated, return_offsets_mapping=True, add_special_tokens=False,
                             truncation=True, max_length=self.max_length)
        full = len(self.tokenizer(templated, add_special_tokens=False)["input_ids"])
        # Offsets relative to the user's text; template tokens fall outside and map to no word.
        end = start + len(prompt)
        shifted = [(a - start, min(b, end) - start) if start <= a < end else (0, 0)
                   for a, b in enc["offset_mapping"]]
        enc_user = {"input_ids": enc["input_ids"], "offset_mapping": shifted,
                    "special_tokens_mask": [0] * len(shifted)}
        wt = align(prompt, enc_user, self.tokenizer, truncated=full > len(enc["input_ids"]))
        return wt

    def generate(self, prompt: str, max_new_tokens: int | None = None,
                 n_alternatives: int = 3) -> Generation:
        """Greedy answer with each token's probability and the runner-up tokens."""
        import torch

        wt = self.prompt_words(prompt)
        ids = torch.tensor([wt.input_ids])
        limit = max(1, min(int(max_new_tokens or self.default_max_new_tokens), 256))
        with self.lock, torch.inference_mode():
            out = self.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids),
                                      max_new_tokens=limit, do_sample=False, output_logits=True,
                                      return_dict_in_generate=True,
                                      pad_token_id=self.tokenizer.pad_token_id
                                      or self.tokenizer.eos_token_id)
        answer = out.sequences[0, ids.shape[1]:].tolist()
        probs, alts = [], []
        for step, tok in enumerate(answer):
            p = torch.softmax(out.logits[step][0].float(), dim=-1)
            probs.append(float(p[tok]))
            top = torch.topk(p, n_alternatives + 1)
            alts.append([(self.tokenizer.decode([int(i)]), float(v))
                         for v, i in zip(top.values, top.indices, strict=True) if int(i) != tok]
                        [:n_alternatives])
        eos = self.tokenizer.eos_token_id
        shown = [t for t in answer if t != eos]
        return Generation(prompt=prompt, prompt_ids=wt.input_ids, answer_ids=answer,
                          answer_tokens=[self.tokenizer.decode([t]) for t in answer],
                          token_probs=probs,
                          text=self.tokenizer.decode(shown, skip_special_tokens=True).strip(),
                          prompt_words=wt, alternatives=alts)

    def token_id(self, token: str) -> int:
        """Id of a single token given as text (a leading space matters for BPE vocabularies)."""
        ids = self.tokenizer(token, add_special_tokens=False)["input_ids"]
        if not ids:
            from ..errors import UserError

            raise UserError(f"{token!r} is not a token of this model.")
        return int(ids[0])
