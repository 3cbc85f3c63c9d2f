"""Whether a category value said in a question names a group of rows or is only a word.

"A single prediction", "this HR model": a value after an article, or before "model", is a word;
"the unemployed", "the DSL customers", "charged with a felony", "the HR dept", "on a two year
contract" name rows. Kept apart from `features.py`, which reads the conditions themselves.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .feature_names import spelling
from .feature_words import HEAD

if TYPE_CHECKING:
    from .feature_names import FeatureNames


def a_word(names: FeatureNames, name: re.Pattern[str], people_after: re.Pattern[str], w: str,
           m: re.Match[str], said: str) -> bool:
    """"A single prediction": a value after an article is a word, not a group of rows,
    unless it stands alone ("the unemployed"), names people ("the DSL customers"), follows
    "every" or "with a" ("charged with a felony"), is written in capitals ("the HR dept") or its
    feature's name follows it; before "model" it says what the model is about."""
    before = w[: m.start("v")]
    if said in names.initials and not m.group("v").isupper():
        return True  # "hr" only as "HR": initials in lower case are ordinary words
    if re.match(r"\s+(?:model|classifier|dataset|data\s*set|table|predictor)\b", w[m.end():],
                re.I):
        return True  # "this HR model": what the model is about, no group
    if m.group("v").isupper() and len(m.group("v")) > 1:
        return False  # "the HR dept": a value in capitals is no word
    if m.group("neg") or not re.search(r"\b(?:a|an|one|the|every|each)\s+$", before, re.I) or (
            not names.value_of(said) or said != said.rstrip("s")
            or said in ("women", "men", "people")):
        return False
    if re.search(r"\bthe\s+$", before, re.I) and (
            HEAD.match(w, m.end()) or people_after.match(w, m.end())):
        return False
    return not (re.search(r"\b(?:every|each|(?:with|for|drive|drives|driving|drove|own|owns"
                          r"|owning|in|on|or|and|either|is|was)\s+an?)\s+$", before, re.I)
                or _named_after(names, name, w, m.end(), said))


def _named_after(names: FeatureNames, name: re.Pattern[str], w: str, end: int,
                 said: str) -> bool:
    """"On a two year contract": the value followed by its own feature's name."""
    owner = names.value_of(said)
    if owner is not None and owner[0] in names.one_hot:  # "on the basic plan"
        prefix = spelling(owner[0]).split()[0]
        if re.match(rf"\s*{re.escape(prefix)}s?\b", w[end:], re.I):
            return True
    m = name.match(w, end + len(w[end:]) - len(w[end:].lstrip()))
    return owner is not None and m is not None and names.name_of(m.group(0)) == owner[0]
