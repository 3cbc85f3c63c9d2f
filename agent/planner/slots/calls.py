"""Clauses -> the ordered list of calls for one question (filters first, inputs shared).

Which branch a clause takes depends on the part its tool plays in the catalogue (see
`catalogue.py`): subset tools turn conditions into selector calls (and list them), dataset tools
get the conditions that are not their own arguments as selector calls before them, input tools
get the input of the clause, of the question or of the dialogue's focus.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..base import Plan, ToolCall
from ..catalogue import catalogue
from .args import filter_calls, subset_criteria, tool_args
from .clause import Clause, clarify
from .methods import COMPARE, methods_from_context

if TYPE_CHECKING:
    from ...state import DialogueState

_POINTING = re.compile(r"\b(?:it|that|this)\b", re.I)


def _show(
    c: Clause, infos: list[Clause], shared: dict[str, Any], state: DialogueState
) -> ToolCall | Plan:
    lister = catalogue().lister
    args = tool_args(lister, c)
    if c.slots.id is not None:
        args["id"] = c.slots.id
    elif c.input.get("id") is not None and not args.get("ids"):
        args["id"] = c.input["id"]
    elif not args and len(infos) > 1 and shared.get("id") is not None:
        args["id"] = shared["id"]
    elif not args and c.anaphora and _POINTING.search(c.text):
        if state.focus_id is None:
            return clarify('Which review should I show? Give an id, e.g. "show review 12".', c)
        args["id"] = state.focus_id
    return ToolCall(tool=lister, args=args)


def _dataset(
    c: Clause,
    tool: str,
    n: int,
    infos: list[Clause],
    state: DialogueState,
    filters: list[dict[str, Any]],
) -> ToolCall:
    cat = catalogue()
    crit = subset_criteria(c, tool)
    filters += filter_calls(crit, combine=crit.combine)
    args = tool_args(tool, c)
    if n > 0 and c.anaphora and not c.split:  # "... on the test set, and the mistakes there?"
        prev = infos[n - 1]
        if prev.split and cat.allows(tool, "split", prev.split):
            args["split"] = prev.split
    # "how accurate are you there?": to a grader "there" is the split asked about last (in "how
    # many are there?" it is no place at all)
    there = re.search(r"\bthere\b", c.text, re.I) is not None
    if not c.split and len(infos) == 1 and tool in cat.graders and there:
        for x in state.last_calls:
            if cat.allows(tool, "split", str(x.args.get("split"))):
                args["split"] = x.args["split"]
    return ToolCall(tool=tool, args=args)


def assemble(infos: list[Clause], state: DialogueState, kind: str) -> Plan:
    cat = catalogue()
    shared = next((c.input for c in infos if c.input), {})
    all_methods = list(dict.fromkeys(m for c in infos for m in c.slots.methods))
    filters: list[dict[str, Any]] = []
    calls: list[ToolCall] = []
    for n, c in enumerate(infos):
        tool = c.intent
        if tool in cat.subset_tools:
            crit = subset_criteria(c)
            only_ids = set(crit.positive) == {"ids"} and not crit.negative and c.show_verb
            selects = tool == cat.selector and not c.slots.id
            if (crit and not only_ids) or (selects and not only_ids):
                if not crit:
                    if c.count_q:  # "how many are there?": the data's own size
                        calls.append(ToolCall(tool=cat.describer, args={}))
                        continue
                    return clarify(
                        'Which reviews should I keep? For example: "negative reviews", '
                        '"reviews you got wrong", "reviews that mention \'plot\'" or '
                        '"ids 10-20".',
                        c,
                    )
                filters += filter_calls(crit, combine=crit.combine)
                if c.show_verb and not c.count_q:
                    size = {"page_size": c.slots.k} if c.slots.k else {}
                    calls.append(ToolCall(tool=cat.lister, args=size))
                continue
            shown = _show(c, infos, shared, state)
            if isinstance(shown, Plan):
                return shown
            calls.append(shown)
            continue
        if tool in cat.dataset:
            judged = tool in cat.mistake_listers or "correct" in c.criteria.positive
            if c.count_q and tool in cat.graders and judged:  # "how many did you get wrong?"
                crit = subset_criteria(c)
                crit.positive.setdefault("correct", False)
                if c.split and cat.allows(cat.selector, "split", c.split):
                    crit.positive["split"] = c.split
                # "how many did you get wrong?" while a subset is selected: within it
                combine = crit.combine or (
                    "and" if state.subset is not None and len(crit.positive) == 1 else None
                )
                filters += filter_calls(crit, combine=combine)
                continue
            calls.append(_dataset(c, tool, n, infos, state, filters))
            continue
        edited = any(cat.takes(x.intent, "edits") for x in infos[:n])
        if tool == cat.predictor and not c.input and edited:
            continue  # "if I change X to Y, what do you predict?": the tool of the edit says it
        if tool in cat.inputs:
            inp = c.input or shared or state.focus
            if not inp:
                what = "prompt" if kind == "causal_lm" else "review"
                return clarify(
                    f'Which {what}? Give an id (e.g. "review 12") or quote a text '
                    f"(e.g. \"why is 'a gorgeous film' positive?\").",
                    c,
                )
            args = {**inp, **tool_args(tool, c)}
            methods_from_context(tool, c, args, state, all_methods)
            if tool in cat.explainers and len(c.slots.methods) > 1 and not COMPARE.search(c.text):
                calls += [ToolCall(tool=tool, args={**args, "method": m}) for m in c.slots.methods]
                continue
            if cat.takes(tool, "edits") and not (c.edits or c.new_text):
                return clarify(
                    "What should I change? For example: \"what if I replace 'dull' with "
                    "'gripping'?\" or \"what if it said 'a fine film'?\"",
                    c,
                )
            calls.append(ToolCall(tool=tool, args=args))
            continue
        if tool in cat.names:
            calls.append(ToolCall(tool=tool, args=tool_args(tool, c)))
    unique: list[ToolCall] = []
    for call in [ToolCall(tool=cat.selector, args=a) for a in filters] + calls:
        if call not in unique:
            unique.append(call)
    return Plan(calls=unique, intent=infos[0].intent, confidence=min(c.prob for c in infos))
