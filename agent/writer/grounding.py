"""Grounding check: every number and every quoted word in an LLM-written answer must come from the
tools' results (or the question and the call arguments).

The tools own every number; a number no tool produced is a bug. Numbers are compared with a
tolerance for rounding (0.912 may be written 0.91 or 91%); quotes are compared after folding
case, punctuation and spacing (results keep tokenised text such as "gorgeous , witty").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

NUMBER = re.compile(r"(?<![\w.])[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?(?![\w])")
QUOTE = re.compile(r"\"([^\"\n]{1,300})\"|“([^”\n]{1,300})”|‘([^’\n]{1,300})’"
                   r"|(?<![\w'])'([^'\n]{1,120})'(?![\w])")


@dataclass
class GroundingReport:
    numbers: list[str] = field(default_factory=list)  # numbers in the answer that nothing supports
    quotes: list[str] = field(default_factory=list)  # quoted words found in no result

    @property
    def ok(self) -> bool:
        return not self.numbers and not self.quotes

    def __str__(self) -> str:
        if self.ok:
            return "grounded"
        parts = []
        if self.numbers:
            parts.append("unsupported numbers " + ", ".join(self.numbers))
        if self.quotes:
            parts.append("unsupported quotes " + ", ".join(repr(q) for q in self.quotes))
        return "; ".join(parts)


def _strings_and_numbers(obj: Any, strings: list[str], numbers: list[float]) -> None:
    if isinstance(obj, bool) or obj is None:
        return
    if isinstance(obj, int | float):
        numbers.append(float(obj))
    elif isinstance(obj, str):
        strings.append(obj)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            strings.append(str(key))
            _strings_and_numbers(value, strings, numbers)
    elif isinstance(obj, list | tuple):
        for value in obj:
            _strings_and_numbers(value, strings, numbers)


def _parse(token: str) -> tuple[float, int, bool]:
    """(value, decimals, is_percent) of a number token."""
    percent = token.endswith("%")
    raw = token.rstrip("%").replace(",", "").replace("−", "-")
    decimals = len(raw.split(".", 1)[1]) if "." in raw else 0
    return float(raw), decimals, percent


def numbers_in(text: str) -> list[str]:
    return [m.group(0) for m in NUMBER.finditer(text)]


def quotes_in(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None).strip() for m in QUOTE.finditer(text)]


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


class Sources:
    """What an answer may cite: the numbers and the text of results, arguments and the question."""

    def __init__(self, *objects: Any) -> None:
        strings: list[str] = []
        values: list[float] = []
        for obj in objects:
            _strings_and_numbers(obj, strings, values)
        for s in strings:
            for token in numbers_in(s):
                value, _, percent = _parse(token)
                values.append(value)
                if percent:
                    values.append(value / 100)
        self.values = values
        self.text = " " + _fold(" ".join(strings)) + " "

    def supports_number(self, token: str) -> bool:
        value, decimals, percent = _parse(token)
        candidates = [(value, decimals)]
        if percent:
            candidates.append((value / 100, decimals + 2))
        for x, d in candidates:
            tol = 0.5 * 10 ** (-d) + 1e-9
            for v in self.values:
                if d == 0 and not percent:
                    if v == x or (abs(v) >= 10 and abs(v - x) <= tol):
                        return True
                elif abs(v - x) <= tol:
                    return True
        return False

    def supports_quote(self, quote: str) -> bool:
        folded = _fold(quote)
        return not folded or f" {folded} " in self.text


def check(answer: str, sources: Sources | Iterable[Any]) -> GroundingReport:
    """Which numbers and quoted words of `answer` the sources do not support."""
    src = sources if isinstance(sources, Sources) else Sources(*sources)
    report = GroundingReport()
    for token in dict.fromkeys(numbers_in(answer)):
        if not src.supports_number(token):
            report.numbers.append(token)
    for quote in dict.fromkeys(quotes_in(answer)):
        if not src.supports_quote(quote):
            report.quotes.append(quote)
    return report
