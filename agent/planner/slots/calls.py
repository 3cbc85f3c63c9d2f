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
from .rows import on_rows, one_person
from .wrong_calls import count_wrong, counts_wrong, selects_labels

if TYPE_CHECKING:
    from ...state import DialogueState

_POINTING = re.compile(r"\b(?:it|that|this)\b", re.I)
_ACROSS = re.compile(
    r"\b(?:all|every|each|whole|entire|across|overall|distribution|breakdown|proportion|share"
    r"|fraction|percentage|everything|dataset|data\s*set|corpus)\b",
    re.I,
)


_GOLD_ASK = re.compile(r"\b(?:gold|true|real|actual|correct|annotated)\s+(?:label|class|category"
                       r"|answer)\b|\b(?:actually|really)\s+(?:labell?ed|is)\b", re.I)
# "is review 4015 actually positive?": said of an item the question names, its gold label
_ACTUALLY = re.compile(r"\b(?:actually|really|truly)\b", re.I)
# "the real diagnosis breakdown for patients over 60": the gold labels of rows, counted
_GOLD_OF_ROWS = re.compile(r"\b(?:gold|true|real|actual|annotated|ground[- ]truth)[- ]"
                           r"(?:label|class|category|outcome|diagnos[ie]s|result|decision)s?\b"
                           r"|\bbreakdown\b|\bground[- ]truths?\b", re.I)
# "how likely", "the chance of" ("risk of", not "risk": "high risk" is a label)
LIKELY = re.compile(r"\b(?:likel\w*|probab\w*|chances?|odds|risk of)\b", re.I)
_THE_RESULT = re.compile(r"\b(?:the|its|your)\s+(?:reply|answer|output|result|results|response"
                         r"|completion|generation)\b", re.I)
_THEM = re.compile(r"\b(?:them|those|these|they)\b", re.I)


def _list_again(c: Clause, state: DialogueState) -> ToolCall | None:
    """The last turn's listing of wrong predictions again (with a new k), for "show them"."""
    cat = catalogue()
    few = re.fullmatch(r"\W*(?:show|list|give)(?: me)?\s+(\d{1,2})\W*", c.text, re.I)
    if few is None and (c.intent != cat.lister or c.slots.id is not None or c.slots.ids is not None
                        or c.criteria or not _THEM.search(c.text)):
        return None
    last = [x for x in state.last_calls if x.tool in cat.mistake_listers]
    if not last:
        return None
    args = dict(last[-1].args)
    if c.slots.k or few:
        args["k"] = c.slots.k or int(few.group(1))  # type: ignore[union-attr]
    return ToolCall(tool=last[-1].tool, args=args)


_TOKEN_ASK = re.compile(r"\b(?:why|how come|say|said|answer\w*|track|follow|token|instead)\b", re.I)


def _answer_token(c: Clause, tool: str, state: DialogueState, kind: str) -> dict[str, Any]:
    """A causal LM follow-up quoting a few words while a prompt is in focus ("why 'honey'?",
    "track 'four' instead"): the words are the answer's (a span, or the token to track)."""
    cat = catalogue()
    said = c.input.get("text")
    focus = state.focus.get("text") if state.focus else None
    if (kind != "causal_lm" or not said or not focus or said == focus or c.span
            or len(said.split()) > 3 or not _TOKEN_ASK.search(c.text)):
        return {}
    if cat.takes(tool, "span"):
        return {"span": said}
    if cat.takes(tool, "label"):
        return {"label": said}
    return {}


