"""Clause slots -> tool arguments in canonical form (only what the user said)."""

from __future__ import annotations

from typing import Any

from .clause import SPLIT_ARG, Clause
from .criteria import Criteria


def filter_calls(
    crit: Criteria, *, combine: str | None = None, extra: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One filter call for the positive conditions, one more (negated, ANDed) for the others."""
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


# The arguments each tool takes from a clause, in the order they are written.
TOOL_ARGS: dict[str, tuple[str, ...]] = {
    "predict": ("max_new_tokens",),
    "attribute": ("method", "label", "contrast", "k", "span"),
    "attention": ("layer", "head", "mode", "k"),
    "counterfactual": ("label", "k"),
    "what_if": ("edits", "new_text"),
    "similar": ("k",),
    "faithfulness": ("method", "compare", "label"),
    "layer_predictions": ("label",),
    "show": ("ids", "page", "page_size"),
    "performance": ("split",),
    "mistakes": ("split", "k"),
    "describe_data": ("split",),
    "global_importance": ("k", "label", "method", "sample_size"),
    "keywords": ("k", "label"),
}


def said(c: Clause, tool: str) -> dict[str, Any]:
    """Every argument value the clause states, None where it states none (0, "" and [] are
    unstated, except that a layer, head or ids given as 0 or [] count)."""
    s = c.slots
    return {
        "max_new_tokens": s.max_new_tokens or None,
        "method": s.methods[0] if s.methods else None,
        "compare": s.methods[1] if len(s.methods) > 1 else None,
        "label": s.label or None,
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
        "split": c.split if c.split in SPLIT_ARG.get(tool, ()) else None,
    }


def tool_args(tool: str, c: Clause) -> dict[str, Any]:
    """Arguments a clause gives a tool, input excluded."""
    values = said(c, tool)
    return {name: values[name] for name in TOOL_ARGS.get(tool, ()) if values[name] is not None}


def subset_criteria(c: Clause, tool: str) -> Criteria:
    """The clause's subset conditions that are not arguments of `tool` itself."""
    crit = Criteria(dict(c.criteria.positive), dict(c.criteria.negative), c.criteria.combine)
    if c.split and (tool not in SPLIT_ARG or c.split not in SPLIT_ARG[tool]) and c.split != "all":
        crit.positive["split"] = c.split
    if tool == "filter":
        if c.slots.ids is not None and (c.intent == "filter" or crit):
            crit.positive["ids"] = c.slots.ids
        if c.similar_to:
            crit.positive["similar_to"] = c.similar_to
    return crit
