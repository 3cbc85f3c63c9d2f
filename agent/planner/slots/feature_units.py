"""A feature named by its unit alone: "orders over 10 km", "parcels heavier than 30 kg", "under
5 mins" when one numeric column's name ends in that unit ("distance_km", "weight_kg",
"wait_mins"), or a distance in miles or km when one column is a distance. People give the
amount with its unit and leave the column's name out; the unit names the column only when
exactly one column has it.
"""

from __future__ import annotations

import re

from .feature_words import GE, GT, LE, LT
from .patterns import consume

N = r"-?\d+(?:\.\d+)?"
# "heavier than", "farther than": any comparative said of an amount; the few that mean less
_LESS = re.compile(r"(?:less|lower|smaller|fewer|shorter|lighter|closer|nearer|cheaper|younger"
                   r"|slower|earlier)\b", re.I)


def _op(m: re.Match[str]) -> str:
    """The comparison of a match with groups ge / le / gt / lt."""
    return next(o for g, o in (("ge", ">="), ("le", "<="), ("gt", ">"), ("lt", "<")) if m.group(g))


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


class UnitReader:
    """Reads "<comparison> <number> <unit>" for the numeric columns whose name ends in a unit
    (a last word of 1-4 letters, or one of `units`) that no other column's name ends in."""

    def __init__(self, numeric: dict[str, str], units: tuple[str, ...]) -> None:
        """`numeric`: each numeric column's name as people write it ("distance km")."""
        owners: dict[str, list[str]] = {}
        for name, said in numeric.items():
            words = said.split()
            if len(words) >= 2 and (re.fullmatch(r"[a-z]{1,4}", words[-1]) or words[-1] in units):
                owners.setdefault(words[-1], []).append(name)
        self.columns = {unit: names[0] for unit, names in owners.items() if len(names) == 1}
        distance = [n for n, said in numeric.items() if "distance" in said.split()]
        if len(distance) == 1:  # "lives more than 20 miles away": the one distance column
            for unit in ("miles", "mi", "km", "kilometers", "kilometres", "meters", "metres"):
                self.columns.setdefault(unit, distance[0])
        if not self.columns:
            self.pattern = None
            return
        units_re = "|".join(rf"{re.escape(u.rstrip('s'))}s?" for u in sorted(self.columns,
                                                                            key=len, reverse=True))
        self.pattern = re.compile(
            rf"\b(?:(?P<ge>{GE})|(?P<le>{LE})|(?P<gt>{GT})|(?P<lt>{LT})|(?P<er>[a-z]+er)\s+than)"
            rf"\s*(?P<n>{N})\s*(?P<u>{units_re})\b", re.I)

    def read(self, w: str, found: list[tuple[int, str]]) -> str:
        """Adds (position, condition) for each amount said with its unit; returns `w` with them
        blanked."""
        if self.pattern is None:
            return w
        for m in list(self.pattern.finditer(w)):
            said = m.group("u").lower()
            name = self.columns.get(said) or self.columns.get(said.rstrip("s")) or (
                self.columns.get(said + "s"))
            if name is None:
                continue
            op = ("<" if _LESS.fullmatch(m.group("er")) else ">") if m.group("er") else _op(m)
            found.append((m.start(), f"{name} {op} {_number(m.group('n'))}"))
            w = consume(w, m)
        return w


_BARE = re.compile(rf"\b(?:(?P<ge>{GE})|(?P<le>{LE})|(?P<gt>{GT})|(?P<lt>{LT}))\s*(?P<n>{N})"
                   r"(?![\w.%]|\s*(?:%|percent|years?|yrs?|months?|days?|[a-z]{1,3}\b))", re.I)


def bare_bound(w: str, found: list[tuple[int, str]], numeric: list[str]) -> str:
    """"Cholesterol minus 40 for everyone over 240", "the high-cholesterol patients (over 240)":
    a bound with no feature of its own, of the one numeric feature the clause names (and has no
    condition on yet). Returns `w` with it blanked."""
    if len(numeric) != 1 or any(cond.split()[0] == numeric[0] for _, cond in found):
        return w
    m = _BARE.search(w)
    if m is None or re.search(r"\b(?:probab\w*|confiden\w*|chances?|likel\w*|scores?|certain\w*)"
                              r"\W+(?:\w+\W+){0,2}$", w[: m.start()], re.I):
        return w  # ("predicted approved with probability above 0.8": no feature's bound)
    found.append((m.start(), f"{numeric[0]} {_op(m)} {_number(m.group('n'))}"))
    return consume(w, m)
