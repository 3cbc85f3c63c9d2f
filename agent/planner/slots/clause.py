"""From one clause and its intent to tool calls in canonical form (see evals/parse/README.md).

Only what the user said becomes an argument (no defaults), so two planners can be compared by
exact match; the input (`id` or `text`) comes from the clause, from another clause of the same
question, or from the dialogue's focus.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from ..base import Plan
from ..catalogue import catalogue
from ..read.clauses import CHANGES, SUPPOSING
from ..read.masking import LETTER, Masked, words
from .clause_slots import FeatureSlots, Slots
from .criteria import COUNT, LABEL_GROUP, SHOW_VERBS, Criteria, read_criteria
from .edits import read_edits
from .feature_words import HYPOTHETICAL, PEOPLE, SOMEONE
from .reader import SlotReader
from .split_length import read_length, read_split

ANAPHORA = re.compile(
    r"\b(?:it|its|that|this|them|those|these|there|the same|that one|this one)\b", re.I
)
_SPAN_CUE = re.compile(
    r"\b(?:say|said|answer(?:ed)?|repl(?:y|ied)|output(?:ted)?|generat\w*"
    r"|wr[io]te|led to|lead to|leads to|drove|drives|drive"
    r"|predict(?:ed)?|come up with|choose|chose|pick(?:ed)?)\s*$",
    re.I,
)
# with a second quote for the prompt, these introduce the answer too ("why 'Berlin' for '...'")
_TOKEN_CUE = re.compile(r"\b(?:why|token|track|follow|complet\w*|does|rationale for|justify)"
                        r"\s*(?:the\s+)?$", re.I)
_CONDITION_CUE = re.compile(r"\b(?:mention\w*|contain\w*|includ\w*|with the (?:word|phrase|term)"
                            r"|using the (?:word|phrase|term))\s*$", re.I)
_WITH = re.compile(r"\b(?:with|w/)\b", re.I)
_GROUP = re.compile(rf"\b(?:all|every\w*|ones|{PEOPLE}|rows|items|cases|someone|somebody|anyone"
                    r"|anybody|(?:a|any)\s+(?:person|patient|applicant|customer|defendant|individual"
                    r"|borrower|client)\s+(?:with|who|whose|aged|over|under|older|younger)"
                    r"|[a-z]+s\s+(?:with|who|that|whose))\b", re.I)
_SOMEONE_WITH = re.compile(r"\b(?:an?|some)\s+(?:\d+[\s-]years?[\s-]old|[a-z]+)\s+(?:\w+\s+)?with\b",
                           re.I)
_DESCRIBED = re.compile(rf"\W*{SUPPOSING}\s+(?:{SOMEONE}|{PEOPLE}|they)\b", re.I)
_SIMILAR_TO = re.compile(r"\bsimilar\s+to\s+(«[A-Z]»)", re.I)


@dataclass
class Clause:
    """One clause read for one intent."""

    text: str
    intent: str
    prob: float
    slots: Slots
    criteria: Criteria = field(default_factory=Criteria)
    split: str | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    new_text: str | None = None
    input: dict[str, Any] = field(default_factory=dict)
    span: str | None = None
    similar_to: str | None = None
    show_verb: bool = False
    count_q: bool = False
    anaphora: bool = False
    content: list[str] = field(default_factory=list)
    criteria_like: bool = False  # subset conditions present (read for any intent)
    settled: bool = False  # the slots, not the classifier, chose the intent
    answer_quote: bool = False  # a causal LM request quoting (part of) the answer
    quoted_condition: bool = False  # its quoted input follows "mentioning", "with the word" ...
    features: FeatureSlots = field(default_factory=FeatureSlots)  # a table model's features
    table: bool = False  # read for a table model (whose rows every one-row tool may take)

    @property
    def changes(self) -> bool:
        """Whether the clause asks for a change of its input: word edits, a new text, or
        feature edits of a table row."""
        return bool(self.edits or self.new_text or self.features.edits)


FILLER = set(
    """and what about how with using use via by for the a an on in of instead now then try same
