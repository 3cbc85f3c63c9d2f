"""A one-input tool asked of a table's rows rather than one row: "what do you predict for people
over 50?", "explain the predictions for BMI above 30", "what if everyone's glucose dropped by
20?", "what would flip the predictions for people over 60?", or a prediction or what-if that
names no row with none in focus. The rows become a
selection and the tool that answers for rows runs on them (`calls.assemble` asks first)."""

from __future__ import annotations

import re
from typing import Any

from ..base import ToolCall
from ..catalogue import catalogue
from .args import filter_calls, subset_criteria, tool_args
from .clause import Clause
from .feature_words import PEOPLE

EVERYONE = re.compile(r"\b(?:everyone|everybody|nobody|no\s+one|no\s+(?:patient|person|applicant)s?"
                      r"|every\s+\w+|all\s+(?:the\s+)?\w+|each\s+\w+"
                      r"|across|on average|the whole|whole\s+\w+|(?:the\s+)?predictions)\b", re.I)


_ONE_ROW = re.compile(r"\b(?:his|her|its|it|this|that|he|she|him|this one|that one"
                      r"|the (?:patient|person|applicant|customer|row|item|case|one))\b", re.I)


# "why are people predicted to have diabetes?", "why do you make the predictions you make?"
_MANY = re.compile(rf"\b(?:{PEOPLE}|predictions|decisions|everyone|everybody|they|them|these"
                   r"|in general|generally|overall|usually|typically|on the data)\b", re.I)
_PERSON = re.compile(r"\b(?:she|he|her|him|his)\b", re.I)


def one_person(c: Clause) -> bool:
    """"Why does it think she is diabetic?": one person, the label said of her, not the rows
    with that label."""
    return (_PERSON.search(c.text) is not None and not c.criteria.negative
            and set(c.criteria.positive) <= {"label", "predicted"})


def on_rows(c: Clause, tool: str, kind: str, filters: list[dict[str, Any]],
             focus: dict[str, Any]) -> ToolCall | None:
    """A one-input tool asked of many rows of a table ("what do you predict for people over
    50?", "explain the predictions for BMI above 30", "what if everyone's glucose dropped by
    20?"), or asked with no row named and none in focus ("what if priors were 0?"): the rows as
    a selection (the current ones when none is named), then the tool that answers for rows."""
    cat = catalogue()
    if kind != "tabular" or tool not in cat.inputs or c.input or c.slots.id is not None:
        return None
    if one_person(c):
        return None
    edits = cat.takes(tool, "edits") and bool(c.features.edits)
    unnamed = not focus and c.slots.ids is None and c.slots.bad_id is None and (
        c.slots.id_problem is None) and not _ONE_ROW.search(c.text)
    if not (c.criteria or (edits and (unnamed or EVERYONE.search(c.text)))
            or (unnamed and tool == cat.predictor)
            or ((tool in cat.explainers or tool == cat.flipper) and not focus
                and c.slots.ids is None
                and c.slots.bad_id is None and c.slots.id_problem is None
                and _MANY.search(c.text) and not _PERSON.search(c.text))):
        return None
    if tool == cat.predictor:
        answer = ToolCall(tool=tool, args={})
    elif tool in cat.explainers:  # "why does it say diabetes for them?": that label's reasons
        answer = ToolCall(tool=cat.natural("method", "dataset"), args={})
        label = c.slots.label or c.criteria.positive.get("predicted")  # "why are people over
        # 55 predicted no diabetes?": the reasons for that label
        if label and cat.takes(answer.tool, "label"):
            answer.args["label"] = label
    elif edits:
        answer = ToolCall(tool=tool, args={"features": c.features.edits})
    elif tool == cat.flipper:  # "what would it take for people over 60 to get no diabetes?"
        answer = ToolCall(tool=tool, args=tool_args(tool, c))
    else:
        return None
    crit = subset_criteria(c)
    filters += filter_calls(crit, combine=crit.combine)
    return answer
