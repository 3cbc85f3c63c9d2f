"""Follow-ups resolved against the dialogue state: "and with IG?", "what about 12?", "the others?".

A follow-up repeats the previous turn's calls with what the new message changes (an input, a
method, a label, k, a split, subset conditions, attention settings, a page): each change goes to
the earlier calls whose tools take that argument (their args models say so); a change no earlier
call takes goes to the natural taker of the argument (see `catalogue.py`: a method or a label to
the explainer on the focus, a layer to the tool taking layers, a page to the lister ...).
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from .base import ToolCall
from .catalogue import catalogue
from .slots.args import filter_calls
from .slots.clause import Clause

if TYPE_CHECKING:
    from ..state import DialogueState

# the selector's arguments that are not conditions on the items
NOT_CONDITIONS = frozenset({"negate", "combine", "reset", "min_similarity"})
ATTENTION_SETTINGS = ("layer", "head", "mode")


def conditions() -> frozenset[str]:
    """The selector's arguments that are conditions on the items (label, contains, ids ...)."""
    cat = catalogue()
    return frozenset(cat.fields[cat.selector]) - NOT_CONDITIONS


def _set_input(args: dict[str, Any], inp: dict[str, Any]) -> None:
    args.pop("id", None)
    args.pop("text", None)
    args.update(inp)


def last_filter(state: DialogueState) -> dict[str, Any] | None:
    """The conditions of the subset now in use, as flat selector arguments, if they are flat."""
    selector, keys = catalogue().selector, conditions()
    batches = [state.last_calls] + [t.calls for t in reversed(state.history)]
    for calls in batches:
        for call in reversed(calls):
            if call.tool == selector:
                if call.args.get("reset"):
                    return None
                if call.args.get("combine") in ("and", "or"):
                    return None
                return {k: v for k, v in call.args.items() if k in keys | {"negate"}}
    crit = state.subset.criteria if state.subset is not None else {}
    if crit and set(crit) <= keys:
        return dict(crit)
    if crit and set(crit) == {"not"} and isinstance(crit["not"], dict) and set(crit["not"]) <= keys:
        return {**crit["not"], "negate": True}
    return None


def complement(state: DialogueState) -> list[ToolCall] | None:
    """"The others": the last selection negated (or un-negated), then the rest of the last turn."""
    selector = catalogue().selector
    flt = last_filter(state)
    if not flt:
        return None
    args = {k: v for k, v in flt.items() if k != "negate"}
    if not flt.get("negate"):
        args["negate"] = True
    rest = [copy.deepcopy(c) for c in state.last_calls if c.tool != selector]
    return [ToolCall(tool=selector, args=args), *rest]


def next_page(state: DialogueState) -> list[ToolCall]:
    """The last paged call with the page after its own; the lister's page 2 when none was."""
    cat = catalogue()
    for call in reversed(state.last_calls):
        if cat.takes(call.tool, "page"):
            args = dict(call.args)
            args["page"] = int(args.get("page", 1)) + 1
            return [ToolCall(tool=call.tool, args=args)]
    return [ToolCall(tool=cat.lister, args={"page": 2})]


