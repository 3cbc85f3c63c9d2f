"""Intent classifier: MiniLM sentence embeddings, a logistic regression and a nearest-example
vote over the example bank.

The encoder is MiniLM fine-tuned on the bank itself (`saywhy.tools.intent_encoder`: a
SetFit-style contrastive tune, done once at set-up by `saywhy models --prepare` and saved under
SAYWHY_HOME keyed by the bank's hash, the encoder and the recipe); when that tune is missing the
frozen MiniLM is used instead and the log says so. Over the embeddings, the intent distribution
is the average of a multinomial logistic regression (`X @ W.T + b`, softmax) and a vote of the
`KNN_K` most similar bank examples (weights `exp(cos / KNN_TEMP)`), mixed `LR_WEIGHT` to the
rest: the regression generalises from the whole bank, the vote keeps the rare phrasings an
intent owns. The head (weights and the bank's embeddings) is cached as plain arrays (no pickle)
per bank and encoder, so later starts load it in a moment. These settings were chosen on the
development side of the fresh parse set (evals/parse/fresh/), never on its hold-out side.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from saywhy.tools.home import cache_dir

from ..read.masking import PLACEHOLDER, mask

log = logging.getLogger(__name__)

BANK_FILE = "examples.yaml"
C = 8.0  # the logistic regression's inverse regularisation
KNN_K = 10  # bank examples that vote
KNN_TEMP = 0.05  # their weight: exp(cosine / KNN_TEMP)
LR_WEIGHT = 0.5  # the regression's share of the distribution, the vote has the rest
ENCODER_ENV = "SAYWHY_INTENT_ENCODER"  # "frozen" skips the tuned encoder


def load_bank(path: Path | None = None) -> dict[str, list[str]]:
    """The planner's own intents (prompts/examples.yaml, or `path`) and, unless a `path` is
    given, every catalogue tool's example questions under the tool's name."""
    import yaml

    from saywhy.tools import registry

    if path is not None:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files("saywhy.prompts").joinpath(BANK_FILE).read_text(encoding="utf-8")
    raw: dict[str, Any] = yaml.safe_load(text) or {}
    bank: dict[str, list[str]] = {}
    for intent, examples in raw.items():
        for ex in examples or []:
            if not isinstance(ex, str):  # e.g. an unquoted "a: b" became a mapping
                raise ValueError(f"example bank: {intent!r} has a non-text entry {ex!r}; quote it")
            bank.setdefault(str(intent), []).append(ex)
    if path is None:
        for t in registry.all_tools():
            if t.text.questions:
                bank.setdefault(t.name, []).extend(t.text.questions)
    return bank


def normalise(text: str) -> str:
    """The form both bank examples and questions are embedded in (quotes -> 'text')."""
    m = mask(text)
    return m.for_classifier()


def classifier_text(masked_clause: str) -> str:
    s = PLACEHOLDER.sub("'text'", masked_clause)
    return re.sub(r"\s+", " ", s).strip().lower()


@dataclass
class Prediction:
    intent: str
    prob: float
    ranked: list[tuple[str, float]]
    probs: dict[str, float]

    @classmethod
    def of(cls, probs: dict[str, float]) -> Prediction:
        ranked = sorted(probs.items(), key=lambda kv: -kv[1])
        return cls(ranked[0][0], ranked[0][1], ranked[:5], probs)


Encode = Callable[[list[str]], np.ndarray]


@dataclass
class Head:
    """What prediction needs: the regression (`W`, `b`), the bank's embeddings `X` with their
    class indices `y` for the vote, the class names, and the encoder they were made with."""

    W: np.ndarray
    b: np.ndarray
    X: np.ndarray
    y: np.ndarray
    classes: list[str]
    encoder: str
    encode: Encode

    def probs(self, Z: np.ndarray) -> np.ndarray:
        """Intent distributions (rows) for unit-length embeddings `Z`."""
        with _one_blas_thread():
            return self._probs(Z)

    def _probs(self, Z: np.ndarray) -> np.ndarray:
        logits = Z @ self.W.T + self.b
        logits -= logits.max(axis=1, keepdims=True)
        lr = np.exp(logits)
        lr /= lr.sum(axis=1, keepdims=True)
        if LR_WEIGHT >= 1.0 or not len(self.X):
            return lr
        sims = Z @ self.X.T
        k = min(KNN_K, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        vote = np.zeros_like(lr)
        for row, idx in enumerate(top):
            s = sims[row, idx]
            np.add.at(vote[row], self.y[idx], np.exp((s - s.max()) / KNN_TEMP))
        vote /= vote.sum(axis=1, keepdims=True)
        return LR_WEIGHT * lr + (1.0 - LR_WEIGHT) * vote


_blas: Any = None
_blas_lock = threading.Lock()


def _one_blas_thread() -> Any:
    """BLAS on one thread for the few small products of a question: on a busy 2-core machine a
    multithreaded product of one row with the bank waits ~80 ms for a core, one thread ~0.4 ms."""
    global _blas
    with _blas_lock:
        if _blas is None:
            try:
                from threadpoolctl import ThreadpoolController

                _blas = ThreadpoolController()
            except Exception:  # noqa: BLE001 - only a speed-up
                _blas = False
    if _blas is False:
        return contextlib.nullcontext()
    return _blas.limit(limits=1, user_api="blas")


def _frozen_encoder() -> tuple[str, Encode]:
    from saywhy.tools.text_encoder import encode_sentences, encoder_id

    return encoder_id(), encode_sentences


def _tuned_encoder(bank_hash: str) -> tuple[str, Encode] | None:
    """The bank's fine-tuned encoder, or None (with a note in the log) when it is not there."""
    from saywhy.tools import intent_encoder

    key = intent_encoder.tuned_key(bank_hash)
    loaded = intent_encoder.load(key)
    if loaded is None:
        log.info(
            "intent classifier: no fine-tuned encoder for this example bank (%s); using the "
            "frozen MiniLM (`saywhy models --prepare` tunes it)",
            intent_encoder.weights_path(key).name,
        )
        return None
    from saywhy.tools.text_encoder import QUANTIZE

    return f"tuned-{key}" + ("+int8" if QUANTIZE else ""), lambda texts: intent_encoder.encode(
        texts, loaded
    )


