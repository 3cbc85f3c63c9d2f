"""A group named by a level of a feature with no number: "people with low job satisfaction",
"low-satisfaction employees", "dissatisfied staff", "patients with high glucose".

On a short range of whole numbers (at most ten steps: ratings such as 1-4 or 1-5, and small
counts such as 0-6 dependents) the low half and the high half are read from the feature's
observed range (1-4: low is 1-2, high 3-4).
On any other feature no half is the obvious one ("high cholesterol" is not the top half of its
range), so the clause asks which number is meant rather than silently answer for every row.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from .feature_words import PEOPLE
from .patterns import consume

if TYPE_CHECKING:
    from .feature_names import FeatureNames

_LOW = ("low", "poor", "bad")
_HIGH = ("high", "good")
_SAD = ("unhappy", "dissatisfied", "unsatisfied", "discontent")
_GLAD = ("happy", "satisfied", "content")
# who the level is said of: "with low X", "who have high X", "low-X employees"
_BEFORE = re.compile(r"\b(?:with|who\s+(?:have|has|had|report|reports)|having|has|have|had)\s+"
                     r"(?:an?\s+|the\s+)?(?:very\s+|really\s+)?$", re.I)
_AFTER = re.compile(rf"\s+(?:[a-z]+\s+)?(?:{PEOPLE}|employees)\b", re.I)


_BOUND_NEAR = re.compile(r"[\s(,]*(?:[a-z]+\s+){0,2}[\s(]*(?:over|above|under|below|more\s+than"
                         r"|less\s+than|at\s+least|at\s+most|[<>]=?)\s*\d", re.I)


class LevelReader:
    """Reads "low X" / "high X" of the table's numeric features (see the module's docstring)."""

    def __init__(self, names: FeatureNames) -> None:
        self.names = names
        numeric = [n for n, f in names.features.items() if f.kind == "numeric"]
        rated = [n for n in numeric if "satisf" in n.lower()]
        self.satisfaction = rated[0] if len(rated) == 1 else None
        levels = "|".join((*_LOW, *_HIGH))
        self.pattern = re.compile(rf"\b(?P<lvl>{levels})[\s-]+(?P<f>{names.pattern})(?![\w-])",
                                  re.I)
        self.mood = re.compile(rf"\b(?P<lvl>{'|'.join((*_SAD, *_GLAD))})(?=\s+(?:[a-z]+\s+)?"
                               rf"(?:{PEOPLE}|employees)\b)", re.I)

    def read(self, w: str, found: list[tuple[int, str]], unsaid: list[str]) -> str:
        """Adds (position, condition) for each level said of a group; a level it cannot place
        becomes a question back in `unsaid`. Returns `w` with what it read blanked."""
        for m in list(self.pattern.finditer(w)):
            if not (_BEFORE.search(w[: m.start()]) or _AFTER.match(w, m.end())):
                continue  # "does a high BMI raise the risk?": no group of rows
            if _BOUND_NEAR.match(w, m.end()):
                continue  # "the high-cholesterol patients (over 240)": the number says it
            name = self.names.name_of(m.group("f"))
            if name is None or self.names.kind(name) != "numeric":
                continue
            low = m.group("lvl").lower() in _LOW
            cond = self._half(name, low)
            if cond is None:
                unsaid.append(f"What counts as {m.group(0).lower()}? Give a number, for example "
                              f"\"{name} {'under' if low else 'over'} ...\".")
            else:
                found.append((m.start(), cond))
            w = consume(w, m)
        if self.satisfaction is not None:
            for m in list(self.mood.finditer(w)):
                cond = self._half(self.satisfaction, m.group("lvl").lower() in _SAD)
                if cond is not None:
                    found.append((m.start(), cond))
                    w = consume(w, m)
        return w

    def _half(self, name: str, low: bool) -> str | None:
        """The low or high half of a short whole-number scale, or None for any other feature."""
        f = self.names.features[name]
        lo, hi = f.low, f.high
        if lo is None or hi is None or not (float(lo).is_integer() and float(hi).is_integer()):
            return None
        if not 1 <= hi - lo <= 10:
            return None
        if low:
            return f"{name} <= {math.floor((lo + hi - 1) / 2):g}"
        return f"{name} >= {lo + (hi - lo) // 2 + 1:g}"