again do it that this please pls only just top words word tokens token give me layer head
class label one ones reviews review set split data whats what's mode changing change at
most up to max more fewer examples example items item number than over under long longer
short shorter thing question k so mentioning mentioning mention mentions containing
contain contains ok okay well also let's lets but data point id # time though redo rerun
re-run could would can you should maybe follow track according which""".split()
)


def _a_statistic(text: str, feature_names: str) -> bool:
    """"Mean number of support calls", "the number of pregnancies on average": a feature's
    statistic, not a count of rows."""
    named = re.search(rf"\bnumber\s+of\s+(?:{feature_names})(?![\w-])", text, re.I)
    return named is not None or re.search(
        r"\b(?:mean|average|avg|median|typical|max(?:imum)?|min(?:imum)?|range)\b", text,
        re.I) is not None


def read_clause(
    reader: SlotReader, masked: Masked, clause: str, intent: str, prob: float, kind: str,
    after_edit: bool = False,
) -> Clause:
    """All slots of one clause, read in an order that lets each span be used once; right after
    a what-if or a question about one row (`after_edit`), feature values are read as edits
    ("and her age 50 as well?", "and with a credit score of 720?") unless a group is named."""
    cat = catalogue()
    on_data = cat.scope.get(intent) == "dataset" or intent in ("repeat", "complement")
    s = reader.read(clause)
    c = Clause(text=clause, intent=intent, prob=prob, slots=s)
    c.table = reader.features is not None
    if reader.features is not None:  # a table's features, before numbers are read as ids
        supposes = (cat.takes(intent, "edits") or HYPOTHETICAL.search(clause) is not None
                    or (after_edit and not _GROUP.search(clause))
                    or (intent in cat.inputs and _WITH.search(clause) is not None
                        and not _GROUP.search(clause)
                        and not _SOMEONE_WITH.search(clause)))  # "patient 2 with 0 pregnancies"
        # (not "a 45 year old with bmi 32": someone described, no row changed)
        head = re.split(r",|\s-\s|\?|\b(?:what|how|would|will|which|does|do)\b", clause)[0]
        if _DESCRIBED.match(clause) and not CHANGES.search(head):
            supposes = False  # "if an applicant earns 80k and has no guarantor, how likely ...":
            # who is asked about, no change to anyone
        s.work, c.features = reader.features.read(s.work, hypothetical=supposes)
    quotes = masked.quotes
    used: set[int] = set()
    if (intent in cat.inputs or intent == "repeat") and reader.features is None:
        c.edits, c.new_text, used = read_edits(s, quotes)  # word edits: texts, not table rows
    length: dict[str, Any] = {}
    if on_data:
        read_length(s, length)
    c.split = read_split(s)
    reader.numbers(s, sample=cat.takes(intent, "sample_size"))
    reader.find_labels(s, quotes)
    used |= set(s.label_quotes)
    reader.label_roles(s)
    c.anaphora = ANAPHORA.search(s.work) is not None
    c.show_verb = SHOW_VERBS.search(s.work) is not None
    c.count_q = COUNT.search(s.work) is not None and not (
        reader.features is not None and _a_statistic(clause, reader.features.names.pattern))
    if on_data:
        m = _SIMILAR_TO.search(s.work)
        if m and intent == cat.selector:
            qi = ord(m.group(1)[1]) - 65
            c.similar_to, used = quotes[qi], used | {qi}
        c.criteria = read_criteria(
            s,
            quotes,
            loose=intent in cat.subset_tools or intent == "repeat",
            correct_needs_noun=intent != cat.selector,
            # a dataset tool taking a label reads one as its own argument, not as a condition
            labels_are_args=intent in cat.dataset and cat.takes(intent, "label"),
            clause=clause,
            all_labels=reader.labels,
        )
        c.criteria.positive.update(length)
        if reader.features is not None:  # a table's rows hold no text to mention a bare word
            quoted = {q.lower() for q in quotes}
            for crit in (c.criteria.positive, c.criteria.negative):
                if crit.get("contains") and crit["contains"] not in quoted:
                    crit.pop("contains")
        if c.features.where():
            c.criteria.positive["where"] = c.features.where()
        if intent in cat.mistake_listers and c.criteria.positive.get("correct") is False:
            c.criteria.positive.pop("correct", None)  # "wrong" is what it lists, not a condition
        for crit in (c.criteria.positive, c.criteria.negative):
            if crit.get("contains"):
                for i, q in enumerate(quotes):
                    if q.lower() == crit["contains"]:
                        used.add(i)
        c.criteria_like = bool(c.criteria or c.split)
    else:
        probe = copy.deepcopy(s)
        if c.features.where():  # "what do you predict for people over 50?": rows, not one
            c.criteria.positive["where"] = c.features.where()
        probed = read_criteria(probe, quotes, loose=False, correct_needs_noun=True,
                               labels_are_args=False, clause=clause)
        c.criteria_like = bool(c.features.where() or c.split or probed)
        if reader.features is not None:
            _group_label(c, s)
    # the input: an id, or a quoted / colon text not used above
    free = [int(ord(m.group(1)) - 65) for m in LETTER.finditer(s.work)]
    free = [i for i in free if i < len(quotes) and i not in used]
    if masked.colon_index is not None and masked.colon_index in free:
        free.remove(masked.colon_index)
        free.insert(0, masked.colon_index)
    takes_token = cat.takes(intent, "span") or intent == "repeat" or (
        kind == "causal_lm" and cat.takes(intent, "label"))
    if kind == "causal_lm":
        c.answer_quote = _answer_quote(s.work, free) is not None
    if kind == "causal_lm" and takes_token:
        token = _answer_quote(s.work, free)
        if token is not None:
            if cat.takes(intent, "span") or intent == "repeat":
                c.span = quotes[token]
            else:  # "follow 'Paris' through the layers of '...'": the token to track
                s.label = quotes[token]
            free.remove(token)
            m = re.search(rf"«{chr(65 + token)}»\s*,?\s*(?:and not|but not|not|rather than|instead of"
                          r"|over|vs\.?|versus)\s+«([A-Z])»", s.work)
            if m and ord(m.group(1)) - 65 in free and cat.takes(intent, "contrast"):
                s.contrast = quotes[ord(m.group(1)) - 65]  # "why 'Paris' and not 'London'?"
                free.remove(ord(m.group(1)) - 65)
    if s.id is not None:
        c.input = {"id": s.id}
    elif free:
        c.input = {"text": quotes[free[0]]}
        at = re.search(rf"«{chr(65 + free[0])}»", s.work)
        c.quoted_condition = at is not None and _CONDITION_CUE.search(s.work[: at.start()]) is not None
    elif s.bare_numbers and reader.id_names is None and (
            cat.takes(intent, "id") or intent in ("repeat", "review_text")):
        c.input = {"id": s.bare_numbers[0]}
    label_words = {w for lm in s.labels for w in words(s.work[lm.start : lm.end])}
    values = set()
    for crit in (c.criteria.positive, c.criteria.negative):
        if isinstance(crit.get("contains"), str):
            values |= set(words(crit["contains"]))
    show_filler = {"show"} if s.id is None and s.ids is None and not re.fullmatch(
        r"\s*(?:show|display|print|open)(?: me)?\s+#?\d+\W*", clause, re.I) else set()
    c.content = [
        w
        for w in words(LETTER.sub(" ", s.work))
        if w not in FILLER
        and w not in label_words
        and w not in values
        and w not in show_filler
        and not w.isdigit()
    ]
    return c


_PROMPT_CUE = re.compile(r"\b(?:for|given|to|in|of|on|from|prompt|with|after)\s*(?:the\s+prompt\s*)?$",
                         re.I)


def _answer_quote(work: str, free: list[int]) -> int | None:
    """Of a causal LM request's quotes, the one that is (part of) the answer: after "say",
    "led to", "why" ...; with two quotes, the one that is not introduced as the prompt ("which
    words in 'The capital of Italy is' led to 'Rome'", "what led to 'Ottawa' for '...'")."""
    marks = [(ord(m.group(1)) - 65, m.start()) for m in LETTER.finditer(work)]
    marks = [(qi, at) for qi, at in marks if qi in free]
    for qi, at in marks:
        if _SPAN_CUE.search(work[:at]):
            return qi
    if len(marks) >= 2:
        for qi, at in marks:
            if _TOKEN_CUE.search(work[:at]):
                return qi
        prompts = [qi for qi, at in marks if _PROMPT_CUE.search(work[:at])]
        if prompts:
            return next(qi for qi, _ in marks if qi != prompts[-1])
    return None


def has_slots(c: Clause) -> bool:
    return bool(c.slots.has_any() or c.criteria or c.split or c.changes or c.span
                or c.features.fixed or c.features.mentioned)


def clarify(text: str, c: Clause) -> Plan:
    """A question back about clause `c`."""
    return Plan(clarify=text, intent=c.intent, confidence=c.prob)


def _group_label(c: Clause, s: Slots) -> None:
    """A one-row tool asked of a table's rows that a label names ("what if the patients with
    diabetes had lower glucose?", "what would it take for the ones you predict diabetic to get
    no diabetes?"): that label is a condition on the rows; another label named is the tool's."""
    for lm in s.labels:
        m = LABEL_GROUP.search(s.work[: lm.start].rstrip() + " ")
        if m is None:
            continue
        key = "predicted" if re.search(r"predict|label|classif|call", m.group(0), re.I) else "label"
        c.criteria.positive.setdefault(key, lm.label)
        other = next((x.label for x in s.labels if x.label != lm.label), None)
        if s.label in (None, lm.label):
            s.label = other
        return
