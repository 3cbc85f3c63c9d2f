"""What each feature of a table is: numeric, categorical or boolean, and which values were seen.

Types are inferred from the table (a column of numbers with more than two values is numeric, two
values 0/1 or True/False are boolean, text is categorical) and may be named by the user, since
"zip code" is numeric in the file but categorical in meaning. The observed ranges and values are
what what-if edits are checked against and what counterfactual search stays inside.

`Schema.encode` / `decode` turn rows into a numeric matrix and back (categories as codes), so
model-agnostic explainers and searches can work on any table; the model itself always sees the
decoded DataFrame with its own column types.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..errors import NotFoundError, UserError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

FeatureKind = Literal["numeric", "categorical", "boolean"]
KINDS: tuple[FeatureKind, ...] = ("numeric", "categorical", "boolean")
_TRUE = {"true", "yes", "y", "1", "1.0", "t"}
_FALSE = {"false", "no", "n", "0", "0.0", "f"}


def spelling(name: str) -> str:
    """A feature name as people write it compared: camelCase split, case, _ and - folded
    ("BloodPressure", "blood_pressure" and "Blood pressure" are one)."""
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name))
    return " ".join(re.sub(r"[_\-.]+", " ", split).lower().split())


@dataclass(frozen=True)
class Feature:
    """One feature: its kind, observed range (numeric) or values (categorical, boolean)."""

    name: str
    kind: FeatureKind
    low: float | None = None
    high: float | None = None
    integer: bool = False
    values: tuple[Any, ...] = ()

    def value(self, raw: Any) -> Any:
        """`raw` as this feature's value, or a UserError saying what the feature accepts."""
        text = str(raw).strip()
        if self.kind == "numeric":
            try:
                number = float(text)
            except ValueError:
                raise UserError(f"{self.name} is a number; {raw!r} is not.") from None
            return int(round(number)) if self.integer and number == round(number) else number
        if self.kind == "boolean":
            folded = text.lower()
            truthy = [v for v in self.values if str(v).lower() in _TRUE or v is True]
            falsy = [v for v in self.values if str(v).lower() in _FALSE or v is False]
            if folded in _TRUE and truthy:
                return truthy[0]
            if folded in _FALSE and falsy:
                return falsy[0]
        for v in self.values:
            if str(v).strip().lower() == text.lower():
                return v
        shown = ", ".join(str(v) for v in self.values[:12])
        raise UserError(f"{self.name} takes one of: {shown}; {raw!r} is not one of them.")

    def inside(self, value: Any) -> bool:
        """Whether a value lies within what the data shows (range or seen values)."""
        if self.kind == "numeric":
            assert self.low is not None and self.high is not None
            return self.low <= float(value) <= self.high
        return any(str(v) == str(value) for v in self.values)

    def describe(self) -> str:
        if self.kind == "numeric":
            return f"{self.name}: number from {self.low:g} to {self.high:g}"
        shown = ", ".join(str(v) for v in self.values[:8])
        return f"{self.name}: {self.kind} ({shown}{', ...' if len(self.values) > 8 else ''})"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "low": self.low, "high": self.high,
                "integer": self.integer, "values": [_plain(v) for v in self.values]}


def _plain(v: Any) -> Any:
    """numpy scalars as Python values (for JSON and for comparisons that print nicely)."""
    return v.item() if hasattr(v, "item") else v


