"""Where a clause puts a label, and the words that stand there but are never labels.

"why is ticket 3 sports?", "labelled banana", "make it say 'shipping'": the word in the label's
place is read by `SlotReader.foreign` to say back that the target has no such label; `lev1`
lets a one-letter typo of a label ("negatve") still name it. Kept apart from `reader.py`, which
applies these patterns clause by clause, as `patterns.py` is for methods and numbers.
"""

from __future__ import annotations

import re

from .feature_words import PEOPLE

_REF = r"(?:\s*|it|this(?: one)?|that(?: one)?|they|these|those|the (?:text|prompt|input|sentence))"
_REF2 = r"(?:\s{2,}|\s+(?:it|this(?: one)?|that(?: one)?|they|these|those)\s+)"
_X = r"(?P<x>«[A-Z]»|[A-Za-z][\w'-]*)"
_AS = (r"(?:(?:so|being|getting|considered|marked|flagged|labell?ed|tagged|classified|predicted"
       r"|called|put|routed|sent|filed)\s+)?(?:as\s+|in\s+|to\s+|under\s+)?(?:an?\s+)?")
_END = r"\s*(?:by (?:the model|it|you)|according to [\w ]+)?\s*[?.!]*\s*$"
LABEL_SLOTS = [
    re.compile(rf"\b(?:why|how come)\s+(?:is|was|are|were|'s)\s+{_REF}\s*{_AS}{_X}{_END}", re.I),
    re.compile(rf"^\s*(?:is|was|are|were)\s+{_REF}\s*{_AS}{_X}{_END}", re.I),
    re.compile(rf"\b(?:call|label|mark|classify|tag|consider|rate|predict)(?:s|ed)?\s+{_REF2}"
               rf"(?:as\s+)?(?:an?\s+)?{_X}{_END}", re.I),
    re.compile(rf"\b(?:make|get|turn|push|flip|change|switch)\s+{_REF}\s*(?:to\s+)?(?:say|be"
               rf"|become|come out(?: as)?|into|to|towards?|as|predicted(?: as)?|classified as"
               rf"|labell?ed(?: as)?)\s+(?:an?\s+)?{_X}", re.I),
    re.compile(rf"\b(?:make|get|turn|push|flip)\s+{_REF2}(?:an?\s+)?{_X}{_END}", re.I),
    re.compile(rf"\b(?:labell?ed|marked|tagged|classified as|predicted as|categori[sz]ed as"
               rf"|filed under|routed to|towards?|push(?:es|ing)? (?:it |the model )?to)\s+"
               rf"(?:as\s+)?(?:an?\s+|the\s+)?{_X}", re.I),
]
NOT_LABELS = set(
    """wrong right correct incorrect correctly incorrectly wrongly rightly confident so sure unsure
uncertain certain faithful reliable trustworthy robust accurate misclassified mislabelled
mislabeled ambiguous hard difficult easy similar different long short longer shorter true false
real really still not also there here the a an it this that as by in on of to what which how why
and or more less likely unlikely important predicted classified labelled labeled high low same
such like very too being getting flagged one its their changed flip flipped other opposite
something else anything otherwise another class label category categories labels prediction
predictions words word tokens token explanation explained wrong? is was be been that's it's me you
your my our we they them these those do does did at for with from about into than then now
well ok okay please pls sentiment correctly? answer output text prompt input model classifier
each every all some any none both either neither whatever bucket queue group type kind
differently instead rather otherwise first second last end start beginning work sense happen
again later now bigger smaller better worse stronger weaker make get have take give keep see
know need want go come if when unless while whether without with so way profile record row
details info information data features values result results outcome but""".split()
) | set(PEOPLE.split("|"))  # "how does it classify unemployed applicants": a group, no label


def lev1(a: str, b: str) -> bool:
    """True when a and b differ by at most one edit or one transposition."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
