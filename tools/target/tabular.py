"""Adapter for scikit-learn-compatible classifiers over tables (kind "tabular").

Any fitted estimator with `predict_proba` and `classes_` fits: a `Pipeline` with its
preprocessing, trees, forests, logistic regression, XGBoost or LightGBM through their
scikit-learn API. The parts of an input are its features; the target knows their names (from
`feature_names_in_` or the table) and, once bound to a table, their kinds and observed values.

Loading is safe by default: a `skops` file is read with skops' trusted-types check (its own
list, plus the types of scikit-learn, XGBoost and LightGBM); any other type in the file is
refused with its name. joblib/pickle files, and skops files with other types, load only with
`allow_pickle` (`--allow-pickle`), because unpickling can run arbitrary code.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from ..errors import NotFoundError, TargetError, UserError
from .base import Target
from .class_names import label_names

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ..tabular.schema import Schema

PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle", ".jbl")
TRUSTED_ROOTS = ("sklearn.", "xgboost.", "lightgbm.")
TREE_NAMES = ("Tree", "Forest", "GradientBoosting", "XGB", "LGBM", "Booster", "CatBoost")


class TabularTarget(Target):
    """A fitted scikit-learn-compatible classifier; rows in, class probabilities out."""

    kind: ClassVar[Literal["classifier", "causal_lm", "tabular"]] = "tabular"

    def __init__(self, model: Any, *, name: str, fingerprint: str, source: str = "",
                 info: dict[str, Any] | None = None, features: Sequence[str] | None = None,
                 labels: Mapping[Any, str] | Sequence[str] | None = None,
                 schema: Schema | None = None) -> None:
        if not (hasattr(model, "predict_proba") and hasattr(model, "classes_")):
            raise UserError(f"{name} is not a fitted classifier: it has no predict_proba or "
                            "classes_ (fit it before saving).")
        self.model = model
        self.tokenizer = None
        self.name = name
        self.fingerprint = fingerprint
        self.source = source
        self.info = dict(info or {})
        self.lock = threading.RLock()
        self.classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
        self._labels = label_names(self.classes, labels)
        own = getattr(model, "feature_names_in_", None)
        self.feature_names: list[str] = ([str(c) for c in own] if own is not None
                                         else list(features or []))
        self.schema: Schema | None = schema
        # explainers built once per background (shap's TreeExplainer): see tabular/contributions
        self.explainers: dict[tuple[Any, ...], Any] = {}

    # ---- description -------------------------------------------------------------------------
    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    def name_classes(self, labels: Mapping[Any, str] | Sequence[str]) -> None:
        """Call the classes by the user's names (`--labels`), before any data is read through
        them; the fingerprint takes the names in, so nothing stored under the old names is
        read back under the new ones."""
        if isinstance(labels, Mapping):  # a class it leaves out keeps the name it has
            labels = {**dict(zip(self.classes, self._labels, strict=True)), **labels}
        self._labels = label_names(self.classes, labels)
        named = f"{self.fingerprint}:" + "\x1f".join(self._labels)
        self.fingerprint = hashlib.sha256(named.encode()).hexdigest()[:16]

    @property
    def final_estimator(self) -> Any:
        """The classifier at the end of a Pipeline (the model itself otherwise)."""
        steps = getattr(self.model, "steps", None)
        return steps[-1][1] if steps else self.model

    @property
    def is_pipeline(self) -> bool:
        return getattr(self.model, "steps", None) is not None

    @property
    def is_tree(self) -> bool:
        """A tree ensemble that shap's TreeExplainer reads directly (not inside a Pipeline,
        whose preprocessing would make its features no longer the table's)."""
        return not self.is_pipeline and any(t in type(self.model).__name__ for t in TREE_NAMES)

    @property
    def architecture(self) -> str:
        steps = getattr(self.model, "steps", None)
        if steps:
            return "Pipeline(" + " → ".join(type(s).__name__ for _, s in steps) + ")"
        return type(self.model).__name__

    @property
    def n_parameters(self) -> int:
        """Learned numbers: coefficients and intercepts, or tree nodes for tree models."""
        est = self.final_estimator
        total = 0
        for attr in ("coef_", "intercept_"):
            value = getattr(est, attr, None)
            total += int(getattr(value, "size", 0) or 0)
        for tree in _trees(est):
            total += int(getattr(getattr(tree, "tree_", None), "node_count", 0))
        return total

    @property
    def max_length(self) -> int:
        return len(self.feature_names)

    def describe(self) -> dict[str, Any]:
        out = {"name": self.name, "kind": self.kind, "architecture": self.architecture,
               "parameters": self.n_parameters, "labels": self.labels,
               "max_length": self.max_length, "features": list(self.feature_names),
               "source": self.source, **self.info}
        if self.schema is not None:
            out["feature_types"] = {f.name: f.kind for f in self.schema.features}
        return out

    # ---- the table ---------------------------------------------------------------------------
    def bind(self, frame: pd.DataFrame, types: Mapping[str, str] | None = None) -> Schema:
        """Learn the feature kinds and observed values from a table the model will be asked
        about; a table without the model's feature columns is a UserError naming them."""
        from ..tabular.schema import infer_schema

        if not self.feature_names:
            self.feature_names = [str(c) for c in frame.columns]
        self.schema = infer_schema(frame, self.feature_names, types)
        self.explainers.clear()
        return self.schema

    def rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model's columns of `frame`, in its order."""
        missing = [c for c in self.feature_names if c not in frame.columns]
        if missing:
            raise UserError(f"The rows lack the model's feature(s) {', '.join(missing)}.")
        return frame[self.feature_names] if self.feature_names else frame

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Class probabilities [n, labels] for the rows of `frame`, in `labels` order."""
        import numpy as np

        if len(frame) == 0:
            return np.zeros((0, len(self.labels)), dtype=float)
        with self.lock:
            try:
                return np.asarray(self.model.predict_proba(self.rows(frame)), dtype=float)
            except (ValueError, TypeError) as exc:
                raise TargetError(f"{self.name} could not predict these rows: "
                                  f"{str(exc).splitlines()[0]}") from None

    def predict(self, row: Mapping[str, Any] | pd.Series) -> dict[str, Any]:
        import pandas as pd

        probs = self.predict_proba(pd.DataFrame([dict(row)]))[0]
        best = int(probs.argmax())
        return {"label": self.labels[best], "index": best,
                "probs": {n: float(p) for n, p in zip(self.labels, probs, strict=True)}}

    # ---- what a table model does not have ----------------------------------------------------
    def _no_words(self, *_: Any, **__: Any) -> Any:
        raise UserError(f"{self.name} reads table rows, not text: ask about an item's features.")

    check_text = visible = words = encode = forward = _no_words  # type: ignore[assignment]
    hidden_states = attentions = attentions_of = embedding_layer = _no_words  # type: ignore


def _trees(est: Any) -> list[Any]:
    found = getattr(est, "estimators_", None)
    if found is None:
        return [est] if hasattr(est, "tree_") else []
    import numpy as np

    return [t for t in np.ravel(np.asarray(found, dtype=object)) if hasattr(t, "tree_")]


def file_fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _load_skops(path: Path, allow_pickle: bool) -> Any:
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # not a zip, no schema: skops raises several kinds
        raise UserError(f"{path.name} is not a readable skops file "
                        f"({type(exc).__name__}).") from None
    foreign = [t for t in untrusted if not t.startswith(TRUSTED_ROOTS)]
    if foreign and not allow_pickle:
        raise UserError(
            f"{path.name} holds types that are not known to be safe to load: "
            f"{', '.join(foreign[:6])}{' ...' if len(foreign) > 6 else ''}.",
            hint="If you trust this file, pass --allow-pickle to load it anyway.")
    try:
        return sio.load(path, trusted=untrusted)
    except Exception as exc:  # a damaged or incompatible file
        raise TargetError(f"Could not load {path.name}: {str(exc).splitlines()[0]}") from None


def load_tabular(path: str | Path, *, allow_pickle: bool = False, name: str | None = None,
                 labels: Mapping[Any, str] | Sequence[str] | None = None,
                 info: dict[str, Any] | None = None) -> TabularTarget:
    """A TabularTarget from a `.skops` file, or a joblib/pickle file when `allow_pickle`."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise NotFoundError(f"The model file {str(p)!r} does not exist.")
    suffix = p.suffix.lower()
    if suffix == ".skops":
        model = _load_skops(p, allow_pickle)
    elif suffix in PICKLE_SUFFIXES:
        if not allow_pickle:
            raise UserError(
                f"{p.name} is a pickle file. Loading pickle can run arbitrary code, so saywhy "
                "refuses it by default.",
                hint="If you trust this file, pass --allow-pickle; better, save the model with "
                     "skops (skops.io.dump) and load the .skops file.")
        import joblib

        try:
            model = joblib.load(p)
        except Exception as exc:  # unpickling raises anything the file's code raises
            raise TargetError(f"Could not load {p.name}: {str(exc).splitlines()[0]}") from None
    else:
        raise UserError(f"{p.name} is not a model file saywhy reads for tables: save it with "
                        "skops (.skops), or as .joblib/.pkl with --allow-pickle.")
    return TabularTarget(model, name=name or p.stem, fingerprint=file_fingerprint(p),
                         source=str(p), labels=labels, info=info)