@dataclass
class Schema:
    """The features in the model's column order."""

    features: list[Feature]
    _by_spelling: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_spelling = {spelling(f.name): f.name for f in self.features}

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]

    def __getitem__(self, name: str) -> Feature:
        return self.features[self.names.index(self.resolve(name))]

    def resolve(self, name: str) -> str:
        """The feature a name refers to, however it is spelled, or a NotFoundError listing
        the features."""
        if name in self.names:
            return name
        key = spelling(name)
        if key in self._by_spelling:
            return self._by_spelling[key]
        squashed = {k.replace(" ", ""): v for k, v in self._by_spelling.items()}
        if key.replace(" ", "") in squashed:
            return squashed[key.replace(" ", "")]
        raise NotFoundError(f"There is no feature called {name!r}; the features are: "
                            f"{', '.join(self.names)}.")

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows as a float matrix: numbers as they are, categories and booleans as the index
        of their value in `Feature.values` (NaN when unseen)."""
        import numpy as np

        cols = []
        for f in self.features:
            col = frame[f.name]
            if f.kind == "numeric":
                cols.append(col.to_numpy(dtype=float))
            else:
                codes = {str(v): i for i, v in enumerate(f.values)}
                cols.append(np.array([codes.get(str(v), np.nan) for v in col], dtype=float))
        return np.column_stack(cols) if cols else np.zeros((len(frame), 0))

    def decode(self, matrix: np.ndarray) -> pd.DataFrame:
        """The inverse of `encode` (codes rounded and clipped to a seen value)."""
        import numpy as np
        import pandas as pd

        data: dict[str, Any] = {}
        for j, f in enumerate(self.features):
            col = matrix[:, j]
            if f.kind == "numeric":
                data[f.name] = np.round(col).astype(int) if f.integer else col
            else:
                idx = np.clip(np.nan_to_num(np.round(col)), 0, len(f.values) - 1).astype(int)
                data[f.name] = pd.Series(np.asarray(f.values, dtype=object)[idx]).to_numpy()
                if all(isinstance(v, bool | np.bool_) for v in f.values):
                    data[f.name] = data[f.name].astype(bool)
                elif all(isinstance(v, int | np.integer) for v in f.values):
                    data[f.name] = data[f.name].astype(int)
        return pd.DataFrame(data)

    def to_json(self) -> list[dict[str, Any]]:
        return [f.to_json() for f in self.features]

    @classmethod
    def from_json(cls, items: Iterable[Mapping[str, Any]]) -> Schema:
        return cls([Feature(name=d["name"], kind=d["kind"], low=d.get("low"), high=d.get("high"),
                            integer=bool(d.get("integer")), values=tuple(d.get("values") or ()))
                    for d in items])


def _kind_of(col: pd.Series) -> FeatureKind:
    import pandas as pd

    present = col.dropna()
    if pd.api.types.is_bool_dtype(col):
        return "boolean"
    if pd.api.types.is_numeric_dtype(col):
        seen = set(present.unique().tolist())
        return "boolean" if seen and seen <= {0, 1} and len(seen) == 2 else "numeric"
    return "categorical"


def infer_schema(frame: pd.DataFrame, columns: list[str] | None = None,
                 types: Mapping[str, str] | None = None) -> Schema:
    """The schema of `columns` of `frame` (all of them by default); `types` names the kind of
    any feature whose inferred kind is wrong (keys spelled as the user likes)."""
    import numpy as np
    import pandas as pd

    names = [str(c) for c in (columns if columns is not None else frame.columns)]
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise UserError(f"The table has no column {', '.join(map(repr, missing))}, which the "
                        f"model needs; its columns are: {', '.join(map(str, frame.columns))}.")
    by_spelling = {spelling(n): n for n in names}
    chosen: dict[str, FeatureKind] = {}
    for key, kind in (types or {}).items():
        if spelling(key) not in by_spelling:
            raise NotFoundError(f"There is no feature called {key!r} to type; the features "
                                f"are: {', '.join(names)}.")
        if kind not in KINDS:
            raise UserError(f"A feature is one of {', '.join(KINDS)}; {kind!r} is not.")
        chosen[by_spelling[spelling(key)]] = kind  # type: ignore[assignment]
    features = []
    for name in names:
        col = frame[name]
        kind = chosen.get(name) or _kind_of(col)
        present = col.dropna()
        if kind == "numeric":
            if not pd.api.types.is_numeric_dtype(col):
                raise UserError(f"{name} cannot be numeric: it holds text such as "
                                f"{str(present.iloc[0])!r}." if len(present) else
                                f"{name} has no values.")
            values = present.to_numpy(dtype=float)
            integer = bool(len(values)) and bool(np.all(values == np.round(values)))
            low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 0.0)
            features.append(Feature(name, "numeric", low=low, high=high, integer=integer))
        else:
            seen = sorted(present.unique().tolist(), key=lambda v: (str(type(v)), v))
            features.append(Feature(name, kind, values=tuple(_plain(v) for v in seen)))
    return Schema(features)
