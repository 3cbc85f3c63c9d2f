"""A masked question split into clauses that may each ask for one tool.

Lists and ranges ("3, 7 and 9", "between 10 and 20", "shap and lime") are glued first so that
splitting on "and" / "then" does not break them, and unglued inside each clause.
"""

from __future__ import annotations

import re

# method / label / metric words that are often joined by "and" without starting a new request
_PAIR_WORDS = (
    r"shap|lime|occlusion|ig|integrated[ -]gradients?|gradient[s]? ?(?:x|times"
    r"|\*) ?input"
    r"|positive|negative|pos|neg|precision|recall|comprehensiveness|sufficiency"
    r"|layer \d+"
    r"|head \d+|train(?:ing)?|test|words?|tokens?"
)
_PAIR = re.compile(rf"\b({_PAIR_WORDS})\s+(and|or|&|vs\.?|versus|with)\s+({_PAIR_WORDS})\b", re.I)
_NUMLIST = re.compile(r"(?<![\w.])#?\d+(?:\s*,\s*#?\d+)*(?:\s*,?\s*(?:and|&)\s*#?\d+)(?![\w.])")
_NUMLIST_COMMA = re.compile(
    r"(?<![\w.])#?\d+(?:\s*,\s*#?\d+)+(?![\w.])"
    r"(?!\s*(?:most\s+)?(?:words?|tokens?|examples?|reviews?|mistakes?"
    r"|features?))"
)
_BETWEEN = re.compile(r"\bbetween\s+(\d+)\s+and\s+(\d+)", re.I)
_SPLIT = re.compile(
    r"\s*(?:,?\s+and\s+then\s+|,?\s+then\s+|;\s*|,?\s+and\s+also\s+|,?\s+and\s+|,?\s+plus\s+"
    r"|\s+\+\s+"
    r"|,?\s+&\s+|\?\s+(?=\w)|,\s*(?=(?:and\s+)?(?:predict|show|explain|classify|find|give|tell|what"
    r"|why|how|is|are|does|do|list|check|run|compare|describe|which|who)\b))",
    re.I,
)


_SCOPE = re.compile(
    r"(?:and\s+)?(?:among|of|within|from|out of|in)\s+(?:those|these|them|this subset)", re.I
)




# "for patients over 50, what do you predict?": the rows of the request that follows
_LEADING_SCOPE = re.compile(r"^(?:for|among|amongst|within|across|in|on|of|regarding|with)\s+(?:the\s+)?"
                            r"(?!(?:it|this|that|them)\b)(?:[^?]*\b(?:\w+s|people|ones)\b[^?]*"
                            r"|[a-z]+\s+#?\d+(?:'s\s+[a-z]+)?)$"
                            # "the person with id 402, what's the chance ...": the row asked about
                            r"|^(?:(?:and|so|ok|okay|now)\s+)?(?:for\s+|about\s+)?(?:the\s+)?"
                            r"(?:person|patient|one|row|instance|sample|data\s*point|item|case"
                            r"|record|entry|[a-z]+)\s+(?:with|of|having)\s+(?:the\s+)?"
                            r"(?:id|number|index|#)\s*#?\d+$", re.I)


# what a change does, asked after it: part of the what-if before it, no request of its own
_AFTERMATH = re.compile(
    r"(?:and\s+)?(?:(?:does|did|would|will|do|could)\s+(?:that\s+|this\s+|it\s+)?(?:change|flip)\s+"
    r"(?:the\s+|its\s+|their\s+)?(?:prediction|outcome|result|label|decision)s?"
    r"|(?:does|did|would|will|do)\s+(?:the\s+|its\s+|their\s+)?(?:prediction|outcome|result"
    r"|label|decision)s?\s+(?:change|flip|stay\s+the\s+same|differ)\w*"
    r"|what\s+happens(?:\s+(?:to|with)\s+(?:the\s+|its\s+|their\s+)?(?:prediction|outcome"
    r"|result)s?)?|(?:and\s+)?then\s+predict|how\s+(?:does|do|would)\s+(?:the\s+)?(?:prediction"
    r"|outcome)s?\s+change)(?:\s+then)?\W*", re.I)


# "change 'a' to 'b' and 'c' to 'd'": one request with two edits
_EDIT_PAIRS = re.compile(r"(«\d+»\s*(?:to|with|by|for|->|→)\s*«\d+»)\s+and\s+(?=«\d+»\s*(?:to|with"
                         r"|by|for|->|→)\s*«\d+»)")


