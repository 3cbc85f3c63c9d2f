"""Follow-ups resolved against the dialogue state: "and with IG?", "what about 12?", "the others?".

A follow-up repeats the previous turn's calls with what the new message changes (an input, a
method, a label, k, a split, subset conditions, attention settings, a page); a message that
changes something no previous call takes gets the natural tool for it (a method -> attribute on
the focus, a layer -> attention, a split -> performance ...).
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from .base import ToolCall
from .slots.args import filter_calls
from .slots.clause import ACCEPTS, INPUT_TOOLS, SPLIT_ARG, Clause

if TYPE_CHECKING:
    from ..state import DialogueState

FILTER_KEYS = ACCEPTS["filter"] - {"negate", "combine", "reset", "min_similarity"}


def _set_input(args: dict[str, Any], inp: dict[str, Any]) -> None:
    args.pop("id", None)
    args.pop("text", None)
    args.update(inp)


def last_filter(state: DialogueState) -> dict[str, Any] | None:
    """The conditions of the subset now in use, as flat filter arguments, if they are flat."""
    batches = [state.last_calls] + [t.calls for t in reversed(state.history)]
    for calls in batches:
        for call in reversed(calls):
            if call.tool == "filter":
                if call.args.get("reset"):
                    return None
                if call.args.get("combine") in ("and", "or"):
                    return None
                return {k: v for k, v in call.args.items() if k in FILTER_KEYS | {"negate"}}
    crit = state.subset.criteria if state.subset is not None else {}
    if crit and set(crit) <= FILTER_KEYS:
        return dict(crit)
    if (
        crit
        and set(crit) == {"not"}
        and isinstance(crit["not"], dict)
        and set(crit["not"]) <= FILTER_KEYS
    ):
        return {**crit["not"], "negate": True}
    return None


def complement(state: DialogueState) -> list[ToolCall] | None:
    flt = last_filter(state)
    if not flt:
        return None
    args = {k: v for k, v in flt.items() if k != "negate"}
    if not flt.get("negate"):
        args["negate"] = True
    rest = [copy.deepcopy(c) for c in state.last_calls if c.tool != "filter"]
    return [ToolCall(tool="filter", args=args), *rest]


def next_page(state: DialogueState) -> list[ToolCall]:
    for call in reversed(state.last_calls):
        if call.tool == "show":
            args = dict(call.args)
            args["page"] = int(args.get("page", 1)) + 1
            return [ToolCall(tool="show", args=args)]
    return [ToolCall(tool="show", args={"page": 2})]


def repeat(state: DialogueState, c: Clause, focus: dict[str, Any]) -> list[ToolCall] | None:
    """The last turn's calls changed by what clause `c` says; None when it changes nothing."""
    calls = [ToolCall(tool=x.tool, args=copy.deepcopy(x.args)) for x in state.last_calls]
    s = c.slots
    changed = False
    target_input = c.input or focus

    def takers(key: str, tools: set[str] | None = None) -> list[ToolCall]:
        return [
            x
            for x in calls
            if key in ACCEPTS.get(x.tool, set()) and (tools is None or x.tool in tools)
        ]

    if c.input:
        took = [
            x
            for x in calls
            if x.tool in INPUT_TOOLS
            or (x.tool == "show" and "id" in c.input and "ids" not in x.args)
        ]
        for x in took:
            _set_input(x.args, c.input)
        if not took:
            calls = [ToolCall(tool="predict", args=dict(c.input))]
        changed = True
    if s.methods:
        ms = takers("method", {"attribute", "faithfulness", "global_importance"})
        if not ms:
            if not target_input:
                return None
            calls = [ToolCall(tool="attribute", args={**target_input, "method": s.methods[0]})]
        for x in ms:
            x.args["method"] = s.methods[0]
            if x.tool == "faithfulness" and len(s.methods) > 1:
                x.args["compare"] = s.methods[1]
        changed = True
    ls = takers(
        "label",
        {
            "attribute",
            "counterfactual",
            "layer_predictions",
            "faithfulness",
            "keywords",
            "global_importance",
        },
    )
    if s.label and ls and not c.criteria.positive.get("predicted"):
        c.criteria.positive.pop("label", None)
    label_crit = c.criteria.positive.get("label") or c.criteria.positive.get("predicted")
    if s.label and not label_crit:
        for x in ls:
            x.args["label"] = s.label
            if x.tool == "attribute":
                x.args.pop("contrast", None)
                if s.contrast:
                    x.args["contrast"] = s.contrast
        if not ls:
            if any(x.tool == "filter" or x.tool not in INPUT_TOOLS for x in calls):
                c.criteria.positive["label"] = s.label
            elif target_input:
                calls = [ToolCall(tool="attribute", args={**target_input, "label": s.label})]
        changed = True
    if s.k:
        ks = takers("k") or takers("page_size")
        for x in ks:
            x.args["k" if "k" in ACCEPTS[x.tool] else "page_size"] = s.k
        changed = changed or bool(ks)
    if any(v is not None for v in (s.layer, s.head)) or s.rollout:
        att = [x for x in calls if x.tool == "attention"]
        if not att:
            if not target_input:
                return None
            calls = [ToolCall(tool="attention", args=dict(target_input))]
            att = calls
        for x in att:
            if s.layer is not None:
                x.args["layer"] = s.layer
            if s.head is not None:
                x.args["head"] = s.head
            if s.rollout:
                x.args["mode"] = "rollout"
        changed = True
    if s.page:
        calls = [x for x in calls if x.tool == "show"] or [ToolCall(tool="show", args={})]
        calls[0].args["page"] = s.page
        changed = True
    if c.edits or c.new_text:
        calls = [
            ToolCall(
                tool="what_if",
                args={
                    **target_input,
                    **({"edits": c.edits} if c.edits else {"new_text": c.new_text}),
                },
            )
        ]
        changed = True
    if c.span:
        for x in takers("span"):
            x.args["span"] = c.span
        changed = True
    if c.split:
        sp = [x for x in calls if x.tool in SPLIT_ARG and c.split in SPLIT_ARG[x.tool]]
        for x in sp:
            x.args["split"] = c.split
        if not sp and c.split != "all":
            c.criteria.positive["split"] = c.split
        changed = True
    if c.criteria:
        flt = [x for x in calls if x.tool == "filter" and not x.args.get("reset")]
        rest = [x for x in calls if x.tool != "filter"]
        if flt:
            base = {k: v for k, v in flt[0].args.items() if k in FILTER_KEYS}
            if c.criteria.positive.get("label") or c.criteria.positive.get("predicted"):
                base.pop("label", None)
                base.pop("predicted", None)
            base.update(c.criteria.positive)
            c.criteria.positive = base
        new = [ToolCall(tool="filter", args=a) for a in filter_calls(c.criteria)]
        if not rest and re.search(r"\b(?:show|list|which)\b", c.text, re.I):
            rest = [ToolCall(tool="show", args={})]
        calls = new + rest
        changed = True
    return calls if changed else None