def repeat(state: DialogueState, c: Clause, focus: dict[str, Any]) -> list[ToolCall] | None:
    """The last turn's calls changed by what clause `c` says; None when it changes nothing."""
    calls = [ToolCall(tool=x.tool, args=copy.deepcopy(x.args)) for x in state.last_calls]
    s = c.slots
    changed = False
    target_input = c.input or focus
    cat = catalogue()

    def takers(key: str) -> list[ToolCall]:
        return [x for x in calls if x.tool != cat.selector and cat.takes(x.tool, key)]

    if c.input:
        took = [
            x
            for x in calls
            if x.tool in cat.inputs
            or (cat.takes(x.tool, "id") and "id" in c.input and "ids" not in x.args)
        ]
        for x in took:
            _set_input(x.args, c.input)
        if not took:
            calls = [ToolCall(tool=cat.predictor, args=dict(c.input))]
        changed = True
    if s.methods:
        ms = takers("method")
        if not ms:
            if not target_input:
                return None
            args = {**target_input, "method": s.methods[0]}
            calls = [ToolCall(tool=cat.explainer, args=args)]
        for x in ms:
            x.args["method"] = s.methods[0]
            if cat.takes(x.tool, "compare") and len(s.methods) > 1:
                x.args["compare"] = s.methods[1]
        changed = True
    ls = takers("label")
    if s.label and ls and not c.criteria.positive.get("predicted"):
        c.criteria.positive.pop("label", None)
    label_crit = c.criteria.positive.get("label") or c.criteria.positive.get("predicted")
    if s.label and not label_crit:
        for x in ls:
            x.args["label"] = s.label
            if cat.takes(x.tool, "contrast"):
                x.args.pop("contrast", None)
                if s.contrast:
                    x.args["contrast"] = s.contrast
        if not ls:
            if any(x.tool not in cat.inputs for x in calls):
                c.criteria.positive["label"] = s.label
            elif target_input:
                calls = [ToolCall(tool=cat.explainer, args={**target_input, "label": s.label})]
        changed = True
    if s.k:
        ks = takers("k") or takers("page_size")
        if re.search(r"\b(?:words?|tokens?|terms?|features?)\b", c.text, re.I):
            ks = [x for x in ks if x.tool in cat.k_words]  # "top 5 words": a word count
            if not any(x.tool in cat.k_words for x in ks) and target_input:
                calls = [ToolCall(tool=cat.explainer, args=dict(target_input))]
                ks = calls
        for x in ks:
            x.args["k" if cat.takes(x.tool, "k") else "page_size"] = s.k
        changed = changed or bool(ks)
    if any(v is not None for v in (s.layer, s.head)) or s.rollout:
        said = {"layer": s.layer, "head": s.head, "mode": "rollout" if s.rollout else None}
        att = [x for x in calls if any(cat.takes(x.tool, a) for a in ATTENTION_SETTINGS)]
        if not att:
            if not target_input:
                return None
            calls = [ToolCall(tool=cat.natural("layer"), args=dict(target_input))]
            att = calls
        for x in att:
            for name, value in said.items():
                if value is not None and cat.takes(x.tool, name):
                    x.args[name] = value
        changed = True
    if s.page:
        paged = [x for x in calls if cat.takes(x.tool, "page")]
        calls = paged or [ToolCall(tool=cat.lister, args={})]
        calls[0].args["page"] = s.page
        changed = True
    if c.changes:
        edit = ({"edits": c.edits} if c.edits else {"features": c.features.edits}
                if c.features.edits else {"new_text": c.new_text})
        calls = accumulate([ToolCall(tool=cat.natural("edits"), args={**target_input, **edit})],
                           state, c.text)
        changed = True
    if c.span:
        for x in takers("span"):
            x.args["span"] = c.span
        changed = True
    if c.split:
        sp = [x for x in takers("split") if cat.allows(x.tool, "split", c.split)]
        for x in sp:
            x.args["split"] = c.split
        if not sp and c.split != "all":
            c.criteria.positive["split"] = c.split
        changed = True
    if c.criteria:
        flt = [x for x in calls if x.tool == cat.selector and not x.args.get("reset")]
        rest = [x for x in calls if x.tool != cat.selector]
        if flt and not c.criteria.combine:  # "among those" / "plus any": the selector combines
            base = {k: v for k, v in flt[0].args.items() if k in conditions()}
            if c.criteria.positive.get("label") or c.criteria.positive.get("predicted"):
                base.pop("label", None)
                base.pop("predicted", None)
            base.update(c.criteria.positive)
            c.criteria.positive = base
        new = [ToolCall(tool=cat.selector, args=a)
               for a in filter_calls(c.criteria, combine=c.criteria.combine)]
        if not rest and re.search(r"\b(?:show|list|which)\b", c.text, re.I):
            rest = [ToolCall(tool=cat.lister, args={})]
        calls = new + rest
        changed = True
    return calls if changed else None


