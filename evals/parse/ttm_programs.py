"""TalkToModel's gold programs read as the saywhy calls that answer them.

A gold program is TalkToModel's parse of a question: operations joined by "and"/"or", e.g.
`filter age greater than 50 and filter bmi less than 30 and mistake typical`. Read left to right:
- `filter id N` is the item the question is about (a saywhy `id`);
- `filter F <comparison> V` (greater than, less than, greater equal than, less equal than,
  equal to, not equal to), `filter F true|false` and a bare `filter F` (= true) are feature
  conditions; `filter labelfilter C` / `filter predictionfilter C` select by gold / predicted
  class C (the target's label name of that class). Conditions combine left to right: "and" narrows
  the rows selected so far, "or" adds rows, kept as alternatives of conjunctions (`DNF`);
- `previousfilter` is the subset of an earlier turn, which a suite does not give: the
  conditions of such a question are not compared (as the intent eval plans it with an empty
  dialogue state, so does this one);
- `change F increase|decrease|set V` and `change F true|false` are what-if edits;
- the last other operation is the main one. It picks the saywhy tools that answer it, as in the
  intent eval (`talktomodel.expected`), except that a program with a `change` asks a what-if
  (`what_if` with the edits, whatever is asked of the changed rows; `previousoperation` after a
  change included) and `interact` asks for `interactions`.

Conditions and edits are normalised so that spellings that select the same rows compare equal:
feature names resolved through the table's schema (case, `_` and spaces folded), values read as
the feature's kind then as numbers (true/false/yes/no as the boolean's 1/0), `between` as `>=`
and `<=`, a one-value `in` as `==`, `!=` on a boolean as `==` the other value, and on
whole-number features `> v` as `>= floor(v)+1`, `< v` as `<= ceil(v)-1`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from saywhy.tools.errors import SaywhyError
from saywhy.tools.tabular.schema import Schema

from .talktomodel import expected as intent_tools

Cond = tuple[str, str, Any]
Group = frozenset[Cond]
DNF = frozenset[Group]
Edit = tuple[str, str, Any]
EVERYTHING: DNF = frozenset({frozenset()})  # no condition: all rows
COMPARISONS = {"greater equal than": ">=", "less equal than": "<=", "greater than": ">",
               "less than": "<", "not equal to": "!=", "equal to": "=="}
NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_FILTER = re.compile(r"filter (\S+)(?: (" + "|".join(COMPARISONS) + r"))?(?: (\S+))?$")
_CHANGE = re.compile(r"change (\S+) (?:(increase|decrease|set) (\S+)|(true|false))$")


def both(a: DNF, b: DNF) -> DNF:
    """Rows in a and in b, as alternatives of conjunctions."""
    return frozenset(x | y for x in a for y in b)


@dataclass
class Normaliser:
    """Puts gold and planned conditions and edits in one form, for one loaded table."""

    schema: Schema
    classes: Sequence[Any]
    labels: Sequence[str]

    def feature(self, name: str) -> str:
        try:
            return self.schema.resolve(name)
        except SaywhyError:
            return "?" + re.sub(r"[^a-z0-9]", "", name.lower())

    def known(self, name: str) -> bool:
        return not self.feature(name).startswith("?")

    def value(self, feature: str, raw: Any) -> Any:
        """`raw` as the feature's value, then as a number where it is one."""
        text = str(raw).strip().lower()
        text = str(NUMBERS.get(text, text))
        if self.known(feature):
            try:
                raw = self.schema[feature].value(text)
            except SaywhyError:
                raw = text
        try:
            return float(raw)
        except (TypeError, ValueError):
            return str(raw).strip().lower()

    def label(self, raw: Any) -> str:
        """A gold class (`1`) or a label name as the target's label name, folded."""
        for c, name in zip(self.classes, self.labels, strict=True):
            if str(raw).strip().lower() in (str(c).lower(), name.lower()):
                return name.lower()
            try:
                if float(raw) == float(c):
                    return name.lower()
            except (TypeError, ValueError):
                continue
        return str(raw).strip().lower()

    def condition(self, feature: str, op: str, value: Any, high: Any = None,
                  negated: bool = False) -> list[Cond]:
        name = self.feature(feature)
        if op == "between":
            return self.condition(name, ">=", value) + self.condition(name, "<=", high)
        if op == "in":
            values = value if isinstance(value, list | tuple) else [value]
            if len(values) == 1 and not negated:
                return self.condition(name, "==", values[0])
            key = frozenset(self.value(name, v) for v in values)
            return [(name, "not in" if negated else "in", key)]
        v = self.value(name, value)
        info = self.schema[name] if self.known(name) else None
        if info is not None and info.kind == "boolean" and op == "!=" and v in (0.0, 1.0):
            op, v = "==", 1.0 - v
        if info is not None and info.integer and isinstance(v, float) and op in (">", "<"):
            op, v = (">=", float(math.floor(v) + 1)) if op == ">" else ("<=",
                                                                        float(math.ceil(v) - 1))
        return [(name, op, v)]

    def edit(self, feature: str, op: str, value: Any) -> Edit:
        name = self.feature(feature)
        return (name, op, self.value(name, value))


