"""Build `demo-tabular`: a gradient-boosted classifier on TalkToModel's diabetes table.

The table (768 patients of the Pima Indians Diabetes study, as shipped in TalkToModel's
repository, MIT) ships inside the package (`data/diabetes.csv`), so the demo never depends on a
download. Rows keep their file position as id, and the split is TalkToModel's own (its
`train_test_split(test_size=0.4, random_state=3)`), so "patient 12" means the same row as in
TalkToModel's conversations and its held-out rows are the ones it was measured on. scikit-learn's
GradientBoostingClassifier with its default settings, seeded, trains in about a second on 2 CPU
cores; it is saved once as a skops file in `SAYWHY_HOME/models/demo-tabular`, with the held-out
accuracy and the feature schema beside it.
"""

from __future__ import annotations

import json
import shutil
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..home import saywhy_home
from ..turn import OnProgress, ProgressEvent

if TYPE_CHECKING:
    from ..data.table import TableDataset
    from ..target.tabular import TabularTarget

TABLE = Path(__file__).with_name("data") / "diabetes.csv"
LABEL_COLUMN = "y"
LABELS = {0: "no diabetes", 1: "diabetes"}
SPLIT_SEED = 3  # TalkToModel's split of this table
TEST_FRACTION = 0.4
SEED = 13
META = "saywhy.json"
MODEL = "model.skops"


def demo_dir() -> Path:
    return saywhy_home() / "models" / "demo-tabular"


def _frame() -> Any:
    import pandas as pd
    from sklearn.model_selection import train_test_split

    df = pd.read_csv(TABLE)
    _, test = train_test_split(df, test_size=TEST_FRACTION, random_state=SPLIT_SEED)
    df["split"] = "train"
    df.loc[test.index, "split"] = "test"
    return df


def build_demo_tabular(out: Path, on_progress: OnProgress | None = None) -> dict[str, Any]:
    """Train, measure on the held-out rows, save as skops with its meta; returns the meta."""
    import numpy as np
    import skops.io as sio
    from sklearn.ensemble import GradientBoostingClassifier

    from ..tabular.schema import infer_schema

    started = time.time()
    if on_progress is not None:
        on_progress(ProgressEvent("build", "Training demo-tabular (once)", 0, 1))
    df = _frame()
    features = [c for c in df.columns if c not in (LABEL_COLUMN, "split")]
    train, test = df[df["split"] == "train"], df[df["split"] == "test"]
    model = GradientBoostingClassifier(random_state=SEED).fit(train[features], train[LABEL_COLUMN])
    acc = float(np.mean(model.predict(test[features]) == test[LABEL_COLUMN].to_numpy()))
    meta = {
        "trained_on": f"TalkToModel's diabetes table (Pima Indians Diabetes study): {len(train)} "
                      f"train rows of {len(df)}",
        "recipe": {"model": "GradientBoostingClassifier (scikit-learn defaults)", "seed": SEED,
                   "split": f"train_test_split(test_size={TEST_FRACTION}, "
                            f"random_state={SPLIT_SEED})"},
        "held_out_accuracy": round(acc, 4),
        "held_out_size": int(len(test)),
        "labels": {str(k): v for k, v in LABELS.items()},
        "schema": infer_schema(df, features).to_json(),
        "build_seconds": round(time.time() - started, 2),
    }
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sio.dump(model, tmp / MODEL)
    (tmp / META).write_text(json.dumps(meta, indent=2))
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    if on_progress is not None:
        on_progress(ProgressEvent("build", "Training demo-tabular (once)", 1, 1))
    return meta


def ensure_demo_tabular(on_progress: OnProgress | None = None,
                        folder: Path | None = None) -> tuple[Path, dict[str, Any]]:
    out = folder or demo_dir()
    if not (out / META).is_file():
        build_demo_tabular(out, on_progress=on_progress)
    return out, json.loads((out / META).read_text())


def load_demo_tabular(on_progress: OnProgress | None = None,
                      folder: Path | None = None) -> TabularTarget:
    """The demo target, built on first use (into `folder`, by default the home's models),
    with its schema and label names."""
    from ..tabular.schema import Schema
    from ..target.tabular import load_tabular

    out, meta = ensure_demo_tabular(on_progress, folder)
    info = {k: meta[k] for k in ("trained_on", "held_out_accuracy", "held_out_size", "recipe")}
    target = load_tabular(out / MODEL, name="demo-tabular", labels=meta["labels"], info=info)
    target.schema = Schema.from_json(meta["schema"])
    return target


@lru_cache(maxsize=1)
def _table_frame() -> Any:
    return _frame()


def demo_table(target: TabularTarget | None = None) -> TableDataset:
    """The diabetes table with TalkToModel's split, read through the demo's classes."""
    from ..data.table import table_from_frame

    data = table_from_frame(_table_frame(), target=target or load_demo_tabular(),
                            label_column=LABEL_COLUMN, name="diabetes", item_name="patient")
    data.source = "TalkToModel's diabetes.csv (Pima Indians Diabetes study)"
    data.notes = []
    data.description = ("768 patients of the Pima Indians Diabetes study (8 measurements each, "
                        "diabetes or not); TalkToModel's 60% train / 40% held-out split.")
    return data
