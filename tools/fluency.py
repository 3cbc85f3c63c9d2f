"""How readable an edited sentence is, judged by a small causal language model.

Counterfactual edits are verified by the classifier, but a flip like "A 179-minute off the
nature of revolution." is no use to a person. This module scores sentences with the demo LM
(SmolLM2-135M-Instruct, `load_target("demo-lm")`) as a masked LM would be used, but with a causal
LM: a candidate sentence is as fluent as its log-probability, token by token, after a start token.

Cost: the LM is loaded lazily, the first time a counterfactual asks for it, and then kept for the
life of the process (`fluency_lm`): ~3 s and ~425 MB on the project's 2-core machine. A forward
pass costs about 0.27 GFLOP per token (135 M parameters), roughly 100-300 tokens/s on 2 shared
CPU cores, so sentences are never scored wholesale: `proposals` reads the LM's next-word
distribution at every word of the original from one forward pass, and `edit_costs` scores an edit
from the original's cached prefix (keys/values) over the edited words and a few words after them.
When the demo LM's weights are not fetched, `fluency_lm` says why and callers go on without it.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch
    from transformers.cache_utils import Cache

    from .target.causal_lm import HFCausalLM

LM_SPEC = "demo-lm"
MAX_TOKENS = 160            # longest text (in LM tokens) scored; longer texts are cut
TOKENS_PER_BATCH = 768      # bounds a batch's logits: 768 x 49,152 floats ~ 150 MB
WINDOW = 24                 # tokens after an edit whose probability an edit cost includes

_LOCK = threading.Lock()
_LOADED: dict[str, tuple[FluencyLM | None, str]] = {}


def fluency_lm() -> tuple[FluencyLM | None, str]:
    """The demo LM as a fluency scorer, loaded once per process; or None and the reason.

    The weights are never fetched here (a counterfactual should not start a download): when the
    `smollm2` asset is absent, the caller works without the LM and says so."""
    with _LOCK:
        if LM_SPEC not in _LOADED:
            _LOADED[LM_SPEC] = _load(LM_SPEC)
        return _LOADED[LM_SPEC]


def _load(spec: str) -> tuple[FluencyLM | None, str]:
    from .assets import get_asset
    from .errors import SaywhyError
    from .target import load_target
    from .target.causal_lm import HFCausalLM

    if spec == "demo-lm" and not get_asset("smollm2").is_present():
        return None, ("the demo LM's weights (the smollm2 asset) are not fetched; "
                      "`saywhy assets --fetch` gets them")
    try:
        target = load_target(spec)
    except (SaywhyError, OSError) as exc:
        return None, f"the demo LM could not be loaded ({exc})"
    if not isinstance(target, HFCausalLM):
        return None, f"{spec} is not a causal language model"
    return FluencyLM(target), f"{target.name} ({target.n_parameters / 1e6:.0f}M parameters)"


@dataclass
class Reading:
    """One pass of the LM over a text: its tokens with character offsets, each token's
    log-probability, the next-token log-probabilities and the keys/values after each token."""

    ids: list[int]
    offsets: list[tuple[int, int]]
    token_logp: list[float]       # log p(token i | start, tokens < i)
    next_logp: torch.Tensor       # [tokens + 1, vocab]: row i predicts token i
    cache: Cache                  # the model's key/value cache over start + tokens


class FluencyLM:
    """A causal LM scoring plain sentences (no chat template) after one start token."""

    def __init__(self, target: HFCausalLM) -> None:
        self.target = target
        tok = target.tokenizer
        vocab = tok.get_vocab()
        start = vocab.get("<|endoftext|>")
        if start is None:
            start = tok.bos_token_id if tok.bos_token_id is not None else tok.eos_token_id
        self.start = int(start or 0)
        self.name = target.name

    def _encode(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        enc = self.target.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True,
                                    truncation=True, max_length=MAX_TOKENS)
        return list(enc["input_ids"]), [(int(a), int(b)) for a, b in enc["offset_mapping"]]

    def mean_nll(self, texts: Sequence[str], check: Callable[[], None]) -> list[float]:
        """Mean negative log-likelihood per token of each text (its log-perplexity), batched
        within a token budget with `check()` before each batch."""
        import torch

        encoded = [[self.start, *self._encode(t)[0]] for t in texts]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        out = [0.0] * len(texts)
        start = 0
        while start < len(order):
            longest = len(encoded[order[min(len(order) - 1, start)]])
            size = max(1, TOKENS_PER_BATCH // max(1, longest))
            idx = order[start:start + size]
            width = max(len(encoded[i]) for i in idx)
            ids = torch.full((len(idx), width), self.start, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for row, i in enumerate(idx):
                ids[row, :len(encoded[i])] = torch.tensor(encoded[i])
                mask[row, :len(encoded[i])] = 1
            check()
            with self.target.lock, torch.inference_mode():
                logits = self.target.model(input_ids=ids, attention_mask=mask).logits.float()
            logp = torch.log_softmax(logits[:, :-1], dim=-1)
            got = logp.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1) * mask[:, 1:]
            for row, i in enumerate(idx):
                n = max(1, len(encoded[i]) - 1)
                out[i] = float(-got[row].sum()) / n
            start += len(idx)
        return out

    def read(self, text: str) -> Reading:
        """One forward pass over the text, keeping what proposals and edit costs reuse."""
        import torch

        ids, offsets = self._encode(text)
        full = torch.tensor([[self.start, *ids]])
        with self.target.lock, torch.inference_mode():
            res = self.target.model(input_ids=full, attention_mask=torch.ones_like(full),
                                    use_cache=True)
        next_logp = torch.log_softmax(res.logits[0].float(), dim=-1)
        token_logp = [float(next_logp[i, t]) for i, t in enumerate(ids)]
        return Reading(ids=ids, offsets=offsets, token_logp=token_logp, next_logp=next_logp,
                       cache=res.past_key_values)

    def token_at(self, reading: Reading, char: int) -> int | None:
        """The index of the token that starts the word at `char` (a leading space may be part
        of it), or None when a token straddles that point (no clean word boundary)."""
        for i, (a, b) in enumerate(reading.offsets):
            if b <= char and not (a == b == char):
                continue
            piece = self.target.tokenizer.decode([reading.ids[i]])
            lead = len(piece) - len(piece.lstrip())
            return i if a == char or a + lead == char else None
        return None

    def proposals(self, reading: Reading, token: int, n: int) -> list[tuple[str, float]]:
        """The LM's n likeliest whole words to start at token `token` given the words before
        it (one row of the reading: no extra forward pass), with their log-probabilities."""
        import torch

        row = reading.next_logp[token]
        top = torch.topk(row, min(len(row), n * 8))
        first = token == 0 or not self.target.tokenizer.decode([reading.ids[token]])[:1].isspace()
        out: list[tuple[str, float]] = []
        for v, i in zip(top.values.tolist(), top.indices.tolist(), strict=True):
            piece = self.target.tokenizer.decode([int(i)])
            word = piece.strip()
            if (first or piece[:1].isspace()) and len(word) >= 2 and word.isalpha():
                out.append((word, float(v)))
            if len(out) == n:
                break
        return out

    def fit(self, reading: Reading, token: int, words: Sequence[str]) -> list[float]:
        """log p(each word's first token | the words before token `token`): how well each word
        fits after the left context, read from the reading (no forward pass)."""
        tok = self.target.tokenizer
        space = token > 0 and tok.decode([reading.ids[token]])[:1].isspace()
        row = reading.next_logp[token]
        out = []
        for w in words:
            ids = tok((" " if space else "") + w, add_special_tokens=False)["input_ids"]
            out.append(float(row[int(ids[0])]) if ids else float("-inf"))
        return out

    def edit_costs(self, reading: Reading, edited: Sequence[str],
                   check: Callable[[], None]) -> list[float]:
        """For each edited version of the read text, an estimate of log(perplexity ratio),
        edited over original, per token as `mean_nll` counts it (0: as fluent; log 1.5 = 0.41).

        Only the changed tokens and the WINDOW tokens after them are scored: the tokens before
        come from the reading's key/value cache (cropped to the shared prefix and repeated for
        the batch; texts sharing a prefix length form one batch), the log-probabilities of the
        rest are taken as the original's. An edit costs its changed tokens plus WINDOW, not the
        sentence."""
        import torch

        orig = reading.ids
        total = -sum(reading.token_logp)
        n0 = max(1, len(orig))
        groups: dict[int, list[tuple[int, list[int], int, int]]] = {}
        for k, text in enumerate(edited):
            ids = self._encode(text)[0]
            pre = 0
            while pre < min(len(ids), len(orig)) and ids[pre] == orig[pre]:
                pre += 1
            post = 0
            while (post < min(len(ids), len(orig)) - pre
                   and ids[len(ids) - 1 - post] == orig[len(orig) - 1 - post]):
                post += 1
            new = ids[pre:min(len(ids), len(ids) - post + WINDOW)]
            end = min(len(orig), len(orig) - post + WINDOW)   # the original's tokens pre..end
            groups.setdefault(pre, []).append((k, new, end, len(ids)))
        out = [0.0] * len(edited)
        for pre, items in sorted(groups.items()):
            check()
            width = max(len(new) for _, new, _, _ in items)
            logp: torch.Tensor | None = None
            if width > 1:
                batch = torch.full((len(items), width), self.start, dtype=torch.long)
                mask = torch.ones((len(items), pre + 1 + width), dtype=torch.long)
                for row, (_, new, _, _) in enumerate(items):
                    batch[row, :len(new)] = torch.tensor(new)
                    mask[row, pre + 1 + len(new):] = 0
                cache = copy.deepcopy(reading.cache)
                drop = cache.get_seq_length() - (pre + 1)
                if drop > 0:  # this transformers crops by a negative count of tokens
                    cache.crop(-drop)
                cache.batch_repeat_interleave(len(items))
                with self.target.lock, torch.inference_mode():
                    logits = self.target.model(input_ids=batch, attention_mask=mask,
                                               cache=cache, use_cache=True).logits
                logp = torch.log_softmax(logits.float(), dim=-1)
            for row, (k, new, end, n) in enumerate(items):
                nll = -float(reading.next_logp[pre, new[0]]) if new else 0.0
                for j in range(1, len(new)):
                    assert logp is not None
                    nll -= float(logp[row, j - 1, new[j]])
                changed = total + nll + sum(reading.token_logp[pre:end])
                out[k] = changed / max(1, n) - total / n0
        return out


def perplexity_ratios(lm: FluencyLM, original: str, edited: Sequence[str],
                      check: Callable[[], None]) -> list[float]:
    """Perplexity of each edited text over the original's (per token, under the LM): 1 is as
    fluent as the original, 2 twice as surprising per token."""
    import math

    nll = lm.mean_nll([original, *edited], check)
    return [math.exp(n - nll[0]) for n in nll[1:]]
