"""What runs on a Ray worker for `saywhy.tools.distributed`: how a worker loads the driver's
target (`TargetSpec`) and the Ray Data callable classes that load it once per worker, in
`__init__`, and then serve every batch they are given. Imported by the workers themselves, so it
imports nothing of Ray.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import TargetError

if TYPE_CHECKING:
    import numpy as np

    from .context import ToolContext
    from .target.base import Target

TextFn = Callable[["ToolContext", str], Any]  # a module-level function: workers import it


@dataclass(frozen=True)
class TargetSpec:
    """How a worker loads the driver's target: its model directory and what it was called."""

    source: str
    name: str
    fingerprint: str
    info: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, target: Target) -> TargetSpec | None:
        """The spec of a classifier loaded from a local model directory; None otherwise (it
        cannot be rebuilt on a worker, so its work stays in-process)."""
        if target.kind != "classifier" or not target.source:
            return None
        if not (Path(target.source) / "config.json").is_file():
            return None
        return cls(source=target.source, name=target.name, fingerprint=target.fingerprint,
                   info=dict(target.info))

    def load(self) -> Target:
        """The target, from the same files the driver loaded. A pickle checkpoint is allowed
        only because the driver already loaded these exact files (same fingerprint)."""
        from .target.loading import fingerprint_dir, load_hf

        path = Path(self.source)
        if not path.is_dir():
            raise TargetError(f"A Ray worker cannot read the model directory {path}; every "
                              "node needs it at the same path.")
        if fingerprint_dir(path) != self.fingerprint:
            raise TargetError(f"The model files at {path} differ on a Ray worker from the ones "
                              "loaded here; every node needs the same files.")
        return load_hf(str(path), name=self.name, fingerprint=self.fingerprint, info=self.info,
                       allow_pickle=True)


class Predictor:
    """Ray Data callable class: the target is loaded once per worker, then predicts batches."""

    def __init__(self, spec: TargetSpec) -> None:
        self.target = spec.load()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        probs = self.target.predict_proba(texts, batch_size=32)  # type: ignore[attr-defined]
        return {"row": batch["row"], "probs": probs}


class Explainer:
    """Ray Data callable class: word attributions of whole texts, the target loaded once."""

    def __init__(self, spec: TargetSpec, method: str, labels: list[int], seed: int) -> None:
        from .context import ToolContext

        self.ctx = ToolContext(target=spec.load(), seed=seed)
        self.method, self.labels = method, labels

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        import numpy as np

        from .context import InputRef

        texts = [str(t) for t in batch["text"]]
        self.ctx.probs(texts)  # one batched pass for every f(x), as in-process
        out = [json.dumps(explain_labels(self.ctx, InputRef(text=t), self.labels, self.method))
               for t in texts]
        return {"id": batch["id"], "scores": np.array(out, dtype=object)}


class Mapper:
    """Ray Data callable class: any per-text function of a context on the target (an eval's
    grading of one sentence), the target loaded and `prepare`d once per worker."""

    def __init__(self, spec: TargetSpec, fn: TextFn, seed: int,
                 prepare: Callable[[ToolContext], None] | None = None) -> None:
        from .context import ToolContext

        self.ctx = ToolContext(target=spec.load(), seed=seed)
        self.fn = fn
        if prepare is not None:
            prepare(self.ctx)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        import numpy as np

        out = [json.dumps(self.fn(self.ctx, str(t))) for t in batch["text"]]
        return {"row": batch["row"], "out": np.array(out, dtype=object)}


def explain_labels(ctx: ToolContext, ref: Any, labels: list[int],
                   method: str) -> dict[int, list[Any]]:
    """{label: [words, scores]} for one text, by the rule of `global_importance.attributions`:
    scores rounded to 6 places, and for two labels with a probability or log-odds objective
    one explanation serves both (the scores towards the other label are its negation)."""
    from .methods import explain

    binary = len(ctx.target.labels) == 2
    found: dict[int, list[Any]] = {}
    for lab in labels:
        if lab in found:
            continue
        att = explain(ctx, ref, method, label=lab)
        found[lab] = [att.words, [round(s, 6) for s in att.scores]]
        if binary and att.unit in ("probability", "log-odds") and att.contrast is None:
            found[1 - lab] = [att.words, [round(-s, 6) for s in att.scores]]
    return found
