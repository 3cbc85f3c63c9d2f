"""MiniLM fine-tuned on the planner's example bank, for the intent classifier.

SetFit-style: the sentence encoder of `text_encoder.py` (all-MiniLM-L6-v2, mean-pooled, unit
length) is tuned so that phrasings of one intent sit close together and phrasings of different
intents apart, with a supervised contrastive loss over batches of P intents x K phrasings
(every same-intent pair in a batch is a positive, every other pair a negative). Training runs in
float32 on the CPU, seeded, with the word embeddings frozen (only the six transformer layers
move, so what is saved is about half the model); the result is then int8-quantised for
inference exactly as the frozen encoder is.

The weights are saved as safetensors under `SAYWHY_HOME/cache/planner/` keyed by the caller's
key (the bank's hash, the base encoder and the recipe), so tuning happens once per bank: at
set-up (`saywhy models --prepare`) or when the planner asks for it. Nothing here imports the
agent; the caller passes texts, labels and the key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .home import cache_dir
from .turn import OnProgress, ProgressEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipe:
    """How the encoder is tuned; part of the cache key, so a change retrains."""

    seed: int = 0
    epochs: float = 3.0
    classes_per_batch: int = 16
    per_class: int = 4
    lr: float = 3e-5
    warmup: float = 0.1
    temperature: float = 0.1
    max_tokens: int = 48
    version: str = "supcon-1"

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


RECIPE = Recipe()

_lock = threading.RLock()
_loaded: dict[tuple[str, int, int, bool], tuple[Any, Any]] = {}


def weights_path(key: str) -> Path:
    return cache_dir("planner") / f"encoder-{key}.safetensors"


def has_tuned(key: str) -> bool:
    return weights_path(key).is_file()


def base_id() -> str:
    """The base encoder in cache keys (the asset, not its precision)."""
    from .assets import get_asset

    asset = get_asset("minilm")
    return f"{asset.package}=={asset.version}"


def tuned_key(bank_hash: str, recipe: Recipe = RECIPE) -> str:
    payload = json.dumps([base_id(), recipe.key(), bank_hash])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


# ---- training ----------------------------------------------------------------------------------
def _batches(labels: Sequence[str], recipe: Recipe, rng: np.random.Generator) -> list[list[int]]:
    """Index batches of `classes_per_batch` intents x `per_class` phrasings, about `epochs`
    passes over the bank; each intent's phrasings are drawn without replacement, cycling."""
    by_class: dict[str, list[int]] = {}
    for i, y in enumerate(labels):
        by_class.setdefault(y, []).append(i)
    classes = sorted(by_class)
    p = min(recipe.classes_per_batch, len(classes))
    k = recipe.per_class
    steps = max(1, math.ceil(recipe.epochs * len(labels) / (p * k)))
    pools: dict[str, list[int]] = {c: [] for c in classes}
    out = []
    for _ in range(steps):
        batch = []
        for c in rng.choice(len(classes), size=p, replace=False):
            name = classes[int(c)]
            for _ in range(k):
                if not pools[name]:
                    pools[name] = [by_class[name][j] for j in rng.permutation(len(by_class[name]))]
                batch.append(pools[name].pop())
        out.append(batch)
    return out


def _supcon(emb: Any, y: Any, temperature: float) -> Any:
    """Supervised contrastive loss (Khosla et al. 2020) over unit-length embeddings."""
    import torch

    sim = emb @ emb.T / temperature
    n = emb.shape[0]
    eye = torch.eye(n, dtype=torch.bool)
    sim = sim.masked_fill(eye, float("-inf"))
    log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    pos = (y[:, None] == y[None, :]) & ~eye
    counts = pos.sum(1)
    keep = counts > 0
    per_anchor = -(log_prob.masked_fill(~pos, 0.0).sum(1)[keep] / counts[keep])
    return per_anchor.mean()


def _pool(model: Any, enc: Any) -> Any:
    import torch

    hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


def _base() -> tuple[Any, Any]:
    from transformers import AutoModel, AutoTokenizer

    from .assets import require

    path = require("minilm")
    return AutoTokenizer.from_pretrained(str(path)), AutoModel.from_pretrained(str(path))


