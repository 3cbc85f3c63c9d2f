"""Two groups of a table's rows in one question: compared ("accuracy for BMI above 30 vs below
30", "does it do better on women or men?") or put together ("show patients under 25 and
patients over 70").

Two conditions on one feature that no row meets together ("under 25 and over 70") can only mean
either group; when the question compares them, each group gets the tool on its own (a selection,
then the tool, twice), since the selection tool keeps one group at a time.
"""

from __future__ import annotations

import re
from typing import Any

from ..base import ToolCall
from ..catalogue import catalogue

COMPARE = re.compile(r"\b(?:compar\w*|vs\.?|versus|better|worse|difference|differ\w*|against"
                     r"|side\s+by\s+side)\b", re.I)
_ATOM = re.compile(r"^\s*(\S+)\s+(==|!=|>=|<=|>|<)\s+(.+?)\s*$")


def _atom(cond: str) -> tuple[str, str, str] | None:
    m = _ATOM.match(cond)
    return (m.group(1), m.group(2), m.group(3)) if m else None


def disjoint(a: str, b: str) -> bool:
    """Whether no row can meet both conditions: bounds on one feature that do not overlap
    ("Age < 25", "Age > 70") or two values of one feature ("Sex == Male", "Sex == Female")."""
    x, y = _atom(a), _atom(b)
    if x is None or y is None or x[0] != y[0]:
        return False
    if x[1] == "==" and y[1] == "==":
        return x[2] != y[2]
    try:
        vx, vy = float(x[2]), float(y[2])
    except ValueError:
        return False
    low, high = (x, vx), (y, vy)
    if x[1].startswith("<"):
        low, high = (y, vy), (x, vx)
    if not (low[0][1].startswith(">") and high[0][1].startswith("<")):
        return False
    strict = low[0][1] == ">" or high[0][1] == "<"
    return low[1] > high[1] or (low[1] == high[1] and strict)


def settle(conditions: list[str], joiners: list[str]) -> list[str]:
    """The joiners with "and" between two conditions no row meets together made "or"."""
    out = list(joiners)
    for i, joiner in enumerate(out):
        if joiner == "and" and disjoint(conditions[i], conditions[i + 1]):
            out[i] = "or"
    return out


def compared(conditions: list[str], text: str) -> bool:
    """Whether the clause compares two groups of one feature ("bmi above 30 vs below 30")."""
    return (len(conditions) == 2 and disjoint(*conditions)
            and COMPARE.search(text) is not None)


_IN_TWO = re.compile(r"(\S+) in \(([^,()]+), ([^,()]+)\)")
# "is it more accurate for men or for women?": a comparison without the word
WHICH_MORE = re.compile(r"\b(?:more|less|better|worse|higher|lower|fairer)\b[^?.!]*\bor\b"
                        r"|\bwhich\s+(?:group|one)\b", re.I)


def per_group(calls: list[ToolCall], compare: bool) -> list[ToolCall]:
    """Two selections and then one tool: the tool on each group when the question compares
    them, else the tool on both groups together."""
    cat = catalogue()
    out: list[ToolCall] = []
    i = 0
    while i < len(calls):
        a = calls[i]
        two = _IN_TWO.fullmatch(str(a.args.get("where", ""))) if compare and set(a.args) == {
            "where"} else None
        if two and i + 1 < len(calls) and calls[i + 1].tool != cat.selector:
            tool = calls[i + 1]  # "more accurate for men or for women?": each on its own
            for value in (two.group(2), two.group(3)):
                out += [ToolCall(tool=cat.selector, args={"where": f"{two.group(1)} == {value}"}),
                        ToolCall(tool=tool.tool, args=dict(tool.args))]
            i += 2
            continue
        if (i + 2 < len(calls) and a.tool == cat.selector and calls[i + 1].tool == cat.selector
                and calls[i + 2].tool != cat.selector and _plain(a.args)
                and _plain(calls[i + 1].args)):
            b, tool = calls[i + 1], calls[i + 2]
            if compare:
                out += [a, tool, b, ToolCall(tool=tool.tool, args=dict(tool.args))]
                if (i + 3 < len(calls) and calls[i + 3].tool == cat.predictor
                        and not calls[i + 3].args):
                    i += 1  # the second group's own words ("and those 40 or older") read as
                    # a prediction of their own: the compared tool answers for them already
            else:
                either = f"{a.args['where']} or {b.args['where']}"
                out += [ToolCall(tool=cat.selector, args={"where": either}), tool]
            i += 3
            continue
        out.append(a)
        i += 1
    return out


