"""The words feature slots are written with: units, comparisons, "or more", people, suppositions.

"glucose at least 150 mg/dl", "age 60 or older", "patients over 50", "what if ...": the operator
words each map to one comparison (`OPS`, `TRAIL`), `PEOPLE` and `EVERY_ONE` name a group of rows,
`HYPOTHETICAL` tells a clause that supposes something (its feature values are read as what-if
edits first). Kept apart from `features.py`, which compiles them with one table's feature names.
"""

from __future__ import annotations

import re

UNIT = (r"(?:\s*(?:%|percent\b|mg/dl\b|mmhg\b|kg/m2\b|kg\b|years?(?:\s+old|\s+of\s+age)?\b|yrs?\b"
        r"|months?\b|weeks?\b|days?\b|dollars?\b|euros?\b|dm\b|points?\b))?")
BE = r"(?:\s+(?:is|are|was|were|be|being|of|at|with))?"
GE = (r"at\s+least|no\s+less\s+than|not\s+(?:less|lower|smaller|fewer|below|under)(?:\s+than)?"
      r"|(?:greater|more|higher)\s+(?:than\s+)?or\s+equal\s+(?:to|than)|>=|=>|≥")
LE = (r"at\s+most|no\s+more\s+than|not\s+(?:more|greater|higher|larger|bigger|above|over)"
      r"(?:\s+than)?|(?:less|lower|smaller)\s+(?:than\s+)?or\s+equal\s+(?:to|than)|<=|=<|≤")
GT = (r"greater\s+than|more\s+than|higher\s+than|larger\s+than|bigger\s+than|longer\s+than|above|over"
      r"|exceed(?:s|ing)?|in\s+excess\s+of|>")
LT = r"less\s+than|lower\s+than|smaller\s+than|fewer\s+than|shorter\s+than|below|under|beneath|<"
_NE = r"not\s+equal\s+to|other\s+than|is\s+not|isn't|aren't|!=|≠"
_EQ = r"equal\s+to|equals?|exactly|==|=|is|are|was|were|of"
OPS: list[tuple[str, str]] = [(GE, ">="), (LE, "<="), (GT, ">"), (LT, "<"), (_NE, "!="),
                              (_EQ, "==")]
TRAIL = [(r"or\s+(?:more|higher|greater|above|over|older)(?!\s+than)|and\s+(?:above|over|up)|\+",
          ">="),
         (r"or\s+(?:less|lower|fewer|below|under|younger)(?!\s+than)|and\s+(?:below|under)", "<=")]
PEOPLE = (r"people|ppl|persons|patients|applicants|customers|clients|individuals|men|women|those"
           r"|ones|defendants|borrowers|users|subjects|participants|adults|kids|children"
           r"|employees|students|members|folks|drivers|owners|policyholders|homeowners|residents"
           r"|workers|buyers|holders|borrowers|tenants|passengers|visitors|staff|crowd|cohort"
           r"|everyone"
           r"|everybody|anyone|anybody")
# one person standing for all of them: "every patient over 60", "any applicant under 25", or
# drawn from them: "a random patient over 50"
_ONE = (r"(?:person|patient|applicant|customer|client|individual|man|woman|defendant|borrower|user"
        r"|subject|participant|adult|child|employee|student|member|one)")
EVERY_ONE = rf"(?:every|each|any|random)\s+{_ONE}"
# one person supposed: "if a patient is over 60, ..."
SOMEONE = rf"(?:(?:a|an|the)\s+{_ONE}|someone|somebody)"
HYPOTHETICAL = re.compile(r"\b(?:what\s+if|if|suppose|supposing|imagine|assum\w*|pretend|say"
                           r"|were|had|change\w*|set|increas\w*|decreas\w*|rais\w*|lower\w*"
                           r"|reduc\w*|doubl\w*|halv\w*|tripl\w*|would|instead|drop\w*|cut|add"
                           r"|bump\w*)\b"
                           # "make the duration 12 months" (not "the mistakes it makes on ...")
                           r"|^\W*(?:(?:and|also|now|ok|okay|then|so|please|pls|just)\W+)*make\b",
                           re.I)


