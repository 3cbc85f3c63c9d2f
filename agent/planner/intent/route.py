"""Where the requests of a question go: a reply, a question back, a follow-up of the last turn, the
planner's own intents (greeting, define, reset, complement, next page, repeat, a pasted review,
out of scope), or the tool clauses to build calls from.

Several requests go to the builder as they are. A single one gets second thoughts first
(`decide.retarget`), and may be a fragment of a follow-up ("and with IG?", "what about 13?")
or a bare input ("review 14"). The planner's own intents are listed in prompts/examples.yaml;
the tools they lead to come from the catalogue (the selector resets, the predictor reads a
pasted text, the explainer takes a method).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..base import Plan, ToolCall
from ..catalogue import catalogue
from ..followups import complement, edit_again, more_fixed, next_page, repeat
from ..read.replies import define_reply, greeting_reply, help_text, out_of_scope_text
from ..slots.clause import Clause, clarify, has_slots
from .cues import CUES, STRONG
from .decide import CLAUSE_CONF, MIN_CONF, Reread, extra_slots, retarget

if TYPE_CHECKING:
    from ...state import DialogueState
    from ..read.question import Question

_POINTING = re.compile(r"\b(?:that|it|this|them|they)\b", re.I)
# "redo that with the unemployed added", "run it again for applicants under 21"
_REDO = re.compile(r"\b(?:redo|re-?run|repeat (?:it|that|this)|(?:run|do|ask|try) (?:it|that|this"
                   r"|the same)(?: \w+)? again|same (?:thing|question|again))\b", re.I)
# requests to act on the world or on the data itself, which no tool does
_ACTION = re.compile(
    r"^\W*(?:(?:ok|okay|so|now|hey|hi|please|pls|can you|could you|would you|will you|go ahead and"
    r"|i want you to|i need you to)\W+)*(?:reply|respond|assign|e-?mail|escalate|forward"
    r"|send (?:an?|the|it|this|that|them|my)\b(?! (?:\w+ )?to the model)"
    r"|close (?:the|this|that|all|every|my)|archive|merge|upload|download|order|book|buy|purchase"
    r"|fine-?tune|re-?train|deploy|install|relabel|re-?label|rename|ping|notify|schedule"
    r"|translate|(?:summari[sz]e|paraphrase)\s+(?:the\s+|this\s+)?[a-z]+\s*#?\d+|draft|compose"
    r"|write (?:a|an|the|me|some)\b"
    r"|(?:fix|improve|repair|debug|patch|update|upgrade|tune|train)\s+(?:the\s+|this\s+|my\s+"
    r"|your\s+)?(?:model|classifier|data\w*|it\b)"
    r"|(?:delete|remove|drop|erase)\s+(?:the\s+|this\s+|that\s+)?"
    r"(?!(?:the\s+|all\s+(?:the\s+)?)?(?:filters?|subset|selection|conditions?)\b)(?:[a-z]+\s*#?\d+|data\w*"
    r"|everything|all(?:\s+(?:the\s+)?[a-z]+)?))\b(?!\s*(?:«|:))",
    re.I,
)
_TOKEN_ASK = re.compile(r"\b(?:why|how come|say|said|answer\w*|track|follow|token|instead)\b", re.I)


def _answer_token(c: Clause, state: DialogueState, kind: str) -> str | None:
    """A causal LM follow-up quoting a few words while a prompt is in focus ("why 'honey'?",
    "track 'four' instead"): the words of the answer, not a new prompt."""
    said = c.input.get("text")
    focus = state.focus.get("text") if state.focus else None
    if (kind != "causal_lm" or not said or not focus or said == focus or c.span
            or len(said.split()) > 3 or not _TOKEN_ASK.search(c.text)):
        return None
    return str(said)


def _token_of_answer(c: Clause, state: DialogueState, kind: str) -> None:
    token = _answer_token(c, state, kind)
    if token:  # "follow 'Neil' instead", "why 'honey'?": words of the answer to the prompt in focus
        cat = catalogue()
        c.input = {}
        last_span = any(cat.takes(x.tool, "span") for x in state.last_calls)
        last_label = any(cat.takes(x.tool, "label") and x.tool not in cat.explainers
                         for x in state.last_calls)
        if (last_span and not last_label) or (cat.takes(c.intent, "span") and not last_label):
            c.span = token
        else:
            c.slots.label = token


_GREETING_ONLY = re.compile(
    r"^\W*(?:hi|hiya|hey|heya|hello|howdy|yo|greetings|good (?:morning|afternoon|evening|day))\b"
    r"[\s,!.]*(?:there|all|everyone|again|friend|model|saywhy|bot|team)?[\s,!.]*(?:model|saywhy)?"
    r"[\s,!.?]*$", re.I)
_WITH_METHOD = re.compile(r"\b(?:using|use|with|via|by|and|try|what about|how about)\b", re.I)
_ASKING = re.compile(r"^\W*(?:what|what's|why|how|who|where|when|which|is|are|can|could|would|will"
                     r"|do|does|did|should|tell me)\b|\?\s*$", re.I)
# asking what a term means, in other words than "what is X?"
_ABOUT_TERM = re.compile(
    r"\bwhat(?:'s| is) the (?:idea|point|intuition|gist)\b|\bwhat do you (?:mean|measure)\b"
    r"|\bmeaning of\b|\bmean by\b|=\s*\?|\bhow do(?:es)? (?:it|you|that|one) (?:work|decide|measure"
    r"|compute|calculate)\b|\bhearing about\b|\bexplain what\b|\bhow is \w+ (?:computed|measured"
    r"|calculated)\b",
    re.I,
)
_DEFINABLE = (
    "Which method should I explain? I can define SHAP, integrated gradients, gradient x input, "
    "LIME, occlusion, attention, attention rollout, counterfactuals, comprehensiveness/"
    "sufficiency and the logit lens."
)


def defined_outright(question: Question) -> Plan | None:
    """"What is SHAP?" with no quoted data and no number: the definition, before any tool."""
    text = question.text
    asked = CUES["define"].search(text) or _ABOUT_TERM.search(text)
    if asked and not question.masked.quotes and not re.search(r"\d", text):
        reply = define_reply(text)
        if reply:
            return Plan(reply=reply, intent="define", confidence=1.0)
    return None


def route(
    clauses: list[Clause],
    question: Question,
    state: DialogueState,
    ranked: list[tuple[str, float]],
    reread: Reread,
    kind: str,
) -> Plan | list[Clause]:
    """A finished plan (reply, question back, follow-up calls), or the clauses to build."""
    redone = _redo(clauses, state, reread)
    if redone is not None:
        return redone
    again = edit_again(state, question.masked.question)
    if again is not None:  # "what about setting it to 100 instead?" after a what-if
        return Plan(calls=again, intent="repeat", confidence=min(c.prob for c in clauses))
    if len(clauses) > 1:
        cat = catalogue()
        edits = cat.natural("edits")
        out = []
        for c in clauses:
            if (c.intent in cat.inputs or c.features.edits) and c.changes and not cat.takes(c.intent,
                                                                                  "edits"):
                c = reread(c, edits)
            elif (c.intent == cat.lister and not c.criteria_like and c.slots.ids is None
                  and re.search(r"\b(?:words?|tokens?)\b", c.text, re.I)):
                c = reread(c, cat.explainer)  # "... then show me the words behind it"
            out.append(c)
        return out
    return _single(clauses[0], question, state, ranked, reread, kind)


def _redo(clauses: list[Clause], state: DialogueState, reread: Reread) -> Plan | None:
    """"Redo that with the unemployed added", "also include those under 21 and run it again":
    the last turn's calls on the subset the question states (None when it states none)."""
    if not state.last_calls or not any(_REDO.search(c.text) for c in clauses) or any(
            c.input for c in clauses):
        return None
    for c in clauses:
        again = reread(c, "repeat")
        if again.criteria:
            calls = repeat(state, again, state.focus)
            if calls:
                return Plan(calls=calls, intent="repeat", confidence=min(x.prob for x in clauses))
    return None


