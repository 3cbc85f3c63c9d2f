"""Wrong predictions counted, or rows of one label selected: two readings of "how many".

"How many did you get wrong?" counts the mistakes (the mistake lister, its conditions as a
selection before it); "how many women does the model turn down?" names a label with no word of
wrongness, so it selects rows rather than listing mistakes. Kept apart from `calls.py`, which
applies them clause by clause.
"""

from __future__ import annotations

import re
from typing import Any

from ..base import ToolCall
from ..catalogue import catalogue
from .args import filter_calls, subset_criteria, tool_args
from .clause import Clause
from .criteria import RIGHT, WRONG


def counts_wrong(c: Clause, tool: str) -> bool:
    """"How many did you get wrong?", "number of errors": a count of the wrong predictions
    (not "how many false positives": those are predicted-label conditions, a selection)."""
    cat = catalogue()
    counts = c.count_q or re.search(r"\bhow often\b", c.text, re.I) is not None
    if not counts or not cat.mistake_listers or c.slots.id is not None:
        return False
    wrong = c.criteria.positive.get("correct") is False or (
        "correct" not in c.criteria.positive and RIGHT.search(c.text) is None
        and (tool in cat.mistake_listers or WRONG.search(c.text) is not None))
    return wrong and "predicted" not in c.criteria.positive and (
        tool in cat.dataset or tool in cat.subset_tools)


_WRONGISH = re.compile(r"\b(?:miss(?:ed|es|ing)?|should(?:n'?t| not)? have|mistak\w*|errors?"
                       r"|erroneous|incorrect\w*|wrong\w*|misclassif\w*|mislabel\w*|fail\w*"
                       r"|false\s+(?:positive|negative)s?|confus\w*)\b", re.I)


def selects_labels(c: Clause, tool: str) -> bool:
    """"How many women get turned down by the model?", "patients really labelled diabetic":
    rows of a gold or predicted label with no word of wrongness are a selection, though they
    read like the mistake listers' questions."""
    pos = c.criteria.positive
    return (tool in catalogue().mistake_listers and ("label" in pos or "predicted" in pos)
            and pos.get("correct") is not False and _WRONGISH.search(c.text) is None)


def count_wrong(c: Clause, filters: list[dict[str, Any]]) -> ToolCall:
    """The mistakes counted: the other conditions as a selection before, the split its own."""
    cat = catalogue()
    tool = next(n for n in cat.order if n in cat.mistake_listers)
    crit = subset_criteria(c, tool)
    crit.positive.pop("correct", None)
    filters += filter_calls(crit, combine=crit.combine)
    args = {k: v for k, v in tool_args(tool, c).items() if k != "k"}
    return ToolCall(tool=tool, args=args)
