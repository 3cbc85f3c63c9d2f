"""A what-if's edit said with "it" or with no noun, of the one feature the clause names; and a
pay rise or cut ("a 10% raise", "a 5% salary cut"), of the one feature "pay" or "salary" names.

"If every patient with glucose above 140 got it down to 120", "defendants with more than 10
priors had 5 fewer": the feature is the one the clause's condition is on. Kept apart from
`feature_edits.py`, whose patterns all name the feature they edit.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .patterns import consume

if TYPE_CHECKING:
    from .feature_edits import EditReader
    from .feature_names import FeatureNames

_IT_TO = re.compile(r"\b(?:got|get|gets|had|have|has|brought|bring|reduced|lowered|raised|set"
                    r"|setting|put|cut|dropped|wiped|changed?|changing|moved?)\s+(?:it|them|that"
                    r"|this)\s+(?:(?:down|up|back|reduced|lowered|raised|changed|cut|set|wiped)\s+)?"
                    r"(?:to|at|into)\s+(?:an?\s+)?(?P<v>[\w.-]+(?:\s+[\w-]+)?)", re.I)
_STEP = r"(?:decreas|reduc|lower|drop|cut|increas|rais|bump|boost|halv)\w*"
# "decrease it by 5", "were reduced by 2000" (of the one feature the clause names)
_IT_BY = re.compile(rf"\b(?:(?P<d>{_STEP})\s+(?:it|them|that|this|those)|(?:were|was|are|is|be|been"
                    rf"|got|get)\s+(?P<d2>{_STEP}))\s+by\s+(?P<n>\d+(?:\.\d+)?)"
                    r"(?P<pct>\s*%|\s+percent)?", re.I)
_HAD_N = re.compile(r"\b(?:had|have|has|got|get)\s+(?:only\s+|just\s+)?(?P<n>\d+(?:\.\d+)?)"
                    r"(?!\s*[\w%.])", re.I)
# what may stand before "were reduced by N" of the one feature the clause names
_SUBJECTS = {"they", "those", "these", "all", "both", "everyone", "each", "them", "ones",
             "values", "value", "numbers", "levels", "amounts", "and", "but", "had", "have", "has"}
_N_MORE = re.compile(r"\b(?:had|have|has|with|got|get)\s+(?:only\s+|just\s+)?"
                     r"(?P<n>\d+(?:\.\d+)?)\s+(?P<d>fewer|less|more|extra|additional)\b"
                     r"(?!\s+[a-z])", re.I)


_GOT_ONE = re.compile(r"\b(?:got|get|gets|had|have|has|bought|buy|added|add)\s+(?:one|1)"
                      r"(?=\s*(?:$|[,.?!;]|and\b|too\b|instead\b|what\b|how\b|would\b|will\b))",
                      re.I)


# "a 20% pay rise", "a 15 percent raise", "a 10% pay cut": a change of pay, its feature unsaid
_RAISE = re.compile(r"\b(?P<n>\d+(?:\.\d+)?)\s*(?:%|percent)\s+(?:(?:pay|salary|wage)\s+"
                    r"(?P<d>raise|rise|increase|bump|hike|cut|decrease|reduction)|(?P<d2>raise))\b",
                    re.I)


def pay_raise(names: FeatureNames, w: str) -> tuple[str, list[dict[str, Any]]]:
    """"Give 1044 a 15 percent raise": the feature "pay" or "salary" names, multiplied."""
    m = _RAISE.search(w)
    name = next((n for n in map(names.name_of, ("pay", "salary", "income")) if n), None)
    if m is None or name is None or names.kind(name) != "numeric":
        return w, []
    said = (m.group("d") or m.group("d2")).lower()
    n, down = float(m.group("n")), said in ("cut", "decrease", "reduction")
    return consume(w, m), [{"feature": name, "op": "multiply",
                            "value": round(1 - n / 100 if down else 1 + n / 100, 6)}]


def got_one(names: FeatureNames, w: str,
            conditions: list[str]) -> tuple[str, list[dict[str, Any]]]:
    """"If the ones without a garage got one": the yes of the one yes/no feature the rows lack."""
    m = _GOT_ONE.search(w)
    lacking = [c.split()[0] for c in conditions if c.endswith(" 0")
               and names.kind(c.split()[0]) == "boolean"]
    if m is None or len(lacking) != 1:
        return w, []
    value = names.truth(lacking[0], True)
    return consume(w, m), [{"feature": lacking[0], "op": "set",
                            "value": int(value) if value in ("0", "1") else value}]


def pronoun_edits(reader: EditReader, w: str, name: str) -> tuple[str, list[dict[str, Any]]]:
    """"If everyone with glucose above 140 got it down to 120", "defendants with more than
    10 priors had 5 fewer": an edit of the one feature the clause names, said with "it" or
    with no noun at all."""
    m = _IT_TO.search(w)
    if m:
        words = m.group("v").split()
        for said in (" ".join(words[:2]), words[0]):
            value = reader.value_for(name, said)
            if value is not None:
                return consume(w, m), [{"feature": name, "op": "set", "value": value}]
    m = _IT_BY.search(w)  # "with BMI over 30 and we decrease it by 5"
    subject = re.search(r"\b([a-z]{3,})\s+(?:were|was|are|is|be|been|got|get)\s+\S+\s*$",
                        w[:m.end("d2")], re.I) if m and m.group("d2") else None
    if subject and subject.group(1).lower() not in _SUBJECTS:
        m = None  # "if the cholesterol was reduced by 20": a noun the table lacks, not "it"
    if m and reader.names.kind(name) == "numeric":
        n = float(m.group("n"))
        down = re.match(r"(?:decreas|reduc|lower|drop|cut|halv)", m.group("d") or m.group("d2"),
                        re.I) is not None
        if m.group("pct"):
            return consume(w, m), [{"feature": name, "op": "multiply",
                                    "value": round(1 - n / 100 if down else 1 + n / 100, 6)}]
        return consume(w, m), [{"feature": name, "op": "decrease" if down else "increase",
                                "value": int(n) if n.is_integer() else n}]
    m = _HAD_N.search(w)  # "if defendants with no prior crimes had 5"
    if m and reader.names.kind(name) == "numeric":
        n = float(m.group("n"))
        return consume(w, m), [{"feature": name, "op": "set",
                                "value": int(n) if n.is_integer() else n}]
    m = _N_MORE.search(w)
    if m and reader.names.kind(name) == "numeric":
        n = float(m.group("n"))
        down = m.group("d").lower() in ("fewer", "less")
        return consume(w, m), [{"feature": name, "op": "decrease" if down else "increase",
                                "value": int(n) if n.is_integer() else n}]
    return w, []