def finetune(
    texts: Sequence[str],
    labels: Sequence[str],
    recipe: Recipe = RECIPE,
    on_progress: OnProgress | None = None,
) -> dict[str, Any]:
    """The tuned float32 weights of the transformer layers (word embeddings stay frozen).

    Deterministic for a given recipe (seed) and bank: it runs on one thread (on a shared CPU one
    thread is also several times faster than two fighting for the cores)."""
    import torch

    from .text_encoder import _threads

    if len(texts) != len(labels) or not texts:
        raise ValueError("finetune needs one label per text, and some texts")
    rng = np.random.default_rng(recipe.seed)
    batches = _batches(labels, recipe, rng)
    classes = {c: i for i, c in enumerate(sorted(set(labels)))}
    y_all = torch.tensor([classes[y] for y in labels])
    with _lock, _threads(1):
        torch.manual_seed(recipe.seed)
        tokenizer, model = _base()
        model.train()
        for p in model.embeddings.parameters():
            p.requires_grad_(False)
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=recipe.lr, weight_decay=0.01)
        warm = max(1, int(recipe.warmup * len(batches)))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / warm, max(0.0, (len(batches) - s) / (len(batches) - warm
                                                                              or 1)))
        )
        t0 = time.perf_counter()
        for step, idx in enumerate(batches):
            enc = tokenizer([texts[i] or " " for i in idx], padding=True, truncation=True,
                            max_length=recipe.max_tokens, return_tensors="pt")
            loss = _supcon(_pool(model, enc), y_all[idx], recipe.temperature)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            if on_progress is not None:
                on_progress(ProgressEvent("tool", "tuning the intent encoder", step + 1,
                                          len(batches)))
            if step % 20 == 0:
                log.info("intent encoder step %d/%d loss %.4f (%.0f s)", step + 1, len(batches),
                         loss.item(), time.perf_counter() - t0)
        model.eval()
        return {
            name: p.detach().clone().contiguous()
            for name, p in model.named_parameters()
            if not name.startswith("embeddings.")
        }


def save(key: str, weights: dict[str, Any], meta: dict[str, str] | None = None) -> Path:
    from safetensors.torch import save_file

    path = weights_path(key)
    tmp = path.with_suffix(".tmp")
    save_file(weights, str(tmp), metadata={"key": key, **(meta or {})})
    tmp.replace(path)
    return path


def prepare(
    key: str,
    texts: Sequence[str],
    labels: Sequence[str],
    recipe: Recipe = RECIPE,
    on_progress: OnProgress | None = None,
) -> Path:
    """Tune and save the encoder for `key` unless it is already saved; its path."""
    path = weights_path(key)
    if path.is_file():
        return path
    t0 = time.perf_counter()
    weights = finetune(texts, labels, recipe, on_progress)
    seconds = time.perf_counter() - t0
    log.info("intent encoder tuned in %.0f s", seconds)
    return save(key, weights, {"recipe": recipe.key(), "seconds": f"{seconds:.1f}"})


# ---- inference ---------------------------------------------------------------------------------
def load(key: str, quantize: bool | None = None) -> tuple[Any, Any] | None:
    """(tokenizer, model) with the tuned weights of `key`, quantised like the frozen encoder;
    None when nothing is saved for the key (or the file is unreadable).

    Loaded encoders are kept in memory by the file they came from (its resolved path, size and
    modification time), not by the key alone: the same key names a different file under another
    SAYWHY_HOME, and a file replaced or removed since must not be answered from memory."""
    from . import text_encoder

    quantize = text_encoder.QUANTIZE if quantize is None else quantize
    path = weights_path(key)
    with _lock:
        try:
            stat = path.resolve().stat()
        except OSError:
            return None
        name = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, quantize)
        if name in _loaded:
            return _loaded[name]
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        try:
            weights = load_file(str(path))
        except (OSError, ValueError, RuntimeError, SafetensorError) as exc:
            log.warning("intent encoder %s is unreadable (%s); ignoring it", path, exc)
            return None
        tokenizer, model = _base()
        missing, unexpected = model.load_state_dict(weights, strict=False)
        if unexpected or any(not m.startswith("embeddings.") for m in missing):
            log.warning("intent encoder %s does not fit the base model; ignoring it", path)
            return None
        model.eval()
        if quantize:
            model = text_encoder._quantize(model)
        for old in [k for k in _loaded if k[0] == name[0]]:
            del _loaded[old]  # an older version of the same file
        _loaded[name] = (tokenizer, model)
        return _loaded[name]


def encode(
    texts: Sequence[str], loaded: tuple[Any, Any], quantize: bool | None = None
) -> np.ndarray:
    """Unit-length embeddings (len(texts), 384) from a loaded tuned encoder, computed as
    `text_encoder.encode_sentences` computes them (one sentence at a time when quantised, since
    dynamic int8 scales depend on the batch)."""
    from . import text_encoder as te

    quantize = te.QUANTIZE if quantize is None else quantize
    if not texts:
        return np.zeros((0, te.DIM), dtype=np.float32)
    import torch

    tokenizer, model = loaded
    batch_size = 1 if quantize else 64
    order = sorted(range(len(texts)), key=lambda i: len(texts[i] or ""))
    out = np.zeros((len(texts), te.DIM), dtype=np.float32)
    few = len(texts) <= 8 or batch_size == 1
    with _lock, te._threads(1 if few else None), torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            batch = [(texts[i] or " ")[: te.MAX_CHARS] for i in idx]
            enc = tokenizer(batch, padding=True, truncation=True, max_length=te.MAX_TOKENS,
                            return_tensors="pt")
            out[idx] = _pool(model, enc).float().cpu().numpy()
    return out
