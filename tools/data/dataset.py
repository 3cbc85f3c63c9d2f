"""A dataset is a DataFrame with `id` (stable int key), `text`, and optional `label` and `split`.

The key is the user's id when their ids are whole numbers; otherwise the user's ids ("A-1005")
are kept as `names` and shown wherever an id is (`Dataset.shown`, see `ids.py`)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NotFoundError, UserError
from .columns import choose
from .ids import IdNames, describe_ids, read_ids

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
    names: IdNames | None = None  # the user's ids when they are not whole numbers, by key

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

    def shown(self, key: int) -> str:
        """The user's id of the item with this key, as every answer writes it."""
        if self.names is not None and 0 <= int(key) < len(self.names.names):
            return self.names.names[int(key)]
        return str(key)

    def key_of(self, user_id: object) -> int | None:
        """The key of an id as the user wrote it ("A-1005", "a-1005", 12, "12"), or None."""
        if self.names is not None:
            return self.names.key(user_id)
        text = str(user_id).strip()
        if not re.fullmatch(r"\d+", text):
            return None
        return int(text) if int(text) in self.frame.index else None

    def key(self, item: int | str) -> int:
        """The key of the item a tool argument names, or the error naming a few real ids.

        A string is the user's id as the data writes it ("CASE-7"; any case, a leading "#" or
        space does not matter; "12" when the ids are numbers). An int is a key: the user's id
        itself when the ids are whole numbers, else the key the planner read a name into."""
        if isinstance(item, bool) or not isinstance(item, int | str):
            raise UserError(f"{item!r} is not an item id ({describe_ids(self.ids, self.names)}).")
        if isinstance(item, int):
            if item in self.frame.index:
                return int(item)
            raise self.no_such_id(item)
        raw = str(item).strip()
        found = self.key_of(raw)
        if found is None and raw.startswith("#"):
            found = self.key_of(raw.lstrip("#").strip())
        if found is None:
            raise self.no_such_id(item)
        return found

    def no_such_id(self, user_id: object) -> NotFoundError:
        """The error for an id no item has, in the data's words."""
        return NotFoundError(f"There is no item with id {user_id} in {self.name} "
                             f"({describe_ids(self.ids, self.names)}).")

    def text(self, item_id: int) -> str:
        return str(self.row(item_id)["text"])

    def row(self, item_id: int) -> pd.Series:
        try:
            return self.frame.loc[int(item_id)]
        except (KeyError, ValueError, TypeError):
            raise self.no_such_id(item_id) from None

    def fingerprint(self) -> str:
        """Changes whenever ids, texts or labels change; keys cached predictions."""
        import pandas as pd

        digest = hashlib.sha256()
        cols = [c for c in ("text", "label", "split") if c in self.frame.columns]
        hashed = pd.util.hash_pandas_object(self.frame[cols], index=True).to_numpy()
        digest.update(hashed.tobytes())
        if self.names is not None:
            digest.update("\x00".join(self.names.names).encode("utf-8"))
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
    names: IdNames | None = None
    if id_col is not None:
        out.index, names = read_ids(df[id_col], id_col, "id" in roles.guessed)
    else:
        out.index = range(len(out))
    out.index.name = "id"
    extra = [c for c in columns if c not in {text_col, label_col, id_col, "split"}]
    for col in extra:
        out[col] = df[col].to_numpy()
    note = roles.note()
    return Dataset(frame=out, name=name, source=source, item_name=item_name,
                   notes=[note] if note else [], names=names)


def read_frame(path: str | Path) -> tuple[pd.DataFrame, Path]:
    """A CSV, TSV, JSONL/JSON or Parquet file as a DataFrame (and its resolved path), with clear
    errors for a missing, unreadable or empty file; texts and tables both load through it."""
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
    return df, p


def load_dataset(path: str | Path, **kwargs: str | None) -> Dataset:
    """Load CSV, TSV, JSONL/JSON or Parquet into a Dataset, with clear errors for bad files."""
    df, p = read_frame(path)
    return from_frame(df, name=p.stem, source=str(p), **kwargs)
