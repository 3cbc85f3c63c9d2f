"""A dataset is a DataFrame with `id` (stable int), `text`, and optional `label` and `split`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NotFoundError, UserError
from .columns import choose

if TYPE_CHECKING:
    import pandas as pd



@dataclass
class Dataset:
    """Items addressed by stable integer ids. `frame` is indexed by id."""

    frame: pd.DataFrame
    name: str = "dataset"
    source: str = ""
    description: str = ""
    item_name: str = "item"  # what one row is called in answers: "review", "ticket", "case"
    notes: list[str] = field(default_factory=list)  # said once at load: guessed columns, labels

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def ids(self) -> list[int]:
        return [int(i) for i in self.frame.index]

    @property
    def has_labels(self) -> bool:
        return "label" in self.frame.columns

    @property
    def has_split(self) -> bool:
        return "split" in self.frame.columns

    @property
    def label_names(self) -> list[str]:
        if not self.has_labels:
            return []
        return sorted(str(v) for v in self.frame["label"].dropna().unique())

    def text(self, item_id: int) -> str:
        return str(self.row(item_id)["text"])

    def row(self, item_id: int) -> pd.Series:
        try:
            return self.frame.loc[int(item_id)]
        except (KeyError, ValueError, TypeError):
            lo, hi = (min(self.ids), max(self.ids)) if len(self) else (0, -1)
            raise NotFoundError(
                f"There is no item with id {item_id} in {self.name} (ids run from {lo} to {hi})."
            ) from None

    def fingerprint(self) -> str:
        """Changes whenever ids, texts or labels change; keys cached predictions."""
        import pandas as pd

        digest = hashlib.sha256()
        cols = [c for c in ("text", "label", "split") if c in self.frame.columns]
        hashed = pd.util.hash_pandas_object(self.frame[cols], index=True).to_numpy()
        digest.update(hashed.tobytes())
        return digest.hexdigest()[:16]


def from_frame(df: pd.DataFrame, *, text_column: str | None = None, label_column: str | None = None,
               id_column: str | None = None, name: str = "dataset", source: str = "",
               item_name: str = "item") -> Dataset:
    """Normalise a DataFrame into a Dataset, guessing column names when not given."""
    import pandas as pd

    if df is None or len(df) == 0:
        raise UserError(f"The dataset {name!r} is empty: it has no rows.")
    columns = [str(c) for c in df.columns]
    df = df.copy()
    df.columns = columns
    roles = choose(columns, text=text_column, label=label_column, id=id_column)
    text_col, label_col, id_col = roles.text, roles.label, roles.id
    out = pd.DataFrame({"text": df[text_col].fillna("").astype(str)})
    if label_col is not None:
        out["label"] = df[label_col].astype(str).where(df[label_col].notna(), None)
    if "split" in df.columns and text_col != "split":
        out["split"] = df["split"].astype(str)
    if id_col is not None:
        ids = pd.to_numeric(df[id_col], errors="coerce")
        if ids.isna().any() or (ids % 1 != 0).any() or ids.duplicated().any():
            raise UserError(f"The id column {id_col!r} must hold unique whole numbers"
                            + (" (it was guessed from its name: name another with --id-column)"
                               if "id" in roles.guessed else "") + ".")
        out.index = ids.astype(int).to_numpy()
    else:
        out.index = range(len(out))
    out.index.name = "id"
    extra = [c for c in columns if c not in {text_col, label_col, id_col, "split"}]
    for col in extra:
        out[col] = df[col].to_numpy()
    note = roles.note()
    return Dataset(frame=out, name=name, source=source, item_name=item_name,
                   notes=[note] if note else [])


def load_dataset(path: str | Path, **kwargs: str | None) -> Dataset:
    """Load CSV, TSV, JSONL/JSON or Parquet into a Dataset, with clear errors for bad files."""
    import pandas as pd

    p = Path(path).expanduser()
    if not p.exists():
        raise NotFoundError(f"The data file {str(p)!r} does not exist.")
    if p.is_dir():
        raise UserError(f"{str(p)!r} is a directory; give a CSV, JSONL or Parquet file.")
    suffixes = "".join(p.suffixes).lower()
    try:
        if suffixes.endswith((".parquet", ".pq")):
            df = pd.read_parquet(p)
        elif ".jsonl" in suffixes or ".ndjson" in suffixes:
            df = pd.read_json(p, lines=True, encoding="utf-8")
        elif ".json" in suffixes:
            df = pd.read_json(p, encoding="utf-8")
        elif ".tsv" in suffixes:
            df = pd.read_csv(p, sep="\t", encoding="utf-8")
        else:
            df = pd.read_csv(p, encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{p.name} is not UTF-8 text; re-save it as UTF-8.") from None
    except pd.errors.EmptyDataError:
        raise UserError(f"The data file {p.name} is empty.") from None
    except (ValueError, pd.errors.ParserError, OSError) as exc:
        raise UserError(f"Could not read {p.name} as a table: {str(exc).splitlines()[0]}") from None
    return from_frame(df, name=p.stem, source=str(p), **kwargs)
