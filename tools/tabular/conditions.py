"""Conditions on feature values: "age > 50 and bmi < 30", "glucose between 100 and 140".

A condition is structured (`Condition`: feature, operator, value) so a planner can produce it
directly; `parse_conditions` reads the written form, with feature names as people spell them
(`Schema.resolve`) and a few comparison words (over, under, at least, at most, above, below,
more/less than). Conditions combine as alternatives of conjunctions: "and" binds tighter than
"or", and the "and" inside "between A and B" belongs to the between. Nothing is evaluated as
code: a mask is built column by column.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from ..errors import UserError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .schema import Schema

Op = Literal[">", ">=", "<", "<=", "==", "!=", "between", "in"]
WORDS: list[tuple[str, Op]] = [
    ("greater than or equal to", ">="), ("less than or equal to", "<="),
    ("at least", ">="), ("no less than", ">="), ("at most", "<="), ("no more than", "<="),
    ("more than", ">"), ("greater than", ">"), ("over", ">"), ("above", ">"),
    ("older than", ">"), ("less than", "<"), ("fewer than", "<"), ("under", "<"),
    ("below", "<"), ("younger than", "<"), ("is not", "!="), ("not in", "in"), ("in", "in"),
    ("between", "between"), ("equals", "=="), ("equal to", "=="), ("is", "=="),
]
SYMBOLS = (">=", "<=", "!=", "==", "=>", "=<", "=", ">", "<")
_SYMBOL_OP: dict[str, Op] = {">=": ">=", "=>": ">=", "<=": "<=", "=<": "<=", "!=": "!=",
                             "==": "==", "=": "==", ">": ">", "<": "<"}


class Condition(BaseModel):
    """One comparison of a feature with a value (or two, for between; a list, for in)."""

    feature: str = Field(description="The feature, as the table names it or as people say it.")
    op: Op = Field(description="Comparison; 'between' is inclusive at both ends.")
    value: Any = Field(description="The value compared with (the low end for between; a list "
                       "for in).")
    high: Any = Field(default=None, description="The high end, for between.")
    negated: bool = Field(default=False, description="True for 'not in'.")

    def words(self) -> str:
        if self.op == "between":
            return f"{self.feature} between {self.value} and {self.high}"
        if self.op == "in":
            return f"{self.feature} {'not ' if self.negated else ''}in " \
                   f"({', '.join(map(str, self.value))})"
        return f"{self.feature} {self.op} {self.value}"


def _clause(text: str, schema: Schema) -> Condition:
    raw = text.strip().strip("()").strip()
    for sym in SYMBOLS:
        if sym in raw:
            left, _, right = raw.partition(sym)
            return _condition(left, _SYMBOL_OP[sym], right, schema)
    lowered = raw.lower()
    for phrase, op in WORDS:
        found = re.search(rf"\s{re.escape(phrase)}\s", f" {lowered} ")
        if found:
            start = found.start()
            left, right = raw[:start], raw[start + len(phrase):]
            cond = _condition(left, op, right, schema)
            return cond.model_copy(update={"negated": phrase == "not in"})
    words = raw.split()
    negated = bool(words) and words[0].lower() in ("not", "no", "non")
    name = " ".join(words[1:] if negated else words)
    feature = schema[name]
    if feature.kind != "boolean":
        raise UserError(f"Say what {feature.name} is compared with (e.g. {feature.name} > 3).")
    return Condition(feature=feature.name, op="==", value=feature.value("no" if negated else "yes"))


def _condition(left: str, op: Op, right: str, schema: Schema) -> Condition:
    feature = schema[left.strip()]
    right = right.strip().strip("'\"")
    if op == "between":
        low, sep, high = right.partition("~")
        if not sep:
            raise UserError(f"Say both ends: {feature.name} between A and B.")
        lo, hi = feature.value(low), feature.value(high)
        return Condition(feature=feature.name, op="between", value=min(lo, hi), high=max(lo, hi))
    if op == "in":
        items = [s.strip().strip("'\"") for s in right.strip("()[]").split(",") if s.strip()]
        return Condition(feature=feature.name, op="in", value=[feature.value(s) for s in items])
    if op in (">", ">=", "<", "<=") and feature.kind != "numeric":
        raise UserError(f"{feature.name} is {feature.kind}: it can equal a value, not be "
                        "more or less than one.")
    return Condition(feature=feature.name, op=op, value=feature.value(right))


_JOIN = re.compile(r"(\s+and\s+|\s*&&?\s*|\s*,\s*(?![^(]*\)))", re.I)


def _compares(piece: str, schema: Schema) -> bool:
    """Whether a piece reads as a condition of its own: a comparison, or a yes/no feature."""
    low = f" {piece.strip().strip('()').lower()} "
    if any(sym in low for sym in SYMBOLS) or any(f" {w} " in low for w, _ in WORDS):
        return True
    words = low.split()
    try:
        schema[" ".join(words[1:] if words and words[0] in ("not", "no", "non") else words)]
    except (UserError, KeyError):
        return False
    return True


def _conjuncts(text: str, schema: Schema) -> list[str]:
    """The parts joined by "and", "&" or ",": a part that is no condition of its own belongs to
    the value before it ("Department == Research & Development")."""
    pieces = _JOIN.split(text)
    parts = [pieces[0]]
    for sep, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if _compares(piece, schema) or not parts[-1].strip():
            parts.append(piece)
        else:
            parts[-1] += sep + piece
    return parts


def parse_conditions(text: str, schema: Schema) -> list[list[Condition]]:
    """Alternatives ("or") of conjunctions ("and") of conditions, read from `text`."""
    if not text or not text.strip():
        raise UserError("Give a condition, e.g. 'age > 50 and bmi < 30'.")
    guarded = re.sub(r"\bbetween\s+(\S+)\s+and\s+(\S+)", r"between \1~\2", text, flags=re.I)
    groups = []
    for alternative in re.split(r"\s+or\s+|\s*\|\|?\s*", guarded, flags=re.I):
        groups.append([_clause(p, schema) for p in _conjuncts(alternative, schema)
                       if p.strip()])
    return [g for g in groups if g]


def _one(frame: pd.DataFrame, c: Condition) -> np.ndarray:
    col = frame[c.feature]
    if c.op == "between":
        return (col >= c.value).to_numpy() & (col <= c.high).to_numpy()
    if c.op == "in":
        hit = col.astype(str).isin([str(v) for v in c.value]).to_numpy()
        return ~hit if c.negated else hit
    if c.op in ("==", "!="):
        same = (col.astype(str) == str(c.value)).to_numpy()
        if isinstance(c.value, int | float) and not isinstance(c.value, bool):
            same = (col == c.value).to_numpy()
        return same if c.op == "==" else ~same
    compare = {">": col.gt, ">=": col.ge, "<": col.lt, "<=": col.le}[c.op]
    return compare(c.value).to_numpy()


def mask(frame: pd.DataFrame, groups: list[list[Condition]], schema: Schema) -> np.ndarray:
    """Which rows of `frame` meet any of the groups (every condition of a group)."""
    import numpy as np

    out = np.zeros(len(frame), dtype=bool)
    for group in groups:
        hit = np.ones(len(frame), dtype=bool)
        for c in group:
            c = c.model_copy(update={"feature": schema.resolve(c.feature)})
            hit &= _one(frame, c)
        out |= hit
    return out


def describe(groups: list[list[Condition]]) -> str:
    """The conditions in plain words: "Age > 50 and BMI < 30"."""
    return " or ".join(" and ".join(c.words() for c in g) for g in groups)