# a follow-up adding an edit to the last what-if rather than replacing it
_MORE_EDITS = re.compile(r"\b(?:also|too|as\s+well|on\s+top(?:\s+of\s+(?:that|it|this))?|plus"
                         r"|in\s+addition|additionally|besides|both)\b", re.I)
def more_fixed(state: DialogueState, c: Clause) -> list[ToolCall] | None:
    """"Same, but keep income fixed" after a counterfactual: the same search with that feature
    held too; None when the last turn ran no tool that holds features fixed."""
    cat = catalogue()
    if not c.features.fixed or c.input or c.slots.id is not None:
        return None
    held = [x for x in state.last_calls if cat.takes(x.tool, "fixed")]
    if not held:
        return None
    out = []
    for x in held:
        args = copy.deepcopy(x.args)
        args["fixed"] = list(dict.fromkeys([*(args.get("fixed") or []), *c.features.fixed]))
        out.append(ToolCall(tool=x.tool, args=args))
    return out


def accumulate(calls: list[ToolCall], state: DialogueState, text: str) -> list[ToolCall]:
    """"And if her BMI were also 30?" right after a what-if on a table row: the earlier edits
    and this one, on the same row (a later edit of the same feature wins)."""
    cat = catalogue()
    edits = cat.natural("edits")
    before = next((x.args for x in state.last_calls if x.tool == edits
                   and x.args.get("features")), None)
    if before is None or not _MORE_EDITS.search(text):
        return calls
    out = []
    for x in calls:
        same_row = x.args.get("id", before.get("id")) == before.get("id")
        if x.tool == edits and x.args.get("features") and same_row:
            new = {e["feature"] for e in x.args["features"]}
            kept = [e for e in before["features"] if e["feature"] not in new]
            args = {**{k: before[k] for k in ("id", "text") if k in before}, **x.args,
                    "features": kept + list(x.args["features"])}
            x = ToolCall(tool=x.tool, args=args)
        out.append(x)
    return out


def rerun_on_subset(calls: list[ToolCall], state: DialogueState) -> list[ToolCall]:
    """"Narrow it down to those paying over 90", "also include the unemployed" after a question
    about a subset: the narrowed (or widened) subset, then the last turn's tools about rows
    again, so the answer is about the new subset rather than its size alone."""
    cat = catalogue()
    selector = cat.selector
    if not calls or any(x.tool != selector for x in calls) or not any(
            x.args.get("combine") in ("and", "or") for x in calls):
        return calls
    again = [copy.deepcopy(x) for x in state.last_calls if x.tool not in (selector, cat.lister)
             and not {"id", "ids", "text"} & set(x.args)]  # (a selection lists its rows itself)
    return calls + again


_SET_IT = re.compile(r"\b(?:set|setting|make|making|change|changing|put|putting|try|trying|move"
                     r"|moving)\s+(?:it|that|them)\s+(?:to|at)\s+(?P<n>-?\d+(?:\.\d+)?)\b", re.I)


def edit_again(state: DialogueState, text: str) -> list[ToolCall] | None:
    """"What about setting it to 100 instead?" right after a what-if that set one feature: the
    same what-if (same rows or row) with that feature set to the new value."""
    m = _SET_IT.search(text)
    edits = catalogue().natural("edits")
    last = [x for x in state.last_calls
            if x.tool == edits and len(x.args.get("features") or []) == 1]
    if m is None or not last:
        return None
    n = float(m.group("n"))
    feature = last[-1].args["features"][0]["feature"]
    out = []
    for x in state.last_calls:
        x = ToolCall(tool=x.tool, args=copy.deepcopy(x.args))
        if x.tool == edits and x.args.get("features"):
            x.args["features"] = [{"feature": feature, "op": "set",
                                   "value": int(n) if n.is_integer() else n}]
        out.append(x)
    return out