def _next_tool(ranked: list[tuple[str, float]]) -> str | None:
    """The classifier's best tool after its first choice."""
    names = catalogue().names
    return next((i for i, _ in ranked[1:] if i in names), None)


def _single(
    c: Clause,
    question: Question,
    state: DialogueState,
    ranked: list[tuple[str, float]],
    reread: Reread,
    kind: str,
) -> Plan | list[Clause]:
    cat = catalogue()
    if _ACTION.search(question.masked.question):  # "assign case 3 to Maria", "order me a pizza"
        return clarify(out_of_scope_text(), c)
    if _GREETING_ONLY.match(question.masked.question) and not has_slots(c):
        reply = greeting_reply(question.masked.raw)
        if reply:
            return Plan(reply=reply, intent="greeting", confidence=c.prob)
    if c.intent == "next_page" and (c.input or c.slots.bare_numbers):  # "next one: 4001"
        c = reread(c, "repeat" if state.last_calls else cat.predictor)
    _token_of_answer(c, state, kind)
    first = c.intent
    c = retarget(c, reread, state, ranked)
    _token_of_answer(c, state, kind)  # again, if the clause was read anew
    intent, conf = c.intent, c.prob
    settled = intent != first or c.settled  # the slots chose the tool: no longer unsure
    c.settled = settled
    held = more_fixed(state, c)
    if held:  # "and without changing the loan amount?" after a counterfactual
        return Plan(calls=held, intent="repeat", confidence=conf)
    fragment = has_slots(c) and not c.content
    if (
        fragment
        and not state.last_calls
        and set(c.input) == {"id"}
        and not extra_slots(c)
        and conf < CLAUSE_CONF
    ):  # a bare "review 14": show its prediction
        return [reread(c, cat.predictor)]
    if fragment and state.last_calls:
        calls = repeat(state, c, state.focus)
        if calls:
            return Plan(calls=calls, intent="repeat", confidence=conf)
    if state.subset is not None and re.fullmatch(
        r"\W*(?:and\s+|so\s+)?how many(?: (?:are there|of them|of those|is that|in (?:it|there|total)"
        r"|then))?\W*", c.text, re.I
    ):
        return Plan(calls=[ToolCall(tool=cat.describer, args={})], intent="repeat",
                    confidence=conf)  # "how many?" of the subset in use: its size
    if intent == "greeting":
        if conf < 0.5:
            return clarify("I am not sure what you mean. " + help_text(), c)
        reply = greeting_reply(question.masked.raw)
        if reply is None:  # no greeting words after all
            return clarify("I am not sure what you mean. " + help_text(), c)
        return Plan(reply=reply, intent=intent, confidence=conf)
    defining = CUES["define"].search(c.text) or _ABOUT_TERM.search(c.text)
    if intent == "define" and state.last_calls and (_POINTING.search(c.text) or not defining):
        nxt = _next_tool(ranked)
        if nxt:  # "how does that compare with IG?" is about the last answer, not a definition
            c = reread(c, nxt)
            intent = nxt
    if (intent == "define" and c.slots.methods and not CUES["define"].search(c.text)
            and not _ABOUT_TERM.search(c.text) and _WITH_METHOD.search(c.text)):
        # "ok and using lime?": a method for something earlier, not a definition
        if state.last_calls:
            calls = repeat(state, c, state.focus)
            if calls:
                return Plan(calls=calls, intent="repeat", confidence=conf)
        return clarify("What should I explain with it? Give an id (e.g. \"{item} {id}\") or "
                       "quote a text.", c)
    if intent == "define":
        reply = define_reply(question.text)
        if reply:
            return Plan(reply=reply, intent=intent, confidence=conf)
        return clarify(_DEFINABLE, c)
    if intent == "reset" and c.criteria_like and not STRONG["reset"].search(c.text):
        c, intent = reread(c, cat.selector), cat.selector  # "which ones does it call fresh"
        return [c]
    if intent == "reset":
        reset = ToolCall(tool=cat.selector, args={"reset": True})
        return Plan(calls=[reset], intent=intent, confidence=conf)
    if intent == "complement":
        calls = complement(state)
        if calls is None:
            return clarify(
                "The others compared to what? First select some {items}, e.g. "
                '"{items} labelled {label}".',
                c,
            )
        return Plan(calls=calls, intent=intent, confidence=conf)
    if intent == "next_page":
        return Plan(calls=next_page(state), intent=intent, confidence=conf)
    if intent == "repeat" and state.last_calls:
        calls = repeat(state, c, state.focus)
        if calls:
            return Plan(calls=calls, intent="repeat", confidence=conf)
        nxt = _next_tool(ranked)
        if nxt:
            c = reread(c, nxt)
            intent = nxt
    if intent == "review_text" and kind == "tabular":  # a table model takes no pasted text
        c = reread(c, cat.selector if c.criteria_like else cat.predictor)
        intent = c.intent
    if intent in ("review_text", "out_of_scope"):
        asks = _ASKING.search(question.masked.question) is not None  # a question is no review
        pasted = intent == "review_text" and (kind == "causal_lm" or (conf >= MIN_CONF and not asks))
        if pasted or (kind == "causal_lm" and not asks):
            text = ToolCall(tool=cat.predictor, args={"text": question.masked.raw.strip()})
            return Plan(calls=[text], intent=intent, confidence=conf)
        return clarify(out_of_scope_text(), c)
    if intent == "repeat":
        if not c.input:
            return clarify("What should I do it for? " + help_text(), c)
        c = reread(c, cat.explainer if c.slots.methods else cat.predictor)
    if conf < MIN_CONF and not c.input and not settled:
        if c.criteria_like and cat.selector in cat.names:  # unsure of the tool, sure of the items
            return [reread(c, cat.selector)]
        return clarify("I am not sure what you would like to know. " + help_text(), c)
    return [c]
