"""Yes/no columns that stand for a comparison or for one value of a category.

Binarised tables spell a threshold in a column's name ("CheckingAccountBalance_geq_200",
"YearsAtCurrentJobLessThan1", "CreditScoreBelow600") and split a category into one-hot columns
that share a prefix ("loanpurposeNewCar", "loanpurposeBusiness"; "regionRural", "regionUrban").
People ask about the quantity and the category, not the columns: "applicants with at least 200
in checking", "less than a year at their job", "business loans", "rural drivers". The threshold
columns of one quantity become one numeric *stand-in* feature (named for the quantity,
"checking_account_balance") that the condition readers read like any other; a condition on it is
then written as the column it means (`balance >= 200` -> `CheckingAccountBalance_geq_200 == 1`,
`< 200` -> `== 0`). One no column says ("balance over 100") is left on the stand-in, which the
table tools then refuse, naming the features the table has. In a supposition with no edit read
("what if applicant 5 had over 200 in checking?") a condition on a stand-in is the edit. One-hot
columns become value forms of their column
("new car", "new cars" -> `loanpurposeNewCar == 1`). All from the names at run time.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from saywhy.tools.tabular.schema import spelling

from .clause_slots import FeatureSlots

_OPS = (
    (">=", r"geq|ge|gte|greater or equal (?:than|to)|greater than or equal to|at least|min"),
    ("<=", r"leq|le|lte|less or equal (?:than|to)|less than or equal to|at most|max"),
    (">", r"gt|greater than|over|above|more than"),
    ("<", r"lt|less than|under|below|fewer than"),
)
_NAME = re.compile(r"^(?P<base>.+?) (?P<op>" + "|".join(p for _, p in _OPS)
                   + r") (?P<n>\d+(?:\.\d+)?)$")
# first words of a name that make no category of the rest ("HasGarage", "NoCurrentLoan")
_NO_PREFIX = {"has", "is", "no", "not", "non", "num", "number", "other", "was", "are", "with"}


@dataclass(frozen=True)
class Threshold:
    """A yes/no column that holds `quantity op value`."""

    column: str
    quantity: str  # the quantity as words: "checking account balance"
    op: str
    value: float


def _words(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=\d)", " ", spelling(name))


def threshold_of(name: str) -> Threshold | None:
    m = _NAME.match(_words(name))
    if m is None:
        return None
    op = next(o for o, p in _OPS if re.fullmatch(p, m.group("op")))
    return Threshold(name, m.group("base"), op, float(m.group("n")))


def thresholds(booleans: Sequence[str], taken: Sequence[str]) -> dict[str, list[Threshold]]:
    """Stand-in name -> the threshold columns of one quantity (none named like a column)."""
    out: dict[str, list[Threshold]] = defaultdict(list)
    for name in booleans:
        found = threshold_of(name)
        if found is not None:
            out[found.quantity.replace(" ", "_")].append(found)
    columns = {spelling(t) for t in taken}
    return {k: v for k, v in out.items() if spelling(k) not in columns}


def one_hot_values(booleans: Sequence[str]) -> dict[str, str]:
    """Column -> the category value it stands for ("loanpurposeNewCar" -> "new car"): yes/no
    columns (no thresholds) whose first word at least one other such column shares."""
    split = {n: _words(n).split() for n in booleans if threshold_of(n) is None}
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for name, words in split.items():
        if len(words) >= 2 and words[0] not in _NO_PREFIX:
            by_prefix[words[0]].append(name)
    return {n: " ".join(split[n][1:]) for names in by_prefix.values() if len(names) >= 2
            for n in names}


def _holds(op: str, v: float, bound_op: str, bound: float) -> bool | None:
    """Whether every x with `x op v` satisfies `x bound_op bound` (True), none does (False), or
    neither can be said (None). Equality is a one-value set."""
    def inside(x: float, o: str, b: float) -> bool:
        return {">=": x >= b, "<=": x <= b, ">": x > b, "<": x < b}[o]

    if op == "==":
        return inside(v, bound_op, bound)
    if v != bound:
        return None
    above = op in (">", ">=")
    if bound_op in (">", ">="):
        return True if above else False
    return False if above else True


def as_column(columns: list[Threshold], op: str, value: float) -> tuple[str, bool] | None:
    """The column and truth that a condition on a stand-in means, if one column says it: the
    one whose threshold the condition names (or, for `== v`, the only column)."""
    for t in columns:
        holds = _holds(op, value, t.op, t.value)
        if holds is not None and (op != "==" or len(columns) == 1):
            return t.column, holds
    return None


def stand_ins(bins: dict[str, list[Threshold]], truth: Callable[[str, bool], str],
              out: FeatureSlots, hypothetical: bool) -> None:
    """Write the clause's slots on stand-ins as the columns they mean: a condition or a set
    edit as its column's yes or no (a condition no column says stays as it is), a mention or
    a fixed feature as the quantity's first column; in a supposition with no edit, a condition
    on a stand-in is the edit."""
    if not bins:
        return
    kept: list[str] = []
    joiners: list[str] = []
    suppose = hypothetical and not out.edits
    for i, cond in enumerate(out.conditions):
        name, op, *rest = cond.split()
        found = as_column(bins[name], op, float(rest[0])) if name in bins and op != "between" \
            else None
        if found is not None and suppose:
            out.edits.append({"feature": found[0], "op": "set",
                              "value": truth(found[0], found[1])})
            continue
        if found is not None:
            cond = f"{found[0]} == {truth(found[0], found[1])}"
        elif name in bins:  # "mileage over 20000" with only a 15000 cut: ask which is meant
            out.unsaid.append(_unsaid(name, bins[name], op, rest))
            continue
        if kept:
            joiners.append(out.joiners[i - 1] if 0 < i <= len(out.joiners) else "and")
        kept.append(cond)
    out.conditions, out.joiners = kept, joiners
    edits = []
    for e in out.edits:
        name = str(e.get("feature"))
        if name in bins:
            found = as_column(bins[name], "==", float(e["value"])) if e.get("op") == "set" \
                else None
            if found is None:
                continue
            e = {"feature": found[0], "op": "set", "value": truth(found[0], found[1])}
        edits.append(e)
    out.edits = edits
    first = {name: ts[0].column for name, ts in bins.items()}
    out.mentioned = list(dict.fromkeys(first.get(n, n) for n in out.mentioned))
    out.fixed = list(dict.fromkeys(first.get(n, n) for n in out.fixed))


_WORDS = {">=": "at least", "<=": "at most", ">": "over", "<": "under"}


def _unsaid(name: str, columns: list[Threshold], op: str, rest: list[str]) -> str:
    """The question back for a threshold no column says."""
    said = " ".join([_WORDS.get(op, op), *rest])
    cuts = " and ".join(f"{_WORDS[t.op]} {t.value:g} ({t.column})" for t in columns)
    quantity = columns[0].quantity
    return (f"The table records {quantity} only as yes/no columns: {cuts}, so I cannot select "
            f"{quantity} {said}. Which cut did you mean?")


class OneHotEdits:
    """A supposed switch of category: "if they drove a sports car instead of a sedan" sets the
    new value's one-hot column to yes and the old one's (when said) to no; "if the loan had been
    for a new car", "on premium instead of basic" set a categorical feature to the new value (the
    old one, after "instead of", is consumed: it is no group of rows). A value that a noun
    follows ("had a higher income", "had a premium of 900") or that a relative clause gives
    ("drivers who are on basic had ...") is no switch."""

    def __init__(self, values: dict[str, tuple[str, str]], one_hot: dict[str, str],
                 categorical: set[str]) -> None:
        forms = sorted((f for f, (col, _) in values.items()
                        if col in one_hot or col in categorical), key=len, reverse=True)
        self.values, self.one_hot = values, one_hot
        said = "|".join(re.escape(f) for f in forms)
        a = r"(?:an?\s+|the\s+|in\s+(?:an?\s+|the\s+)?)?"
        self._old = re.compile(rf"\b(?:from|instead\s+of|rather\s+than)\s+{a}(?P<v>{said})\b",
                               re.I) if forms else None
        self._new = re.compile(
            rf"\b(?:drove|drive|drives|driving|had|has|have|having|owned|owns|own|got|gets|get"
            rf"|bought|buys|buy|switch(?:ed|es)?\s+to|moved\s+to|move\s+to|to|lived\s+in"
            rf"|lives\s+in|live\s+in|(?:been|was|were|is|are|be)\s+(?:for|on|in)|was|were|be"
            rf"|became|become|went\s+to)\s+{a}(?P<v>{said})\b", re.I) if forms else None

    def _switch(self, w: str, m: re.Match[str]) -> bool:
        """Whether the value read is switched to: what follows it is nothing, a word of its own
        feature's name ("moderate savings") or a word of `_AFTER_OK`, and no relative clause
        gives it."""
        nxt = re.match(r"\s*([a-z]+)?", w[m.end("v"):], re.I)
        word = (nxt.group(1) or "").lower() if nxt else ""
        own = set(spelling(self.values[m.group("v").lower()][0]).split())
        relative = re.search(r"\b(?:who|that|which)\s+$", w[:m.start()], re.I)
        return (not word or word in _AFTER_OK or word.rstrip("s") in own | {
            x.rstrip("s") for x in own}) and relative is None

    def read(self, w: str) -> tuple[str, list[dict[str, str | int]]]:
        if self._new is None or self._old is None:
            return w, []
        edits: list[dict[str, str | int]] = []
        for pattern, yes in ((self._old, False), (self._new, True)):
            for m in list(pattern.finditer(w)):
                if yes and not self._switch(w, m):
                    continue
                column, value = self.values[m.group("v").lower()]
                if column in self.one_hot:
                    edits.append({"feature": column, "op": "set", "value": int(yes)})
                elif yes and not any(e["feature"] == column for e in edits):
                    edits.append({"feature": column, "op": "set", "value": value})
                w = w[:m.start("v")] + " " * (m.end("v") - m.start("v")) + w[m.end("v"):]
        return (w, edits) if any(e["value"] != 0 for e in edits) else (w, [])


# what may follow a switched-to value ("a sports car instead", "an SUV what would ...")
_AFTER_OK = set("""instead rather and or but too as then so what how would will does do is are
could can should why which who now also one ones area areas region plan type kind""".split())


def either_one_hot(conditions: list[str], joiners: list[str], one_hot: dict[str, str]) -> None:
    """"Truck and SUV owners": two values of one one-hot category joined by "and" are either
    (no row has both), as "men and women over 50" is for a categorical feature. With more
    conditions, all joined by "and", each value takes the others ("rural and urban drivers
    with a garage": rural with a garage, or urban with a garage)."""
    def group(cond: str) -> str | None:
        name, op, *_ = cond.split()
        return _words(name).split()[0] if name in one_hot and op == "==" else None

    pair = next((i for i, j in enumerate(joiners) if j == "and" and group(conditions[i])
                 is not None and group(conditions[i]) == group(conditions[i + 1])), None)
    if pair is None or any(j != "and" for j in joiners):
        return
    a, b = conditions[pair], conditions[pair + 1]
    rest = [c for k, c in enumerate(conditions) if k not in (pair, pair + 1)]
    conditions[:] = [a, *rest, b, *rest]
    joiners[:] = ["and"] * len(rest) + ["or"] + ["and"] * len(rest)
