"""Clause slots -> tool arguments in canonical form (only what the user said)."""

from __future__ import annotations

from typing import Any

from .build import SPLIT_ARG, Clause
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


def tool_args(tool: str, c: Clause) -> dict[str, Any]:
    """Arguments a clause gives a tool, input excluded."""
    s = c.slots
    a: dict[str, Any] = {}
    if tool == "predict" and s.max_new_tokens:
        a["max_new_tokens"] = s.max_new_tokens
    if tool == "attribute":
        if s.methods:
            a["method"] = s.methods[0]
        if s.label:
            a["label"] = s.label
        if s.contrast:
            a["contrast"] = s.contrast
        if s.k:
            a["k"] = s.k
        if c.span:
            a["span"] = c.span
    elif tool == "attention":
        for key in ("layer", "head"):
            if getattr(s, key) is not None:
                a[key] = getattr(s, key)
        if s.rollout:
            a["mode"] = "rollout"
        if s.k:
            a["k"] = s.k
    elif tool in ("counterfactual",):
        if s.label:
            a["label"] = s.label
        if s.k:
            a["k"] = s.k
    elif tool == "what_if":
        if c.edits:
            a["edits"] = c.edits
        elif c.new_text:
            a["new_text"] = c.new_text
    elif tool == "similar":
        if s.k:
            a["k"] = s.k
    elif tool == "faithfulness":
        if s.methods:
            a["method"] = s.methods[0]
        if len(s.methods) > 1:
            a["compare"] = s.methods[1]
        if s.label:
            a["label"] = s.label
    elif tool == "layer_predictions":
        if s.label:
            a["label"] = s.label
    elif tool == "show":
        if s.ids is not None:
            a["ids"] = s.ids
        if s.page:
            a["page"] = s.page
        if s.k:
            a["page_size"] = s.k
    elif tool in ("performance", "mistakes", "describe_data"):
        if c.split in SPLIT_ARG[tool]:
            a["split"] = c.split
        if tool == "mistakes" and s.k:
            a["k"] = s.k
    elif tool == "global_importance":
        if s.k:
            a["k"] = s.k
        if s.label:
            a["label"] = s.label
        if s.methods:
            a["method"] = s.methods[0]
        if s.sample_size:
            a["sample_size"] = s.sample_size
    elif tool == "keywords":
        if s.k:
            a["k"] = s.k
        if s.label:
            a["label"] = s.label
    return a


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
