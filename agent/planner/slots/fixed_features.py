"""Features a counterfactual must hold fixed, as people say it.

"Without changing the loan amount", "keeping income the same", "if glucose has to stay the
same", "they can't change their savings", "other than the priors count": one pattern over the
table's feature forms, read by `EditReader.fixed`. Kept apart from `feature_edits.py`, whose
patterns change features rather than hold them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .patterns import consume

if TYPE_CHECKING:
    from .feature_names import FeatureNames


def fixed_pattern(names: str) -> re.Pattern[str]:
    """Features held fixed, as people say it: "without changing the loan amount", "keeping
    income the same", "if glucose has to stay the same", "they can't change their savings";
    `names` is the pattern of every feature's forms."""
    return re.compile(
        rf"\b(?:without\s+(?:changing|touching|modifying|altering|moving)|not\s+changing"
        rf"|(?:do\s+not|don'?t|never|can't|cannot|must\s+not|mustn't)\s+(?:change|touch|modify"
        rf"|alter|move)|(?:other\s+than|except(?:\s+for)?|apart\s+from|besides)(?=\s+(?:the\s+)?"
        rf"(?:{names})\b)|(?:keeps?|keeping|kept|holds?|holding|held|leaves?|leaving|fix|fixing)"
        rf"(?=\s+(?:the\s+|their\s+|his\s+|her\s+|its\s+)?(?:{names})(?:\s*(?:,|and)"
        rf"\s*(?:{names}))*\s+(?:fixed|the\s+same|constant|unchanged|as\s+(?:it\s+is"
        rf"|is|they\s+are)|alone)))\s+(?:whether\s+(?:or\s+not\s+)?(?:they|he|she|it)(?:'re|'s"
        rf"|\s+are|\s+is|\s+have|\s+has)?\s+(?:an?\s+)?)?(?P<list>(?:(?:the|their|his|her|its)\s+)?"
        rf"(?:{names})(?:\s*(?:,|and|or|nor)\s*(?:the\s+|their\s+|his\s+|her\s+|its\s+)?"
        rf"(?:{names}))*)"
        rf"|(?<![\w-])(?P<list2>(?:{names})(?:\s*(?:,|and)\s*(?:{names}))*)\s+"
        rf"(?:(?:(?:has|have|had|needs?)\s+to\s+|must\s+|should\s+|will\s+|is\s+to\s+)?(?:be\s+)?"
        rf"(?:held\s+|kept\s+|stays?\s+|staying\s+|remains?\s+|remaining\s+)?(?:fixed"
        rf"|unchanged|constant|the\s+same|as\s+(?:it\s+)?is)|(?:can'?t|cannot|can\s+not|must\s+not|mustn'?t"
        rf"|shouldn'?t|should\s+not|won'?t|may\s+not|is\s+not\s+to)\s+(?:be\s+)?(?:chang\w*"
        rf"|touch\w*|mov\w*|modif\w*|alter\w*))\b", re.I)


def read_fixed(w: str, pattern: re.Pattern[str], names: re.Pattern[str],
               feature_names: FeatureNames) -> tuple[str, list[str]]:
    """The features `pattern` says are held, in order, and `w` with them consumed."""
    out: list[str] = []
    for m in list(pattern.finditer(w)):
        listed = m.group("list") or m.group("list2") or ""
        if re.match(r"(?:other|except|apart|besides)", m.group(0), re.I) and re.sub(
                r"^(?:the|their|his|her|its)\s+", "", listed.lower()) in feature_names.values:
            continue  # "everyone except the felony cases": a group left out, not a feature
        for n in names.finditer(listed):
            name = feature_names.name_of(n.group(0))
            if name is not None and name not in out:
                out.append(name)
        w = consume(w, m)
    return w, out
