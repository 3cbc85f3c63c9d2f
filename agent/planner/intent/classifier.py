"""Intent classifier: MiniLM sentence embeddings + logistic regression over the example bank.

The bank (the tools' example questions and prompts/examples.yaml) is embedded once; the
embeddings and the fitted weights are cached under SAYWHY_HOME keyed by the bank's hash and the
encoder's version, so later starts only load two small arrays (no pickle). Prediction is a
softmax over `X @ W.T + b`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from saywhy.tools.home import cache_dir

from ..read.masking import PLACEHOLDER, mask

BANK_FILE = "examples.yaml"
C = 8.0


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


class IntentClassifier:
    """Fit lazily on first use; thread-safe."""

    def __init__(
        self, bank: dict[str, list[str]] | None = None, bank_path: Path | None = None
    ) -> None:
        self._bank = bank
        self._bank_path = bank_path
        self._lock = threading.Lock()
        self._fitted: tuple[np.ndarray, np.ndarray, list[str]] | None = None

    @property
    def bank(self) -> dict[str, list[str]]:
        if self._bank is None:
            self._bank = load_bank(self._bank_path)
        return self._bank

    def bank_hash(self) -> str:
        from saywhy.tools.text_encoder import encoder_id

        payload = json.dumps([encoder_id(), C, sorted(self.bank.items())], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def _fit(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        from saywhy.tools.text_encoder import encode_sentences

        key = self.bank_hash()
        path = cache_dir("planner") / f"intents-{key}.npz"
        if path.is_file():
            try:
                data = np.load(path, allow_pickle=False)
                return data["W"], data["b"], [str(x) for x in data["classes"]]
            except (OSError, ValueError, KeyError):
                pass
        texts, ys = [], []
        for intent, examples in self.bank.items():
            for ex in examples:
                texts.append(normalise(ex))
                ys.append(intent)
        X = encode_sentences(texts)
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=C, max_iter=2000)
        clf.fit(X, ys)
        W, b, classes = (
            clf.coef_.astype(np.float32),
            clf.intercept_.astype(np.float32),
            list(clf.classes_),
        )
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, W=W, b=b, classes=np.array(classes))
        tmp.replace(path)
        return W, b, classes

    def ensure(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        with self._lock:
            if self._fitted is None:
                self._fitted = self._fit()
            return self._fitted

    def predict(self, texts: list[str]) -> list[Prediction]:
        """Intent distributions for already-normalised texts."""
        from saywhy.tools.text_encoder import encode_sentences

        W, b, classes = self.ensure()
        X = encode_sentences(texts)
        logits = X @ W.T + b
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return [
            Prediction.of({c: float(p) for c, p in zip(classes, row, strict=True)}) for row in probs
        ]
