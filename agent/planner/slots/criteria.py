"""Subset criteria and splits read from one clause.

Criteria become the selector's arguments (see catalogue.py): gold label vs predicted label
("labelled positive" vs "you predicted positive"), right or wrong predictions, a word or phrase
("that mention the acting"), length in words, split, ids. A condition stated negatively ("that
don't mention 'plot'") is kept apart, because `negate` applies to a whole selector call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..read.masking import quote_index
from .clause_slots import Slots
from .feature_words import PEOPLE
from .id_patterns import ITEM_NOUNS
from .split_length import read_length

_NOT = re.compile(
    r"\b(?:don'?t|do not|doesn'?t|does not|didn'?t|did not|never|not|no|exclud\w*"
    r"|except"
    r"|without|other than|minus)\b[^,.;]*$",
    re.I,
)
_STOP = set(
    """it them this that those these the a an what which you me words word reviews review ones one
any some and or is are they model in on of to i my we data dataset there for with at by from
as if so all each every both short long longer shorter others rest other about nothing
anything something exactly""".split()
)
_WORD = r"(?:«[A-Z]»|[A-Za-z][\w'&-]*(?:\s+[A-Z][\w'-]*)*)"
_CONTAINS = re.compile(
    r"\b(?P<cue>mention(?:s|ed|ing)?(?:\s+of)?|contain(?:s|ed|ing)?|includ(?:e|es|ed|ing)"
    r"|us(?:e|es|ing)\s+the\s+(?:word|phrase|term)|with(?:out)?(?:\s+the)?\s+(?:words?|phrases?"
    r"|terms?)"
    r"|say(?:s|ing)?(?:\s+nothing\s+about)?|talk(?:s|ing)?\s+about|discuss(?:es|ing)?|refer(?:s|ring)?\s+to|featuring"
    r"|about|with(?:out)?|ha(?:s|ve|ving))"
    rf"\s+(?:the\s+|a\s+|an\s+)?(?:words?\s+|phrases?\s+|terms?\s+)?(?P<w>{_WORD})",
)
_NEG_NEAR = re.compile(r"\b(?:not|aren'?t|isn'?t|wasn'?t|weren'?t|never|except|excluding|other than"
                       r"|non)\b(?:[\s-]+[\w-]+){0,2}[\s-]*$", re.I)
_GOLD_MARK = re.compile(r"\bgold[\s-]*$|\bactually[\s-]*$", re.I)
_BUT_NOT = re.compile(r"\b(?:but|and)\s+not\s+(?:the\s+)?(«[A-Z]»|[A-Za-z][\w'-]*)", re.I)
_LOOSE_CUES = {"about", "with", "without", "has", "have", "having", "say", "says", "saying"}
_WRONG = re.compile(
    r"\b(?:(?:you|the model|it|the classifier|model|classifier|they|u)\s+(?:have\s+|has\s+)?"
    r"(?:got|get|gets|getting|classified|predicted|labell?ed|called)\s+(?:\w+\s+)?"
    r"(?:wrong|incorrectly|wrongly)|misclassif\w*|mis-classif\w*|mispredict\w*"
    r"|(?:wrong|incorrect|erroneous|mistaken|failed)\s+(?:predictions?|ones|reviews|items|examples"
    r"|classifications?|answers?)|where\s+(?:you|it|the model)\s+(?:was|were|went)\s+wrong"
    r"|(?:got|get)\s+wrong|errors|mistakes|false\s+(?:positives?|negatives?)"
    r"|(?:wrongly|incorrectly|mistakenly)\s+(?:predict\w*|classif\w*|label\w*|call\w*|rout\w*"
    r"|put|tag\w*|flag\w*)"
    r"|(?:is|are|was|were)\s+(?:it|you|the model|they)\s+wrong|\bwrong\s+(?:on|about|for)"
    r"|mess(?:es|ed)?\s+up|screw(?:s|ed)?\s+up|mis(?:rout|categori[sz]|sort|read)\w*)\b",
    re.I,
)
WRONG = _WRONG
_RIGHT = RIGHT = re.compile(
    r"\b(?:(?:you|the model|it|the classifier|model|classifier|they|u)\s+(?:have\s+|has\s+)?"
    r"(?:got|get|gets|classif\w*|predict\w*|label\w*|call\w*)\s+(?:\w+\s+)?(?:right|correctly"
    r"|correct)"
    r"|correctly\s+(?:classified|predicted)|(?:correct|right)\s+(?:predictions?|ones|reviews|items"
    r"|examples|classifications?)|where\s+(?:you|it|the model)\s+(?:was|were)\s+(?:right|correct)"
    r"|(?:got|get)\s+right)\b",
    re.I,
)
_NOUNED = re.compile(
    rf"\b(?:{ITEM_NOUNS}|ones|those|these|them|predictions?)\b", re.I
)
_PRED_CUE = re.compile(
    r"\b(?:predict(?!ors?\b)\w*|pred|classif\w*|call(?:ed|s)?|thinks?|thought|says?|said|expect\w*"
    r"|reckon\w*|believ\w*|forecast\w*"
    r"|guess\w*"
    r"|flag\w*|(?:you|model|it)\s+(?:labell?ed|marked|tagged)"
    r"|as)\b\s*(?:\w+\s+){0,3}$",
    re.I,
)
_MODEL_LABELLED = re.compile(r"\b(?:you|u|model|it|classifier)\s+(?:\w+\s+)?(?:labell?ed|marked"
                             r"|labels|marks|tags|calls|classifies|rates|flags|considers|thinks\s+are"
                             r"|tagged|called|classified|put|routed|sent)\s*(?:it\s+|them\s+)?(?:as\s+"
                             r"|in(?:to)?\s+|to\s+|under\s+)?$"
                             # "applicants the model denies": the label said as the model's verb
                             r"|\b(?:you|u|the model|the classifier|it)\s+(?:\w+ly\s+)?$", re.I)
_GOLD_CUE = re.compile(
    r"\b(?:actual(?:ly)?|true|truly|really|gold|ground[ -]truth|labell?ed"
    r"|tagged|marked"
    r"|annotated|in fact|should(?:\s+have)?\s+(?:been|be|gotten|got|get))\s*(?:as\s+)?$",
    re.I,
)
SHOW_VERBS = re.compile(
    r"\b(?:show|list|display|see|give me|find|get me|which|what are|pull up"
    r"|print"
    r"|examples? of|let me see)\b",
    re.I,
)
COUNT = re.compile(r"\bhow many\b|\bcount\b|\bnumber of\b", re.I)
_AND = re.compile(
    r"(?<!» )\b(?:among|of|within|from|out of|in)\s+(?:those|these|them|the subset"
    r"|the selection)\b"
    r"|\bnarrow\w*\b|\bfurther\b|\bon top of that\b|\b(?:just|only)\s+(?:the\s+ones|those|them)\b",
    re.I,
)
_OR = re.compile(
    r"\balso\s+(?:include|add)|\badd\s+(?:in\s+)?(?:the\s+)?(?:reviews|ones|items)?|\badded\b"
    r"|\bas well\b"
    r"|\bin addition\b|\bplus\b|\balong with\b",
    re.I,
)


# "what makes it predict billing": that label's reasons over all tickets, no condition
_MAKES_SAY = re.compile(r"\bmak\w*\s+(?:it|the model|you|them)\s+(?:predict|say|call)\w*\s+"
                        r"(?:it\s+)?(?:as\s+)?$", re.I)
# "top 3 features for predicting diabetes", "... when the model says a patient has diabetes"
_PURPOSE = re.compile(r"\b(?:for|in|when|to|at)\s+predict(?:ing|s)?\s+(?:an?\s+)?$"
                      r"|\bwhen\s+(?:the\s+model|it|you)\s+(?:says?|predicts?|thinks?|calls?)\s+"
                      r"(?:(?:that\s+)?(?:an?|the)\s+\w+\s+(?:(?:has|is|will|would)\s+)?)?$", re.I)


# "the patients with diabetes", "everyone you predict diabetic": a label that names a group
LABEL_GROUP = re.compile(rf"\b(?:{PEOPLE}|instances|rows|cases|records|samples|points|entries|all"
                         r"|every\s+\w+)\s+(?:(?:who|that|which)\s+(?:have|has|are|were|got)\s+"
                          r"|with\s+|(?:that\s+|whom\s+)?(?:you|the\s+model|it)\s+(?:predict|label"
                          r"|classif|call)\w*\s+(?:as\s+|with\s+)?|(?:predicted|labell?ed|classified)"
                          r"\s+(?:to\s+have\s+|as\s+(?:having\s+)?|with\s+)?)(?:an?\s+|the\s+)?$",
                          re.I)


@dataclass
class Criteria:
    positive: dict[str, Any] = field(default_factory=dict)
    negative: dict[str, Any] = field(default_factory=dict)
    combine: str | None = None

    def __bool__(self) -> bool:
        return bool(self.positive or self.negative)


def read_criteria(
    s: Slots,
    quotes: list[str],
    *,
    loose: bool,
    correct_needs_noun: bool,
    labels_are_args: bool,
    clause: str = "",
    all_labels: Sequence[str] = (),
) -> Criteria:
    """Filter criteria in a clause. `loose` allows weak cues ("about", "with")."""
    c = Criteria()
    read_length(s, c.positive)
    w = s.work
    polar = polar_labels(all_labels)
    if re.search(r"\bfalse\s+positives?\b", w, re.I) and (s.labels or polar):
        c.positive.update(predicted=polar[1] if polar else _canon(s, "positive"), correct=False)
    elif re.search(r"\bfalse\s+negatives?\b", w, re.I) and (s.labels or polar):
        c.positive.update(predicted=polar[0] if polar else _canon(s, "negative"), correct=False)
    else:
        m = _WRONG.search(w)
        r = _RIGHT.search(w)
        nouned = _NOUNED.search(clause or w) is not None
        if m and (not correct_needs_noun or nouned):
            c.positive["correct"] = False
        elif r and (not correct_needs_noun or nouned):
            c.positive["correct"] = True
    distinct = {lm.label for lm in s.labels}
    if labels_are_args and "predicted" not in c.positive:
        for lm in s.labels:  # "interactions among the instances that have diabetes": the rows
            if LABEL_GROUP.search(w[: lm.start].rstrip() + " ") and not _PRED_CUE.search(
                    w[: lm.start]):
                c.positive["label"] = lm.label
                s.label = None if s.label == lm.label else s.label
                break
        for lm in s.labels:  # "3 random tickets predicted as billing": a condition after all
            before = w[: lm.start]
            if _PRED_CUE.search(before) and not _GOLD_CUE.search(before) and not (
                    _MAKES_SAY.search(before) or _PURPOSE.search(before)):
                c.positive["predicted"] = lm.label
                if s.label == lm.label:
                    s.label = None
                break
    if not labels_are_args and "predicted" not in c.positive:
        for lm in s.labels:
            before = w[: lm.start]
            # "that aren't labelled billing": a condition to negate
            side = c.negative if _NEG_NEAR.search(before) else c.positive
            if _MODEL_LABELLED.search(before) or re.match(
                    r"\s*(?:by the model|by the classifier|by it)\b", w[lm.end:], re.I):
                side.setdefault("predicted", lm.label)  # "that the model labelled billing",
                # "labelled negative by the model"
            elif _GOLD_CUE.search(before):
                side.setdefault("label", lm.label)
            elif _PRED_CUE.search(before) or re.match(  # "... that get a diabetes prediction"
                r"\s*(?:by the model|according to|predictions?\b|classifications?\b)", w[lm.end :]
            ):
                side.setdefault("predicted", lm.label)
            elif len(distinct) == 1 or _GOLD_MARK.search(before):
                side.setdefault("label", lm.label)
    for m in _CONTAINS.finditer(w):
        cue, word = m.group("cue").lower(), m.group("w")
        if cue == "about" and re.search(r"\b(?:what|how)\s*$", w[: m.start()], re.I):
            continue
        qi = quote_index(word)
        if qi is not None:
            value = quotes[qi]
        else:
            if cue in _LOOSE_CUES and not loose:
                continue
            if cue in {"with", "without", "has", "have", "having"}:
                continue  # bare words after "with" are too often something else
            value = word
        if value.lower() in _STOP or not value.strip():
            continue
        value = re.sub(r"^(?:the|a|an)\s+", "", value.strip(), flags=re.I)
        negated = (cue.startswith("without") or _NOT.search(w[: m.start()]) is not None
                   or cue.startswith("say") and re.search(r"nothing\s*$", w[: m.start()]) is not None)
        side = c.negative if negated else c.positive
        if "contains" not in side:
            side["contains"] = value.lower()
        if "contains" in c.positive and "contains" in c.negative:
            break
    m = _BUT_NOT.search(w)
    if m and "contains" in c.positive and "contains" not in c.negative:
        qi = quote_index(m.group(1))
        value = quotes[qi] if qi is not None else m.group(1)
        if value.lower() not in _STOP:
            c.negative["contains"] = value.lower()
    if _AND.search(w):
        c.combine = "and"
    elif _OR.search(w):
        c.combine = "or"
    return c


def polar_labels(labels: Sequence[str]) -> tuple[str, str] | None:
    """(negative, positive) class of a two-label model, for "false positives": the labels named
    so, else the negated label ("no diabetes") is the negative one, else the second label is the
    positive one (scikit-learn's and transformers' usual order: 0 negative, 1 positive)."""
    if len(labels) != 2:
        return None
    low = [lab.lower() for lab in labels]
    if "positive" in low and "negative" in low:
        return labels[low.index("negative")], labels[low.index("positive")]
    negated = [bool(re.match(r"(?:no|not|non)[\s_-]", lab)) for lab in low]
    if negated[1] and not negated[0]:
        return labels[1], labels[0]
    return labels[0], labels[1]


def _canon(s: Slots, name: str) -> str | None:
    for lm in s.labels:
        if lm.label.lower() == name:
            return lm.label
    return name
