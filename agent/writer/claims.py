"""What a written sentence claims: numbers with what they refer to, predicted labels, directions.

A grounding check that compares bare numbers passes lies: a result holds dozens of numbers
(offsets, ids, per-k figures), so an invented score often equals one of them, and a wrong label
or a flipped direction has no number at all. So an answer is read as claims, each naming what it
is about, and each is later matched only against result values of that kind (`grounding.py`).
This module holds the claim itself and the tokens of a text; `reader.py` finds what each number
refers to, `statements.py` the labels and directions.

The same reading turns the tools' own sentences (`summary`, earlier answers) into facts: a number
the tool itself wrote in a given context supports the same claim in the same context, which
covers figures a tool derives in its sentence (shares, averages) without naming a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

TOKEN = re.compile(
    r"(?P<quote>\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”|‘[^’\n]{1,300}’"
    r"|(?<![\w'])'[^'\n]{1,120}'(?!\w))"
    r"|(?P<pfunc>(?<!\w)(?:log\s+)?p\((?P<inner>[^()\n]{1,80})\))"
    r"|(?P<number>(?<![\w.])[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?(?!\w))"
    r"|(?P<word>[^\W\d_][\w'’]*)"
    r"|(?P<brk>[.!?](?=\s|$)|\n)"
    r"|(?P<punct>[^\s\w])")


@dataclass(frozen=True)
class Tok:
    kind: str  # quote | pfunc | number | word | brk | punct
    text: str
    start: int
    end: int
    sentence: int


@dataclass(frozen=True)
class Claim:
    """One thing an answer says, or one thing a result holds (then called a fact).

    Number kinds: prob (of `label`), change (of p(`label`)), score (of `word`), metric (named by
    `key`), count, id, value (referent unknown). Other kinds: predicted, gold (`label`, about
    `item`), direction (`word` towards `label` when `sign` > 0, away from it when < 0)."""

    kind: str
    value: float | None = None
    token: str = ""
    decimals: int = 0
    percent: bool = False
    signed: bool = False
    label: str | None = None
    word: str | None = None
    key: frozenset[str] = frozenset()
    item: int | None = None
    # predicted and prob: "before" / "after" an edit, "other" (a variant nested in a list),
    # "edited" (a figure after erasing words); a prob claim "now" is what the model says
    role: str | None = None
    sign: int = 0
    negated: bool = False
    # score facts: the labels a negative score pushes towards; other facts: the tokens of the
    # field that holds them (`key` are the tokens of their own name)
    other: frozenset[str] = frozenset()
    is_int: bool = False
    text: str = field(default="", compare=False)

    def describe(self) -> str:
        what = {"prob": f"p({self.label})" if self.label else "a probability",
                "change": f"a change of p({self.label})", "score": f"the score of '{self.word}'",
                "metric": "/".join(sorted(self.key)), "count": "a count", "id": "an id",
                "value": "a value"}.get(self.kind)
        if what is not None:
            return f"{self.token} (as {what})"
        return self.text or f"{self.kind} {self.label}"


def tokens(text: str) -> list[Tok]:
    out: list[Tok] = []
    sentence = 0
    for m in TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind == "inner":
            kind = "pfunc"
        out.append(Tok(kind, m.group(0), m.start(), m.end(), sentence))
        if kind == "brk":
            sentence += 1
    return out


def parse_number(token: str) -> tuple[float, int, bool, bool]:
    """(value, decimals, is_percent, has_explicit_sign) of a number as written."""
    percent = token.endswith("%")
    raw = token.rstrip("%").replace(",", "").replace("−", "-")
    decimals = len(raw.split(".", 1)[1]) if "." in raw else 0
    return float(raw), decimals, percent, raw[:1] in "+-"


def unquote(text: str) -> str:
    return text[1:-1].strip() if len(text) >= 2 and text[0] in "\"'“‘" else text