_NOT_PAIR = re.compile(r"(«\d+»)\s+(and|but)\s+(?=not\s+«\d+»)")


# a number written with thousands separators, not a list of ids: after a currency sign, with a
# group of 000, or before a unit of money or time ("$3,000", "12,000 miles", "5,500 a month")
_GROUPED = re.compile(r"(?<=[$€£])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\d,])\d{1,3}(?:,\d{3})*,000"
                      r"(?![\d,])|(?<![\d,])\d{1,3}(?:,\d{3})+(?=\s*(?:dollars|euros|pounds|a\s+month"
                      r"|per\s+month|a\s+year|per\s+year|miles|km|kilomet))", re.I)
_THEN_FOR_THAN = re.compile(r"\b(more|less|better|worse|higher|lower|bigger|smaller|greater|larger"
                            r"|fewer|older|younger|rather|other)(\s+\w+)?\s+then\b(?!\s+(?:explain|show"
                            r"|predict|tell|give|list|run|check|compare|describe|find|what|how|why|do|make"
                            r"|say|plot|draw)\b)", re.I)
# "if a patient is over 50, how likely ...?": a condition put first is the scope of the request
# after it, not a request of its own ("what if ..." is one)
SUPPOSING = (r"(?:if|assuming|in\s+(?:the\s+)?case(?:\s+that)?|given\s+that|provided\s+that|say"
             r"|suppose|supposing|imagine)")
_LEADING_IF = re.compile(rf"(?:and\s+)?(?:{SUPPOSING}|when(?!\s+(?:is|are|was|were|does|do|did"
                         r"|will|would|can|could|should)\b))\b", re.I)  # ("when is the model
# wrong?" asks when)
# "data points with blood pressure under 60 or ..., how likely is X for them?"
_LEADING_GROUP = re.compile(r"(?:the\s+|all\s+(?:the\s+)?)?(?:[a-z]+\s+)?[a-z]+s\s+"
                            r"(?:with|who|whose|that|over|under|above|below|aged|older|younger)\b",
                            re.I)
# words of a change supposed ("if patient 5 had ...", "if we raised ..."), not of who someone is
CHANGES = re.compile(r"\b(?:were|had|was|would|could|increas\w*|decreas\w*|chang\w*|set|rais\w*"
                     r"|lower\w*|reduc\w*|doubl\w*|halv\w*|drop\w*|went|goes|go|got|spent|lost"
                     r"|gained|(?<!or )(?:more|fewer|less|extra|additional)(?!\s+than))\b", re.I)
_ORDER = re.compile(r"(?:show|list|give|tell|explain|predict|find|display|print|count|compare"
                    r"|describe|run|check|get)\b", re.I)
_ASKED = re.compile(r"(?:how|what|would|will|is|are|does|do|did|can|could|which|who|why|should)\b",
                    re.I)


_SUPPOSED = re.compile(r"\W*(?:what\s+if|what\s+would\s+happen\s+if|if|suppose|supposing"
                       r"|imagine|say)\b", re.I)
_VERDICT = re.compile(r"\b(?:predicted|classified|labell?ed|marked|why|explain)\b", re.I)
_MORE_SUPPOSED = re.compile(r"(\w)\s+and\s+(?=(?:also\s+)?(?:had|has|was|were|got|owned|rented"
                            r"|asked|earned|lived|drove|became|moved|bought|paid|borrowed|spent)\b)",
                            re.I)


def _glue(s: str) -> str:
    s = _GROUPED.sub(lambda m: m.group(0).replace(",", ""), s)  # "$3,000": one number
    s = _EDIT_PAIRS.sub(lambda m: m.group(1) + "_and_", s)
    s = _NOT_PAIR.sub(lambda m: f"{m.group(1)}_{m.group(2)}_", s)  # "why 'Paris' and not 'London'"
    s = _BETWEEN.sub(lambda m: f"between {m.group(1)}~{m.group(2)}", s)
    s = _NUMLIST.sub(lambda m: re.sub(r"\s*(?:,|and|&)\s*", ",", m.group(0)), s)
    s = _NUMLIST_COMMA.sub(lambda m: re.sub(r"\s*,\s*", ",", m.group(0)), s)
    for _ in range(2):
        s = _PAIR.sub(lambda m: f"{m.group(1)}_{m.group(2)}_{m.group(3)}", s)
    return s


