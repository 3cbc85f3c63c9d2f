"""Clause slots -> tool arguments in canonical form (only what the user said)."""

from __future__ import annotations

from typing import Any

from ..catalogue import catalogue
from .clause import Clause
from .criteria import Criteria


def filter_calls(
    crit: Criteria, *, combine: str | None = None, extra: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One selector call for the positive conditions, one more (negated, ANDed) for the others."""
    pos = dict(crit.positive)
    pos.update(extra or {})
    calls = []
    if pos:
        args = dict(pos)
        if combine:
            args["combine"] = combine
        calls.append(args)
    if crit.negative:
        args = dict(crit.negative)
        args["negate"] = True
        if pos:
            args["combine"] = "and"
        elif combine:
            args["combine"] = combine
        calls.append(args)
    return calls


def said(c: Clause, tool: str) -> dict[str, Any]:
    """Every argument value the clause states, None where it states none (0, "" and [] are
    unstated, except that a layer, head or ids given as 0 or [] count)."""
    s = c.slots
    return {
        "max_new_tokens": s.max_new_tokens or None,
        "method": s.methods[0] if s.methods else None,
        "compare": s.methods[1] if len(s.methods) > 1 else None,
        # "why does it say diabetes for people over 60?": the rows it says it for, and why
        "label": s.label or (c.criteria.positive.get("predicted") if c.criteria
                             and tool == catalogue().natural("method", "dataset") else None),
        "contrast": s.contrast or None,
        "k": s.k or None,
        "page_size": s.k or None,
        "span": c.span or None,
        "layer": s.layer,
        "head": s.head,
        "mode": "rollout" if s.rollout else None,
        "ids": s.ids,
        "page": s.page or None,
        "sample_size": s.sample_size or None,
        "edits": c.edits or None,
        "new_text": None if c.edits else c.new_text or None,  # edits, when given, say it all
        "split": c.split if c.split and catalogue().allows(tool, "split", c.split) else None,
        # a table row's feature edits for the tool taking edits; else the features named
        "features": (c.features.edits if catalogue().takes(tool, "edits")
                     else c.features.mentioned[:2] if len(c.features.mentioned) >= 2
                     else None) or None,
        "fixed": c.features.fixed or None,
    }


def tool_args(tool: str, c: Clause) -> dict[str, Any]:
    """Arguments a clause gives a tool: those of its settings (its arguments besides the input,
    from its args model) that the clause states. The selector's arguments are conditions: see
    `subset_criteria`."""
    cat = catalogue()
    if tool == cat.selector:
        return {}
    values = said(c, tool)
    return {n: values[n] for n in cat.settings(tool) if values.get(n) is not None}


def subset_criteria(c: Clause, tool: str | None = None) -> Criteria:
    """The clause's subset conditions that are not arguments of `tool` itself; with no tool, all
    of them, as the selector takes them (with the ids and the text to be similar to)."""
    cat = catalogue()
    crit = Criteria(dict(c.criteria.positive), dict(c.criteria.negative), c.criteria.combine)
    own_split = tool is not None and cat.allows(tool, "split", c.split or "")
    if c.split and not own_split and c.split != "all":
        crit.positive["split"] = c.split
    if tool is None:
        if c.slots.ids is not None and (c.intent == cat.selector or crit):
            crit.positive["ids"] = c.slots.ids
        if c.similar_to:
            crit.positive["similar_to"] = c.similar_to
    elif c.slots.ids is not None and not cat.takes(tool, "ids"):
        crit.positive["ids"] = c.slots.ids  # "accuracy on ids 100-200"
    return crit
