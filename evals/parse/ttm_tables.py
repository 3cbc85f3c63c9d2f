"""TalkToModel's three tables as a saywhy user would load them: a skops model and a CSV.

The whole-call eval (`talktomodel_calls.py`) needs a real table target, so the planner knows the
features and the ids the suites ask about. For each suite the table is TalkToModel's own split
(`data/<name>_train.csv` and `<name>_test.csv` under the TalkToModel data folder), ids kept from
their first column, so "id 12" is the row TalkToModel meant. A classifier is trained on the train
rows by demo-tabular's recipe (`tools/tabular/demo.py`: scikit-learn's GradientBoostingClassifier
with its defaults and the same seed), saved with skops into a temporary folder together with the
table as a CSV (id, features, `y`, split), and both are read back through the command line's path
for `--model X.skops --data Y.csv --label-column y --id-column id`: `load_target` and
`bootstrap.load_table_data`. No label names are given (`--labels` could name the classes, but
the suites' own class names are not part of this data), so the labels are the model's classes. `diabetes` may instead be the shipped
`demo-tabular` with its table (`--model demo-tabular`): the same rows and recipe, with label names.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from saywhy.agent.bootstrap import DataSpec, load_table_data
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

LABEL = "y"
ID = "id"
# what a row is, in each table's own domain (a user would say so with --item-name)
ITEM_NAMES = {"diabetes": "patient", "german": "applicant", "compas": "defendant"}
Source = Literal["file", "demo"]


@dataclass
class LoadedTable:
    """A suite's target and table, loaded as the command line loads them."""

    ctx: ToolContext
    held_out_accuracy: float
    how: str


def suite_frame(name: str, folder: Path) -> pd.DataFrame:
    """TalkToModel's train and test files of `name` as one table with `id` and `split`."""
    import pandas as pd

    parts = []
    for split in ("train", "test"):
        path = folder / f"{name}_{split}.csv"
        if not path.is_file():
            raise UserError(f"{path} is missing; the TalkToModel tables are not all there.")
        part = pd.read_csv(path, index_col=0)
        part.index.name = ID
        part["split"] = split
        parts.append(part)
    frame = pd.concat(parts)
    if frame.index.duplicated().any():
        raise UserError(f"{name}: train and test share ids; cannot address rows by id.")
    return frame.reset_index()


def train_model(frame: pd.DataFrame) -> object:
    """demo-tabular's recipe on the train rows: GradientBoostingClassifier, defaults, seeded."""
    from sklearn.ensemble import GradientBoostingClassifier

    from saywhy.tools.tabular.demo import SEED

    train = frame[frame["split"] == "train"]
    features = [c for c in frame.columns if c not in (ID, LABEL, "split")]
    return GradientBoostingClassifier(random_state=SEED).fit(train[features], train[LABEL])


def _held_out(ctx: ToolContext) -> float:
    """Accuracy of the loaded target on the table's test rows (labels through its classes)."""
    import numpy as np

    data = ctx.data
    assert data is not None
    test = data.frame[data.frame["split"] == "test"]
    probs = ctx.target.predict_proba(test)  # type: ignore[attr-defined]
    labels = np.asarray(ctx.target.labels)[probs.argmax(axis=1)]
    return float(np.mean(labels == test["label"].astype(str).to_numpy()))


def load_file_table(name: str, folder: Path, workdir: Path) -> LoadedTable:
    """Train, save as skops + CSV in `workdir`, and load both the command line's way."""
    import skops.io as sio

    from saywhy.tools.target import load_target

    frame = suite_frame(name, folder)
    model = train_model(frame)
    model_path, table_path = workdir / f"{name}.skops", workdir / f"{name}.csv"
    sio.dump(model, model_path)
    frame.to_csv(table_path, index=False)
    target = load_target(str(model_path))
    spec = DataSpec(path=str(table_path), label_column=LABEL, id_column=ID,
                    item_name=ITEM_NAMES.get(name, "row"))
    ctx = ToolContext(target=target, data=load_table_data(spec, target))
    return LoadedTable(ctx, _held_out(ctx), f"--model {name}.skops --data {name}.csv "
                       f"--label-column {LABEL} --id-column {ID}")


def load_demo_table() -> LoadedTable:
    """`--model demo-tabular`: the shipped diabetes demo and its table."""
    from saywhy.tools.target import load_target

    target = load_target("demo-tabular")
    ctx = ToolContext(target=target, data=load_table_data(DataSpec(), target))
    return LoadedTable(ctx, _held_out(ctx), "--model demo-tabular")


def load_suite_table(name: str, folder: Path, source: Source = "file",
                     workdir: Path | None = None) -> LoadedTable:
    """The suite's table loaded from files (default) or, for diabetes, the demo."""
    if source == "demo":
        if name != "diabetes":
            raise UserError("Only the diabetes suite has a demo (demo-tabular).")
        return load_demo_table()
    if workdir is not None:
        return load_file_table(name, folder, workdir)
    with tempfile.TemporaryDirectory(prefix=f"ttm-{name}-") as tmp:
        return load_file_table(name, folder, Path(tmp))