def bank_arrays(bank: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(texts in the form they are embedded in, their intents), in the bank's order."""
    texts, ys = [], []
    for intent, examples in bank.items():
        for ex in examples:
            texts.append(normalise(ex))
            ys.append(intent)
    return texts, ys


def want_tuned() -> bool:
    return os.environ.get(ENCODER_ENV, "").strip().lower() != "frozen"


class IntentClassifier:
    """Fit lazily on first use; thread-safe.

    `tuned=None` uses the bank's fine-tuned encoder when it has been prepared (unless
    SAYWHY_INTENT_ENCODER=frozen), `False` always the frozen one."""

    def __init__(
        self,
        bank: dict[str, list[str]] | None = None,
        bank_path: Path | None = None,
        *,
        tuned: bool | None = None,
    ) -> None:
        self._bank = bank
        self._bank_path = bank_path
        self._tuned = tuned
        self._lock = threading.Lock()
        self._head: Head | None = None

    @property
    def bank(self) -> dict[str, list[str]]:
        if self._bank is None:
            self._bank = load_bank(self._bank_path)
        return self._bank

    def bank_hash(self) -> str:
        """The bank's examples and the base encoder (what a tuned encoder is keyed by)."""
        from saywhy.tools.text_encoder import encoder_id

        payload = json.dumps([encoder_id(), sorted(self.bank.items())], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    @property
    def encoder(self) -> str:
        """Which encoder the classifier uses ("tuned-..." or the frozen MiniLM's id)."""
        return self.ensure().encoder

    def _encoder(self) -> tuple[str, Encode]:
        if self._tuned is not False and want_tuned():
            found = _tuned_encoder(self.bank_hash())
            if found is not None:
                return found
        return _frozen_encoder()

    def _fit(self) -> Head:
        name, encode = self._encoder()
        key = hashlib.sha256(
            json.dumps([self.bank_hash(), name, C]).encode()
        ).hexdigest()[:16]
        path = cache_dir("planner") / f"intent-head-{key}.npz"
        if path.is_file():
            try:
                data = np.load(path, allow_pickle=False)
                return Head(data["W"], data["b"], data["X"], data["y"],
                            [str(x) for x in data["classes"]], name, encode)
            except (OSError, ValueError, KeyError):
                pass
        texts, ys = bank_arrays(self.bank)
        X = encode(texts).astype(np.float32)
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=C, max_iter=3000)
        clf.fit(X, ys)
        classes = [str(c) for c in clf.classes_]
        index = {c: i for i, c in enumerate(classes)}
        y = np.array([index[v] for v in ys], dtype=np.int64)
        W, b = clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, W=W, b=b, X=X, y=y, classes=np.array(classes))
        tmp.replace(path)
        return Head(W, b, X, y, classes, name, encode)

    def ensure(self) -> Head:
        with self._lock:
            if self._head is None:
                self._head = self._fit()
            return self._head

    def predict(self, texts: list[str]) -> list[Prediction]:
        """Intent distributions for already-normalised texts."""
        head = self.ensure()
        probs = head.probs(head.encode(list(texts)))
        return [
            Prediction.of({c: float(p) for c, p in zip(head.classes, row, strict=True)})
            for row in probs
        ]


def prepare(on_progress: Callable[[Any], None] | None = None) -> str:
    """Set-up: tune the encoder on the example bank (once per bank) and fit the head, so that
    the first question does not wait. Returns the encoder's name."""
    from saywhy.tools import intent_encoder

    classifier = IntentClassifier()
    if want_tuned():
        texts, ys = bank_arrays(classifier.bank)
        intent_encoder.prepare(
            intent_encoder.tuned_key(classifier.bank_hash()), texts, ys, on_progress=on_progress
        )
    return classifier.encoder