def unglue(s: str) -> str:
    """Undo `_glue` inside one clause (lists stay comma-joined; the extractors read that form)."""
    s = re.sub(r"(\S)_(and|or|&|vs\.?|versus|with|but)_(\S)", r"\1 \2 \3", s)
    s = re.sub(r"(\S)_(and|or|&|vs\.?|versus|with|but)_(\S)", r"\1 \2 \3", s)
    return s.replace("~", " and ")


def tidy(question: str) -> str:
    """The question with number lists normalised ("3, 7 and 9" -> "3,7,9"), as clauses see it."""
    return unglue(_glue(question))


def clauses(question: str, labels: tuple[str, ...] = (),
            features: tuple[str, ...] = ()) -> list[str]:
    """Split a (masked) question into clauses that may each ask for one tool (the target's
    `labels` joined by "and" / "or" / "not" stay in one clause; so do a table's feature
    conditions and edits: "age over 50 and BMI under 30", "BMI were 25 and age 40")."""
    glued = _THEN_FOR_THAN.sub(lambda m: m.group(1) + (m.group(2) or "") + " than",
                               _glue(question))  # "more important then age"
    if features:
        names = "|".join(r"[\s_-]+".join(map(re.escape, f.split())) for f in features)
        joined = re.compile(
            rf"(\d(?:%|\s*(?:years?|yrs?)(?:\s+old)?)?|\b(?:{names}|fixed|the same|constant"
            rf"|doubled|tripled|halved|increased|decreased|raised|lowered|reduced|cut"
            rf"|(?<=or )(?:more|less|fewer|higher|lower|older|younger|over|under|above|below)))"
            rf"\s+(and|or|&)"
            rf"\s+(?=(?:(?:the|their|his|her|its|a|an|with|who|whose|have|has|had|are|is|being"
            rf"|not|non|no|without|older|younger|aged|over|under|above|below|at least|at most"
            rf"|more than|less than|fewer than|one|two|three|four|five|more|less|fewer|extra"
            rf"|additional)\s+)*(?:{names}|older|younger|aged|\d+|(?:true|gold|actual)\s+labels?\s+of"
            rf")\b)", re.I)
        glued = joined.sub(lambda m: m.group(1).replace(" ", "~s~") + f"_{m.group(2)}_", glued)
        if _SUPPOSED.match(glued) and not _VERDICT.search(glued):  # "what if 230 owned their
            # home and had moderate savings?" (not "if 5 was predicted X and had ..., why?")
            glued = _MORE_SUPPOSED.sub(lambda m: m.group(1) + "_and_", glued)
        glued = re.sub(rf"\b({names})\s+\+\s+(?=\d)", r"\1 +", glued, flags=re.I)  # "glucose + 10"
    if labels:
        names = "|".join(r"[\s_-]+".join(map(re.escape, lab.lower().split()))
                         for lab in sorted(labels, key=len, reverse=True))
        pair = re.compile(rf"\b({names})\s+(and|or|&|vs\.?|versus|with)\s+(?=(?:not\s+)?(?:{names})\b)",
                          re.I)
        glued = pair.sub(lambda m: m.group(1).replace(" ", "~s~") + f"_{m.group(2)}_", glued)
    parts = [p.strip(" ,;").replace("~s~", " ") for p in _SPLIT.split(glued)]
    parts = [p for p in parts if p and re.search(r"\w", p)]
    merged: list[str] = []
    answered = False  # the last clause is a scope said first that has its request already
    opening = ""  # the last clause is a group said first ("if a patient is over 50 and has
    # ...", "data points with ..."), still waiting for its request
    for part in parts:  # "among those, which mention X" is one request; so is "set X to 5,
        # does the prediction change?"
        asked = _ASKED.match(part) is not None
        if merged and (_SCOPE.fullmatch(merged[-1]) or (_LEADING_SCOPE.match(merged[-1])
                                                         and not answered)
                       or (opening and asked) or _AFTERMATH.fullmatch(part)
                       or (opening == "if" and not _ORDER.match(part))):
            merged[-1] += ", " + part
            opening = "" if asked else opening
            answered = answered or bool(_LEADING_SCOPE.match(merged[-1]))  # its request came
        else:
            merged.append(part)
            answered = False
            opening = "" if asked else "if" if (
                _LEADING_IF.match(part) and not CHANGES.search(part)) else "group" if (
                _LEADING_GROUP.match(part) and features) else ""
    return [unglue(p) for p in merged]