def split_compared(calls: list[ToolCall]) -> list[ToolCall]:
    """A selection of "A or B" that a clause compares, then a tool: A, the tool, B, the tool."""
    cat = catalogue()
    out: list[ToolCall] = []
    for i, x in enumerate(calls):
        where = x.args.get("where") if x.tool == cat.selector else None
        nxt = calls[i + 1] if i + 1 < len(calls) else None
        parts = str(where).split(" or ") if where else []
        if len(parts) == 2 and nxt is not None and nxt.tool != cat.selector:
            rest = {k: v for k, v in x.args.items() if k != "where"}
            out += [ToolCall(tool=x.tool, args={**rest, "where": parts[0]}),
                    ToolCall(tool=nxt.tool, args=dict(nxt.args)),
                    ToolCall(tool=x.tool, args={**rest, "where": parts[1]})]
            continue
        out.append(x)
    return out


def _plain(args: dict[str, Any]) -> bool:
    """A selection by feature conditions alone, which neither combines nor resets."""
    return set(args) == {"where"}


def one_of(found: list[tuple[int, str]], categorical: set[str]) -> list[tuple[int, str]]:
    """Two values of one category ("men and women over 50", "salaried or self-employed") are
    one condition: the feature in those values (no row holds both)."""
    values: dict[str, list[tuple[int, str]]] = {}
    for at, cond in found:
        m = re.fullmatch(r"(\S+) == (.+)", cond)
        if m and m.group(1) in categorical:
            values.setdefault(m.group(1), []).append((at, m.group(2)))
    out = list(found)
    for name, said in values.items():
        if len({v for _, v in said}) < 2:
            continue
        drop = {f"{name} == {v}" for _, v in said}
        out = [(at, c) for at, c in out if c not in drop]
        listed = ", ".join(dict.fromkeys(v for _, v in said))
        out.append((said[0][0], f"{name} in ({listed})"))
    return sorted(out)


_THE_REST = re.compile(r"\b(?:compared?|versus|vs\.?|against|than|or)\b[^?.!]*(?:\b(?:those|the ones"
                       r"|people|[a-z]+s)\s+(?:without|who\s+(?:don'?t|do\s+not|aren'?t|are\s+not)"
                       r"|not)\b(?:\s+\w+)?|\b(?:the rest|the others|everyone else|everybody else"
                       r"|all the others))\s*[?.!]*\s*$", re.I)
_OPPOSITE = {">": "<=", "<": ">=", ">=": "<", "<=": ">", "==": "!=", "!=": "=="}


def versus_the_rest(calls: list[ToolCall], text: str) -> list[ToolCall]:
    """"How does performance for applicants with a guarantor compare to those without?": the
    tool on the group, then on the rows outside it."""
    cat = catalogue()
    if len(calls) != 2 or calls[0].tool != cat.selector or set(calls[0].args) != {"where"} or (
            not _THE_REST.search(text)):
        return calls
    cond = re.fullmatch(r"(\S+) (>=|<=|==|!=|>|<) (.+)", str(calls[0].args["where"]))
    if cond is None:
        return calls
    rest = f"{cond.group(1)} {_OPPOSITE[cond.group(2)]} {cond.group(3)}"
    return [*calls, ToolCall(tool=cat.selector, args={"where": rest}),
            ToolCall(tool=calls[1].tool, args=dict(calls[1].args))]