@dataclass(frozen=True)
class Expected:
    """The saywhy calls a gold program asks for: the main tool (one of `tools`), its item,
    the conditions on the rows asked about (None: not compared) and the what-if edits."""

    category: str
    tools: frozenset[str]
    id: int | None = None
    conditions: DNF | None = EVERYTHING
    edits: frozenset[Edit] = frozenset()
    unknown: tuple[str, ...] = field(default=())  # gold feature names the table lacks


def split_program(program: str) -> list[tuple[str, str]]:
    """(connector, operation) pairs; the first connector is "and"."""
    pieces = re.split(r"\s+(and|or)\s+", program.strip())
    out = [("and", pieces[0].strip())]
    out += [(pieces[i], pieces[i + 1].strip()) for i in range(1, len(pieces) - 1, 2)]
    return [(c, o) for c, o in out if o]


def read_program(program: str, norm: Normaliser) -> Expected:
    """The expected saywhy calls of one gold program (see the module docstring)."""
    item: int | None = None
    conditions: DNF | None = None
    previous = False
    edits: list[Edit] = []
    others: list[str] = []
    unknown: list[str] = []
    for connector, op in split_program(program):
        if op == "previousfilter":
            previous = True
            continue
        found = _FILTER.match(op)
        if found and found.group(1) == "id" and found.group(3):
            item = int(float(found.group(3)))
            continue
        if found:
            subject, comparison, value = found.groups()
            if subject in ("labelfilter", "predictionfilter"):
                key = "__label__" if subject == "labelfilter" else "__predicted__"
                conds: list[Cond] = [(key, "==", norm.label(value or ""))]
            else:
                if not norm.known(subject):
                    unknown.append(subject)
                op_ = COMPARISONS.get(comparison or "", "==")
                conds = norm.condition(subject, op_, value if value is not None else "true")
            new: DNF = frozenset({frozenset(conds)})
            if conditions is None:
                conditions = new
            else:
                conditions = conditions | new if connector == "or" else both(conditions, new)
            continue
        if op.startswith("change "):
            changed = _CHANGE.match(op)
            if changed is None:
                unknown.append(op.split()[1])
                edits.append(("?" + op[len("change "):], "?", None))
                continue
            name, how, amount, truth = changed.groups()
            if not norm.known(name):
                unknown.append(name)
            edits.append(norm.edit(name, how or "set", amount if how else truth))
            continue
        others.append(op)
    category, tools = main_operation(others, item is not None, bool(edits))
    return Expected(category=category, tools=tools, id=item,
                    conditions=None if previous else (conditions or EVERYTHING),
                    edits=frozenset(edits), unknown=tuple(dict.fromkeys(unknown)))


def main_operation(others: list[str], by_id: bool, edits: bool) -> tuple[str, frozenset[str]]:
    """The category and saywhy tools of the main (last non-filter) operation."""
    scope = " (one item)" if by_id else " (rows)"
    if edits:
        return "change" + scope, frozenset({"what_if"})
    if not others or others[-1].split()[0] == "previousoperation":
        return "previousoperation", frozenset()
    main = others[-1]
    if main.split()[0] == "interact":
        return "interact", frozenset({"interactions"})
    found = intent_tools(("filter id 0 and " if by_id else "") + main)
    if found is None:
        return main.split()[0], frozenset()
    name, tools = found
    if name in ("explain features", "likelihood", "predict"):
        name += scope  # asked of one row, or of rows (a subset or the whole table)
    return name, frozenset(tools)


def gold_ids(expectations: Iterable[Expected]) -> list[int]:
    return [e.id for e in expectations if e.id is not None]
