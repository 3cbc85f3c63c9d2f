"""Numbers written as words in a comparison or an edit: "older than thirty", "bmi above
thirty-five", "increase glucose by ten", "one hundred and twenty". Converted only after a word
that introduces a value (than, by, to, of, over, under, above, below, at least, were, is, aged
...), so "one of the patients" or "no one" stay words.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from saywhy.tools.tabular.schema import spelling

if TYPE_CHECKING:
    from .feature_names import FeatureNames

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate(
    "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_WORD = "|".join([*sorted(_TENS, key=len, reverse=True), *sorted(_UNITS, key=len, reverse=True)])
_NUMBER = (rf"(?:(?:{'|'.join(_UNITS)}|a)\s+hundred(?:\s+(?:and\s+)?(?:{_WORD})(?:[\s-](?:{_WORD}))?)?"
           rf"|(?:{_WORD})(?:[\s-](?:{'|'.join(_UNITS)}))?)")
_CUE = (r"than|by|to|of|over|under|above|below|least|most|were|was|is|are|be|aged?|exactly|equals?"
        r"|between|and|from|had|has|have|with|=|<|>|turned|reached")
_SPELLED = re.compile(rf"(\b(?:{_CUE})\s+)({_NUMBER})\b", re.I)


def _value(words: str) -> int:
    total, current = 0, 0
    for w in re.split(r"[\s-]+", words.lower()):
        if w == "and":
            continue
        if w == "hundred":
            current = max(current, 1) * 100
        elif w == "a":
            current = 1
        elif w in _TENS:
            current += _TENS[w]
        elif w in _UNITS:
            current += _UNITS[w]
    return total + current


def spelled_numbers(text: str) -> str:
    """`text` with numbers written in words after a value cue turned into digits."""
    return _SPELLED.sub(lambda m: m.group(1) + str(_value(m.group(2))), text)


_YEARS = re.compile(r"\b(?P<cmp>longer|shorter|more|less|fewer|over|under|at\s+least|at\s+most)"
                    r"(?P<than>\s+than)?\s+(?P<n>\d+(?:\.\d+)?|an?|one|half\s+a)\s*(?:years?|yrs?)\b"
                    r"(?!\s+(?:old|of\s+age))(?P<after>(?:\s+\w+){0,3})", re.I)


_ONE_UNIT = re.compile(r"\b((?:less|more|fewer|longer|shorter)\s+than|under|over|at\s+least"
                       r"|at\s+most)\s+(?:an?|one)\s+(year|month|week|day|hour)\b", re.I)


def one_unit(text: str) -> str:
    """"Less than a year", "over an hour": the one as a digit, for the comparison readers."""
    return _ONE_UNIT.sub(lambda m: f"{m.group(1)} 1 {m.group(2)}", text)


def years_as_months(text: str, months_words: re.Pattern[str], ages: bool) -> str:
    """"Loans longer than 2 years", "more than a year in jail" on a table that counts months:
    the years as months ("longer than 24 months"). Only when the comparison is of a length
    ("longer", "shorter") or the months feature is named right after, or the table has no age
    that "over 2 years" could be about."""
    def months(m: re.Match[str]) -> str:
        length = m.group("cmp").lower() in ("longer", "shorter")
        if not (length or months_words.match(m.group("after").strip()) or not ages):
            return m.group(0)
        said = m.group("n").lower()
        n = 1.0 if said in ("a", "an", "one") else 0.5 if said.startswith("half") else float(said)
        count = n * 12
        return (f"{m.group('cmp')}{m.group('than') or ''} "
                f"{int(count) if count.is_integer() else count} months{m.group('after')}")
    return _YEARS.sub(months, text)


def months_words(names: FeatureNames) -> re.Pattern[str] | None:
    """The forms of the one numeric feature that counts months ("in jail" of months_in_jail),
    after which "a year" is 12 of them; None when no one feature does."""
    counted = [n for n, f in names.features.items() if f.kind == "numeric"
               and "months" in spelling(n).split()]
    if len(counted) != 1:
        return None
    forms = "|".join(re.escape(form) for form, n in names.forms if n == counted[0])
    return re.compile(rf"(?:(?:in|on|of|for|the|their)\s+)*(?:{forms})\b", re.I)