# "30k", "$1.5k": thousands (the planner reads ids before features, so these were no ids)
THOUSANDS = re.compile(r"(?<![\w.])(\$?)(\d+(?:\.\d+)?)\s?k\b", re.I)


def to_number(text: str) -> int | float:
    """A number as written: whole numbers as int ("30", never "30.0" in a condition)."""
    value = float(text)
    return int(value) if value.is_integer() else value


def op_of(said: str) -> str:
    """The comparison a phrase says ("at least" -> ">="), "==" when it says none."""
    said = " ".join(said.lower().split())
    for pattern, op in OPS:
        if re.fullmatch(pattern, said, re.I):
            return op
    return "=="


def trail_op(said: str, op: str) -> str:
    """The comparison a trailing phrase makes of `op` ("50 or more" -> ">=")."""
    for pattern, found in TRAIL:
        if re.fullmatch(pattern, " ".join(said.lower().split()), re.I):
            return found
    return op


# what may follow a value that stands alone as a group's name ("the unemployed added too")
HEAD = re.compile(r"\s*(?:$|[,.?!;:]|(?:and|or|too|also|added|included|as|in|who|that|are|were|all"
                  r"|is|was|do|does|did|get|gets|got|have|has|had|vs|versus|compared)\b)", re.I)


# words that end a number's phrase: "patients over 30 with diabetes" is no "30 ... diabetes"
JOINS = (r"(?:with|without|and|or|but|who|that|which|whose|having|has|have|had|is|are|was|were"
         r"|in|on|for|at|by|from|to|of|than)\b")


def yes_no_groups(yes_no: str) -> re.Pattern[str]:
    """Yes/no columns named as a group, with what says yes or no before them: "foreign
    workers", "with a telephone", "without a guarantor", "charged with a felony",
    "non-smokers"; `yes_no` is the pattern of the yes/no columns' forms."""
    return re.compile(
        rf"(?P<neg>\b(?:except|excluding|other\s+than|apart\s+from|but\s+not)\s+(?:(?:the|those|people"
        rf"|ones|[a-z]+s)\s+)?(?:with\s+(?:an?\s+)?|who\s+(?:are|have|has)\s+(?:an?\s+)?)?"
        rf"|\bwithout\s+(?:an?\s+|any\s+)?|\bwith\s+no\s+|\bno[\s-]+|\bnon[\s-]?|\bnot\s+"
        rf"(?:an?\s+)?|\b(?:who|that)\s+(?:(?:are|is|was|were)\s+not|aren't|isn't|wasn't"
        rf"|weren't)\s+(?:an?\s+)?|\b(?:who|that)\s+"
        rf"(?:do|does|did)\s*(?:n't|\s+not)\s+(?:have|own)\s+(?:an?\s+|any\s+)?|\b(?:don't"
        rf"|doesn't|didn't)\s+(?:have|own)\s+(?:an?\s+|any\s+)?"
        # "who don't do overtime", "that never travel"
        rf"|\b(?:who|that)\s+(?:(?:do|does|did)\s*(?:n'?t|\s+not)|never)\s+(?:[a-z]+\s+)?(?:any\s+)?)?"
        rf"(?P<pos>\bwith\s+(?:an?\s+)?"
        rf"|\b(?:who|that)\s+(?:are|is|was|were|have|has|had|own|owns)\s+(?:an?\s+)?"
        # "who work overtime", "people on overtime", "doing overtime"
        rf"|\b(?:who|that)\s+(?:work|works|worked|do|does|did|get|gets|got|put\s+in)\s+"
        rf"|\b(?:on|doing|working)\s+"
        rf"|\bhaving\s+(?:an?\s+)?|\b(?:are|is|have|has|own)\s+(?:an?\s+)?|\bcharged\s+with\s+(?:an?\s+)?)?"
        rf"(?:(?<![\w-])|(?<=\bnon)|(?<=\bnon-)|(?<=\bno-))(?P<b>{yes_no})(?![\w-])", re.I)
