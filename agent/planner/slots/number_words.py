"""Numbers written as words in a comparison or an edit: "older than thirty", "bmi above
thirty-five", "increase glucose by ten", "one hundred and twenty". Converted only after a word
that introduces a value (than, by, to, of, over, under, above, below, at least, were, is, aged
...), so "one of the patients" or "no one" stay words.
"""

from __future__ import annotations

import re

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
