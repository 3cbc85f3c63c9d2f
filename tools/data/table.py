"""A table of feature rows: what a tabular model is asked about (CSV or Parquet).

The frame is indexed by id like every dataset and holds the feature columns under their own
names, a `text` column with the row in words ("Glucose = 148, BMI = 33.6, ..."; each
"feature = value" is one part of the input, as a word is for text) and the optional gold
`label` and `split`. The schema (kinds and observed values of the features) comes from the
target when it has one, else from the table. The label and id columns are named by the user
(`--label-column`, `--id-column`) or guessed from common names (`columns.py`); the gold labels
are read through the model's classes (`1` is the class 1's label name) and then matched to the
model's spelling (`labels.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from ..tabular.schema import Schema, infer_schema
from .columns import _ID_SUFFIX, ID_NAMES, LABEL_NAMES, _guess, _named
from .dataset import Dataset, read_frame
from .labels import reconcile

if TYPE_CHECKING:
    import pandas as pd

    from ..target.tabular import TabularTarget

RESERVED = ("text", "label", "split")


@dataclass
class TableDataset(Dataset):
    """Rows of features addressed by stable integer ids."""

    schema: Schema = field(default_factory=lambda: Schema([]))

    @property
    def features(self) -> list[str]:
        return self.schema.names

    def X(self, ids: Sequence[int] | None = None) -> pd.DataFrame:
        """The feature columns of the given rows (all rows by default), in the schema's order."""
        frame = self.frame if ids is None else self.frame.loc[list(ids)]
        return frame[self.features]

    def fingerprint(self) -> str:
        import pandas as pd

        cols = [c for c in (*self.features, "label", "split") if c in self.frame.columns]
        hashed = pd.util.hash_pandas_object(self.frame[cols], index=True).to_numpy()
        return hashlib.sha256(hashed.tobytes()).hexdigest()[:16]


def shown(value: Any) -> str:
    """A feature value as answers write it (12.0 as 12, 0.6270 as 0.627)."""
    if isinstance(value, float):
        return f"{value:g}"
    if hasattr(value, "item"):
        return shown(value.item())
    return str(value)


def parts(row: Any, features: Sequence[str]) -> list[tuple[str, int, int]]:
    """The parts of a row as text: each "feature = value" with its (start, end) in `row_text`."""
    out, pos = [], 0
    for name in features:
        piece = f"{name} = {shown(row[name])}"
        out.append((piece, pos, pos + len(piece)))
        pos += len(piece) + 2
    return out


def row_text(row: Any, features: Sequence[str]) -> str:
    """A row in words: "Pregnancies = 6, Glucose = 148, ..."."""
    return ", ".join(piece for piece, _, _ in parts(row, features))


def table_from_frame(df: pd.DataFrame, *, target: TabularTarget | None = None,
                     label_column: str | None = None, id_column: str | None = None,
                     types: Mapping[str, str] | None = None, name: str = "table",
                     source: str = "", item_name: str = "row") -> TableDataset:
    """A TableDataset from a DataFrame. With a target, its feature columns are the features
    (and the table must have them) and the gold labels are read through its classes; the
    target is bound to the table (`TabularTarget.bind`) when it has no schema yet."""
    import pandas as pd

    if df is None or len(df) == 0:
        raise UserError(f"The table {name!r} is empty: it has no rows.")
    df = df.copy()
    df.columns = [str(c) for c in df.columns]
    columns = list(df.columns)
    wanted = set(target.feature_names) if target is not None and target.feature_names else set()
    free = [c for c in columns if c not in wanted]
    notes: list[str] = []
    if label_column:
        label_col: str | None = _named(columns, label_column, "gold label", "--label-column")
    else:
        label_col = _guess(free, LABEL_NAMES, set())
        rest = [c for c in free if c != "split" and not _ID_SUFFIX.search(c.strip())
                and c.lower() not in ID_NAMES]
        if label_col is None and wanted and len(rest) == 1:
            label_col = rest[0]  # the one column the model does not read
        if label_col is not None:
            notes.append(f"using column `{label_col}` as the gold label")
    if id_column:
        id_col: str | None = _named(columns, id_column, "id", "--id-column")
    else:
        id_col = _guess(free, ID_NAMES, {label_col} if label_col else set()) or next(
            (c for c in free if c != label_col and _ID_SUFFIX.search(c.strip())), None)
        if id_col is not None:
            notes.append(f"`{id_col}` as the id")
    if label_col is not None and label_col == id_col:
        raise UserError("One column cannot be two things: the label and id columns must differ.")
    if wanted:
        features = list(target.feature_names) if target is not None else []
    else:
        features = [c for c in columns if c not in {label_col, id_col, "split"}]
    clash = [c for c in features if c in RESERVED]
    if clash:
        raise UserError(f"A feature may not be called {clash[0]!r} (it names the gold label or "
                        "the split); rename the column.")
    if target is not None and target.schema is not None:
        schema = target.schema
        infer_schema(df, schema.names)  # the table has the model's columns
    elif target is not None:
        schema = target.bind(df, types)
    else:
        schema = infer_schema(df, features, types)
    out = df[schema.names].copy()
    out.insert(0, "text", [row_text(r, schema.names) for r in out.to_dict("records")])
    if label_col is not None:
        out["label"] = df[label_col].astype(str).where(df[label_col].notna(), None)
    if "split" in columns and "split" not in schema.names:
        out["split"] = df["split"].astype(str)
    if id_col is not None:
        ids = pd.to_numeric(df[id_col], errors="coerce")
        if ids.isna().any() or (ids % 1 != 0).any() or ids.duplicated().any():
            raise UserError(f"The id column {id_col!r} must hold unique whole numbers"
                            + ("" if id_column else " (it was guessed from its name: name "
                               "another with --id-column)") + ".")
        out.index = ids.astype(int).to_numpy()
    else:
        out.index = pd.RangeIndex(len(out))
    out.index.name = "id"
    left_out = [c for c in columns if c not in {*schema.names, label_col, id_col, "split"}]
    if notes:
        said = "; ".join(notes)
        if id_col is None:
            said += "; no id column, so rows are numbered from 0 in file order"
        if left_out:
            said += f"; column(s) the model does not read left out: {', '.join(left_out[:6])}"
        notes = [said[0].upper() + said[1:] + "."]
    data = TableDataset(frame=out, name=name, source=source, item_name=item_name, notes=notes,
                        schema=schema)
    if target is not None:
        gold_through_classes(data, target)
    return data


def gold_through_classes(data: TableDataset, target: TabularTarget) -> None:
    """Gold values that are the model's classes (1, -1, "yes") become its label names; any
    other spelling is matched to the label names as for text data."""
    if not data.has_labels:
        return
    classes = {str(c): name for c, name in zip(target.classes, target.labels, strict=True)}
    floats = {}
    for c, name in zip(target.classes, target.labels, strict=True):
        try:
            floats[float(c)] = name
        except (TypeError, ValueError):
            continue

    def read(v: Any) -> Any:
        if v is None or str(v) in classes:
            return None if v is None else classes[str(v)]
        try:
            return floats.get(float(v), v)
        except (TypeError, ValueError):
            return v

    data.frame["label"] = data.frame["label"].map(read)
    reconcile(data, target.labels)


def load_table(path: str | Path, **kwargs: Any) -> TableDataset:
    """Load a CSV/TSV, JSONL or Parquet table, with clear errors for bad files."""
    df, p = read_frame(path)
    kwargs.setdefault("name", p.stem)
    kwargs.setdefault("source", str(p))
    return table_from_frame(df, **kwargs)