_PER_LABEL = re.compile(r"\b(?:precision|recall|f1|f-?score|f-?measure"
                        r"|per[- ](?:class|label|category)|class|category)\b", re.I)


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
            return clarify('Which {item} should I show? Give an id, e.g. "show {item} {id}".', c)
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
    if cat.takes(tool, "id") and c.input.get("id") is not None:  # a dataset tool on one item
        args["id"] = c.input["id"]
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
        tool = cat.selector if selects_labels(c, c.intent) else c.intent
        if tool == cat.selector != c.intent and LIKELY.search(c.text) and kind == "tabular":
            tool = cat.predictor  # "the likelihood that applicants under 25 are rejected": the
            for key in ("label", "predicted"):  # predictions of those rows
                c.criteria.positive.pop(key, None)
        if kind == "tabular" and tool == cat.natural("method", "dataset") and one_person(c):
            tool = cat.explainer
        if counts_wrong(c, tool):  # "how many did you get wrong (on the test set)?"
            counted = count_wrong(c, filters)
            if not c.split and len(infos) == 1 and re.search(r"\bthere\b", c.text, re.I):
                for x in state.last_calls:  # "and how many errors there?": the split of before
                    if cat.allows(counted.tool, "split", str(x.args.get("split"))):
                        counted.args["split"] = x.args["split"]
            calls.append(counted)
            continue
        gold_of = c.slots.id if c.slots.id is not None else state.focus_id
        asks_gold = _GOLD_ASK.search(c.text) or (c.slots.id is not None
                                                  and _ACTUALLY.search(c.text))
        if (tool in cat.subset_tools and asks_gold and c.slots.ids is None
                and gold_of is not None):
            calls.append(ToolCall(tool=cat.lister, args={"id": gold_of}))
            continue  # "is billing its true label?": the item in focus, shown
        if tool in cat.subset_tools:
            crit = subset_criteria(c)
            only_ids = set(crit.positive) == {"ids"} and not crit.negative and c.show_verb
            selects = tool == cat.selector and not c.slots.id
            if c.count_q and set(crit.positive) == {"split"} and not crit.negative and not (
                crit.combine) and cat.allows(
                cat.describer, "split", str(crit.positive["split"])
            ):  # "how many reviews are in the held-out part?": the data's own size there
                calls.append(ToolCall(tool=cat.describer, args={"split": crit.positive["split"]}))
                continue
            if (crit and not only_ids) or (selects and not only_ids):
                if not crit:
                    if c.count_q:  # "how many are there?": the data's own size
                        calls.append(ToolCall(tool=cat.describer, args={}))
                        continue
                    return clarify(
                        'Which {items} should I keep? For example: "{label} {items}", '
                        '"{items} you got wrong", "{items} that mention \'price\'" or '
                        '"ids {id}-{id2}".',
                        c,
                    )
                filters += filter_calls(crit, combine=crit.combine)
                if c.show_verb and not c.count_q:
                    size = {"page_size": c.slots.k} if c.slots.k else {}
                    calls.append(ToolCall(tool=cat.lister, args=size))
                elif tool == cat.lister and _GOLD_OF_ROWS.search(c.text) and not c.count_q:
                    calls.append(ToolCall(tool=cat.describer, args={}))  # their labels counted
                continue
            if (n > 0 and not c.slots.id and not c.slots.ids and not c.criteria
                    and _THE_RESULT.search(c.text)):
                continue  # "feed it '...' and show me the reply": the first request shows it
            listed = _list_again(c, state)
            if listed is not None:  # "show them" after the mistakes were counted: list those
                calls.append(listed)
                continue
            shown = _show(c, infos, shared, state)
            if isinstance(shown, Plan):
                return shown
            calls.append(shown)
            continue
        if tool in cat.mistake_listers and "predicted" in c.criteria.positive:
            # "show me the false positives": wrong predictions of one label, a selection
            crit = subset_criteria(c)
            if crit.positive.get("label") in (None, crit.positive["predicted"]):
                crit.positive["correct"] = False  # (a gold label apart from it says so already)
            filters += filter_calls(crit, combine=crit.combine)
            if c.show_verb and not c.count_q:
                size = {"page_size": c.slots.k} if c.slots.k else {}
                calls.append(ToolCall(tool=cat.lister, args=size))
            continue
        if tool in cat.graders - cat.mistake_listers and _PER_LABEL.search(c.text):
            c.criteria.positive.pop("label", None)  # "F1 for billing": a metric of one label
            c.criteria.positive.pop("predicted", None)
        if tool in cat.dataset:
            counted = subset_criteria(c)
            counted.positive.pop("split", None)
            if c.count_q and tool in (cat.graders - cat.mistake_listers) | {cat.describer} and (
                counted
            ):
                # "how many billing tickets are there?", "how many did you get right?": the
                # selector counts them
                crit = subset_criteria(c)
                filters += filter_calls(crit, combine=crit.combine)
                continue
            calls.append(_dataset(c, tool, n, infos, state, filters))
            continue
        edited = any(cat.takes(x.intent, "edits") for x in infos[:n])
        if (tool in cat.inputs and tool != cat.explainer and not c.input and edited
                and not c.slots.methods and (not c.slots.labels or c.count_q)):
            continue  # "if I change X to Y, what do you predict?", "... how many would churn?":
            # the tool of the edit says it
        about_model = cat.scope.get(tool) == "model"  # the model's own card
        if (tool == cat.predictor or about_model) and not c.input and any(
                x.intent == cat.drawer for x in infos[:n]):
            continue  # "pick a random one and predict it", "... and tell me what the model
            # says": the draw reports its predictions
        if tool == cat.predictor and not c.input and (c.count_q or _ACROSS.search(c.text)):
            # "what do you predict on the whole dataset?": the predictions across the data
            crit = subset_criteria(c)
            filters += filter_calls(crit, combine=crit.combine)
            calls.append(ToolCall(tool=tool, args={}))
            continue
        if tool in cat.inputs and not c.input and isinstance(c.slots.ids, list) and (
            2 <= len(c.slots.ids) <= 10
        ):  # "explain reviews 5 and 6": the same request for each
            for one in c.slots.ids:
                args = {"id": one, **tool_args(tool, c)}
                args.pop("ids", None)
                calls.append(ToolCall(tool=tool, args=args))
            continue
        rows = on_rows(c, tool, kind, filters, shared or state.focus)
        if rows is not None:  # a table model asked about many rows: "for people over 50"
            calls.append(rows)
            continue
        if tool in cat.inputs:
            inp = c.input or shared or state.focus
            if not inp:
                if kind == "causal_lm":
                    ask = "Which prompt? Quote it, e.g. \"why 'The capital of France is'?\""
                elif kind == "tabular":
                    ask = 'Which {item}? Give an id, e.g. "{item} {id}".'
                else:
                    ask = ('Which {item}? Give an id (e.g. "{item} {id}") or quote a text '
                           "(e.g. \"predict 'my text'\").")
                return clarify(ask, c)
            args = {**inp, **tool_args(tool, c)}
            token = _answer_token(c, tool, state, kind)
            if token:  # "why 'honey'?" about the prompt in focus: the answer's words
                args = {**state.focus, **{k: v for k, v in args.items() if k != "text"}, **token}
            methods_from_context(tool, c, args, state, all_methods)
            if tool in cat.explainers and len(c.slots.methods) > 1 and not COMPARE.search(c.text):
                calls += [ToolCall(tool=tool, args={**args, "method": m}) for m in c.slots.methods]
                continue
            if cat.takes(tool, "edits") and not c.changes:
                if kind == "tabular":
                    return clarify("What should I change? Name a feature and its new value, or "
                                   "how much to raise or lower it.", c)
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
