"""The split and the length in words a clause asks for: "on the test set", "longer than 20
words". Read before the other criteria so their numbers are not read as ids; kept apart from
`criteria.py`, which reads the rest of a clause's conditions.
"""

from __future__ import annotations

import re
from typing import Any

from .clause_slots import Slots
from .patterns import consume

_SPLITS = [
    ("train", re.compile(r"\b(?:train|training)\b(?!ed)", re.I)),
    (
        "test",
        re.compile(
            r"\b(?:test|testing)\s+(?:set|split|data|reviews?|examples?|portion|items"
            r"|accuracy|performance)\b|\bheld[- ]?out\b|\b(?:on|in"
            r"|from)\s+(?:the\s+)?test\b"
            r"|\btest\s*$",
            re.I,
        ),
    ),
    (
        "all",
        re.compile(
            r"\b(?:all\s+(?:the\s+)?(?:data|reviews|items|examples|splits)|(?:whole"
            r"|entire|full"
            r"|complete)\s+(?:data\s?set|data|corpus)|everything|both splits)\b",
            re.I,
        ),
    ),
]
_LENGTH = [
    (re.compile(r"\bbetween\s+(\d+)\s+and\s+(\d+)\s+words?\b", re.I), "range"),
    (re.compile(r"\b(\d+)\s*(?:-|to)\s*(\d+)\s+words?\b", re.I), "range"),
    (
        re.compile(r"\b(?:longer|more|greater|over|above)\s+(?:than\s+)?(\d+)\s+words?\b", re.I),
        "gt",
    ),
    (
        re.compile(
            r"\b(?:at\s+least|minimum(?:\s+of)?|min\.?)\s+(\d+)\s+words?\b|\b(\d+)\+\s*words?\b",
            re.I,
        ),
        "ge",
    ),
    (
        re.compile(r"\b(?:shorter|fewer|less|under|below)\s+(?:than\s+)?(\d+)\s+words?\b", re.I),
        "lt",
    ),
    (
        re.compile(
            r"\b(?:at\s+most|no\s+more\s+than|up\s+to|maximum(?:\s+of)?"
            r"|max\.?)\s+(\d+)\s+words?\b",
            re.I,
        ),
        "le",
    ),
]

def read_split(s: Slots) -> str | None:
    for name, rx in _SPLITS:
        m = rx.search(s.work)
        if m:
            s.work = consume(s.work, m)
            return name
    return None


def read_length(s: Slots, crit: dict[str, Any]) -> None:
    for rx, kind in _LENGTH:
        m = rx.search(s.work)
        if not m:
            continue
        nums = [int(g) for g in m.groups() if g]
        if kind == "range":
            crit["min_words"], crit["max_words"] = sorted(nums)[:2]
        elif kind == "gt":
            crit["min_words"] = nums[0] + 1
        elif kind == "ge":
            crit["min_words"] = nums[0]
        elif kind == "lt":
            crit["max_words"] = max(nums[0] - 1, 0)
        else:
            crit["max_words"] = nums[0]
        s.work = consume(s.work, m)
